//! Baselines: today's findings recorded, only new ones reported, robust to moved lines.

mod common;
use common::*;
use std::path::Path;

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", "in", "--as-of", "2026-11-21", "--no-config", "--no-progress", "--out", "o"];
    args.extend_from_slice(extra);
    rinken(&args, dir)
}

/// A 臨個票 with one defect (Sex 9: L007) under `in/sub/`.
fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("in/sub").join(R_NAME);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, edit(R_VALID, "<Sex>2</Sex>", "<Sex>9</Sex>")).unwrap();
    (tmp, file)
}

#[test]
fn moved_lines_stay_known_and_a_new_defect_is_exactly_what_is_reported() {
    let (tmp, file) = setup();
    let dir = tmp.path();
    let run = check(dir, &["--write-baseline", "baseline.json", "-q"]);
    assert_eq!(run.code, 1, "writing a baseline still reports today's findings");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(written["schema_version"], 1);
    assert_eq!(written["findings"][0]["file"], format!("sub/{R_NAME}"), "keyed by the path below PATH");
    assert_eq!(written["findings"][0]["rule"], "L007");

    // Blank lines and a comment move every line down.
    let xml = std::fs::read_to_string(&file).unwrap();
    let moved = xml.replacen("<Header>", "<!-- resent -->\n\n\n  <Header>", 1);
    std::fs::write(&file, &moved).unwrap();
    let run = check(dir, &["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 件は報告していません"), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["files"][0]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["errors"], 0);
    let summary = read_csv(&dir.join("o/summary.csv"));
    assert_eq!(summary[0]["status"], "ok", "absorbed findings leave the counts too");
    assert!(all_findings(&dir.join("o")).is_empty());

    // A new defect: exactly it is reported.
    std::fs::write(&file, edit(&moved, "<FamilyHistory>1</FamilyHistory>", "<FamilyHistory>7</FamilyHistory>"))
        .unwrap();
    let run = check(dir, &["--baseline", "baseline.json", "-q", "--format", "jsonl"]);
    assert_eq!(run.code, 1);
    let lines: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert_eq!((lines[0]["rule"].as_str(), lines[0]["value"].as_str()), (Some("L007"), Some("7")));
    let rows = all_findings(&dir.join("o"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["path"], "Clinical/FamilyHistory");
}

#[test]
fn a_second_identical_finding_is_new() {
    let (tmp, file) = setup();
    let dir = tmp.path();
    let dup = "<Address>東京都武蔵野市境二丁目4番8号</Address>";
    let once = edit(&std::fs::read_to_string(&file).unwrap(), dup, &format!("{dup}\n    {dup}"));
    std::fs::write(&file, &once).unwrap();
    assert_eq!(check(dir, &["--write-baseline", "b.json", "-q"]).code, 1);
    let twice = once.replacen(dup, &format!("{dup}\n    {dup}"), 1);
    std::fs::write(&file, twice).unwrap();
    let run = check(dir, &["--baseline", "b.json", "-q"]);
    assert_eq!(run.code, 1);
    let rows = all_findings(&dir.join("o"));
    let rules: Vec<&str> = rows.iter().map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["L004"], "the baseline holds one L004 of this value; the second is new");
}

#[test]
fn a_bad_or_mismatched_baseline_is_the_runs_own_failure() {
    let (tmp, _) = setup();
    let dir = tmp.path();
    std::fs::write(dir.join("b.json"), "{not json").unwrap();
    let run = check(dir, &["--baseline", "b.json", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid baseline b.json"), "{}", run.stderr);
    assert_eq!(check(dir, &["--write-baseline", "b.json", "-q", "--redact"]).code, 1);
    let run = check(dir, &["--baseline", "b.json", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--redact"), "{}", run.stderr);
    assert_eq!(check(dir, &["--baseline", "b.json", "--redact", "-q"]).code, 0);
}
