//! rinken.toml and rule selection: the command line over the file over the defaults, upward
//! discovery, per-rule severities, per-path ignores.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const D006: &str = "samples/invalid/D006-old-form-expired/S261020215820260501000001.xml";

fn sample(rel: &str) -> String {
    root().join(rel).to_str().unwrap().to_owned()
}

fn summary_row(out: &Path) -> std::collections::BTreeMap<String, String> {
    let rows = read_csv(&out.join("summary.csv"));
    assert_eq!(rows.len(), 1);
    rows.into_iter().next().unwrap()
}

#[test]
fn severity_override_makes_the_d006_sample_a_warning_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = rinken(&["check", &sample(D006), "--as-of", "2026-11-21", "-q", "--no-config"], tmp.path());
    assert_eq!(run.code, 1, "by default D006 is an error");
    std::fs::write(tmp.path().join("rinken.toml"), "as-of = 2026-11-21\n\n[severity]\nD006 = \"warning\"\n").unwrap();
    let run = rinken(&["check", &sample(D006), "-q"], tmp.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tmp.path().join("rinken-report");
    let row = summary_row(&out);
    assert_eq!((row["status"].as_str(), row["errors"].as_str(), row["warnings"].as_str()), ("warning", "0", "1"));
    let f = all_findings(&out);
    assert_eq!((f[0]["rule"].as_str(), f[0]["severity"].as_str()), ("D006", "W"));

    std::fs::write(tmp.path().join("rinken.toml"), "as-of = 2026-11-21\n[severity]\nD = \"off\"\n").unwrap();
    let run = rinken(&["check", &sample(D006), "-q"], tmp.path());
    assert_eq!(run.code, 0);
    assert_eq!(summary_row(&out)["status"], "ok", "a prefix switches a family off");
}

#[test]
fn cli_over_file_over_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["check", D006];
        all.extend_from_slice(args);
        rinken(&all, &root())
    };
    // Defaults: Japanese, text on stdout.
    let out = tmp.path().join("d");
    let d = run(&["--no-config", "-q", "--out", out.to_str().unwrap(), "--as-of", "2026-11-21"]);
    assert_eq!(d.code, 1);
    assert!(d.stdout.contains("D006") && d.stdout.contains("様式"), "{}", d.stdout);

    let config = tmp.path().join("team.toml");
    let file_out = tmp.path().join("from-file");
    std::fs::write(
        &config,
        "out = \"from-file\"\nas-of = 2026-11-21\nlang = \"en\"\nformat = \"jsonl\"\nexit-zero = true\nquiet = true\n\
         csv-encoding = \"utf8\"\n",
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let f = run(&["--config", c]);
    assert_eq!(f.code, 0, "exit-zero from the file: {}", f.stderr);
    assert_eq!(f.stderr, "", "quiet from the file");
    let line: serde_json::Value = serde_json::from_str(f.stdout.lines().next().unwrap()).unwrap();
    assert!(line["message"].as_str().unwrap().contains("could be used until"), "English from the file");
    let bytes = std::fs::read(file_out.join("summary.csv")).unwrap();
    assert!(bytes.starts_with(b"file,"), "utf8 without BOM, and out relative to the file's folder");

    let cli_out = tmp.path().join("from-cli");
    let o = run(&["--config", c, "--lang", "ja", "--format", "json", "--out", cli_out.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let message = doc["files"][0]["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("記載年月日"), "the command line wins: {message}");
    assert!(cli_out.join("summary.csv").exists());

    let early = run(&["--config", c, "--as-of", "2026-03-01"]);
    assert!(
        early.stdout.contains("\"D002\"") && early.stdout.contains("(2026-03-01)"),
        "--as-of from the command line wins"
    );
}

#[test]
fn config_is_found_upward_and_paths_are_relative_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("project");
    let deep = top.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    let doctors = sample("samples/doctors.csv");
    std::fs::copy(&doctors, top.join("roster.csv")).unwrap();
    std::fs::write(
        top.join("rinken.toml"),
        "out = \"reports\"\ndoctors = \"roster.csv\"\nas-of = \"2026-11-21\"\nlang = \"en\"\nselect = [\"P\"]\n",
    )
    .unwrap();
    let p001 = sample("samples/invalid/P001-doctor-not-in-roster/S261020215820250724000001.xml");
    let run = rinken(&["check", &p001, "--no-progress"], &deep);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("checked 1 files"), "{}", run.stderr);
    let rows = all_findings(&top.join("reports"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["rule"], "P001", "the roster named in the file was read, relative to it");
    let run = rinken(&["check", &p001, "-q", "--no-config", "--out", "x", "--as-of", "2026-11-21"], &deep);
    assert_eq!(run.code, 0, "--no-config: no roster, so no P001");
    assert!(all_findings(&deep.join("x")).is_empty());
}

#[test]
fn per_path_ignores_drop_rules_where_the_glob_matches() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["in/old", "in/new"] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        std::fs::copy(root().join(D006), tmp.path().join(dir).join("S261020215820260501000001.xml")).unwrap();
    }
    std::fs::write(
        tmp.path().join("rinken.toml"),
        "as-of = 2026-11-21\nquiet = true\n[per-path-ignores]\n\"old/**\" = [\"D006\"]\n\"in/*/S*.xml\" = [\"B002\"]\n",
    )
    .unwrap();
    let run = rinken(&["check", "in"], tmp.path());
    assert_eq!(run.code, 1);
    let rows = read_csv(&tmp.path().join("rinken-report/summary.csv"));
    let status: Vec<(&str, &str)> = rows.iter().map(|r| (r["file"].as_str(), r["status"].as_str())).collect();
    assert_eq!(
        status,
        [("in/new/S261020215820260501000001.xml", "error"), ("in/old/S261020215820260501000001.xml", "ok")]
    );
}

#[test]
fn select_and_ignore_on_the_command_line() {
    let (run, tmp) = check_samples(&["-q", "--select", "L,F00", "--ignore", "L003,F005,F002"]);
    assert_eq!(run.code, 1);
    let rules: std::collections::BTreeSet<String> =
        all_findings(&tmp.path().join("report")).into_iter().map(|r| r["rule"].clone()).collect();
    assert!(rules.iter().all(|r| r.starts_with('L') || r.starts_with("F0")), "{rules:?}");
    assert!(rules.contains("L007") && rules.contains("F006"));
    assert!(!rules.contains("L003") && !rules.contains("F005") && !rules.contains("F010"));
    assert!(rules.contains("F002") && rules.contains("F012"), "they say a file was not checked: {rules:?}");
    let bad = rinken(&["check", "samples", "--select", "L,Q1", "--no-config"], &root());
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("Q1"), "{}", bad.stderr);
}

#[test]
fn a_malformed_config_is_exit_2_naming_the_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("rinken.toml");
    std::fs::write(&config, "lang = \"en\"\n[severity]\nD006 = \"sometimes\"\n").unwrap();
    let run = rinken(&["check", &sample(D006), "--out", "o"], tmp.path());
    assert_eq!(run.code, 2);
    let shown = PathBuf::from(tmp.path()).join("rinken.toml");
    assert!(run.stderr.contains(&format!("{}:3:8", shown.display())), "{}", run.stderr);
    assert!(run.stderr.contains("sometimes"), "{}", run.stderr);
    assert!(!tmp.path().join("o").exists(), "nothing checked, nothing written");
    std::fs::write(&config, "treads = 2\n").unwrap();
    let run = rinken(&["check", &sample(D006), "--lang", "en"], tmp.path());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid configuration file") && run.stderr.contains("treads"), "{}", run.stderr);
    let run = rinken(&["check", &sample(D006), "--config", "missing.toml"], tmp.path());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}
