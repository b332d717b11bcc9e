//! Baselines: `--write-baseline FILE` records today's findings, `--baseline FILE` reports only
//! the ones not recorded.
//!
//! A finding is keyed by the file's path below its PATH argument, the record number, the rule,
//! the element path and the value — not by line or column, so that reformatting a file or
//! adding a comment does not bring old findings back. Keys are counted (a multiset): a second
//! identical finding in the same record is new. The meta rules (M) and the rules that say a
//! file was not checked are never recorded: a cut, an unreadable file or an internal error is
//! not something to accept.

use crate::finding::Finding;
use crate::lang::Lang;
use crate::tr;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
struct Key {
    file: String,
    record: u32,
    rule: String,
    path: String,
    value: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: Key,
    count: u32,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    schema_version: u32,
    tool: String,
    /// Written with `--redact`: its values are redacted, so it only matches redacted runs.
    redacted: bool,
    findings: Vec<Entry>,
}

fn key(rel: &str, f: &Finding) -> Key {
    Key {
        file: rel.to_owned(),
        record: f.record,
        rule: f.rule.id.to_owned(),
        path: f.path.clone(),
        value: f.value.clone(),
    }
}

/// A cut (M001) is not something to accept, and neither is a file or form that was not checked
/// (`rules::ALWAYS_ON`: an unreadable file, a parse that stopped, an internal error): a baseline
/// holding one would hide every new problem in that file.
fn recordable(f: &Finding) -> bool {
    !f.rule.id.starts_with('M') && !f.rule.always_on()
}

/// The findings a baseline accepts, counted.
#[derive(Debug)]
pub struct Baseline {
    counts: HashMap<Key, u32>,
}

impl Baseline {
    pub fn load(path: &Path, redact: bool, lang: Lang) -> Result<Baseline, String> {
        let shown = path.display();
        let text = crate::input::load::read_side_text(path).map_err(|e| {
            let e = e.describe(lang);
            tr!(lang, "ベースライン {shown} を読めません: {e}", "cannot read the baseline {shown}: {e}")
        })?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| tr!(lang, "ベースライン {shown} が正しくありません: {e}", "invalid baseline {shown}: {e}"))?;
        if file.schema_version != SCHEMA_VERSION {
            let v = file.schema_version;
            return Err(tr!(
                lang,
                "ベースライン {shown} の schema_version {v} は読めません ({SCHEMA_VERSION} のみ)。--write-baseline で作り直してください",
                "baseline {shown} has schema_version {v}; this rinken reads {SCHEMA_VERSION}; write it again with --write-baseline"
            ));
        }
        if file.redacted != redact {
            return Err(if file.redacted {
                tr!(lang, "ベースライン {shown} は --redact で作られています。--redact を付けて実行するか、作り直してください", "baseline {shown} was written with --redact; run with --redact too, or write it again")
            } else {
                tr!(lang, "ベースライン {shown} は --redact なしで作られています。--redact なしで実行するか、--redact を付けて作り直してください", "baseline {shown} was written without --redact; run without it, or write it again with --redact")
            });
        }
        let mut counts = HashMap::new();
        for e in file.findings {
            *counts.entry(e.key).or_insert(0) += e.count;
        }
        Ok(Baseline { counts })
    }

    /// Removes the findings the baseline accepts from one file's findings; returns how many.
    pub fn absorb(&mut self, rel: &str, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| {
            if !recordable(f) {
                return true;
            }
            match self.counts.get_mut(&key(rel, f)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - findings.len()
    }
}

/// Collects a run's findings for `--write-baseline`.
#[derive(Debug, Default)]
pub struct Recorder {
    counts: BTreeMap<Key, u32>,
}

impl Recorder {
    pub fn record(&mut self, rel: &str, findings: &[Finding]) {
        for f in findings.iter().filter(|f| recordable(f)) {
            *self.counts.entry(key(rel, f)).or_insert(0) += 1;
        }
    }

    /// The baseline document: entries sorted, so that the same findings give the same bytes.
    pub fn to_json(&self, redacted: bool) -> String {
        let findings = self.counts.iter().map(|(k, &count)| Entry { key: k.clone(), count }).collect();
        let file = BaselineFile {
            schema_version: SCHEMA_VERSION,
            tool: format!("rinken {}", env!("CARGO_PKG_VERSION")),
            redacted,
            findings,
        };
        let mut s = serde_json::to_string_pretty(&file).expect("JSON of strings and numbers");
        s.push('\n');
        s
    }

    /// Writes the baseline whole or not at all: to a temporary file beside it, then renamed.
    pub fn write(&self, path: &Path, redacted: bool) -> std::io::Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp-{}", std::process::id()));
        let tmp = std::path::PathBuf::from(tmp);
        std::fs::write(&tmp, self.to_json(redacted))?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::rules::find;

    fn f(rule: &str, line: u32, value: &str) -> Finding {
        Finding::new(find(rule).unwrap(), Severity::E, 1, "Patient/Sex", (line, 3), value, format!("line {line}"))
    }

    fn round_trip(rec: &Recorder) -> Baseline {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        rec.write(&path, false).unwrap();
        Baseline::load(&path, false, Lang::En).unwrap()
    }

    #[test]
    fn moved_findings_stay_known_and_a_second_copy_is_new() {
        let mut rec = Recorder::default();
        rec.record("a/x.xml", &[f("L007", 10, "9"), f("M001", 0, "")]);
        let mut b = round_trip(&rec);
        let mut today = vec![f("L007", 14, "9"), f("L007", 20, "9"), f("L007", 21, "8"), f("M001", 0, "")];
        assert_eq!(b.absorb("a/x.xml", &mut today), 1);
        let left: Vec<(u32, &str)> = today.iter().map(|f| (f.line, f.rule.id)).collect();
        assert_eq!(left, [(20, "L007"), (21, "L007"), (0, "M001")]);
        let mut other = vec![f("L007", 10, "9")];
        assert_eq!(b.absorb("b/x.xml", &mut other), 0, "keyed by file");
    }

    #[test]
    fn findings_that_say_a_file_was_not_checked_are_never_accepted() {
        let mut rec = Recorder::default();
        rec.record("a/x.xml", &[f("F006", 3, "<a"), f("F001", 0, ""), f("F009", 0, "x.xml")]);
        let mut b = round_trip(&rec);
        let mut today = vec![f("F006", 3, "<a"), f("F001", 0, ""), f("F009", 0, "x.xml")];
        assert_eq!(b.absorb("a/x.xml", &mut today), 1);
        assert_eq!(today.iter().map(|f| f.rule.id).collect::<Vec<_>>(), ["F006", "F001"]);
    }

    #[test]
    fn redaction_must_match_and_schema_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        Recorder::default().write(&path, true).unwrap();
        assert!(Baseline::load(&path, false, Lang::En).unwrap_err().contains("--redact"));
        assert!(Baseline::load(&path, true, Lang::En).is_ok());
        std::fs::write(&path, r#"{"schema_version":2,"tool":"x","redacted":false,"findings":[]}"#).unwrap();
        assert!(Baseline::load(&path, false, Lang::En).unwrap_err().contains("schema_version 2"));
        let text = Recorder::default().to_json(false);
        assert!(text.starts_with("{\n  \"schema_version\": 1,"), "{text}");
    }
}
