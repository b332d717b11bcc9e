//! Disease-specific items (`Items/Item code="…" value="…"`) against the item table:
//! L013 (code not defined for the disease), L014 (value breaks the definition), plus L001,
//! L002 and L004 for items as for any element.

use super::rules::{L001, L002, L004, L013, L014};
use super::values::{self, TypeCtx};
use crate::check::view::{State, View};
use crate::check::Sink;
use crate::tables::Field;
use crate::tr;

/// The item-table key of the record's disease: `6`, or `7-1` where the layout has groups.
pub fn disease_key(view: &View<'_>) -> Option<String> {
    let no = view.number(Field::DiseaseNo)?;
    match view.node_of(Field::DiseaseGroup) {
        Some(_) => Some(format!("{}-{no}", view.number(Field::DiseaseGroup)?)),
        None => Some(no.to_string()),
    }
}

pub fn check(sink: &mut Sink<'_>, view: &View<'_>) {
    let layout = &view.kind.layout;
    let Some(item_node) = layout.item_node else { return };
    if layout.row_for(view.version, item_node).is_none() {
        return;
    }
    let Some(key) = disease_key(view) else { return };
    let tables = sink.ctx.tables;
    // Without a readable WrittenDate (its own finding), judge by today's definitions.
    let on = view.date(Field::WrittenDate).unwrap_or(sink.ctx.as_of);
    let defs = tables.items.in_force(view.kind_id, &key, on);
    if defs.is_empty() {
        return;
    }
    let lang = sink.lang();
    let rec = view.rec;
    let base = &layout.node(item_node).path;
    let mut seen: Vec<&str> = Vec::new();
    for item in &rec.items {
        let Some(code) = item.code.map(|c| rec.str(c)).filter(|c| !c.is_empty()) else {
            let msg = tr!(
                lang,
                "<Item> に code 属性がありません。疾病 {key} の項目コードを書いてください",
                "<Item> has no code attribute; give an item code of disease {key}"
            );
            sink.emit(&L014, rec.number, base, Some(item.offset), "", msg);
            continue;
        };
        let path = || format!("{base}[@code={code}]");
        let Some(def) = defs.iter().find(|d| d.code == code) else {
            let known: Vec<String> =
                defs.iter().map(|d| format!("{} ({})", d.code, lang.pick(&d.name_ja, &d.label_en))).collect();
            let known = known.join(", ");
            let msg = tr!(
                lang,
                "疾病 {key} の項目表に code=\"{code}\" はありません。定義されている項目: {known}",
                "the item table has no code=\"{code}\" for disease {key}; defined items: {known}"
            );
            sink.emit(&L013, rec.number, &path(), Some(item.offset), code, msg);
            continue;
        };
        let label = lang.pick(&def.name_ja, &def.label_en);
        if seen.contains(&code) {
            let msg = tr!(
                lang,
                "疾病別項目 {label} (code=\"{code}\") が 2 回以上あります。1 つだけにしてください",
                "item {label} (code=\"{code}\") occurs more than once; keep only one"
            );
            sink.emit(&L004, rec.number, &path(), Some(item.offset), code, msg);
            continue;
        }
        seen.push(code);
        let value = item.value.map_or("", |v| rec.str(v));
        if value.is_empty() {
            if def.required {
                let msg = tr!(
                    lang,
                    "必須の疾病別項目 {label} (code=\"{code}\") の value が空です。値を書いてください",
                    "the required item {label} (code=\"{code}\") has an empty value; give it one"
                );
                sink.emit(&L002, rec.number, &path(), Some(item.offset), "", msg);
            }
            continue;
        }
        // Items hold clinical values, not patient data.
        let full_chars = item.value.and_then(|v| rec.full_chars(v));
        let cx = TypeCtx { lang, codes: &tables.codes, env: view, private: false, full_chars };
        let out = values::check(&def.ty, value, label, &cx);
        if let Some(w) = out.warning {
            sink.emit(w.rule, rec.number, &path(), Some(item.offset), value, w.message);
        }
        if let Some(p) = out.error {
            let inner = p.message;
            let msg = tr!(
                lang,
                "疾病 {key} の項目の定義に合いません: {inner}",
                "breaks the item definition of disease {key}: {inner}"
            );
            sink.emit(&L014, rec.number, &path(), Some(item.offset), value, msg);
        }
    }
    let items_parent = layout.node(item_node).parent;
    let offset = view.elem(items_parent).map_or(rec.offset, |e| e.offset);
    let state = view.state(items_parent);
    if matches!(state, State::Absent | State::Empty) && items_parent != 0 && defs.iter().any(|d| d.required) {
        // The whole block is missing or empty: one finding for the block, naming what it must
        // hold (L001 or L002, as for any required element).
        let needed: Vec<&str> = defs.iter().filter(|d| d.required).map(|d| d.code.as_str()).collect();
        let needed = needed.join(", ");
        let name = &layout.node(items_parent).name;
        let path = &layout.node(items_parent).path;
        if state == State::Empty {
            let msg = tr!(
                lang,
                "<{name}> が空です。疾病 {key} の必須の疾病別項目 ({needed}) を書いてください",
                "<{name}> is empty; disease {key} requires the items {needed}"
            );
            sink.emit(&L002, rec.number, path, Some(offset), "", msg);
        } else {
            let msg = tr!(
                lang,
                "疾病 {key} の必須の疾病別項目 ({needed}) を含む <{name}> がありません",
                "<{name}> is missing; disease {key} requires the items {needed}"
            );
            sink.emit(&L001, rec.number, path, Some(offset), "", msg);
        }
        return;
    }
    for def in defs.iter().filter(|d| d.required && !seen.contains(&d.code.as_str())) {
        let (code, label) = (&def.code, lang.pick(&def.name_ja, &def.label_en));
        let msg = tr!(
            lang,
            "疾病 {key} の必須の疾病別項目 {label} がありません。<Item code=\"{code}\" value=\"…\"/> を書いてください",
            "the required item {label} of disease {key} is missing; add <Item code=\"{code}\" value=\"…\"/>"
        );
        sink.emit(&L001, rec.number, &format!("{base}[@code={code}]"), Some(offset), "", msg);
    }
}
