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
