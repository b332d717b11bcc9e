//! What decides the exit status and how much a report shows: --exit-zero, --fail-on,
//! --max-findings; and the rule catalogue commands CI scripts read.

mod common;
use common::*;

const D007: &str = "samples/invalid/D007-diagnosis-too-old/S261410098620250910000001.xml";

fn check(args: &[&str], cwd: &std::path::Path) -> Run {
    let mut all = vec!["check", "--as-of", "2026-11-21", "--no-config", "-q"];
    all.extend_from_slice(args);
    rinken(&all, cwd)
}

#[test]
fn exit_zero_is_0_unless_the_run_itself_fails() {
    let (run, tmp) = check_samples(&["--exit-zero", "-q"]);
    assert_eq!(run.code, 0);
    let summary = read_csv(&tmp.path().join("report/summary.csv"));
    assert!(summary.iter().any(|r| r["status"] == "error"), "the findings are still reported");
    let not_a_dir = tmp.path().join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let out = not_a_dir.join("r");
    let run = check(&["samples/valid", "--exit-zero", "--out", out.to_str().unwrap()], &root());
    assert_eq!(run.code, 2, "a failed run is never hidden");
}

#[test]
fn fail_on_warning_fails_on_a_warning_only_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = out.to_str().unwrap();
    assert_eq!(check(&[D007, "--out", o], &root()).code, 0, "a warning does not fail by default");
    assert_eq!(check(&[D007, "--out", o, "--fail-on", "error"], &root()).code, 0);
    assert_eq!(check(&[D007, "--out", o, "--fail-on", "warning"], &root()).code, 1);
    assert_eq!(check(&[D007, "--out", o, "--fail-on", "warning", "--exit-zero"], &root()).code, 0);
    assert_eq!(check(&["samples/valid", "--out", o, "--fail-on", "warning"], &root()).code, 0);
}

#[test]
fn max_findings_cuts_the_reports_but_not_the_counts() {
    let tmp = tempfile::tempdir().unwrap();
    // Two errors (L007) around five warnings (L003, unknown elements), in line order.
    let unknown: String = (1..=5).map(|i| format!("    <Extra{i}>x</Extra{i}>\n")).collect();
    let xml = edit(R_VALID, "    <Sex>2</Sex>\n", &format!("    <Sex>9</Sex>\n{unknown}"));
    let xml = edit(&xml, "<FamilyHistory>1</FamilyHistory>", "<FamilyHistory>7</FamilyHistory>");
    std::fs::write(tmp.path().join(R_NAME), xml).unwrap();
    let run = check(&[R_NAME, "--out", "o", "--max-findings", "2", "--format", "jsonl", "--lang", "en"], tmp.path());
    assert_eq!(run.code, 1, "the cut error still fails the run");
    let rows = all_findings(&tmp.path().join("o"));
    let rules: Vec<&str> = rows.iter().map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["M001", "L007", "L003"]);
    assert!(rows[0]["message"].contains("1 more E and 4 more W"), "{}", rows[0]["message"]);
    let summary = read_csv(&tmp.path().join("o/summary.csv"));
    assert_eq!((summary[0]["errors"].as_str(), summary[0]["warnings"].as_str()), ("2", "5"), "every finding counted");
    assert_eq!(run.stdout.lines().count(), 3, "stdout shows what the CSV shows");
    let all = check(&[R_NAME, "--out", "o"], tmp.path());
    assert_eq!(all.code, 1);
    assert_eq!(all_findings(&tmp.path().join("o")).len(), 7);
}

#[test]
fn rules_json_and_table_come_from_the_catalogue() {
    let run = rinken(&["rules", "--format", "json", "--lang", "en"], &root());
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    for (v, r) in list.iter().zip(rinken::rules::ALL) {
        assert_eq!(v["id"], r.id);
        assert_eq!(v["severity"], r.severity.letter());
        assert_eq!((v["summary"].as_str(), v["why"].as_str()), (Some(r.summary.en), Some(r.why.en)));
        assert_eq!((v["bad"].as_str(), v["good"].as_str()), (Some(r.bad), Some(r.good)));
    }
    let table = rinken(&["rules"], &root()).stdout;
    let starts: std::collections::BTreeSet<usize> =
        table.lines().map(|l| l.char_indices().filter(|(_, c)| *c == ' ').nth(3).unwrap().0).collect();
    assert_eq!(starts.len(), 1, "summaries start in one column:\n{table}");
}

#[test]
fn no_selection_makes_a_file_that_was_not_checked_read_ok() {
    // Not well-formed, a DOCTYPE, empty: none of these files was checked, whatever rules run.
    let files = [
        "samples/invalid/F006-not-well-formed",
        "samples/invalid/F007-doctype-entity",
        "samples/invalid/F002-empty-file",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = out.to_str().unwrap();
    for selection in [&["--select", "L"][..], &["--ignore", "F,M"], &["--select", "D", "--ignore", "F006,F007,F002"]] {
        let mut args = vec!["--out", o];
        args.extend_from_slice(selection);
        args.extend_from_slice(&files);
        let run = check(&args, &root());
        assert_eq!(run.code, 1, "{selection:?}: {}", run.stderr);
        let rows = read_csv(&out.join("summary.csv"));
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r["status"] == "error"), "{selection:?}: {rows:?}");
        let mut rules: Vec<String> = all_findings(&out).into_iter().map(|r| r["rule"].clone()).collect();
        rules.sort();
        assert_eq!(rules, ["F002", "F006", "F007"], "{selection:?}");
    }
    let explained = rinken(&["rule", "F006"], &root()).stdout;
    assert!(explained.contains("--select・--ignore・設定ファイル・ベースラインでは外せません"), "{explained}");
    assert!(!rinken(&["rule", "F009"], &root()).stdout.contains("外せません"));
}
