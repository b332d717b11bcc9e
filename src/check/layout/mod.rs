//! The layout engine: L001–L012 for any layout the tables describe, with no per-element code.
//!
//! It works in passes over the record view: structure (elements outside the form version,
//! repetitions), values (each present element against its type), then presence (required and
//! absent conditions, evaluated on the values found valid). An element reported in one pass is
//! not used by the next, and a missing or misplaced block is reported once, for the block.

pub mod items;
pub mod rules;
pub mod values;

pub use rules::*;

use super::view::{self, State, View, NONE};
use super::Sink;
use crate::check::file::F012;
use crate::check::redact;
use crate::parse::locate::Locate;
use crate::parse::{Elem, Record, NAMESPACE};
use crate::tables::layout::{Layout, NodeId, Row};
use crate::tables::types::Type;
use crate::tr;
use values::TypeCtx;

/// Checks the layout of one record. Returns the view the domain rules work on, or `None` when
/// the record cannot be checked further (unknown form version).
pub fn check<'r, 'c: 'r>(sink: &mut Sink<'c>, rec: &'r Record, loc: &dyn Locate) -> Option<View<'r>> {
    let tables = sink.ctx.tables;
    let kind = tables.kind(rec.kind);
    let layout = &kind.layout;
    let lang = sink.lang();
    let Some(version) = rec.version_index else {
        let root = &kind.root;
        let known = kind.version_list();
        let (value, msg) = match rec.version_str() {
            None => ("", tr!(lang, "<{root}> に formVersion 属性がありません。様式の版 ({known}) を書いてください。この様式はこれ以上検査しません", "<{root}> has no formVersion attribute; give the form version ({known}); this form is not checked further")),
            Some(v) => (v, tr!(lang, "formVersion=\"{v}\" は {root} の既知の版ではありません。使える版: {known}。この様式はこれ以上検査しません", "formVersion=\"{v}\" is not a known version of {root}; known versions: {known}; this form is not checked further")),
        };
        sink.emit(&F012, rec.number, crate::check::dates::FORM_VERSION_PATH, Some(rec.offset), value, msg);
        return None;
    };
    let n = layout.nodes.len();
    let mut view = View::new(rec, kind, version, n);
    let (blocked, filled) = structure(sink, &mut view, layout, loc);
    let mut deferred = Vec::new();
    for e in &rec.elems {
        if e.repeated || blocked[e.node as usize] {
            continue;
        }
        let row = layout.row_for(version, e.node).expect("unblocked elements have rows");
        if matches!(&row.ty, Type::Int(r) | Type::Decimal(r) if r.0.iter().any(|r| r.when.is_some())) {
            deferred.push((e, row));
            continue;
        }
        check_value(sink, &mut view, e, row, &filled);
    }
    for (e, row) in deferred {
        check_value(sink, &mut view, e, row, &filled);
    }
    presence(sink, &view, layout, &blocked);
    unknown_elements(sink, &view, layout, &blocked);
    view::recycle_flags(blocked);
    view::recycle_flags(filled);
    Some(view)
}

/// Elements the version does not have (L012) and repetitions (L004). Returns, per node,
/// whether it was reported so that its contents are skipped, and [`with_children`]'s flags.
/// The same pass indexes each node's first element in the view: one walk over the elements
/// instead of three.
fn structure(sink: &mut Sink<'_>, view: &mut View<'_>, layout: &Layout, loc: &dyn Locate) -> (Vec<bool>, Vec<bool>) {
    let lang = sink.lang();
    let rec = view.rec;
    let mut blocked = view::node_flags(layout.nodes.len());
    let mut filled = view::node_flags(layout.nodes.len());
    for (i, e) in rec.elems.iter().enumerate() {
        // Before the checks below: an L004 names the line of the node's first element.
        if view.first[e.node as usize] == NONE {
            view.first[e.node as usize] = i as u32;
        }
        let node = layout.node(e.node);
        filled[node.parent as usize] = true;
        if node.parent != 0 && blocked[node.parent as usize] {
            blocked[e.node as usize] = true;
            continue;
        }
        match layout.row_for(view.version, e.node) {
            None => {
                if !e.repeated {
                    let version = view.version_code();
                    let label = layout.any_row(e.node).map_or(&*node.name, |r| lang.pick(&r.name_ja, &r.label_en));
                    let in_versions: Vec<&str> = view
                        .kind
                        .versions
                        .iter()
                        .enumerate()
                        .filter(|(v, _)| layout.row_for(*v, e.node).is_some())
                        .map(|(_, v)| v.code.as_str())
                        .collect();
                    let in_versions = in_versions.join(", ");
                    let msg = tr!(lang, "{label} ({path}) は様式 {version} にはない項目です (様式 {in_versions} の項目)。取り除くか formVersion を確認してください", "{label} ({path}) is not part of form version {version} (it belongs to {in_versions}); remove it or check formVersion", path = node.path);
                    sink.emit(&L012, rec.number, &node.path, Some(e.offset), rec.value(e), msg);
                }
                blocked[e.node as usize] = true;
            }
            Some(row) if e.repeated && !row.repeat => {
                let label = lang.pick(&row.name_ja, &row.label_en);
                let name = &node.name;
                let first = view.elem(e.node).map(|f| loc.locate(f.offset).0).unwrap_or(0);
                let msg = tr!(
                    lang,
                    "{label} <{name}> が 2 回以上あります ({first} 行目が最初)。1 つだけにしてください",
                    "{label} <{name}> occurs more than once (first on line {first}); keep only one"
                );
                sink.emit(&L004, rec.number, &node.path, Some(e.offset), rec.value(e), msg);
            }
            Some(_) => {}
        }
    }
    with_children(rec, layout, &mut filled);
    (blocked, filled)
}

/// Per node, whether the record has an element (known, unknown or an item) directly inside it,
/// given `filled` with the parents of known elements marked ([`structure`] does that).
/// Only the first of repeated groups is read, so this is about that one.
fn with_children(rec: &Record, layout: &Layout, filled: &mut [bool]) {
    for parent in rec.unknown.iter().map(|u| u.parent).chain(rec.unknown_more.iter().map(|m| m.0)) {
        filled[parent as usize] = true;
    }
    if let (Some(item), false) = (layout.item_node, rec.items.is_empty()) {
        filled[layout.node(item).parent as usize] = true;
    }
}

/// Checks the value of element `e`, whose row in the record's version is `row`.
fn check_value<'r>(sink: &mut Sink<'_>, view: &mut View<'r>, e: &'r Elem, row: &Row, filled: &[bool]) {
    let rec = view.rec;
    // A block with nothing inside is empty like a leaf with no text: `<Clinical/>` is one
    // finding for the block, and `<Attachment/>` where it must be absent is no finding at all.
    let state = if row.ty.is_group() {
        if filled[e.node as usize] {
            State::Valid
        } else {
            State::Empty
        }
    } else {
        let value = rec.value(e);
        // Set when the value is longer than the record keeps: `check` has the real length to tell.
        let full_chars = rec.full_chars(e.value);
        if value.is_empty() {
            State::Empty
        } else if full_chars.is_none() && values::plainly_valid(&row.ty, value, &sink.ctx.tables.codes) {
            State::Valid
        } else {
            value_findings(sink, view, e, row, value, full_chars)
        }
    };
    view.state[e.node as usize] = state;
}

/// The full check of a value that is not plainly valid, with its findings: kept out of
/// [`check_value`] so that the frequent case does not pay for this one's frame.
#[inline(never)]
fn value_findings(
    sink: &mut Sink<'_>,
    view: &View<'_>,
    e: &Elem,
    row: &Row,
    value: &str,
    full_chars: Option<usize>,
) -> State {
    let rec = view.rec;
    let lang = sink.lang();
    let label = lang.pick(&row.name_ja, &row.label_en);
    let private = sink.ctx.redact && redact::is_patient_node(&view.kind.layout, e.node);
    let cx = TypeCtx { lang, codes: &sink.ctx.tables.codes, env: view, private, full_chars };
    let out = values::check(&row.ty, value, label, &cx);
    let path = &view.kind.layout.node(e.node).path;
    if let Some(w) = out.warning {
        sink.emit(w.rule, rec.number, path, Some(e.offset), value, w.message);
    }
    match out.error {
        Some(p) => {
            sink.emit(p.rule, rec.number, path, Some(e.offset), value, p.message);
            State::Invalid
        }
        None => State::Valid,
    }
}

/// Required (L001, L002) and absent (L012) conditions.
fn presence(sink: &mut Sink<'_>, view: &View<'_>, layout: &Layout, blocked: &[bool]) {
    let lang = sink.lang();
    let rec = view.rec;
    for node in 1..layout.nodes.len() as NodeId {
        let Some(row) = layout.row_for(view.version, node) else { continue };
        let n = layout.node(node);
        if blocked[node as usize] || (n.parent != 0 && matches!(view.state(n.parent), State::Absent | State::Empty)) {
            continue;
        }
        let label = lang.pick(&row.name_ja, &row.label_en);
        let name = &n.name;
        match view.state(node) {
            State::Absent | State::Empty => {
                let Some(req) = row.required.as_ref().filter(|c| c.holds(view)) else { continue };
                let because = if req.source == "always" {
                    String::new()
                } else {
                    tr!(lang, " ({req} のため必須)", " (required because {req})")
                };
                if view.state(node) == State::Empty {
                    let e = view.elem(node).expect("empty elements are present");
                    let msg = if row.ty.is_group() {
                        // What it must hold, as far as conditions outside the block tell.
                        let needed: Vec<&str> = n
                            .children
                            .iter()
                            .filter(|&&c| {
                                layout
                                    .row_for(view.version, c)
                                    .is_some_and(|r| r.required.as_ref().is_some_and(|q| q.holds(view)))
                            })
                            .map(|&c| &*layout.node(c).name)
                            .collect();
                        let needed = needed.join(", ");
                        if needed.is_empty() {
                            tr!(
                                lang,
                                "ブロック {label} <{name}> が空です{because}。中の要素を書いてください",
                                "the block {label} <{name}> is empty{because}; fill in its elements"
                            )
                        } else {
                            tr!(
                                lang,
                                "ブロック {label} <{name}> が空です{because}。<{name}> の中に必須の要素 ({needed}) を書いてください",
                                "the block {label} <{name}> is empty{because}; add its required elements ({needed}) inside <{name}>"
                            )
                        }
                    } else {
                        tr!(
                            lang,
                            "{label} <{name}> が空です{because}。値を書いてください",
                            "{label} <{name}> is empty{because}; give it a value"
                        )
                    };
                    sink.emit(&L002, rec.number, &n.path, Some(e.offset), "", msg);
                } else {
                    let parent = layout.node(n.parent);
                    let (offset, within) = if n.parent == 0 {
                        (rec.offset, view.kind.root.clone())
                    } else {
                        (view.elem(n.parent).map_or(rec.offset, |e| e.offset), parent.path.to_string())
                    };
                    let what = if row.ty.is_group() {
                        lang.pick("ブロック", "block")
                    } else {
                        lang.pick("要素", "element")
                    };
                    let msg = tr!(lang, "必須の{what} {label} <{name}> がありません{because}。<{within}> の中に <{name}> を書いてください", "the required {what} {label} <{name}> is missing{because}; add <{name}> inside <{within}>");
                    sink.emit(&L001, rec.number, &n.path, Some(offset), "", msg);
                }
            }
            State::Valid => {
                let Some(absent) = row.absent.as_ref().filter(|c| c.holds(view)) else { continue };
                let e = view.elem(node).expect("valid elements are present");
                let msg = tr!(
                    lang,
                    "{absent} のときは {label} <{name}> を書きません。取り除くか、条件の項目を確認してください",
                    "{label} <{name}> must be absent when {absent}; remove it or check the element the condition names"
                );
                let value = if row.ty.is_group() { "" } else { rec.value(e) };
                sink.emit(&L012, rec.number, &n.path, Some(e.offset), value, msg);
            }
            State::Invalid => {}
        }
    }
}

/// The known name closest to `name`, when close enough to be a misspelling.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let len = lower.chars().count();
    let limit = |c: &str| (c.chars().count() / 4).max(1);
    // The distance is at least the difference in length, so names too long or too short to be
    // within the limit are never compared: the comparison takes time and memory proportional to
    // the product of the lengths, and an element name can be megabytes long.
    candidates
        .filter(|c| len.abs_diff(c.to_lowercase().chars().count()) <= limit(c))
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= limit(c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn unknown_elements(sink: &mut Sink<'_>, view: &View<'_>, layout: &Layout, blocked: &[bool]) {
    let lang = sink.lang();
    let rec = view.rec;
    let in_version = |id: NodeId| layout.row_for(view.version, id).is_some();
    for u in &rec.unknown {
        if blocked[u.parent as usize] || !sink.room(&L003) {
            continue;
        }
        let name = rec.str(u.name);
        let parent = layout.node(u.parent);
        let within = if u.parent == 0 { view.kind.root.as_str() } else { &parent.path };
        let path = if u.parent == 0 { name.to_owned() } else { format!("{}/{name}", parent.path) };
        let siblings = || parent.children.iter().copied().filter(|&c| in_version(c));
        let elsewhere =
            (1..layout.nodes.len() as NodeId).filter(|&c| in_version(c)).find(|&c| *layout.node(c).name == *name);
        let local = name.rsplit_once(':').map_or(name, |(_, l)| l);
        let foreign = u.namespace.filter(|_| siblings().any(|c| *layout.node(c).name == *local));
        let msg = if let Some(ns) = foreign {
            // The right name in the wrong namespace: renaming it would change nothing.
            let (ns, ours) = (rec.str(ns), NAMESPACE);
            if ns.is_empty() {
                tr!(lang, "<{name}> が名前空間に属していません。様式の名前空間 {ours} に置いてください (xmlns=\"\" などで外れていないか確認してください)", "<{name}> is in no namespace; it must be in the format's namespace {ours} (check for xmlns=\"\" or a missing declaration)")
            } else {
                tr!(lang, "<{name}> が名前空間 {ns} にあります。様式の名前空間 {ours} に置いてください (xmlns の宣言を確認してください)", "<{name}> is in the namespace {ns}; it must be in the format's namespace {ours} (check its xmlns declaration)")
            }
        } else if let Some(near) = closest(name, siblings().map(|c| &*layout.node(c).name)) {
            let label = layout
                .child(u.parent, near.as_bytes())
                .and_then(|c| layout.row_for(view.version, c))
                .map_or("", |r| lang.pick(&r.name_ja, &r.label_en));
            tr!(
                lang,
                "未知の要素 <{name}> です。<{near}> ({label}) の誤りではありませんか",
                "unknown element <{name}>; did you mean <{near}> ({label})?"
            )
        } else if let Some(other) = elsewhere {
            let home = &layout.node(layout.node(other).parent).path;
            let home = if home.is_empty() { view.kind.root.as_str() } else { home };
            tr!(
                lang,
                "<{name}> は <{within}> ではなく <{home}> の中に置く要素です",
                "<{name}> belongs inside <{home}>, not <{within}>"
            )
        } else if u.parent != 0 && parent.children.is_empty() {
            tr!(
                lang,
                "<{within}> は値を書く要素で、中に要素は置けません。<{name}> を取り除いてください",
                "<{within}> holds a value, not elements; remove <{name}>"
            )
        } else {
            let allowed: Vec<&str> = siblings().map(|c| &*layout.node(c).name).take(12).collect();
            let allowed = allowed.join(", ");
            tr!(lang, "未知の要素 <{name}> です。レイアウトにない要素は取り込まれません (<{within}> に置ける要素: {allowed})", "unknown element <{name}>; elements outside the layout are not imported (<{within}> may hold: {allowed})")
        };
        sink.emit(&L003, rec.number, &path, Some(u.offset), name, msg);
    }
    for &(parent, n) in &rec.unknown_more {
        if !blocked[parent as usize] {
            sink.count_only(&L003, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_names_only() {
        let names = ["DiagnosisDate", "WrittenDate", "ApplicationType"];
        assert_eq!(closest("DiagnosisData", names.iter().copied()), Some("DiagnosisDate"));
        assert_eq!(closest("writtendate", names.iter().copied()), Some("WrittenDate"));
        assert_eq!(closest("Fax", names.iter().copied()), None);
        // A name far longer than any candidate is never compared (it would cost len × len).
        assert_eq!(closest(&"DiagnosisDate".repeat(100_000), names.iter().copied()), None);
    }
}
