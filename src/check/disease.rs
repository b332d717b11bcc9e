//! C — disease code tables: is the disease key in the table in force on WrittenDate, was it
//! designated yet, and does the name belong to the key.

use super::view::View;
use super::Sink;
use crate::finding::{Rule, Severity::*};
use crate::lang::Text;
use crate::tables::diseases::{key_text, Entry, Program, Revision};
use crate::tables::Field;
use crate::text::date::Date;
use crate::text::normalize::normalize_name;
use crate::tr;

pub static C001: Rule = Rule {
    id: "C001",
    severity: E,
    summary: Text {
        ja: "疾病のキー (臨個票: 告示番号、意見書: 疾患群 + 告示番号) が記載日に有効な表にない",
        en: "the disease key (臨個票: 告示番号; 意見書: 疾患群 + 告示番号) is not in the table in force on WrittenDate",
    },
    why: Text {
        ja: "存在しない告示番号の様式は登録できません。病名から正しい番号が分かるときは、メッセージが示します。",
        en: "A form naming a 告示番号 that does not exist cannot be registered. When the name identifies the disease, the message gives its key.",
    },
    bad: "<KokujiNo>349</KokujiNo> (臨個票)",
    good: "<KokujiNo>6</KokujiNo>",
};

pub static C002: Rule = Rule {
    id: "C002",
    severity: E,
    summary: Text {
        ja: "記載日にはまだ指定されていない疾病 (臨個票: 告示番号が後から指定、意見書: 2025-04-01 追加の疾病で記載日がそれより前)",
        en: "the disease was not yet designated on WrittenDate (臨個票: 告示番号 designated later; 意見書: a 2025-04-01 addition written earlier)",
    },
    why: Text {
        ja: "指定前の疾病では申請できません。記載年月日か疾病の誤りです。",
        en: "No application is possible before designation: either WrittenDate or the disease is wrong.",
    },
    bad: "<KokujiNo>345</KokujiNo> with <WrittenDate>2024-10-01</WrittenDate>",
    good: "<KokujiNo>345</KokujiNo> with <WrittenDate>2025-04-01</WrittenDate> or later",
};

/// C002's examples in Japanese (see `Rule::examples`).
pub const C002_EXAMPLES_JA: (&str, &str) = (
    "<KokujiNo>345</KokujiNo> で <WrittenDate>2024-10-01</WrittenDate>",
    "<KokujiNo>345</KokujiNo> で <WrittenDate>2025-04-01</WrittenDate> 以降",
);

pub static C003: Rule = Rule {
    id: "C003",
    severity: E,
    summary: Text {
        ja: "病名が記載日に有効な表のキーの病名と一致しない (病名が別のキーのものなら、そのキーを示す)",
        en: "the name does not match the key in the table in force; if the name belongs to another key, the message says which",
    },
    why: Text {
        ja: "2025-04-01 の改正で疾患群 6、11、12、13、14 の告示番号が繰り下がりました。更新されていないマスタが旧番号を送るのがよくある誤りです (例: 髄膜脳瘤は 11-41、11-38 ではない)。",
        en: "The 2025-04-01 revision renumbered groups 6, 11, 12, 13 and 14; an unupdated master sending old numbers is the common mistake (髄膜脳瘤 is 11-41, not 11-38).",
    },
    bad: "<Group>11</Group><KokujiNo>38</KokujiNo><Name>髄膜脳瘤</Name> (2025-06-10)",
    good: "<Group>11</Group><KokujiNo>41</KokujiNo><Name>髄膜脳瘤</Name>",
};

pub static C004: Rule = Rule {
    id: "C004",
    severity: W,
    summary: Text {
        ja: "名称変更された疾病の旧名称 (メッセージが新名称を示す)",
        en: "the old name of a renamed disease, on or after the rename; the message gives the new name",
    },
    why: Text {
        ja: "キーは正しいので受け付けられますが、新しい名称で書くべきです。",
        en: "The key is right so the form is accepted, but the new name should be used.",
    },
    bad: "<Name>先天性大脳白質形成不全症</Name> (11-4, 2025-04-01 以降)",
    good: "<Name>先天性大脳白質形成不全病</Name>",
};

/// When `norm` is the name the previous revision gave to this key (`Some`), the entry of the
/// table in force whose name is the same but for its numbers, if exactly one (`Some(Some)`):
/// a 包括 name cites the numbers a renumbering moves.
fn renumbered_reference<'p>(
    program: &'p Program,
    ri: usize,
    group: u16,
    no: u16,
    norm: &str,
) -> Option<Option<&'p Entry>> {
    let before = program.revisions.get(ri.checked_sub(1)?)?.get(group, no)?;
    if before.norm != norm {
        return None;
    }
    let skeleton = |s: &str| s.chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
    let target = skeleton(norm);
    let mut same = program.revisions[ri].entries.iter().filter(|e| e.group == group && skeleton(&e.norm) == target);
    Some(match (same.next(), same.next()) {
        (Some(e), None) => Some(e),
        _ => None,
    })
}

/// Whether `later`, an entry of a revision after `rev`, is a disease `rev` already has: under
/// its own name, or under the name it had before a rename that gave it its key.
fn already_designated(program: &Program, rev: &Revision, later: &Entry) -> bool {
    rev.by_name(&later.norm).next().is_some()
        || program
            .renames
            .iter()
            .any(|r| (r.group, r.no_after) == (later.group, later.no) && rev.by_name(&r.old_norm).next().is_some())
}

/// A disease newly designated by a revision later than the one in force, under this name.
fn later_addition<'p>(program: &'p Program, from: usize, norm: &str) -> Option<(Date, &'p Entry)> {
    program.revisions[from + 1..].iter().find_map(|rev| rev.by_name(norm).find(|e| e.added).map(|e| (rev.start, e)))
}

pub fn check(sink: &mut Sink<'_>, view: &View<'_>) {
    let Some(written) = view.date(Field::WrittenDate) else { return };
    let Some(no) = view.number(Field::DiseaseNo) else { return };
    let group = match view.node_of(Field::DiseaseGroup) {
        Some(_) => match view.number(Field::DiseaseGroup) {
            Some(g) => g,
            None => return,
        },
        None => 0,
    };
    let Some(program) = sink.ctx.tables.diseases.program(&view.kind.program) else { return };
    let (ri, rev) = program.in_force(written);
    let lang = sink.lang();
    let name = view.get(Field::DiseaseName);
    let entry = rev.get(group, no);
    // The usual case, the table's own spelling, needs no normalisation (nor a key for messages).
    if let (Some(e), Some(n)) = (entry, name) {
        if e.name == n && e.valid_from.is_none_or(|d| d <= written) {
            return;
        }
    }
    let key = key_text(group, no);
    let norm = name.map(normalize_name);
    let (record, start) = (view.record(), rev.start);
    let no_path = view.path(Field::DiseaseNo);
    let no_at = view.offset(Field::DiseaseNo);

    // C002 on the key: the disease `e` was designated on `from`, after the WrittenDate.
    let not_yet = |sink: &mut Sink<'_>, e: &Entry, from: Date| {
        let n = &e.name;
        let msg = tr!(lang, "告示番号 {key} ({n}) は {from} に指定された疾病で、記載年月日 {written} にはまだ指定されていません。記載年月日か告示番号を確認してください", "{key} ({n}) was designated on {from}, after the WrittenDate {written}; check the date or the disease key");
        sink.emit(&C002, record, no_path, no_at, &key, msg);
    };
    if let Some(e) = entry {
        if let Some(from) = e.valid_from.filter(|&d| d > written) {
            not_yet(sink, e, from);
            return;
        }
    }
    let name_matches = |e: &Entry| norm.as_deref() == Some(e.norm.as_str());
    if let (Some(name), Some(norm)) = (name, norm.as_deref()) {
        if !entry.is_some_and(name_matches) && rev.by_name(norm).next().is_none() {
            if let Some((from, added)) = later_addition(program, ri, norm) {
                let k2 = added.key_text();
                let msg = tr!(lang, "{name} は {from} に追加された疾病 ({k2}) で、記載年月日 {written} にはまだ対象ではありません。記載年月日か疾病を確認してください", "{name} was added on {from} (as {k2}); on the WrittenDate {written} it was not yet designated; check the date or the disease");
                let path = view.path(Field::DiseaseName);
                sink.emit(&C002, record, path, view.offset(Field::DiseaseName), name, msg);
                return;
            }
        }
    }
    let Some(entry) = entry else {
        // A key that a later revision brings (the next 指定難病 table, one file with its start
        // date) is a disease not designated yet, not an unknown one. Unless that disease is in
        // the table in force under another number (or name): then the later revision only
        // renumbered it, the disease was designated, and the key is simply not in force yet.
        let later = program.revisions[ri + 1..]
            .iter()
            .find_map(|r| r.get(group, no).map(|e| (r.start, e)))
            .filter(|(_, e)| !already_designated(program, rev, e));
        if let Some((from, e)) = later {
            not_yet(sink, e, e.valid_from.unwrap_or(from).max(from));
            return;
        }
        let hint = norm.as_deref().and_then(|n| rev.by_name(n).next()).map(|e| {
            let k2 = e.key_text();
            tr!(lang, "病名 {} は {k2} です。", "the name {} is {k2}. ", e.name)
        });
        let hint = hint.unwrap_or_default();
        let msg = tr!(
            lang,
            "疾病 {key} は {start} から有効な疾病表にありません。{hint}疾病表 (告示) の番号を確認してください",
            "disease {key} is not in the table in force from {start}. {hint}Check the number against the 告示 table"
        );
        sink.emit(&C001, record, no_path, no_at, &key, msg);
        return;
    };
    let (Some(name), Some(norm)) = (name, norm.as_deref()) else { return };
    if name_matches(entry) {
        return;
    }
    let name_path = view.path(Field::DiseaseName);
    let name_at = view.offset(Field::DiseaseName);
    let current = &entry.name;
    let rename = program.renames.iter().find(|r| r.old_norm == norm && written >= r.effective_from);
    if let Some(r) = rename.filter(|r| (r.group, r.no_after) == (group, no)) {
        let (new, from) = (&r.new_name, r.effective_from);
        let msg = tr!(
            lang,
            "{name} は {from} に「{new}」へ名称が変わりました。新しい名称で書いてください",
            "{name} was renamed \"{new}\" on {from}; use the new name"
        );
        sink.emit(&C004, record, name_path, name_at, name, msg);
        return;
    }
    let msg = if let Some(other) = rev.by_name(norm).next() {
        let k2 = other.key_text();
        let renumbered = ri > 0 && program.revisions[ri - 1].get(group, no).is_some_and(name_matches);
        if renumbered {
            tr!(lang, "告示番号が {start} の改正前のままかもしれません: {name} は {k2} で、{key} ではありません ({key} は現在「{current}」)。{k2} と書いてください", "the 告示番号 may predate the {start} renumbering: {name} is {k2}, not {key} ({key} is now \"{current}\"); write {k2}")
        } else {
            tr!(
                lang,
                "病名 {name} は {k2} の疾病で、{key} は「{current}」です。疾病のキーか病名を確認してください",
                "{name} is disease {k2}; {key} is \"{current}\"; check the key or the name"
            )
        }
    } else if let Some(r) = rename {
        let (new, k2) = (&r.new_name, key_text(r.group, r.no_after));
        tr!(
            lang,
            "{name} は「{new}」に名称が変わり、{k2} です ({key} は「{current}」)。{k2} と新しい名称で書いてください",
            "{name} was renamed \"{new}\" and is {k2} ({key} is \"{current}\"); write {k2} with the new name"
        )
    } else if let Some(after) = renumbered_reference(program, ri, group, no, norm) {
        // A 包括 name ("45から51に掲げるもののほか、…") changes with the numbers it cites.
        match after {
            Some(e) => {
                let (k2, new) = (e.key_text(), &e.name);
                tr!(lang, "告示番号と病名が {start} の改正前のままかもしれません: {name} は改正前の {key} の病名で、改正後は {k2}「{new}」です。{k2} と新しい病名で書いてください", "the key and name may predate the {start} renumbering: {name} is the former name of {key}, which is now {k2} \"{new}\"; write {k2} with the new name")
            }
            None => tr!(lang, "病名 {name} は {start} の改正前の {key} の病名です。改正後の {key} は「{current}」です。告示番号と病名を改正後の表で確認してください", "{name} is the name {key} had before the {start} revision; {key} is now \"{current}\"; check the key and name against the current table"),
        }
    } else {
        tr!(
            lang,
            "病名「{name}」は {key} の病名「{current}」と一致しません",
            "the name \"{name}\" does not match {key}, which is \"{current}\""
        )
    };
    sink.emit(&C003, record, name_path, name_at, name, msg);
}
