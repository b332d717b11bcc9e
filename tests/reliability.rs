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
            if input.path().ends_with("boom.xml") {
                panic!("injected failure");
            }
            rinken::check::check_file(ctx, parser, input)
        };
    let outcome = check_with(options(vec![dir.clone()], out.clone()), &mut [], &checker).unwrap();
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

#[test]
fn results_waiting_for_a_slow_first_file_stay_within_the_window() {
    // The first file in path order is slow (as a 1 GB batch is). Later files may be checked
    // meanwhile, but only as far as the window: their results wait for it in memory. Files
    // checked while the folder was still being listed (run::early), as many as the window
    // again at most, wait too (here rarely any: the listing is over before the tables load).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let (files, threads) = (600, 3);
    for i in 0..files {
        std::fs::write(dir.join(format!("f{i:04}.xml")), "").unwrap();
    }
    let others = std::sync::atomic::AtomicUsize::new(0);
    let at_slow_end = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let checker =
        |ctx: &rinken::check::Ctx<'_>, parser: &mut rinken::parse::Parser<'_>, input: &rinken::input::Input| {
            use std::sync::atomic::Ordering::SeqCst;
            if input.path().ends_with("f0000.xml") {
                // Until every other file is checked, or long enough to show that they are not.
                let until = std::time::Instant::now() + std::time::Duration::from_millis(1500);
                while others.load(SeqCst) < files - 1 && std::time::Instant::now() < until {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                at_slow_end.store(others.load(SeqCst), SeqCst);
            } else {
                others.fetch_add(1, SeqCst);
            }
            rinken::check::check_file(ctx, parser, input)
        };
    let opts = CheckOptions { threads: Some(threads), ..options(vec![dir], tmp.path().join("out")) };
    let outcome = check_with(opts, &mut [], &checker).unwrap();
    assert_eq!(outcome.totals.files, files as u64, "every file reported");
    let width = rinken::run::window::width(files, threads);
    assert!(width < files / 4, "a window of {width} files shows nothing here");
    let checked_meanwhile = at_slow_end.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        checked_meanwhile < width + outcome.checked_early,
        "{checked_meanwhile} files checked past a window of {width} ({} early)",
        outcome.checked_early
    );
    assert!(outcome.checked_early <= width, "{} checked early", outcome.checked_early);
    assert!(outcome.reorder_peak < width, "{} results waited, window {width}", outcome.reorder_peak);
}

#[test]
fn results_holding_a_mebibyte_of_findings_go_to_the_report_before_their_chunk_ends() {
    // The first file keeps 1.2 MB of findings. A worker that held a whole chunk of such results
    // would hold chunk × 16 MiB at worst: the first file's result goes to the report as soon as
    // it is made, while the second file of its chunk is being checked.
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let files = 128;
    for i in 0..files {
        std::fs::write(dir.join(format!("f{i:04}.xml")), "").unwrap();
    }
    assert!(rinken::run::window::chunk(files, 1) > 1, "the first two files are one chunk");
    struct Reported<'a>(&'a AtomicUsize);
    impl rinken::run::Observer for Reported<'_> {
        fn file(&mut self, _: &rinken::run::FileReport<'_>) {
            self.0.fetch_add(1, SeqCst);
        }
        fn finish(&mut self, _: &rinken::report::summary::Totals, _: &[rinken::input::Skipped]) {}
    }
    let reported = AtomicUsize::new(0);
    let held_back = AtomicBool::new(false);
    let checker =
        |ctx: &rinken::check::Ctx<'_>, parser: &mut rinken::parse::Parser<'_>, input: &rinken::input::Input| {
            let mut result = rinken::check::check_file(ctx, parser, input);
            if input.path().ends_with("f0000.xml") {
                // Messages are cut to 500 characters: 2,000 of them, with their findings, keep
                // about 1.2 MB.
                for _ in 0..2000 {
                    result.add(ctx.rules, &rinken::check::file::F001, 0, (0, 0), || "x".repeat(500));
                }
            } else if input.path().ends_with("f0001.xml") {
                let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
                while reported.load(SeqCst) < 1 && std::time::Instant::now() < until {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                held_back.store(reported.load(SeqCst) < 1, SeqCst);
            }
            result
        };
    let opts = CheckOptions { threads: Some(1), ..options(vec![dir], tmp.path().join("out")) };
    let mut observer = Reported(&reported);
    let outcome = check_with(opts, &mut [&mut observer], &checker).unwrap();
    assert_eq!(outcome.totals.files, files as u64);
    assert!(!held_back.load(SeqCst), "the first result waited for the rest of its chunk");
    let first = read_csv(&tmp.path().join("out/files/f0000.xml.csv"));
    assert_eq!(first.iter().filter(|r| r["rule"] == "F001").count(), 2000);
}

/// Streaming (for files too large to hold) and reading whole must agree on everything.
fn compare_stream_and_whole(name: &str, bytes: &[u8], h: &Harness) {
    let ctx = h.ctx();
    let mut parser = rinken::parse::Parser::new(&h.tables);
    let whole = rinken::check::check_bytes(&ctx, &mut parser, name, bytes);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let streamed = rinken::check::stream::check_stream(&ctx, &mut parser, name, file, bytes.len() as u64);
    let show = |r: &rinken::check::FileResult| {
        r.findings
            .iter()
            .map(|f| {
                format!("{} {} {} {}:{} [{}] {}", f.record, f.rule.id, f.path, f.line, f.column, f.value, f.message)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(show(&streamed), show(&whole), "{name}");
    assert_eq!((streamed.kind, streamed.records), (whole.kind, whole.records), "{name}");
    assert_eq!(streamed.content_hash, whole.content_hash, "{name}");
    assert_eq!(streamed.batch_keys, whole.batch_keys, "{name}");
    let counted = |r: &rinken::check::FileResult| format!("{:?}", r.overflow.by_rule);
    assert_eq!(counted(&streamed), counted(&whole), "{name}: findings counted but not kept");
}

/// A FormBatch of copies of the valid sample form.
fn batch_of(forms: usize) -> String {
    let form = R_VALID.split_once("?>\n").unwrap().1.replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FormBatch xmlns=\"urn:rinken:nanbyo-shoman:1\" count=\"{forms}\">\n{}</FormBatch>\n",
        form.repeat(forms)
    )
}

#[test]
fn batches_parsed_on_two_workers_agree_with_reading_them_whole() {
    // A large batch's forms are parsed and checked by two workers when the file has the usual
    // shape (check::split), and on one thread otherwise: either way as when read whole.
    let h = Harness::new();
    let name = "B131331572820250612000001.xml";
    for (seed, defects) in [(3, 0.0), (7, 0.3), (11, 1.0)] {
        let opts = rinken::gen::GenOptions { count: 500, seed, defect_rate: defects, batch: Some(500) };
        let mut g = rinken::gen::Generator::new(&h.tables, opts).unwrap();
        let mut bytes = Vec::new();
        let file = g.next_file(&mut bytes).unwrap().unwrap();
        compare_stream_and_whole(&file.name, &bytes, &h);
    }
    let plain = batch_of(40);
    let end = "</Rinkohyo>\n";
    let variants = [
        plain.clone(),
        plain.replacen("count=\"40\"", "count=\"41\"", 1),
        plain.replacen("<Sex>", "<!-- </Rinkohyo> --><Sex>", 3),
        plain.replacen("<Sex>", "<Note a='>' b=\"/>\"/><Sex>", 2),
        plain.replacen(end, "</Rinkohyo>\n<!-- between -->\n", 5),
        plain.replacen(end, "</Rinkohyo>\n<?pi between?>\n", 1),
        plain.replacen(end, "</Rinkohyo>text\n", 1),
        plain.replacen(end, "</Rinkohyo><Note/>\n", 1),
        plain.replacen("</Sex>", "</Sexx>", 20),
        plain.replacen("<Sex>", "<Rinkohyo></Rinkohyo><Sex>", 7),
        plain.replacen(" count=", " xmlns:x=\"urn:x\" count=", 1),
        plain.replacen("<Rinkohyo ", "<Rinkohyo xmlns=\"urn:rinken:nanbyo-shoman:1\" ", 3),
        plain.replacen("</FormBatch>\n", "", 1),
        plain.replacen("</FormBatch>\n", "</FormBatch>\nx", 1),
        plain.replacen("<Rinkohyo formVersion=\"2403\">", "<Rinkohyo formVersion=\"2403\"/>", 1),
        format!("\u{feff}{plain}"),
        // What XML forbids and quick-xml lets through, in one form of many (F006 there).
        plain.replacen("</Sex>", "\u{1}</Sex>", 25).replacen("\u{1}</Sex>", "</Sex>", 24),
        plain.replacen("</Sex>", "]]></Sex>", 30).replacen("]]></Sex>", "</Sex>", 29),
        plain.replacen("<Sex>", "<Sex a='1'b='2'>", 12).replacen("<Sex a='1'b='2'>", "<Sex>", 11),
        // A form too large to hand over whole (1 MiB) goes the one-thread way.
        plain.replacen("<Address>", &format!("<Address>{}", "あ".repeat(400_000)), 1),
    ];
    for text in &variants {
        compare_stream_and_whole(name, text.as_bytes(), &h);
    }
    // More findings than a file keeps: the two workers' are merged in form order, under the cap.
    let unknown = "<x/>".repeat(60);
    compare_stream_and_whole(name, batch_of(600).replace("<Sex>", &format!("{unknown}<Sex>")).as_bytes(), &h);
}

#[test]
fn streaming_a_file_gives_the_same_findings_as_reading_it_whole() {
    let h = Harness::new();
    let mut checked = 0;
    for e in walkdir::WalkDir::new(root().join("samples")).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "xml") {
            let bytes = std::fs::read(e.path()).unwrap();
            compare_stream_and_whole(e.file_name().to_str().unwrap(), &bytes, &h);
            checked += 1;
        }
    }
    assert!(checked > 60);
    // Not UTF-8 only after the first form: found mid-stream, checked again as CP932.
    let batch = format!(
        "<?xml version=\"1.0\"?>\n<FormBatch xmlns=\"urn:rinken:nanbyo-shoman:1\">\n{}{}</FormBatch>\n",
        R_VALID.split_once("?>\n").unwrap().1.replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", ""),
        edit(R_VALID, "中村", "髙村")
            .split_once("?>\n")
            .unwrap()
            .1
            .replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "")
    );
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&batch);
    compare_stream_and_whole("B131331572820250612000001.xml", &sjis, &h);
    let mut broken = sjis.to_vec();
    broken.extend_from_slice(b"\xff\xff");
    compare_stream_and_whole("B131331572820250612000002.xml", &broken, &h);
    compare_stream_and_whole("B131331572820250612000003.xml", b"  \n\t ", &h);
}

#[test]
fn streaming_agrees_on_declared_encodings_and_utf16() {
    let h = Harness::new();
    let euc = edit(R_VALID, "encoding=\"UTF-8\"", "encoding=\"EUC-JP\"");
    let (bytes, _, _) = encoding_rs::EUC_JP.encode(&euc);
    compare_stream_and_whole(R_NAME, &bytes, &h);
    compare_stream_and_whole(R_NAME, euc.as_bytes(), &h);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in R_VALID.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    compare_stream_and_whole(R_NAME, &utf16, &h);
    let declared = edit(R_VALID, "encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"");
    let (mut sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&declared).clone();
    compare_stream_and_whole(R_NAME, &sjis, &h);
    sjis.to_mut().extend_from_slice(b"\x82");
    compare_stream_and_whole(R_NAME, &sjis, &h);
    // UTF-8 declared as Shift_JIS: both read it as UTF-8 and check it.
    compare_stream_and_whole(R_NAME, declared.as_bytes(), &h);
    // CP932 behind a UTF-8 BOM: both decode it as CP932.
    let (sniffed, _, _) = encoding_rs::SHIFT_JIS.encode(R_VALID);
    compare_stream_and_whole(R_NAME, &[b"\xEF\xBB\xBF", &sniffed[..]].concat(), &h);
}

#[test]
fn streaming_agrees_on_a_file_cut_inside_its_last_character() {
    let h = Harness::new();
    let at = R_VALID.find("武蔵野").unwrap();
    for cut in [at + 1, at + 2, at + 4] {
        compare_stream_and_whole(R_NAME, &R_VALID.as_bytes()[..cut], &h);
    }
}

#[test]
fn a_file_over_the_streaming_size_cut_inside_a_character_is_checked_up_to_the_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let big = in_patient_comment(rinken::check::stream::STREAM_ABOVE as usize + (2 << 20));
    let cut = big.rfind("武蔵野").unwrap() + 1;
    std::fs::write(tmp.path().join(R_NAME), &big.as_bytes()[..cut]).unwrap();
    let out = tmp.path().join("out");
    let outcome = check_with(options(vec![tmp.path().join(R_NAME)], out.clone()), &mut [], &|ctx, parser, input| {
        rinken::check::check_file(ctx, parser, input)
    })
    .unwrap();
    assert_eq!(outcome.exit, 1);
    let rows = read_csv(&out.join(format!("files/{R_NAME}.csv")));
    let rules: Vec<&str> = rows.iter().map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["F004", "F006"], "{rows:#?}");
    assert!(rows[0]["message"].contains(&format!("{cut} バイト目の文字が欠けています")), "{}", rows[0]["message"]);
}

#[test]
fn findings_kept_per_file_are_bounded_but_all_are_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let unknown = "<x/>".repeat(50_000);
    let xml = edit(R_VALID, "<Sex>2</Sex>", &format!("<Sex>2</Sex>{unknown}"));
    std::fs::write(tmp.path().join(R_NAME), xml).unwrap();
    let out = tmp.path().join("out");
    let run = rinken(
        &["check", R_NAME, "--as-of", "2026-11-21", "-q", "--format", "json", "--out", out.to_str().unwrap()],
        tmp.path(),
    );
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(summary[0]["warnings"], "50000", "every finding is counted");
    let rows = read_csv(&out.join("files").join(format!("{R_NAME}.csv")));
    assert_eq!(rows.len(), rinken::check::MAX_KEPT_FINDINGS + 1, "kept findings plus one M001");
    let m001 = rows.iter().find(|r| r["rule"] == "M001").expect("an M001 says what was not kept");
    assert_eq!(m001["value"], (50_000 - rinken::check::MAX_KEPT_FINDINGS).to_string());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["warnings"], 50_000);
}

#[test]
fn messages_quote_at_most_a_bounded_part_of_a_huge_value() {
    let h = Harness::new();
    let huge = "ｱ".repeat(200_000);
    let xml =
        edit(R_VALID, "<FamilyNameKana>ナカムラ</FamilyNameKana>", &format!("<FamilyNameKana>{huge}</FamilyNameKana>"));
    let f = h.only(R_NAME, &xml);
    assert_eq!(f.rule.id, "L010");
    assert!(f.message.chars().count() <= rinken::finding::MAX_MESSAGE_CHARS + 1, "{}", f.message.len());
    assert!(f.value.chars().count() <= rinken::finding::MAX_VALUE_CHARS + 1);
}

/// A checker that does something to the file first, as another process could while the run goes.
fn meddling(
    target: &'static str,
    act: impl Fn(&std::path::Path) + Sync,
) -> impl Fn(&rinken::check::Ctx<'_>, &mut rinken::parse::Parser<'_>, &rinken::input::Input) -> rinken::check::FileResult
       + Sync {
    move |ctx, parser, input| {
        if input.path().ends_with(target) {
            act(input.path());
        }
        rinken::check::check_file(ctx, parser, input)
    }
}

fn three_files(tmp: &std::path::Path) -> std::path::PathBuf {
    let dir = tmp.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["a.xml", "b.xml", "c.xml"] {
        std::fs::write(dir.join(name), set(R_VALID, "GivenName", name)).unwrap();
    }
    dir
}

#[test]
fn a_file_deleted_while_the_run_goes_keeps_its_row_with_f001() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = three_files(tmp.path());
    let out = tmp.path().join("out");
    let checker = meddling("b.xml", |p| std::fs::remove_file(p).unwrap());
    let outcome = check_with(options(vec![dir], out.clone()), &mut [], &checker).unwrap();
    assert_eq!((outcome.totals.files, outcome.exit), (3, 1));
    let rows = read_csv(&out.join("files/b.xml.csv"));
    assert_eq!(rows.iter().map(|r| r["rule"].as_str()).collect::<Vec<_>>(), ["F001"]);
    assert!(rows[0]["message"].contains("ファイルがありません"), "{}", rows[0]["message"]);
}

#[test]
fn a_file_truncated_while_the_run_goes_gives_findings_not_a_crash() {
    // Written against behaviour: whether a file is read or mapped, a file that shrinks under the
    // run is checked as what is left of it (here: cut inside a character, then empty).
    let tmp = tempfile::tempdir().unwrap();
    let dir = three_files(tmp.path());
    let cut_at = set(R_VALID, "GivenName", "b.xml").find("武蔵野").unwrap() as u64 + 4;
    let out = tmp.path().join("out");
    let shrink = |len: u64| {
        move |p: &std::path::Path| std::fs::OpenOptions::new().write(true).open(p).unwrap().set_len(len).unwrap()
    };
    let checker = meddling("b.xml", shrink(cut_at));
    let outcome = check_with(options(vec![dir.clone()], out.clone()), &mut [], &checker).unwrap();
    assert_eq!(outcome.totals.files, 3);
    let rules: Vec<String> = read_csv(&out.join("files/b.xml.csv")).into_iter().map(|r| r["rule"].clone()).collect();
    assert_eq!(rules, ["F009", "F004", "F006"], "cut inside a character, then unclosed elements");

    let checker = meddling("c.xml", shrink(0));
    let outcome = check_with(options(vec![dir], out.clone()), &mut [], &checker).unwrap();
    assert_eq!(outcome.totals.files, 3);
    let rules: Vec<String> = read_csv(&out.join("files/c.xml.csv")).into_iter().map(|r| r["rule"].clone()).collect();
    assert_eq!(rules, ["F002", "F009"]);
}

#[cfg(unix)]
#[test]
fn files_shrinking_and_growing_under_a_running_check_never_crash_it() {
    // Another process rewrites the files as the binary reads them: every read sees some prefix
    // of a file. A memory map of a file that shrinks would raise SIGBUS here.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let full = in_patient_comment(256 * 1024);
    let names: Vec<_> = (0..40).map(|i| dir.join(format!("f{i:02}.xml"))).collect();
    for n in &names {
        std::fs::write(n, &full).unwrap();
    }
    let stop = std::sync::atomic::AtomicBool::new(false);
    let run = std::thread::scope(|s| {
        s.spawn(|| {
            let mut len = full.len() as u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for n in &names {
                    let f = std::fs::OpenOptions::new().write(true).open(n).unwrap();
                    f.set_len(len).unwrap();
                    if len as usize == full.len() {
                        std::fs::write(n, &full).unwrap();
                    }
                }
                len = if len == 0 { full.len() as u64 } else { len / 2 };
            }
        });
        let logs = tmp.path().join("logs");
        let args = ["check", "in", "--as-of", "2026-11-21", "--no-progress", "--threads", "2", "--out", "out"]
            .map(std::ffi::OsStr::new);
        let run = common::child::run(&args, tmp.path(), &logs);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        run
    });
    assert_eq!(run.signal, None, "killed by a signal: {}", run.stderr);
    assert!(matches!(run.code, Some(0 | 1)), "{:?}: {}", run.code, run.stderr);
    let summary = read_csv(&tmp.path().join("out/summary.csv"));
    assert_eq!(summary.len(), names.len(), "every file has its row");
    assert!(all_findings(&tmp.path().join("out")).iter().all(|r| r["rule"] != "M002"));
}

/// The valid 臨個票 grown to about `size` bytes with a comment inside it.
fn in_patient_comment(size: usize) -> String {
    edit(R_VALID, "</Patient>", &format!("<!--{}--></Patient>", "x".repeat(size)))
}

#[test]
fn regression_inputs_are_checked_safely() {
    use rinken::finding::{MAX_MESSAGE_CHARS, MAX_VALUE_CHARS};
    let dir = root().join("tests/regressions");
    let manifest = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let expected: std::collections::BTreeMap<String, String> = manifest
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    assert_eq!(on_disk, expected.keys().cloned().collect(), "every input listed in expected.tsv, and only those");
    let h = Harness::new();
    for (file, rule) in &expected {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        for name in [R_NAME, S_NAME, "B261410098620250910000001.xml", "x.xml"] {
            let result = h.result(name, &bytes);
            let rules: Vec<&str> = result.findings.iter().map(|f| f.rule.id).collect();
            assert!(rules.contains(&rule.as_str()), "{file} as {name}: expected {rule} in {rules:?}");
            for f in &result.findings {
                assert!(rinken::rules::find(f.rule.id).is_some());
                assert!(f.record <= result.records, "{file}: record {} of {}", f.record, result.records);
                assert!(f.value.chars().count() <= MAX_VALUE_CHARS + 1, "{file}: {f:?}");
                assert!(f.path.chars().count() <= MAX_VALUE_CHARS + 1, "{file}: {f:?}");
                assert!(f.message.chars().count() <= MAX_MESSAGE_CHARS, "{file}: {f:?}");
                for cell in [&f.value, &f.path, &f.message] {
                    assert!(!cell.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "{file}: {f:?}");
                }
            }
        }
    }
}

/// Every entry under `out`, by path, with its bytes (folders too, as `None`: a staging folder
/// left behind, even empty, is a difference).
fn tree(out: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(out)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let bytes = (!e.file_type().is_dir()).then(|| std::fs::read(e.path()).unwrap());
            (e.path().strip_prefix(out).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// `n` forms, each with warnings (F009, B001), so that the run writes a report per file.
fn many_files(dir: &std::path::Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("f{i:05}.xml")), set(R_VALID, "GivenName", &format!("和子{i}"))).unwrap();
    }
}

/// Starts `rinken check in --out out`, sends `signal` as soon as its staging folder appears
/// (the run is then under way: files are being checked and reports staged), and waits for it.
#[cfg(unix)]
fn interrupt_when_staged(cwd: &std::path::Path, signal: libc::c_int) -> common::child::Finished {
    let args = ["check", "in", "--as-of", "2026-11-21", "--no-progress", "--threads", "1", "--out", "out"]
        .map(std::ffi::OsStr::new);
    let logs = cwd.join("logs");
    let child = common::child::start(&args, cwd, &logs, b"");
    let deadline = std::time::Instant::now() + common::child::WATCHDOG;
    let staged = || {
        std::fs::read_dir(cwd.join("out")).is_ok_and(|mut d| {
            d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with(".rinken-staging-")))
        })
    };
    while !staged() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    // SAFETY: signalling our own child, which has not been waited for yet.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    common::child::finish(child, &logs)
}

#[cfg(target_os = "linux")]
#[test]
fn a_signal_while_the_path_list_is_still_coming_is_an_interruption() {
    use std::io::Write;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let tmp = tempfile::tempdir().unwrap();
        let logs = tmp.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let mut child = std::process::Command::new(common::bin())
            .args(["check", "-", "--as-of", "2026-11-21", "--no-progress", "--out", "out"])
            .current_dir(tmp.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::fs::File::create(logs.join("stdout")).unwrap())
            .stderr(std::fs::File::create(logs.join("stderr")).unwrap())
            .spawn()
            .unwrap();
        // One path, and the list left open, as a producer still finding files would.
        let root = common::root();
        writeln!(child.stdin.as_mut().unwrap(), "{}", root.join("samples/valid").display()).unwrap();
        // The thread that reads the list starts once signals are watched.
        let reading = || {
            std::fs::read_dir(format!("/proc/{}/task", child.id())).is_ok_and(|tasks| {
                tasks
                    .flatten()
                    .any(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim() == "rinken-stdin"))
            })
        };
        let deadline = std::time::Instant::now() + common::child::WATCHDOG;
        while !reading() {
            assert!(std::time::Instant::now() < deadline, "never read stdin");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // SAFETY: signalling our own child, which has not been waited for yet.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let run = common::child::finish(child, &logs);
        assert_eq!((run.signal, run.code), (None, Some(2)), "signal {signal}: {}", run.stderr);
        assert!(run.stderr.contains("中断しました。レポートは作成していません"), "{}", run.stderr);
        assert!(!tmp.path().join("out").exists());
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_previous_complete_report_or_none_and_says_which() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    // A complete report to keep.
    many_files(&cwd.join("in"), 3);
    let first = common::child::run(
        &["check", "in", "--as-of", "2026-11-21", "--no-progress", "--out", "out"].map(std::ffi::OsStr::new),
        cwd,
        &cwd.join("logs"),
    );
    assert_eq!(first.code, Some(0), "warnings only: {}", first.stderr);
    let mut previous = tree(&cwd.join("out"));
    assert!(previous.contains_key(std::path::Path::new("summary.csv")) && previous.len() == 5, "{previous:?}");

    // A run big enough to be still going when its staging folder appears. Should a machine
    // finish it first, its complete report becomes the one to keep and the corpus doubles.
    let mut n = 2000;
    let mut interrupted = |signal, previous: &mut Option<_>| loop {
        std::fs::remove_dir_all(cwd.join("in")).unwrap();
        many_files(&cwd.join("in"), n);
        let run = interrupt_when_staged(cwd, signal);
        assert_eq!(run.signal, None, "the signal killed the process instead of stopping the run");
        if run.code == Some(2) {
            return run;
        }
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(n < 32_000, "the run always finished before it could be interrupted");
        match previous {
            Some(p) => *p = tree(&cwd.join("out")),
            None => std::fs::remove_dir_all(cwd.join("out")).unwrap(),
        }
        n *= 2;
    };
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let mut kept = Some(previous.clone());
        let run = interrupted(signal, &mut kept);
        assert!(run.stderr.contains("中断しました。以前の完全なレポートがそのまま残っています"), "{}", run.stderr);
        previous = kept.unwrap();
        assert!(tree(&cwd.join("out")) == previous, "the previous report changed, or staging was left");
    }

    // No previous report: none afterwards either, and the message says so.
    std::fs::remove_dir_all(cwd.join("out")).unwrap();
    let run = interrupted(libc::SIGINT, &mut None);
    assert!(run.stderr.contains("中断しました。レポートは作成していません"), "{}", run.stderr);
    assert!(tree(&cwd.join("out")).is_empty(), "{:?}", tree(&cwd.join("out")).keys().collect::<Vec<_>>());
}

#[cfg(unix)]
#[test]
fn a_file_replaced_by_a_named_pipe_during_the_run_is_f001_not_a_hang() {
    // Found as a file, opened as a pipe: opening a FIFO for reading waits for a writer, which
    // never comes. The open must not block; if it did, the watchdog ends the test binary.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + common::child::WATCHDOG;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if std::time::Instant::now() > deadline {
                    eprintln!("a_file_replaced_by_a_named_pipe: still blocked after {:?}", common::child::WATCHDOG);
                    std::process::abort();
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = three_files(tmp.path());
    let out = tmp.path().join("out");
    let to_fifo = |p: &std::path::Path| {
        std::fs::remove_file(p).unwrap();
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    };
    let checker = meddling("b.xml", to_fifo);
    let outcome = check_with(options(vec![dir], out.clone()), &mut [], &checker);
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    assert_eq!(outcome.unwrap().totals.files, 3);
    let rows = read_csv(&out.join("files/b.xml.csv"));
    assert_eq!(rows.iter().map(|r| r["rule"].as_str()).collect::<Vec<_>>(), ["F001"]);
    assert!(rows[0]["message"].contains("通常のファイルではありません"), "{}", rows[0]["message"]);
}

#[cfg(unix)]
#[test]
fn a_second_interrupt_ends_a_run_that_cannot_stop_by_itself_leaving_the_previous_report() {
    // A run stuck writing its text output to a pipe nobody reads (a pager left open): the first
    // SIGINT cannot end it, since the report thread is blocked in that write. The second must,
    // with status 2 and no staging folder left.
    use std::os::fd::AsRawFd;
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    many_files(&cwd.join("in"), 3);
    let first = common::child::run(
        &["check", "in", "--as-of", "2026-11-21", "--no-progress", "--out", "out"].map(std::ffi::OsStr::new),
        cwd,
        &cwd.join("logs"),
    );
    assert_eq!(first.code, Some(0), "warnings only: {}", first.stderr);
    let previous = tree(&cwd.join("out"));
    std::fs::remove_dir_all(cwd.join("in")).unwrap();
    many_files(&cwd.join("in"), 2000);
    let stderr = std::fs::File::create(cwd.join("stderr")).unwrap();
    let mut child = std::process::Command::new(bin())
        .args(["check", "in", "--as-of", "2026-11-21", "--no-progress", "--threads", "1", "--out", "out"])
        .current_dir(cwd)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let deadline = std::time::Instant::now() + common::child::WATCHDOG;
    let queued = || {
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD on the read end of our own pipe, into a live c_int.
        assert_eq!(unsafe { libc::ioctl(stdout.as_raw_fd(), libc::FIONREAD, &mut n) }, 0);
        n
    };
    // Wait until the pipe (64 KiB by default; the run writes far more) is nearly full and stays
    // so: the writer is blocked.
    let (mut last, mut since) = (0, std::time::Instant::now());
    while std::time::Instant::now() < deadline {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before stdout filled up");
        let now = queued();
        if now != last {
            (last, since) = (now, std::time::Instant::now());
        } else if now > 60_000 && since.elapsed() > std::time::Duration::from_millis(300) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let deadline = std::time::Instant::now() + common::child::WATCHDOG;
    let status = loop {
        // SAFETY: signalling our own child, which has not been waited for yet.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
        std::thread::sleep(std::time::Duration::from_millis(50));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {:?} of SIGINTs", common::child::WATCHDOG);
        }
    };
    drop(stdout);
    let stderr = std::fs::read_to_string(cwd.join("stderr")).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("中断しました。以前の完全なレポートがそのまま残っています"), "{stderr}");
    assert!(tree(&cwd.join("out")) == previous, "the previous report changed, or staging was left");
}

#[test]
fn a_report_never_replaces_what_is_not_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    let run = |args: &[&str]| common::rinken(args, cwd);
    let check = |path: &str, out: &str| run(&["check", path, "--as-of", "2026-11-21", "--no-progress", "--out", out]);
    // The submissions in `files/`, checked with the report written beside them.
    std::fs::create_dir_all(cwd.join("w/files")).unwrap();
    std::fs::write(cwd.join("w/files").join(R_NAME), R_VALID).unwrap();
    let before = tree(&cwd.join("w"));
    let r = common::rinken(&["check", "files", "--as-of", "2026-11-21", "--no-progress", "--out", "."], &cwd.join("w"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("rinken のレポートではない") && r.stderr.contains(R_NAME), "{}", r.stderr);
    assert_eq!(tree(&cwd.join("w")), before, "the submissions were touched");
    // The input folder as the report folder.
    assert_eq!(check("w", "w").code, 2);
    assert_eq!(tree(&cwd.join("w")), before);

    // Other things in the places a report takes: a folder of other files, a summary.csv that
    // is not one, and a report folder that is a file.
    std::fs::create_dir_all(cwd.join("r1/files/sub")).unwrap();
    std::fs::write(cwd.join("r1/files/sub/photo.jpg"), b"jpeg").unwrap();
    std::fs::create_dir_all(cwd.join("r2/summary.csv")).unwrap();
    std::fs::create_dir_all(cwd.join("r3")).unwrap();
    std::fs::write(cwd.join("r3/summary.csv"), "名前,住所\n").unwrap();
    std::fs::write(cwd.join("r4"), b"notes").unwrap();
    std::fs::create_dir_all(cwd.join("r6/files")).unwrap();
    std::fs::write(cwd.join("r6/files/roster.csv"), "氏名,番号\n").unwrap();
    for out in ["r1", "r2", "r3", "r4", "r6"] {
        let before = tree(cwd);
        let r = check("w/files", out);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{out}: {}", r.stderr);
        assert_eq!(tree(cwd), before, "{out} changed");
    }
    assert!(check("w/files", "r4").stderr.contains("フォルダではありません"));

    // A report is replaced as before, and so is an empty folder.
    std::fs::create_dir_all(cwd.join("r5")).unwrap();
    assert_eq!(check("w/files", "r5").code, 0);
    std::fs::write(cwd.join("w/files/R131331572820250612000002.xml"), "not xml").unwrap();
    assert_eq!(check("w/files", "r5").code, 1);
    assert!(cwd.join("r5/files/R131331572820250612000002.xml.csv").exists());
    // What a desktop leaves beside a report someone opened does not make it foreign.
    for litter in [".DS_Store", "Thumbs.db", "~$R131331572820250612000002.xml.csv", ".~lock.x.csv#"] {
        std::fs::write(cwd.join("r5/files").join(litter), b"x").unwrap();
    }
    let again = check("w/files", "r5");
    assert_eq!(again.code, 1, "its own report is replaced: {}", again.stderr);
}

#[test]
fn inputs_with_the_longest_names_a_file_can_have_get_their_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    std::fs::create_dir(cwd.join("in")).unwrap();
    // 255 bytes each: no room for `.csv`. Two share their first 240 bytes and differ in case
    // only at the end, a third is kanji (three bytes each, cut at a character).
    let long_a = format!("{}{}", "a".repeat(247), "_one.xml");
    let long_b = format!("{}{}", "a".repeat(247), "_ONE.xml");
    let kanji = format!("{}.xml", "漢".repeat(83));
    for name in [&long_a, &long_b, &kanji] {
        assert!(name.len() > 248 && name.len() <= 255, "{}", name.len());
        std::fs::write(cwd.join("in").join(name), "not xml").unwrap();
    }
    let r = common::rinken(&["check", "in", "--as-of", "2026-11-21", "--no-progress", "--out", "out"], cwd);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let summary = std::fs::read_to_string(cwd.join("out/summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 4, "{summary}");
    let reports: Vec<_> = std::fs::read_dir(cwd.join("out/files")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(reports.len(), 3, "{reports:?}");
    for name in &reports {
        let text = std::fs::read_to_string(cwd.join("out/files").join(name)).unwrap();
        assert!(text.contains("F006"), "{name:?}: {text}");
    }
    let again = common::rinken(&["check", "in", "--as-of", "2026-11-21", "--no-progress", "--out", "out2"], cwd);
    assert_eq!(again.code, 1);
    let mut second: Vec<_> =
        std::fs::read_dir(cwd.join("out2/files")).unwrap().map(|e| e.unwrap().file_name()).collect();
    let mut first = reports.clone();
    first.sort();
    second.sort();
    assert_eq!(first, second, "the same names in every run");
}

/// A folder `in` of `files` forms `f0000.xml`…, every seventh with an error (L006).
fn every_seventh_wrong(tmp: &std::path::Path, files: usize) -> std::path::PathBuf {
    let dir = tmp.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..files {
        let xml = if i % 7 == 0 { edit(R_VALID, "<Sex>2</Sex>", "<Sex>9</Sex>") } else { R_VALID.to_owned() };
        std::fs::write(dir.join(format!("f{i:04}.xml")), xml).unwrap();
    }
    dir
}

#[test]
fn workers_whose_reads_wait_get_files_read_ahead_and_the_reports_do_not_change() {
    // A worker put to sleep while checking (as a read from a disk or a share puts it) starts
    // the readers; the reports are the same bytes as a run where nothing waited, in which
    // nothing is read ahead.
    let tmp = tempfile::tempdir().unwrap();
    let files = 2000;
    let dir = every_seventh_wrong(tmp.path(), files);
    let run = |out: &str, wait: bool| {
        let checker =
            |ctx: &rinken::check::Ctx<'_>, parser: &mut rinken::parse::Parser<'_>, input: &rinken::input::Input| {
                if wait {
                    std::thread::sleep(std::time::Duration::from_micros(100));
                }
                rinken::check::check_file(ctx, parser, input)
            };
        let out = tmp.path().join(out);
        let outcome = check_with(options(vec![dir.clone()], out.clone()), &mut [], &checker).unwrap();
        assert_eq!(outcome.totals.files, files as u64, "every file reported");
        (outcome.read_ahead, report_bytes(&out))
    };
    let (plain_ahead, plain) = run("plain", false);
    let (waiting_ahead, waiting) = run("waiting", true);
    assert_eq!(plain_ahead, 0, "nothing waited, nothing read ahead");
    assert!(waiting_ahead > 0, "workers that waited got no files read ahead");
    assert!(plain.len() > files / 7, "{} reports", plain.len());
    assert!(plain == waiting, "reports differ when files are read ahead");
}

#[test]
fn each_file_of_a_folder_is_checked_once_and_reported_as_its_own_whenever_it_is_checked() {
    // Files may be checked while the walk still reads the folder's listing, before their turn
    // (run::early; in a folder this small, only if the listing took longer than loading the
    // tables: src/run/tests.rs holds a listing open to drive that path, and the parts are
    // tested in src/run/early.rs and src/input/walk.rs). Each is
    // checked once all the same, and its row is its own.
    let tmp = tempfile::tempdir().unwrap();
    let files = 1000;
    let dir = every_seventh_wrong(tmp.path(), files);
    let mut reports = Vec::new();
    for threads in [1, 2] {
        let calls = std::sync::Mutex::new(std::collections::HashMap::<std::path::PathBuf, usize>::new());
        let checker =
            |ctx: &rinken::check::Ctx<'_>, parser: &mut rinken::parse::Parser<'_>, input: &rinken::input::Input| {
                *calls.lock().unwrap().entry(input.path().to_owned()).or_default() += 1;
                rinken::check::check_file(ctx, parser, input)
            };
        let out = tmp.path().join(format!("out{threads}"));
        let opts = CheckOptions { threads: Some(threads), ..options(vec![dir.clone()], out.clone()) };
        let outcome = check_with(opts, &mut [], &checker).unwrap();
        let calls = calls.into_inner().unwrap();
        assert_eq!(calls.len(), files, "every file checked");
        assert!(calls.values().all(|&n| n == 1), "a file checked twice");
        assert!(outcome.checked_early <= files);
        for row in read_csv(&out.join("summary.csv")) {
            let i: usize = row["file"].rsplit('f').next().unwrap()[..4].parse().unwrap();
            assert_eq!(row["status"] == "error", i % 7 == 0, "{row:?}");
        }
        reports.push(report_bytes(&out));
    }
    assert!(reports[0] == reports[1], "reports differ with the number of threads");
}

/// Every file under a report folder, by its path below it.
fn report_bytes(out: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(out).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}
