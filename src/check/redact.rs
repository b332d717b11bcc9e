//! `--redact`: patient values (names, kana, birth date, postal code, address, recipient number,
//! previous name) never leave rinken, for reports shared outside the hospital.
//!
//! It works at the source, once per record: the record's patient values are taken raw (valid or
//! not) and scrubbed from the value and the message of every finding of that record, so every
//! output — CSV, every stdout format, baselines — is redacted alike. Messages quote values in
//! other forms too (a wareki birth date is echoed as its Western date, a full-width postal code
//! as half-width), so those forms are scrubbed as well.

use crate::finding::{quote_value, Finding};
use crate::parse::Record;
use crate::tables::{Field, Tables};
use crate::text::date::Date;
use crate::text::wareki::{Wareki, WarekiError};
use unicode_normalization::UnicodeNormalization;

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

/// The forms in which a value can be quoted: as written, cut, half-width, and, for a date in
/// any spelling the date rules recognise, its Western and wareki forms.
fn variants(v: &str, out: &mut Vec<String>) {
    let half: String = v.nfkc().filter(|c| !c.is_whitespace()).collect();
    out.extend([v.to_owned(), quote_value(v), v.nfkc().collect(), half.clone()]);
    let parts: Vec<&str> = half.split(['/', '.', '-', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    let number = |s: &str| s.parse::<u16>().ok();
    let date = match parts.as_slice() {
        [y, m, d] => Date::new(number(y).unwrap_or(0), number(m).unwrap_or(0) as u8, number(d).unwrap_or(0) as u8),
        [c] if c.len() == 8 => Date::parse_compact(c),
        _ => None,
    }
    .or_else(|| match Wareki::parse(v)?.to_seireki() {
        Ok(d) | Err(WarekiError::OutsideEra { naive: d }) => Some(d),
        Err(WarekiError::NoSuchDay) => None,
    });
    if let Some(d) = date {
        out.push(d.to_string());
        out.extend(Wareki::from_date(d).map(|w| w.to_string()));
    }
}

impl PatientValues {
    /// Collects the patient values of `rec` (every occurrence of every patient field).
    pub fn of(tables: &Tables, rec: &Record) -> PatientValues {
        let layout = &tables.kind(rec.kind).layout;
        let mut pv = PatientValues::default();
        for f in Field::ALL.iter().copied().filter(|f| f.is_patient_data()) {
            let Some(node) = layout.field_node(f) else { continue };
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
    fn scrubs_values_and_the_forms_messages_quote() {
        let p = pv(&["平成22年5月1日", "１２３－４５６７", "山田"]);
        assert_eq!(
            p.scrub("生年月日「平成22年5月1日」は和暦です。西暦で 2010-05-01 と書いてください"),
            "生年月日「[REDACTED]」は和暦です。西暦で [REDACTED] と書いてください"
        );
        assert_eq!(p.scrub("write 123-4567"), "write [REDACTED]");
        assert_eq!(p.scrub("山田山田x"), "[REDACTED][REDACTED]x");
    }

    #[test]
    fn a_short_value_does_not_match_inside_a_marker() {
        let p = pv(&["RED", "ED"]);
        assert_eq!(p.scrub("RED and ED"), "[REDACTED] and [REDACTED]");
    }
}
