//! Shared test helpers: check XML in memory with the embedded tables, and run the binary.
#![allow(dead_code)]

#[cfg(unix)]
pub mod child;

use rinken::check::{check_bytes, Ctx, FileResult};
use rinken::finding::Finding;
use rinken::lang::Lang;
use rinken::parse::Parser;
use rinken::refdata::{Institutions, Roster};
use rinken::rules::RuleConfig;
use rinken::tables::Tables;
use rinken::text::date::Date;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A valid 臨個票 (2403, 新規, disease 6 with items) and its file name.
pub const R_NAME: &str = "R131331572820250612000001.xml";
pub const R_VALID: &str = include_str!("../../samples/valid/R131331572820250612000001.xml");
/// A valid 意見書 (2310, 新規, disease 7-1 with items) and its file name.
pub const S_NAME: &str = "S261020215820250918000001.xml";
pub const S_VALID: &str = include_str!("../../samples/valid/S261020215820250918000001.xml");

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces exactly one occurrence of `from`, so that a test cannot silently edit nothing.
pub fn edit(xml: &str, from: &str, to: &str) -> String {
    assert_eq!(xml.matches(from).count(), 1, "`{from}` must occur exactly once");
    xml.replacen(from, to, 1)
}

pub struct Harness {
    pub tables: Tables,
    pub rules: RuleConfig,
    pub roster: Option<Roster>,
    pub institutions: Option<Institutions>,
    pub as_of: Date,
    pub lang: Lang,
    pub redact: bool,
}

impl Harness {
    /// Embedded tables, the samples' roster, as of 2026-11-21.
    pub fn new() -> Harness {
        Harness {
            tables: Tables::embedded().unwrap(),
            rules: RuleConfig::default(),
            roster: Some(Roster::load(&root().join("samples/doctors.csv")).unwrap()),
            institutions: None,
            as_of: Date::parse_iso("2026-11-21").unwrap(),
            lang: Lang::Ja,
            redact: false,
        }
    }

    /// The check context these settings describe.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            tables: &self.tables,
            lang: self.lang,
            as_of: self.as_of,
            rules: &self.rules,
            roster: self.roster.as_ref(),
            institutions: self.institutions.as_ref(),
            redact: self.redact,
        }
    }

    pub fn findings(&self, name: &str, bytes: &[u8]) -> Vec<Finding> {
        self.result(name, bytes).findings
    }

    /// The whole result of checking `bytes` as a file named `name`.
    pub fn result(&self, name: &str, bytes: &[u8]) -> FileResult {
        let ctx = self.ctx();
        let mut parser = Parser::new(&self.tables);
        check_bytes(&ctx, &mut parser, name, bytes)
    }

    /// (record, rule) of every finding, sorted.
    pub fn rules(&self, name: &str, xml: &str) -> Vec<(u32, &'static str)> {
        self.rules_of(name, xml.as_bytes())
    }

    pub fn rules_of(&self, name: &str, bytes: &[u8]) -> Vec<(u32, &'static str)> {
        let mut v: Vec<_> = self.findings(name, bytes).iter().map(|f| (f.record, f.rule.id)).collect();
        v.sort();
        v
    }

    /// The one finding of a check, asserting there is exactly one.
    pub fn only(&self, name: &str, xml: &str) -> Finding {
        let f = self.findings(name, xml.as_bytes());
        assert_eq!(
            f.len(),
            1,
            "expected one finding, got {:#?}",
            f.iter().map(|f| (f.rule.id, &f.message)).collect::<Vec<_>>()
        );
        f.into_iter().next().unwrap()
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rinken"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn rinken(args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(bin()).args(args).current_dir(cwd).output().expect("run rinken");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Rows of a CSV report (UTF-8 with BOM), as maps from header to cell.
pub fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("reports start with a BOM");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
        .collect()
}

/// Every per-file report under `out/files`, concatenated.
pub fn all_findings(out: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut rows = Vec::new();
    for e in walkdir::WalkDir::new(out.join("files")).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            rows.extend(read_csv(e.path()));
        }
    }
    rows
}

/// Sets the text of the one element named `name` (`<name>…</name>`).
pub fn set(xml: &str, name: &str, value: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    assert_eq!(xml.matches(&open).count(), 1, "<{name}> must occur exactly once");
    let start = xml.find(&open).unwrap() + open.len();
    let end = start + xml[start..].find(&close).unwrap();
    format!("{}{value}{}", &xml[..start], &xml[end..])
}

/// Removes the one element named `name`, with its line.
pub fn remove(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    assert_eq!(xml.matches(&open).count(), 1, "<{name}> must occur exactly once");
    let start = xml[..xml.find(&open).unwrap()].rfind('\n').unwrap();
    let end = xml.find(&close).unwrap() + close.len();
    format!("{}{}", &xml[..start], &xml[end..])
}

/// The 意見書 template re-dated: written, diagnosed, onset and born on the given days.
pub fn ikensho(written: &str, diagnosed: &str, born: &str) -> String {
    let x = set(S_VALID, "WrittenDate", written);
    let x = set(&x, "DiagnosisDate", diagnosed);
    let x = set(&x, "OnsetYearMonth", &diagnosed[..7]);
    set(&x, "BirthDate", born)
}

/// `rinken check samples` as the manifest runs it (no configuration file), into a fresh report
/// folder `report` under the returned directory, with `extra` arguments.
pub fn check_samples(extra: &[&str]) -> (Run, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let mut args = vec![
        "check",
        "samples",
        "--as-of",
        "2026-11-21",
        "--doctors",
        "samples/doctors.csv",
        "--no-progress",
        "--no-config",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (rinken(&args, &root()), tmp)
}

/// (file, record, rule, severity, line) of every CSV finding under `out`, sorted.
pub fn csv_keys(out: &Path) -> Vec<(String, u64, String, String, u64)> {
    let mut v: Vec<_> = all_findings(out)
        .into_iter()
        .map(|r| {
            (
                r["file"].clone(),
                r["record"].parse().unwrap(),
                r["rule"].clone(),
                r["severity"].clone(),
                r["line"].parse().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}
