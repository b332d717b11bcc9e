//! Input: which files a run checks, in which order, and where their reports go.
#![cfg(unix)]

mod common;
use common::child;
use common::*;
use std::path::Path;

/// `rinken check ARGS --out out` in `dir`, with `stdin`, under the watchdog.
fn check_in(dir: &Path, args: &[&str], stdin: &[u8]) -> child::Finished {
    let mut all = vec!["check", "--as-of", "2026-11-21", "--no-progress", "--no-config", "--out", "out"];
    all.extend_from_slice(args);
    let args: Vec<&std::ffi::OsStr> = all.iter().map(std::ffi::OsStr::new).collect();
    child::finish(child::start(&args, dir, &dir.join("logs"), stdin), &dir.join("logs"))
}

fn summary_files(dir: &Path) -> Vec<String> {
    read_csv(&dir.join("out/summary.csv")).into_iter().map(|r| r["file"].clone()).collect()
}

#[test]
fn a_report_file_and_a_report_folder_of_the_same_name_are_both_written() {
    // `a.xml` needs the report file files/a.xml.csv, `a.xml.csv/b.xml` the folder of that name.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("in/a.xml.csv")).unwrap();
    std::fs::write(tmp.path().join("in/a.xml"), "junk\n").unwrap();
    std::fs::write(tmp.path().join("in/a.xml.csv/b.xml"), "junk\n").unwrap();
    let run = check_in(tmp.path(), &["in"], b"");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(summary_files(tmp.path()), ["in/a.xml", "in/a.xml.csv/b.xml"]);
    let files = tmp.path().join("out/files");
    assert_eq!(read_csv(&files.join("a.xml~2.csv"))[0]["file"], "in/a.xml");
    assert_eq!(read_csv(&files.join("a.xml.csv/b.xml.csv"))[0]["file"], "in/a.xml.csv/b.xml");
}

#[test]
fn a_file_reached_through_a_linked_folder_is_checked_once() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("in/a");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::write(a.join(R_NAME), R_VALID).unwrap();
    std::os::unix::fs::symlink("a", tmp.path().join("in/b")).unwrap();
    let run = check_in(tmp.path(), &["in"], b"");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(summary_files(tmp.path()), [format!("in/a/{R_NAME}")], "one row, the first in path order");
    assert!(!tmp.path().join("out/files").join("a").exists(), "no B002 against itself");
    // The second path is not lost without a word: it is listed as skipped, and why.
    let second = format!("in/b/{R_NAME}");
    let line = run.stderr.lines().find(|l| l.contains(&second)).unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(line.contains("最初のパスで 1 回だけ検査"), "{line}");
    // The same for a file named twice on the command line, through a link to it.
    std::os::unix::fs::symlink(a.join(R_NAME), tmp.path().join("link.xml")).unwrap();
    let a_file = format!("in/a/{R_NAME}");
    let run = check_in(tmp.path(), &[&a_file, "link.xml"], b"");
    assert_eq!(summary_files(tmp.path()), [a_file]);
    assert!(run.stderr.lines().any(|l| l.trim_start().starts_with("link.xml")), "{}", run.stderr);
}

/// Four copies of the valid 臨個票 (the same form: B001 on all but the first), one in a folder
/// beside a file that sorts before it byte-wise (`.` < `/`) but after it component-wise.
fn ordered_inputs(dir: &Path) -> Vec<String> {
    let names = [
        "in/R131331572820250612000001.xml",
        "in/R131331572820250612000002.xml",
        "in/x/R131331572820250612000003.xml",
        "in/x.xml",
    ];
    std::fs::create_dir_all(dir.join("in/x")).unwrap();
    for (i, n) in names.iter().enumerate() {
        // Not byte-identical (B002 would take the place of B001).
        std::fs::write(dir.join(n), format!("{R_VALID}<!-- {i} -->\n")).unwrap();
    }
    // Path order: component by component, so the folder `x` comes before `x.xml`.
    vec![names[0].into(), names[1].into(), names[2].into(), names[3].into()]
}

#[test]
fn paths_on_stdin_or_as_arguments_are_reported_in_path_order() {
    let tmp = tempfile::tempdir().unwrap();
    let sorted = ordered_inputs(tmp.path());
    let reversed: Vec<&str> = sorted.iter().rev().map(String::as_str).collect();
    let stdin = reversed.join("\n") + "\n";
    let run = check_in(tmp.path(), &["-"], stdin.as_bytes());
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    assert_eq!(summary_files(tmp.path()), sorted, "a list on stdin");
    let run = check_in(tmp.path(), &reversed, b"");
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    assert_eq!(summary_files(tmp.path()), sorted, "PATH arguments");
    // "First" for B001 is the first in path order, not in argument order.
    let b001: Vec<String> = all_findings(&tmp.path().join("out"))
        .into_iter()
        .filter(|r| r["rule"] == "B001")
        .map(|r| {
            assert!(r["message"].contains(&sorted[0]), "{}", r["message"]);
            r["file"].clone()
        })
        .collect();
    assert_eq!(b001.len(), 3, "{b001:?}");
    assert!(!b001.contains(&sorted[0]));
}
