//! `schema/rinken.xsd` stays in step with the layout table, and accepts what rinken accepts.
//!
//! The validation tests need `xmllint` (Debian: libxml2-utils). Without it they print a note
//! and pass, so that `cargo test` passes on a fresh machine — unless RINKEN_REQUIRE_XMLLINT=1
//! (set by CI), which makes a missing xmllint a failure.

mod common;
use common::*;
use rinken::gen::{GenOptions, Generator};
use rinken::tables::Tables;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA: &str = "schema/rinken.xsd";

fn xmllint_available() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("RINKEN_REQUIRE_XMLLINT").as_deref() == Ok("1") {
            panic!("xmllint is required (RINKEN_REQUIRE_XMLLINT=1) but not installed: apt-get install libxml2-utils");
        }
        // Written past the test harness's capture, so that the skip is visible in every run.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "note: xmllint not found; schema validation not tested (install libxml2-utils, or set RINKEN_REQUIRE_XMLLINT=1 to make this a failure)"
        );
    }
    found
}

/// Runs xmllint over `files` with the committed schema: (success, combined output).
fn xmllint(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join(SCHEMA))
        .args(files)
        .output()
        .expect("run xmllint");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    v.sort();
    v
}

#[test]
fn committed_schema_is_generated_from_the_layout() {
    let tables = Tables::embedded().unwrap();
    let generated = rinken::xsd::generate(&tables);
    let committed = std::fs::read_to_string(root().join(SCHEMA)).unwrap();
    assert!(
        committed == generated,
        "{SCHEMA} is stale: regenerate it with `cargo run -- tables xsd > {SCHEMA}` after editing code-tables/"
    );
    let run = rinken(&["tables", "xsd"], &root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, generated, "`rinken tables xsd` prints the schema");
}

/// Findings that keep a file from being XML of the format at all, or that the schema
/// expresses: a sample without them must validate.
fn schema_relevant(rule: &str) -> bool {
    rule.starts_with('L') || matches!(rule, "F001" | "F002" | "F004" | "F006" | "F007" | "F008" | "F012")
}

#[test]
fn samples_without_layout_findings_validate() {
    if !xmllint_available() {
        return;
    }
    let h = Harness::new();
    let mut free = Vec::new();
    for path in xml_files(&root().join("samples")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if !h.rules_of(&name, &bytes).iter().any(|(_, rule)| schema_relevant(rule)) {
            free.push(path);
        }
    }
    assert!(free.len() >= 35, "most samples qualify: {}", free.len());
    let (ok, out) = xmllint(&free);
    assert!(ok, "{out}");
    assert_eq!(out.matches(" validates").count(), free.len(), "{out}");
}

#[test]
fn layout_mistakes_the_schema_can_express_fail_it() {
    if !xmllint_available() {
        return;
    }
    let dirs = [
        "L001-missing-sex",
        "L001-missing-container",
        "L002-empty-required",
        "L003-misspelt-element",
        "L003-unknown-element",
        "L004-duplicate-element",
        "L005-full-width-digits",
        "L006-int-out-of-range",
        "L006-text-too-long",
        "L007-code-not-in-list",
        "L008-impossible-date",
        "L009-wareki-date",
        "L010-half-width-kana",
        "F008-no-namespace",
        "F012-unknown-form-version",
    ];
    for d in dirs {
        let files = xml_files(&root().join("samples/invalid").join(d));
        assert_eq!(files.len(), 1, "{d}");
        let (ok, out) = xmllint(&files);
        assert!(!ok && out.contains("fails to validate"), "{d} should fail the schema: {out}");
    }
}

#[test]
fn generated_forms_validate() {
    if !xmllint_available() {
        return;
    }
    let tables = Tables::embedded().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for (seed, batch) in [(21, None), (22, Some(60))] {
        let mut g = Generator::new(&tables, GenOptions { count: 300, seed, defect_rate: 0.0, batch }).unwrap();
        loop {
            let mut bytes = Vec::new();
            let Some(f) = g.next_file(&mut bytes).unwrap() else { break };
            std::fs::write(tmp.path().join(&f.name), bytes).unwrap();
        }
    }
    let files = xml_files(tmp.path());
    assert_eq!(files.len(), 300 + 5);
    let (ok, out) = xmllint(&files);
    assert!(ok, "{}", out.lines().filter(|l| !l.ends_with(" validates")).take(20).collect::<Vec<_>>().join("\n"));
}
