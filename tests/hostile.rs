//! Hostile inputs through the binary. Whatever a hospital sends, every input file ends with a
//! row in summary.csv and findings (or a skip stated on stderr), in bounded time and memory,
//! with exit status 0 or 1; no report cell is long, holds a control character or starts a
//! formula, and no report holds bytes of a file an entity names. Everything is generated here:
//! no big file is committed.
#![cfg(unix)]

mod common;
use common::child;
use common::*;
use rinken::finding::{MAX_MESSAGE_CHARS, MAX_VALUE_CHARS};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-21";
/// What the XXE documents try to read; no report may contain it.
const SECRET: &str = "SECRET-7f3a9c-患者台帳-0042";

/// Deterministic "random" bytes (xorshift64), the same in every run.
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// The valid 臨個票 with `extra` inside `<Patient>`, at its end.
fn in_patient(extra: &str) -> String {
    edit(R_VALID, "</Patient>", &format!("{extra}</Patient>"))
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo: {}", std::io::Error::last_os_error());
}

/// A folder of hostile inputs under `root/in`, and what the run must say about each.
struct Corpus {
    /// The `file` column of every input → a rule its report must hold (`None`: no finding).
    expect: BTreeMap<String, Option<&'static str>>,
    /// Entries that are not inputs, which stderr must list as skipped.
    skipped: Vec<String>,
    /// PATH arguments, relative to `root`.
    args: Vec<String>,
}

fn hostile_corpus(root: &Path) -> Corpus {
    let dir = root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = root.join("secret.txt");
    std::fs::write(&secret, SECRET).unwrap();
    let secret = secret.display().to_string();
    let mut expect = BTreeMap::new();
    let mut file = |name: &str, bytes: &[u8], rule: Option<&'static str>| {
        std::fs::write(dir.join(name), bytes).unwrap();
        expect.insert(format!("in/{name}"), rule);
    };
    file("empty.xml", b"", Some("F002"));
    file("blank.xml", b" \r\n\t \n", Some("F002"));
    file("bom-only.xml", b"\xEF\xBB\xBF\r\n", Some("F002"));
    // Big enough to be streamed, not read whole: the same finding.
    let mut big_blank = b"\xEF\xBB\xBF".to_vec();
    big_blank.resize(rinken::check::stream::STREAM_ABOVE as usize + 4096, b' ');
    file("bom-then-blank-streamed.xml", &big_blank, Some("F002"));
    // Shift_JIS streamed: decoded, 漢 is 3 bytes, so a piece of text can end with less room
    // than one character; the file is still decoded and checked (F003), not unreadable.
    let mut big_sjis = b"<a>".to_vec();
    while big_sjis.len() < (rinken::check::stream::STREAM_ABOVE as usize) / 16 + 64 {
        big_sjis.extend_from_slice(b"\x8a\xbf");
    }
    big_sjis.extend_from_slice(b"</a>");
    big_sjis.resize(rinken::check::stream::STREAM_ABOVE as usize + 1, b'\n');
    file("sjis-streamed.xml", &big_sjis, Some("F003"));
    file("binary.xml", &(0..=255u8).cycle().take(4096).collect::<Vec<_>>(), Some("F004"));
    file("random.xml", &noise(65_536, 0x9E37_79B9_7F4A_7C15), Some("F004"));
    file("nul-bytes.xml", b"<?xml version=\"1.0\"?>\0\0<a>\0</a>", Some("F006"));
    file("nul-in-a-value.xml", edit(R_VALID, "境二丁目", "境\0二丁目").as_bytes(), Some("L010"));
    let whole = R_VALID.as_bytes();
    let mid = R_VALID.find("武蔵野市").unwrap() + 4; // inside 野, a three-byte character
    file("cut-mid-character.xml", &whole[..mid], Some("F004"));
    let deep = 200_000;
    file(
        "nested-200000.xml",
        in_patient(&format!("{}{}", "<a>".repeat(deep), "</a>".repeat(deep))).as_bytes(),
        Some("L003"),
    );
    file("nested-200000-unclosed.xml", in_patient(&"<a>".repeat(deep)).as_bytes(), Some("F006"));
    file("unknown-20000.xml", in_patient(&"<x/>".repeat(20_000)).as_bytes(), Some("L003"));
    let lol = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Rinkohyo xmlns="urn:rinken:nanbyo-shoman:1" formVersion="2403"><Patient><Address>&lol9;</Address></Patient></Rinkohyo>"#;
    file("billion-laughs.xml", lol.as_bytes(), Some("F007"));
    let root_elem = r#"<Rinkohyo xmlns="urn:rinken:nanbyo-shoman:1" formVersion="2403">"#;
    let xxe = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Rinkohyo [<!ENTITY xxe SYSTEM \"file://{secret}\">]>\n{root_elem}<Patient><Address>&xxe;</Address></Patient></Rinkohyo>"
    );
    file("xxe-entity.xml", xxe.as_bytes(), Some("F007"));
    let xxe = format!("<!DOCTYPE Rinkohyo [<!ENTITY % p SYSTEM \"file://{secret}\"> %p;]>\n{root_elem}</Rinkohyo>");
    file("xxe-parameter-entity.xml", xxe.as_bytes(), Some("F007"));
    let xxe = format!("<!DOCTYPE Rinkohyo SYSTEM \"file://{secret}\">\n{root_elem}</Rinkohyo>");
    file("xxe-external-dtd.xml", xxe.as_bytes(), Some("F007"));
    file("entity-without-doctype.xml", edit(R_VALID, "境二丁目", "&xxe;").as_bytes(), Some("F006"));
    // A name that is not UTF-8: it still gets its row, under a lossy rendering of the name.
    let other_patient =
        edit(R_VALID, "<FamilyNameKana>ナカムラ</FamilyNameKana>", "<FamilyNameKana>タナカ</FamilyNameKana>");
    std::fs::write(dir.join(OsStr::from_bytes(b"R\xff\xfe.xml")), other_patient).unwrap();
    expect.insert("in/R\u{FFFD}\u{FFFD}.xml".into(), Some("F009"));
    // A dangling link named *.xml is an input the user expects checked: F001.
    std::os::unix::fs::symlink(dir.join("nowhere.xml"), dir.join("dangling.xml")).unwrap();
    expect.insert("in/dangling.xml".into(), Some("F001"));
    // A folder named x.xml is a folder: walked, not read. (An 意見書, so that no other form of
    // the corpus makes it a duplicate.)
    std::fs::create_dir(dir.join("x.xml")).unwrap();
    std::fs::write(dir.join("x.xml").join(S_NAME), S_VALID).unwrap();
    expect.insert(format!("in/x.xml/{S_NAME}"), None);
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    mkfifo(&dir.join("pipe.xml"));
    // A named pipe given directly was named by the user: its row says it cannot be read (F001),
    // and it is never opened (opening would block).
    mkfifo(&root.join("direct-pipe.xml"));
    expect.insert("direct-pipe.xml".into(), Some("F001"));
    Corpus {
        expect,
        skipped: vec!["in/loop".into(), "in/pipe.xml".into()],
        args: vec!["in".into(), "direct-pipe.xml".into()],
    }
}

fn check_args<'a>(args: &'a [String], out: &'a str, threads: &'a str) -> Vec<&'a OsStr> {
    let mut v: Vec<&OsStr> =
        ["check", "--as-of", AS_OF, "--no-progress", "--threads", threads, "--out", out].map(OsStr::new).to_vec();
    v.extend(args.iter().map(OsStr::new));
    v
}

/// Every CSV under `out`: path → rows of cells (header included).
fn csv_files(out: &Path) -> BTreeMap<PathBuf, Vec<Vec<String>>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
            let rows = r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect();
            files.insert(e.path().strip_prefix(out).unwrap().to_path_buf(), rows);
        }
    }
    files
}

/// What every report must be, whatever its input: short cells without control characters or
/// formula starts, and nothing from a file an entity names.
fn assert_cells_are_safe(out: &Path) {
    for (path, rows) in csv_files(out) {
        let raw = std::fs::read(out.join(&path)).unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains(SECRET), "{}: holds the secret", path.display());
        assert!(!String::from_utf8_lossy(&raw).contains("lollollol"), "{}: an entity was expanded", path.display());
        for row in &rows {
            for cell in row {
                let cell = cell.strip_prefix('\u{feff}').unwrap_or(cell);
                assert!(
                    cell.chars().count() <= MAX_MESSAGE_CHARS,
                    "{}: a cell of {} chars",
                    path.display(),
                    cell.len()
                );
                assert!(
                    !cell.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
                    "{}: control character in {cell:?}",
                    path.display()
                );
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: formula start {cell:?}",
                    path.display()
                );
            }
        }
    }
}

fn rows_by_file(out: &Path) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let mut by_file: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for row in all_findings(out) {
        by_file.entry(row["file"].clone()).or_default().push(row);
    }
    by_file
}

#[test]
fn every_hostile_input_gets_its_row_and_findings_or_a_stated_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(tmp.path());
    let run = child::run(&check_args(&corpus.args, "out", "2"), tmp.path(), &tmp.path().join("logs"));
    assert_eq!((run.code, run.signal), (Some(1), None), "{}", run.stderr);
    let out = tmp.path().join("out");

    // Nothing lost: one row per input file, no more, and every skip named on stderr.
    let summary = read_csv(&out.join("summary.csv"));
    let files: Vec<String> = summary.iter().map(|r| r["file"].clone()).collect();
    assert_eq!(files.iter().cloned().collect::<BTreeSet<_>>(), corpus.expect.keys().cloned().collect(), "{files:#?}");
    assert_eq!(files.len(), corpus.expect.len(), "one row each");
    for skipped in &corpus.skipped {
        assert!(run.stderr.lines().any(|l| l.trim_start().starts_with(skipped.as_str())), "{skipped}: {}", run.stderr);
    }
    assert!(run.stderr.contains(&format!("{} 件", corpus.skipped.len())), "{}", run.stderr);

    let by_file = rows_by_file(&out);
    for (file, rule) in &corpus.expect {
        let rules: Vec<&str> =
            by_file.get(file).map_or(vec![], |rows| rows.iter().map(|r| r["rule"].as_str()).collect());
        match rule {
            Some(rule) => assert!(rules.contains(rule), "{file}: expected {rule}, got {rules:?}"),
            None => assert!(rules.is_empty(), "{file}: expected no finding, got {rules:?}"),
        }
        assert!(!rules.contains(&"M002"), "{file}: an internal error");
    }
    let rules_of = |f: &str| by_file[f].iter().map(|r| r["rule"].clone()).collect::<Vec<_>>();
    assert_eq!(rules_of("in/unknown-20000.xml").iter().filter(|r| *r == "L003").count(), 20_000);
    assert_eq!(
        rules_of("in/nested-200000.xml").iter().filter(|r| *r == "L003").count(),
        1,
        "its contents not looked at"
    );
    let cut = rules_of("in/cut-mid-character.xml");
    assert!(
        cut.contains(&"F006".into()) && !cut.contains(&"F003".into()),
        "a cut UTF-8 file is not Shift_JIS: {cut:?}"
    );
    let nul = by_file["in/nul-in-a-value.xml"].iter().find(|r| r["rule"] == "L010").unwrap();
    assert_eq!(nul["value"], "東京都武蔵野市境\u{FFFD}二丁目4番8号", "the NUL is shown, not written");
    for xxe in ["in/xxe-entity.xml", "in/xxe-parameter-entity.xml", "in/xxe-external-dtd.xml", "in/billion-laughs.xml"]
    {
        assert_eq!(rules_of(xxe).iter().filter(|r| r.starts_with('F') && *r != "F009").collect::<Vec<_>>(), ["F007"]);
    }
    assert_cells_are_safe(&out);
    // The whole corpus is a few MB; a parse that expanded entities or kept a frame per
    // nesting level by value would show here.
    assert!(run.max_rss < 256 << 20, "peak memory {} MB", run.max_rss >> 20);
}

#[test]
fn hostile_corpus_reports_are_byte_identical_with_1_and_2_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(tmp.path());
    let mut trees = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("out{threads}");
        let run = child::run(&check_args(&corpus.args, &out, threads), tmp.path(), &tmp.path().join("logs"));
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let tree: BTreeMap<PathBuf, Vec<u8>> = walkdir::WalkDir::new(tmp.path().join(&out))
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (e.path().strip_prefix(tmp.path().join(&out)).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap())
            })
            .collect();
        trees.push(tree);
    }
    assert_eq!(
        trees[0].len(),
        corpus.expect.values().filter(|r| r.is_some()).count() + 1,
        "a report per file with findings"
    );
    assert!(trees[0] == trees[1], "1 and 2 threads differ");
}

#[test]
fn huge_values_are_quoted_short_and_memory_stays_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("big");
    std::fs::create_dir_all(&dir).unwrap();
    // A 100 MB text node.
    let huge = set(R_VALID, "Address", &"山".repeat(100_000_000 / 3));
    std::fs::write(dir.join("R131331572820250612000001.xml"), &huge).unwrap();
    let file_size = huge.len() as u64;
    drop(huge);
    // Values the messages quote, and an element name a megabyte long.
    std::fs::write(dir.join("R131331572820250612000002.xml"), set(R_VALID, "Phone", &"0".repeat(2_000_000))).unwrap();
    std::fs::write(dir.join("R131331572820250612000003.xml"), set(R_VALID, "FamilyNameKana", &"ｱ".repeat(500_000)))
        .unwrap();
    std::fs::write(dir.join("R131331572820250612000004.xml"), in_patient(&format!("<{}/>", "Sex".repeat(350_000))))
        .unwrap();
    let run = child::run(&check_args(&["big".into()], "out", "1"), tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let out = tmp.path().join("out");
    assert_eq!(read_csv(&out.join("summary.csv")).len(), 4, "a row per input file");
    let by_file = rows_by_file(&out);
    // Each file's one finding about its content (the files share a patient, hence B001).
    let only = |n: u32, rule: &str| {
        let rows: Vec<_> =
            by_file[&format!("big/R13133157282025061200000{n}.xml")].iter().filter(|r| r["rule"] != "B001").collect();
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0]["rule"], rule);
        rows[0].clone()
    };
    let address = only(1, "L006");
    assert_eq!(address["value"], format!("{}…", "山".repeat(MAX_VALUE_CHARS)));
    assert!(address["message"].contains("33333333 文字"), "{}", address["message"]);
    let phone = only(2, "L005");
    assert!(phone["message"].contains(&format!("「{}…」", "0".repeat(40))), "{}", phone["message"]);
    let kana = only(3, "L010");
    assert!(kana["message"].contains("半角カタカナ"), "{}", kana["message"]);
    let name = only(4, "L003");
    assert_eq!(name["path"].chars().count(), MAX_VALUE_CHARS + 1, "{}", name["path"]);
    assert_cells_are_safe(&out);
    // Streamed: the current form (here the whole file) and the parser's buffer for its one
    // text node; the record keeps 64 KiB of the value, not a third copy.
    assert!(
        run.max_rss < 2 * file_size + (64 << 20),
        "peak memory {} MB for a {} MB file",
        run.max_rss >> 20,
        file_size >> 20
    );
}

#[test]
fn a_form_with_300_000_unknown_elements_on_one_line_is_checked_with_bounded_findings() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("in")).unwrap();
    std::fs::write(tmp.path().join("in").join(R_NAME), in_patient(&"<x/>".repeat(300_000))).unwrap();
    // One line: locating 300,000 findings on it used to take time quadratic in its length.
    let run = child::run(&check_args(&["in".into()], "out", "1"), tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(0), "warnings only: {}", run.stderr);
    let out = tmp.path().join("out");
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(summary.len(), 1, "a row per input file");
    assert_eq!(
        summary[0]["warnings"], "300000",
        "every L003 counted (the M001 about them is not a finding of the form)"
    );
    let rows = read_csv(&out.join(format!("files/{R_NAME}.csv")));
    assert_eq!(rows.len(), rinken::check::MAX_KEPT_FINDINGS + 1);
    assert_eq!(rows[0]["rule"], "M001");
    let not_kept = format!("{} 件", 300_000 - rinken::check::MAX_KEPT_FINDINGS);
    assert!(rows[0]["message"].contains(&not_kept), "{}", rows[0]["message"]);
    assert!(rows[1..].iter().all(|r| r["rule"] == "L003"));
    // About 1 KB per finding kept: 100,000 fit well under this, 300,000 would not.
    assert!(run.max_rss < 256 << 20, "peak memory {} MB", run.max_rss >> 20);
}

#[test]
fn long_findings_are_kept_up_to_the_byte_cap_and_the_rest_counted() {
    // Each unknown element's name is 300 bytes, quoted in the path, the value and the message:
    // 20,000 of them are far under the count cap and far over the byte cap.
    let name = format!("x{}", "漢".repeat(100));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("in")).unwrap();
    std::fs::write(tmp.path().join("in").join(R_NAME), in_patient(&format!("<{name}/>").repeat(20_000))).unwrap();
    let run = child::run(&check_args(&["in".into()], "out", "1"), tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(0), "warnings only: {}", run.stderr);
    let out = tmp.path().join("out");
    assert_eq!(read_csv(&out.join("summary.csv"))[0]["warnings"], "20000", "every L003 counted");
    let rows = read_csv(&out.join(format!("files/{R_NAME}.csv")));
    assert_eq!(rows[0]["rule"], "M001");
    let kept = &rows[1..];
    assert!(kept.iter().all(|r| r["rule"] == "L003" && r["path"].contains(&name)));
    assert!(rows[0]["message"].contains(&format!("{} 件", 20_000 - kept.len())), "{}", rows[0]["message"]);
    let weight = |r: &std::collections::BTreeMap<String, String>| {
        size_of::<rinken::finding::Finding>() + r["path"].len() + r["value"].len() + r["message"].len()
    };
    let total: usize = kept.iter().map(weight).sum();
    let largest = kept.iter().map(weight).max().unwrap();
    let cap = rinken::check::MAX_KEPT_BYTES;
    assert!(total >= cap && total - largest < cap, "kept {} findings, {total} bytes", kept.len());
}

#[test]
fn a_million_namespace_prefixes_and_unknown_elements_keep_memory_bounded() {
    // Each sibling declares a prefix of its own: a prefix goes out of scope with its element,
    // and unknown elements past what a file's findings could show are only counted.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("in")).unwrap();
    let body: String = (0..1_000_000).map(|i| format!("<x xmlns:p{i}=\"urn:u\"/>")).collect();
    let xml = in_patient(&body);
    let file_size = xml.len() as u64;
    std::fs::write(tmp.path().join("in").join(R_NAME), xml).unwrap();
    let run = child::run(&check_args(&["in".into()], "out", "1"), tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(0), "warnings only: {}", run.stderr);
    let summary = read_csv(&tmp.path().join("out/summary.csv"));
    assert_eq!(summary[0]["warnings"], "1000000", "every L003 counted, kept or not");
    assert!(
        run.max_rss < 2 * file_size + (64 << 20),
        "peak memory {} MB for a {} MB file",
        run.max_rss >> 20,
        file_size >> 20
    );
}

#[test]
fn cells_cannot_start_a_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("f");
    std::fs::create_dir_all(&dir).unwrap();
    // File names and values a spreadsheet would evaluate; the file column holds the name as
    // given, and F009 quotes it as the value.
    let names = ["=HYPERLINK(\"x\").xml", "+1.xml", "-1.xml", "@SUM(A1).xml", "\ttab.xml", "\rcr.xml"];
    for (i, name) in names.iter().enumerate() {
        let xml = set(R_VALID, "Sex", ["=1+1", "+1", "-1", "@SUM(A1)", "x", "x"][i]);
        std::fs::write(dir.join(name), set(&xml, "GivenName", &format!("和子{i}"))).unwrap();
    }
    let stdin = names.join("\n");
    let args = ["check", "-", "--as-of", AS_OF, "--no-progress", "--out", "../out"].map(OsStr::new);
    let logs = tmp.path().join("logs");
    let run = child::finish(child::start(&args, &dir, &logs, stdin.as_bytes()), &logs);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let out = tmp.path().join("out");
    assert_cells_are_safe(&out);
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(summary.len(), names.len(), "a row per input file");
    let shown: BTreeSet<String> = summary.iter().map(|r| r["file"].clone()).collect();
    assert_eq!(shown, names.iter().map(|n| format!("'{n}")).collect(), "neutralised, and otherwise intact");
    let values: BTreeSet<String> = all_findings(&out).into_iter().map(|r| r["value"].clone()).collect();
    for v in ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'=HYPERLINK(\"x\").xml", "'\ttab.xml", "'\rcr.xml"] {
        assert!(values.contains(v), "{v:?} in {values:?}");
    }
}

#[test]
fn a_large_file_that_stops_parsing_early_is_not_held_in_memory() {
    // Not well-formed at its start: what follows is read to hash it (B002), not kept.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("in")).unwrap();
    let size = 120 << 20;
    let mut bytes = b"<Rinkohyo xmlns=\"urn:rinken:nanbyo-shoman:1\"></Ikensho>\n<!--".to_vec();
    bytes.resize(size, b'x');
    std::fs::write(tmp.path().join("in").join(R_NAME), &bytes).unwrap();
    drop(bytes);
    let run = child::run(&check_args(&["in".into()], "out", "1"), tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let rows = rows_by_file(&tmp.path().join("out"));
    let rules: Vec<&str> = rows[&format!("in/{R_NAME}")].iter().map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["F006"]);
    assert!(run.max_rss < (size as u64) / 2, "peak memory {} MB for a {} MB file", run.max_rss >> 20, size >> 20);
}

#[test]
fn batch_findings_quote_another_files_name_inertly_and_briefly() {
    // B002 names the first copy. Its name holds a terminal colour escape and a right-to-left
    // override, and its path is over 600 characters long.
    let tmp = tempfile::tempdir().unwrap();
    let deep = tmp.path().join("in").join("d".repeat(200)).join("e".repeat(200)).join("f".repeat(200));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("a\u{1b}[31mred\u{202e}.xml"), R_VALID).unwrap();
    std::fs::write(deep.join("b.xml"), R_VALID).unwrap();
    let args = ["check", "in", "--as-of", AS_OF, "--no-progress", "--format", "jsonl", "--out", "out"].map(OsStr::new);
    let run = child::run(&args, tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(0), "warnings only: {}", run.stderr);
    let report = tmp.path().join("out/files").join(deep.strip_prefix(tmp.path().join("in")).unwrap()).join("b.xml.csv");
    let csv: Vec<String> =
        read_csv(&report).into_iter().filter(|r| r["rule"] == "B002").map(|r| r["message"].clone()).collect();
    let jsonl: Vec<String> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["rule"] == "B002")
        .map(|v| v["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!((csv.len(), jsonl.len()), (1, 1), "{csv:?} {jsonl:?}");
    for m in csv.iter().chain(&jsonl) {
        assert!(!m.contains(['\u{1b}', '\u{202e}']), "raw escape in {m:?}");
        assert!(m.contains("red\u{FFFD}.xml"), "{m}");
        assert!(m.chars().count() <= MAX_MESSAGE_CHARS, "{} chars", m.chars().count());
    }
}

/// The files read beside the inputs never block the run and never fill memory: a named pipe
/// with no writer reads as an empty file, one with a writer (`--doctors <(iconv …)`) as what
/// it writes, and `/dev/zero` is refused past a bound.
#[test]
fn side_files_that_are_pipes_or_devices_are_read_without_hanging_or_without_end() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("list.csv");
    mkfifo(&fifo);
    let empty = tmp.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let samples = root().join("samples/valid");
    let run = |option: &str, side: &OsStr| {
        let out = tmp.path().join("out");
        let args =
            [OsStr::new("check"), samples.as_os_str(), OsStr::new(option), side, OsStr::new("--out"), out.as_os_str()];
        common::child::run(&args, tmp.path(), &tmp.path().join("logs"))
    };
    for option in ["--doctors", "--institutions", "--baseline", "--config"] {
        let (piped, plain) = (run(option, fifo.as_os_str()), run(option, empty.as_os_str()));
        assert_eq!(piped.code, plain.code, "{option}: a pipe without a writer is an empty file: {}", piped.stderr);
        let zero = run(option, OsStr::new("/dev/zero"));
        assert_eq!(zero.code, Some(2), "{option}: {}", zero.stderr);
        assert!(zero.stderr.contains("64 MiB を超えても終わりません"), "{option}: {}", zero.stderr);
        assert!(zero.max_rss < 200 << 20, "{option}: {} bytes", zero.max_rss);
    }
    // Why a side file cannot be read is said in the run's language, not in the system's.
    let not_utf8 = tmp.path().join("cp932.toml");
    std::fs::write(&not_utf8, b"x\xff").unwrap();
    let missing = tmp.path().join("missing.csv");
    for (option, side, says) in [
        ("--config", &not_utf8, "UTF-8 ではありません (2 バイト目)"),
        ("--baseline", &not_utf8, "UTF-8 ではありません (2 バイト目)"),
        ("--config", &missing, "ファイルがありません"),
        ("--doctors", &missing, "ファイルがありません"),
        ("--institutions", &tmp.path().to_path_buf(), "ファイルではなくフォルダです"),
    ] {
        let r = run(option, side.as_os_str());
        assert_eq!(r.code, Some(2), "{option}: {}", r.stderr);
        assert!(r.stderr.contains(says) && !r.stderr.contains("os error"), "{option}: {}", r.stderr);
    }
    // A pipe with a writer gives what it writes.
    let roster = std::fs::read(root().join("samples/doctors.csv")).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, roster).unwrap())
    };
    let invalid = root().join("samples/invalid/P001-doctor-not-in-roster");
    let out = tmp.path().join("out");
    let args = [
        OsStr::new("check"),
        invalid.as_os_str(),
        OsStr::new("--doctors"),
        fifo.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    let piped = common::child::run(&args, tmp.path(), &tmp.path().join("logs"));
    writer.join().unwrap();
    assert_eq!(piped.code, Some(1), "{}", piped.stderr);
    assert!(piped.stdout.contains("P001"), "the roster was read: {}", piped.stdout);
}

/// A folder the walk cannot list (here one nested deeper than a path may be long, which
/// stops root too) may hold inputs: it gets an F001 row and the run fails, instead of a line
/// on stderr and exit 0.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_that_cannot_be_listed_has_its_row_and_fails_the_run() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("in")).unwrap();
    std::fs::write(tmp.path().join("in").join(R_NAME), R_VALID).unwrap();
    let top = std::ffi::CString::new(tmp.path().join("in").as_os_str().as_bytes()).unwrap();
    // SAFETY: plain *at calls on descriptors this loop owns, each closed once replaced.
    unsafe {
        let mut fd = libc::open(top.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        assert!(fd >= 0);
        let name = std::ffi::CString::new("d".repeat(200)).unwrap();
        for _ in 0..30 {
            assert_eq!(libc::mkdirat(fd, name.as_ptr(), 0o755), 0);
            let next = libc::openat(fd, name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
            assert!(next >= 0);
            libc::close(fd);
            fd = next;
        }
        libc::close(fd);
    }
    let args = ["check", "in", "--as-of", "2026-11-21", "--no-progress", "--out", "out"].map(OsStr::new);
    let run = common::child::run(&args, tmp.path(), &tmp.path().join("logs"));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let summary = std::fs::read_to_string(tmp.path().join("out/summary.csv")).unwrap();
    let rows: Vec<&str> = summary.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{summary}");
    assert!(rows.iter().any(|r| r.starts_with("in/dddd") && r.ends_with(",error")), "{summary}");
    assert!(run.stdout.contains("フォルダを読み取れません"), "{}", run.stdout);
}

/// A folder without read permission, named as the PATH or reached through a link, has its
/// F001 row. Run as another user when the tests run as root, whom permissions do not stop.
#[cfg(target_os = "linux")]
#[test]
fn a_locked_folder_as_the_path_or_behind_a_link_has_its_row() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // In /tmp, which every user may enter: the run below may be another user's.
    let tmp = tempfile::Builder::new().tempdir_in("/tmp").unwrap();
    let cwd = tmp.path();
    std::fs::set_permissions(cwd, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::create_dir_all(cwd.join("locked")).unwrap();
    std::fs::write(cwd.join("locked").join(R_NAME), R_VALID).unwrap();
    std::fs::create_dir_all(cwd.join("in")).unwrap();
    std::fs::write(cwd.join("in").join(S_NAME), S_VALID).unwrap();
    std::os::unix::fs::symlink("../locked", cwd.join("in/link")).unwrap();
    std::fs::set_permissions(cwd.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    // Another user may not reach the build's folder: a copy of the binary beside the inputs.
    let bin = match root {
        true => {
            let copy = cwd.join("rinken");
            std::fs::copy(common::bin(), &copy).unwrap();
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
            copy
        }
        false => common::bin(),
    };
    // Both paths to the locked folder keep their row when given together: a folder that
    // cannot be listed is not a file already checked.
    for (paths, rows) in
        [(&["locked"][..], &["locked"][..]), (&["in"], &["in/link"]), (&["in", "locked"], &["in/link", "locked"])]
    {
        let out = format!("out-{}", paths.join("-"));
        let mut cmd = std::process::Command::new(&bin);
        cmd.arg("check").args(paths).args(["--as-of", "2026-11-21", "--no-progress", "--out", &out]).current_dir(cwd);
        if root {
            cmd.uid(65534).gid(65534);
        }
        let run = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert_eq!(run.status.code(), Some(1), "{paths:?}: {stdout}{}", String::from_utf8_lossy(&run.stderr));
        let summary = std::fs::read_to_string(cwd.join(&out).join("summary.csv")).unwrap();
        for row in rows {
            assert!(summary.lines().any(|l| l.starts_with(&format!("{row},")) && l.ends_with(",error")), "{summary}");
        }
        assert!(stdout.contains("フォルダを読み取れません"), "{stdout}");
        let reports = walkdir::WalkDir::new(cwd.join(&out)).into_iter().flatten().filter(|e| e.file_type().is_file());
        assert!(reports.count() >= 2, "the folder's report is kept with the summary");
    }
    std::fs::set_permissions(cwd.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
}
