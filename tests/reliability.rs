//! Reliability: nothing lost, nothing crashes the run.

mod common;
use common::*;
use rinken::run::{check_with, CheckOptions};

fn options(paths: Vec<std::path::PathBuf>, out: std::path::PathBuf) -> CheckOptions {
    let as_of = rinken::text::date::Date::parse_iso("2026-11-21").unwrap();
    CheckOptions { threads: Some(2), quiet: true, progress: false, ..CheckOptions::new(paths, out, as_of) }
}

#[test]
fn a_panic_while_checking_one_file_is_a_finding_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["a.xml", "boom.xml", "c.xml"] {
        std::fs::write(dir.join(name), R_VALID).unwrap();
    }
    let out = tmp.path().join("out");
    let checker =
        |ctx: &rinken::check::Ctx<'_>, parser: &mut rinken::parse::Parser<'_>, input: &rinken::input::Input| {
            if input.path.ends_with("boom.xml") {
                panic!("injected failure");
            }
            rinken::check::check_file(ctx, parser, input)
        };
    let outcome = check_with(&options(vec![dir.clone()], out.clone()), &mut [], &checker).unwrap();
    assert_eq!(outcome.totals.files, 3);
    assert_eq!(outcome.exit, 1);
    let summary = read_csv(&out.join("summary.csv"));
    let boom = summary.iter().find(|r| r["file"].ends_with("boom.xml")).unwrap();
    assert_eq!(boom["status"], "error");
    let rows = read_csv(&out.join("files/boom.xml.csv"));
    assert_eq!(rows[0]["rule"], "M002");
    assert!(
        rows[0]["message"].contains("injected failure") && rows[0]["message"].contains("reliability.rs"),
        "{}",
        rows[0]["message"]
    );
    // The other files were checked normally (only the naming rule fires on them).
    let a = summary.iter().find(|r| r["file"].ends_with("/a.xml")).unwrap();
    assert_eq!((a["records"].as_str(), a["errors"].as_str()), ("1", "0"));
}
