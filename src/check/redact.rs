//! `--redact`: patient values (names, kana, birth date, postal code, address, recipient number,
//! previous name) never leave rinken, for reports shared outside the hospital.
//!
//! It works at the source, once per record: the record's patient values are taken raw (valid or
//! not) and scrubbed from the value and the message of every finding of that record, so every
//! output — CSV, every stdout format, baselines — is redacted alike.
//!
//! The scrub only has to find values as written. A message about a patient element never
//! quotes its value in any form (the type checks are told, see [`is_patient_node`]), so the
//! corrected spellings those messages would suggest (a wareki date as Western, a full-width
//! postal code as digits) never exist to be missed. Other messages quote patient values only
//! once valid (a birth date in D001), and a valid value is quoted as written.

use crate::finding::{quote_value, Finding};
use crate::parse::Record;
use crate::tables::layout::{Layout, NodeId};
use crate::tables::{Field, Tables};

/// What replaces a patient value. The same in both languages, so that redacted reports and
/// baselines compare equal whatever `--lang`.
pub const MARKER: &str = "[REDACTED]";

/// The patient values of one record and the element paths that hold them.
#[derive(Debug, Default)]
pub struct PatientValues {
    /// Longest first, so that a value containing another is replaced whole.
    texts: Vec<String>,
    paths: Vec<String>,
}

/// The layout nodes that hold patient data.
fn patient_nodes(layout: &Layout) -> impl Iterator<Item = NodeId> + '_ {
    Field::ALL.iter().filter(|f| f.is_patient_data()).filter_map(|&f| layout.field_node(f))
}

/// Whether `node` holds patient data: under `--redact`, messages about it quote its value in
/// no form.
pub fn is_patient_node(layout: &Layout, node: NodeId) -> bool {
    patient_nodes(layout).any(|n| n == node)
}

/// The forms in which a value reaches a finding: as written, and as [`Sink`](super::Sink)
/// quotes any value (cut, controls replaced).
fn variants(v: &str, out: &mut Vec<String>) {
    out.extend([v.to_owned(), quote_value(v)]);
}

impl PatientValues {
    /// Collects the patient values of `rec` (every occurrence of every patient field).
    pub fn of(tables: &Tables, rec: &Record) -> PatientValues {
        let layout = &tables.kind(rec.kind).layout;
        let mut pv = PatientValues::default();
        for node in patient_nodes(layout) {
            pv.paths.push(layout.node(node).path.to_string());
            for e in rec.elems.iter().filter(|e| e.node == node) {
                let v = rec.value(e).trim();
                if !v.is_empty() {
                    variants(v, &mut pv.texts);
                }
            }
        }
        pv.texts.retain(|t| !t.trim().is_empty());
        pv.texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        pv.texts.dedup();
        pv
    }

    /// Replaces every patient value in `s` with [`MARKER`], in one pass so that a short value
    /// cannot match inside a marker already written.
    pub fn scrub(&self, s: &str) -> String {
        if self.texts.is_empty() {
            return s.to_owned();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            match self.texts.iter().find(|t| rest.starts_with(t.as_str())) {
                Some(t) => {
                    out.push_str(MARKER);
                    rest = &rest[t.len()..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }

    /// Redacts findings of the record: the value of a finding about a patient element is the
    /// marker whatever it holds; any other value and every message lose the patient values.
    pub fn apply(&self, findings: &mut [Finding]) {
        for f in findings {
            if !f.value.is_empty() && self.paths.contains(&f.path) {
                f.value = MARKER.to_owned();
            } else {
                f.value = self.scrub(&f.value);
            }
            f.message = self.scrub(&f.message);
        }
    }
}

/// Redacts a text quoted from the raw file that cannot be tied to an element (the excerpt of
/// F006/F007): it may hold anything, so it is replaced whole.
pub fn raw_excerpt(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| matches!(f.rule.id, "F006" | "F007") && !f.value.is_empty()) {
        f.value = MARKER.to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pv(values: &[&str]) -> PatientValues {
        let mut texts = Vec::new();
        for v in values {
            variants(v, &mut texts);
        }
        texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        texts.dedup();
        PatientValues { texts, paths: vec!["Patient/BirthDate".into()] }
    }

    #[test]
    fn scrubs_values_as_written_and_as_quoted() {
        let p = pv(&["1956-09-14", "山田\u{1}花子", "山田"]);
        assert_eq!(
            p.scrub("生年月日 1956-09-14 が 発症年月 1950-01 より後です"),
            "生年月日 [REDACTED] が 発症年月 1950-01 より後です"
        );
        assert_eq!(p.scrub("「山田\u{FFFD}花子」"), "「[REDACTED]」");
        assert_eq!(p.scrub("山田山田x"), "[REDACTED][REDACTED]x");
    }

    #[test]
    fn a_short_value_does_not_match_inside_a_marker() {
        let p = pv(&["RED", "ED"]);
        assert_eq!(p.scrub("RED and ED"), "[REDACTED] and [REDACTED]");
    }
}
