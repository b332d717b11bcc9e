//! --redact: no patient value of any sample reaches any output, in any format.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The elements that hold patient data (`Field::is_patient_data`).
const PATIENT: &[&str] = &[
    "FamilyName",
    "GivenName",
    "FamilyNameKana",
    "GivenNameKana",
    "BirthDate",
    "PostalCode",
    "Address",
    "RecipientNo",
    "PreviousName",
];

fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

/// Every value of the named elements written in the samples, trimmed.
fn values_of(names: &[&str]) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    for e in walkdir::WalkDir::new(root().join("samples")) {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "xml") {
            continue;
        }
        let text = text_of(&std::fs::read(e.path()).unwrap());
        for name in names {
            let (open, close) = (format!("<{name}>"), format!("</{name}>"));
            let mut rest = text.as_str();
            while let Some(i) = rest.find(&open) {
                rest = &rest[i + open.len()..];
                let Some(j) = rest.find(&close) else { break };
                let v = rest[..j].trim();
                if !v.is_empty() {
                    values.insert(v.to_owned());
                }
            }
        }
    }
    values
}

/// Text rinken prints whatever the patients: the rule catalogue (SARIF carries it, and its
/// examples use names such as 髙橋) and the doctors' names (not patient data). Removed from the
/// outputs before looking for patient values, so that a patient who shares a name with an
/// example does not count as a leak.
fn noise() -> Vec<String> {
    let mut v: Vec<String> = values_of(&["DoctorName"]).into_iter().collect();
    for r in rinken::rules::ALL {
        v.extend([r.summary.ja, r.summary.en, r.why.ja, r.why.en, r.bad, r.good].map(str::to_owned));
    }
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

/// Everything a run wrote: stdout, stderr and every file under `dir`.
fn everything(run: &Run, dir: &Path) -> String {
    let mut all = format!("{}\n{}\n", run.stdout, run.stderr);
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            all.push_str(&text_of(&std::fs::read(e.path()).unwrap()));
        }
    }
    all
}

#[test]
fn redact_leaves_no_patient_value_in_any_output() {
    let values = values_of(PATIENT);
    let noise = noise();
    assert!(values.len() > 50, "{values:?}");
    let leaked = |redact: bool| -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for format in ["text", "json", "jsonl", "sarif", "junit", "github"] {
            for lang in ["ja", "en"] {
                let mut args = vec!["--format", format, "--lang", lang, "--write-baseline"];
                let tmp = tempfile::tempdir().unwrap();
                let baseline = tmp.path().join("report/baseline.json");
                std::fs::create_dir_all(baseline.parent().unwrap()).unwrap();
                args.push(baseline.to_str().unwrap());
                if redact {
                    args.push("--redact");
                }
                let (run, dir) = check_samples(&args);
                assert_eq!(run.code, 1, "{}", run.stderr);
                let mut all = everything(&run, dir.path());
                for n in &noise {
                    all = all.replace(n.as_str(), "");
                }
                found.extend(values.iter().filter(|v| all.contains(v.as_str())).cloned());
            }
        }
        found
    };
    let plain = leaked(false);
    assert!(plain.len() >= 5, "without --redact the reports do quote patient values: {plain:?}");
    let redacted = leaked(true);
    assert!(redacted.is_empty(), "patient values in redacted output: {redacted:?}");
}

#[test]
fn redacted_findings_keep_their_rule_position_and_marker() {
    let (run, tmp) = check_samples(&["--redact", "-q", "--format", "jsonl"]);
    assert_eq!(run.code, 1);
    let d001 = all_findings(&tmp.path().join("report")).into_iter().find(|r| r["rule"] == "D001").unwrap();
    assert!(d001["message"].contains("[REDACTED]"), "the birth date quoted in the message: {}", d001["message"]);
    assert_ne!(d001["line"], "0");
    let plain = check_samples(&["-q"]).1;
    let rows = all_findings(&plain.path().join("report"));
    assert_eq!(rows.len(), all_findings(&tmp.path().join("report")).len(), "redaction drops no finding");
}
