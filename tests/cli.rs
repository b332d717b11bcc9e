//! The binary end to end: samples against their manifest, the report contract of CLI.md,
//! exit statuses, determinism.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

fn xml_files_under(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .count()
}

#[test]
fn samples_give_exactly_the_expected_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let root = root();
    let run = rinken(
        &[
            "check",
            "samples",
            "--as-of",
            "2026-11-21",
            "--doctors",
            "samples/doctors.csv",
            "--out",
            out.to_str().unwrap(),
            "--no-progress",
        ],
        &root,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(found(&out), expected_for_samples());

    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(summary.len(), xml_files_under(&root.join("samples")), "every input file has a row");
    for row in summary.iter().filter(|r| r["file"].starts_with("samples/valid/")) {
        assert_eq!(row["status"], "ok", "{row:?}");
        assert!(!out.join("files").join(row["file"].trim_start_matches("samples/")).with_extension("xml.csv").exists());
    }
    let batch = summary.iter().find(|r| r["file"] == "samples/valid/B261410098620250910000001.xml").unwrap();
    assert_eq!((batch["kind"].as_str(), batch["records"].as_str()), ("batch", "3"));
    let mut sorted = summary.iter().map(|r| r["file"].clone()).collect::<Vec<_>>();
    sorted.sort();
    assert_eq!(summary.iter().map(|r| r["file"].clone()).collect::<Vec<_>>(), sorted, "path order");
}

#[test]
fn readme_first_command_validates_samples_with_the_embedded_tables() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first = readme.lines().find(|l| l.trim_start().starts_with("cargo run")).expect("a cargo run line in README");
    assert!(first.contains("check samples/"), "{first}");
    // The same arguments, on the built binary, in a scratch copy of the repository's samples.
    let args: Vec<&str> = first.split_once(" -- ").expect("cargo run … -- ARGS").1.split_whitespace().collect();
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("samples"), &tmp.path().join("samples"));
    let run = rinken(&args, tmp.path());
    assert_eq!(run.code, 1, "samples hold invalid files: {}", run.stderr);
    assert!(run.stderr.contains("ファイル"), "{}", run.stderr);
    let out = tmp.path().join("rinken-report");
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(summary.len(), xml_files_under(&root().join("samples")));
    // What README promises: every invalid sample's finding, as samples/expected.tsv lists them.
    assert_eq!(found(&out), expected_for_samples());
}

/// (file, record, rule) of samples/expected.tsv, sorted.
fn expected_for_samples() -> Vec<(String, String, String)> {
    let mut expected: Vec<(String, String, String)> = std::fs::read_to_string(root().join("samples/expected.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (format!("samples/{}", f[0]), f[1].to_owned(), f[2].to_owned())
        })
        .collect();
    expected.sort();
    expected
}

/// (file, record, rule) of every finding in the reports under `out`, sorted.
fn found(out: &std::path::Path) -> Vec<(String, String, String)> {
    let mut got: Vec<(String, String, String)> =
        all_findings(out).into_iter().map(|r| (r["file"].clone(), r["record"].clone(), r["rule"].clone())).collect();
    got.sort();
    got
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn valid_files_exit_zero_and_write_no_file_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let run =
        rinken(&["check", "samples/valid", "--as-of", "2026-11-21", "--out", out.to_str().unwrap(), "-q"], &root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "--quiet prints nothing");
    assert_eq!(std::fs::read_dir(out.join("files")).unwrap().count(), 0);
}

#[test]
fn report_files_follow_the_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let bad = edit(R_VALID, "<Sex>2</Sex>", "<Sex>=1+1</Sex>");
    std::fs::write(dir.join("sub").join(R_NAME), bad).unwrap();
    std::fs::write(dir.join("empty.XML"), "").unwrap();
    let out = tmp.path().join("out");
    let run = rinken(&["check", "in", "--as-of", "2026-11-21", "--out", out.to_str().unwrap(), "-q"], tmp.path());
    assert_eq!(run.code, 1);
    let bytes = std::fs::read(out.join("files/sub").join(format!("{R_NAME}.csv"))).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFfile,record,rule,severity,path,line,column,value,message\r\n"));
    let rows = read_csv(&out.join("files/sub").join(format!("{R_NAME}.csv")));
    let row: &BTreeMap<String, String> = &rows[0];
    assert_eq!(row["file"], format!("in/sub/{R_NAME}"), "path as given plus the relative part");
    assert_eq!((row["rule"].as_str(), row["severity"].as_str(), row["record"].as_str()), ("L007", "E", "1"));
    assert_eq!(row["value"], "'=1+1", "formula-safe");
    assert_eq!((row["line"].as_str(), row["column"].as_str()), ("17", "5"));
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(summary[0]["file"], "in/empty.XML");
    assert_eq!((summary[0]["kind"].as_str(), summary[0]["status"].as_str()), ("unknown", "error"));
    assert!(out.join("files/empty.XML.csv").exists());
    let leftovers: Vec<_> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(leftovers.iter().filter(|n| n.starts_with('.')).count(), 0, "no staging left: {leftovers:?}");
}

#[test]
fn paths_can_come_from_stdin() {
    use std::io::Write;
    let mut child = std::process::Command::new(bin())
        .args(["check", "-", "--as-of", "2026-11-21", "-q", "--out"])
        .arg(tempfile::tempdir().unwrap().keep().join("r"))
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"samples/valid/R131331572820250612000001.xml\nsamples/valid/S261020215820250918000001.xml\n")
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[cfg(unix)]
#[test]
fn a_path_list_may_hold_names_that_are_not_utf8_or_be_separated_by_nuls() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"R\xff\xfe.xml");
    std::fs::write(tmp.path().join(odd), R_VALID).unwrap();
    std::fs::write(tmp.path().join("a b.xml"), S_VALID).unwrap();
    for list in [&b"R\xff\xfe.xml\na b.xml\n"[..], b"R\xff\xfe.xml\0a b.xml\0"] {
        let out = tmp.path().join("r");
        let mut child = std::process::Command::new(bin())
            .args(["check", "-", "--as-of", "2026-11-21", "--no-progress", "--out"])
            .arg(&out)
            .current_dir(tmp.path())
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), list).unwrap();
        let done = child.wait_with_output().unwrap();
        assert_eq!(done.status.code(), Some(0), "warnings only (F009): {}", String::from_utf8_lossy(&done.stderr));
        let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        assert!(summary.contains("R\u{FFFD}\u{FFFD}.xml,rinkohyo,1,"), "{summary}");
        assert!(summary.contains("a b.xml,ikensho,1,"), "{summary}");
    }
}

#[test]
fn the_runs_own_failures_exit_2_with_one_message() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let unwritable = file.join("report");
    let run = rinken(&["check", "samples/valid", "--out", unwritable.to_str().unwrap()], &root());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("レポートフォルダに書き込めません"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);

    // `-` reads paths from standard input only as the one PATH; beside others it is no file.
    let run = rinken(&["check", "samples/valid", "-", "--out", tmp.path().join("dash").to_str().unwrap()], &root());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("唯一の PATH"), "{}", run.stderr);

    let roster = tmp.path().join("doctors.csv");
    std::fs::write(&roster, "doctor_no,name,kind,valid_from,valid_to\nA-1,x,shoman,2021-04-01,2026-3-31\n").unwrap();
    let run = rinken(
        &[
            "check",
            "samples/valid",
            "--doctors",
            roster.to_str().unwrap(),
            "--out",
            tmp.path().join("o").to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("doctors.csv:2:5"), "names line and column: {}", run.stderr);
    for n in ["0", "257", "65535"] {
        let run = rinken(&["check", "samples/valid", "--threads", n], &root());
        assert_eq!(run.code, 2, "--threads {n}");
        assert!(run.stderr.contains("1..=256"), "{}", run.stderr);
    }
    assert!(run.stderr.contains("YYYY-MM-DD の日付にしてください"), "in Japanese: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);

    // Excel's default "CSV" is Shift_JIS: the message says where and how to save it instead.
    std::fs::write(
        &roster,
        b"doctor_no,name,kind,valid_from,valid_to\nA-1,\x8b\x9e\x93s,shoman,2021-04-01,2026-03-31\n",
    )
    .unwrap();
    let out = tmp.path().join("o");
    let run = rinken(
        &["check", "samples/valid", "--doctors", roster.to_str().unwrap(), "--out", out.to_str().unwrap()],
        &root(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("doctors.csv:2:2: UTF-8 ではない文字があります"), "{}", run.stderr);
    assert!(run.stderr.contains("CSV UTF-8"), "{}", run.stderr);

    let tables = tmp.path().join("tables");
    std::fs::create_dir_all(&tables).unwrap();
    std::fs::write(tables.join("codes.tsv"), "list\tcode\tlabel_ja\tlabel_en\nSEX\t1\t男\tmale\nSEX\t1\t女\tfemale\n")
        .unwrap();
    let run = rinken(
        &[
            "check",
            "samples/valid",
            "--tables",
            tables.to_str().unwrap(),
            "--out",
            tmp.path().join("o").to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("codes.tsv:3:2"), "{}", run.stderr);

    let run = rinken(&["check", "samples/valid", "--as-of", "2025-13-01"], &root());
    assert_eq!(run.code, 2);
    let run = rinken(&["check"], &root());
    assert_eq!(run.code, 2);
}

#[test]
fn a_bad_input_file_is_a_finding_not_a_run_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let run =
        rinken(&["check", "/nonexistent/x.xml", "-q", "--out", tmp.path().join("o").to_str().unwrap()], tmp.path());
    assert_eq!(run.code, 1);
    let rows = all_findings(&tmp.path().join("o"));
    assert_eq!(rows[0]["rule"], "F001");
}

#[test]
fn reports_are_byte_identical_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for threads in ["1", "2", "7"] {
        let out = tmp.path().join(format!("t{threads}"));
        let run = rinken(
            &[
                "check",
                "samples",
                "--as-of",
                "2026-11-21",
                "--doctors",
                "samples/doctors.csv",
                "--threads",
                threads,
                "-q",
                "--out",
                out.to_str().unwrap(),
            ],
            &root(),
        );
        assert_eq!(run.code, 1);
        let mut files = BTreeMap::new();
        for e in walkdir::WalkDir::new(&out).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                files.insert(e.path().strip_prefix(&out).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap());
            }
        }
        trees.push(files);
    }
    assert!(trees[0].len() > 40);
    assert_eq!(trees[0], trees[1]);
    assert_eq!(trees[0], trees[2]);
}

#[test]
fn rules_and_rule_print_the_catalogue() {
    let run = rinken(&["rules"], &root());
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), rinken::rules::ALL.len());
    let run = rinken(&["rule", "c003", "--lang", "en"], &root());
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("C003 (E error)"), "{}", run.stdout);
    assert!(run.stdout.contains("11-41"));
    let run = rinken(&["rules", "--format", "json"], &root());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), rinken::rules::ALL.len());
    assert_eq!(rinken(&["rule", "Z999"], &root()).code, 2);
}

#[cfg(unix)]
#[test]
fn printing_commands_end_quietly_when_the_reader_has_gone() {
    use std::os::fd::FromRawFd;
    for args in [&["rules"][..], &["rules", "--format", "markdown"], &["rule", "C003"], &["tables", "xsd"]] {
        // A pipe whose reading end is already closed, as after `| head -1` has exited: every
        // write fails with EPIPE.
        let mut fds = [0; 2];
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        unsafe { libc::close(fds[0]) };
        let write_end = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        let out = std::process::Command::new(bin()).args(args).stdout(write_end).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn rule_m001_states_the_cap_the_code_applies_with_examples_in_the_language_asked() {
    let (shown, mib) = (rinken::check::meta::MAX_KEPT_SHOWN, rinken::check::meta::MAX_KEPT_MIB_SHOWN);
    assert_eq!(rinken::check::MAX_KEPT_BYTES, mib.parse::<usize>().unwrap() << 20);
    let ja = rinken(&["rule", "M001"], &root()).stdout;
    assert!(ja.contains(&format!("1 ファイル {shown} 件 (合計 {mib} MiB) の上限")), "{ja}");
    assert!(ja.contains("誤りの例: 未知の要素が 20,000 個あるファイルに --max-findings 100"), "{ja}");
    let en = rinken(&["rule", "M001", "--lang", "en"], &root()).stdout;
    assert!(en.contains(&format!("the limit of {shown} findings ({mib} MiB of them) per file")), "{en}");
    assert!(en.contains("bad: --max-findings 100 on a file with 20,000 unknown elements"), "{en}");
}

#[test]
fn exported_tables_round_trip_through_tables_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    assert_eq!(rinken(&["tables", "export", dir.to_str().unwrap()], &root()).code, 0);
    assert!(dir.join("layout.tsv").exists() && dir.join("diseases/shoman_2025-04-01.tsv").exists());
    assert_eq!(rinken(&["tables", "export", dir.to_str().unwrap()], &root()).code, 2, "no silent overwrite");
    // A vendor edits the layout: Phone becomes optional.
    let layout = std::fs::read_to_string(dir.join("layout.tsv")).unwrap();
    let edited: String = layout
        .lines()
        .map(|l| if l.contains("\tAuthor/Phone\t") { l.replace("\talways\t", "\t\t") } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("layout.tsv"), edited).unwrap();
    let input = tmp.path().join(R_NAME);
    std::fs::write(&input, edit(R_VALID, "<Phone>0422-31-5100</Phone>", "")).unwrap();
    let out = tmp.path().join("o");
    let o = out.to_str().unwrap();
    let run = rinken(&["check", input.to_str().unwrap(), "--as-of", "2026-11-21", "-q", "--out", o], &root());
    assert_eq!(run.code, 1, "embedded layout: Phone is required");
    let run = rinken(
        &[
            "check",
            input.to_str().unwrap(),
            "--as-of",
            "2026-11-21",
            "-q",
            "--out",
            o,
            "--tables",
            dir.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(run.code, 0, "edited layout, no rebuild: {}", run.stderr);
}

#[test]
fn docs_rules_md_is_generated_from_the_catalogue() {
    for (file, lang) in [("docs/rules.md", rinken::lang::Lang::Ja), ("docs/rules.en.md", rinken::lang::Lang::En)] {
        let on_disk = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(
            on_disk == rinken::cli::rules_markdown(lang),
            "{file} is stale: regenerate it with `rinken rules --format markdown{}`",
            if lang == rinken::lang::Lang::En { " --lang en" } else { "" }
        );
    }
}

/// A report that cannot be written part way through the run (a full disk, a quota) is the
/// run's own failure, named as such, not an interruption; the earlier report stays whole.
/// The size limit of `ulimit -f` stands in for the full disk: summary.csv is written as the
/// run goes and meets it after its first 64 KiB.
#[cfg(unix)]
#[test]
fn a_report_that_fills_the_disk_mid_run_fails_the_run_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let gen = rinken(&["gen", "--count", "3000", "--defect-rate", "0", "--out", corpus.to_str().unwrap()], &root());
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let out = tmp.path().join("report");
    let first = rinken(&["check", "samples/valid", "--out", out.to_str().unwrap(), "-q"], &root());
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = std::fs::read(out.join("summary.csv")).unwrap();
    // 3,000 rows of about 90 bytes: past 64 KiB once, then past the 100 KiB limit.
    fails_writing(&corpus, &out, "", &before, "summary.csv");
}

/// Checks `corpus` into `out` (with `more` arguments) with files limited to 100 KiB
/// (`ulimit -f`, its signal ignored), and asserts that the run fails for not writing `what`
/// and leaves the report `before` as it was.
#[cfg(unix)]
fn fails_writing(corpus: &std::path::Path, out: &std::path::Path, more: &str, before: &[u8], what: &str) {
    let script = format!(
        "trap '' XFSZ; ulimit -f 200; exec \"$0\" check '{}' --out '{}' --lang en --no-progress {more}",
        corpus.display(),
        out.display()
    );
    let run = std::process::Command::new("sh").args(["-c", &script]).arg(bin()).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{more}: {stderr}");
    assert!(stderr.contains("cannot write the report") && stderr.contains(what), "{stderr}");
    assert!(!stderr.contains("interrupted"), "{stderr}");
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), before, "the earlier report is left as it was");
    let left: Vec<_> = std::fs::read_dir(out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().starts_with(".rinken-staging")), "{left:?}");
}

/// A file's report that cannot be written fails the run the same way, whoever writes it: the
/// report stage itself with one thread, a worker between its chunks with two
/// (report::writes). A batch of 2,000 forms, each with a finding, sorts first and has a report
/// of about 500 KB, over the 100 KiB that `ulimit -f` leaves; the 600 files after it keep the
/// workers busy while it is written, and summary.csv stays under the limit.
#[cfg(unix)]
#[test]
fn a_file_report_that_cannot_be_written_fails_the_run_with_one_thread_or_two() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let batch = tmp.path().join("batch");
    let gen = |args: &[&str], out: &std::path::Path| {
        let mut all = vec!["gen"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let run = rinken(&all, &root());
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    gen(&["--count", "600", "--defect-rate", "0"], &corpus);
    gen(&["--count", "2000", "--batch", "2000", "--defect-rate", "1"], &batch);
    let made = std::fs::read_dir(&batch)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "xml"));
    std::fs::rename(made.unwrap(), corpus.join("0.xml")).unwrap();
    let out = tmp.path().join("report");
    let first = rinken(&["check", "samples/valid", "--out", out.to_str().unwrap(), "-q"], &root());
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = std::fs::read(out.join("summary.csv")).unwrap();
    for threads in ["--threads 1", "--threads 2"] {
        fails_writing(&corpus, &out, threads, &before, "0.xml.csv");
    }
}
