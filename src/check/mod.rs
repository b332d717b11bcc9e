//! Check: one file in, its findings out.
//!
//! `check_file` runs the stages of RULES.md in order — file (F), then per record the layout
//! engine (L), then the domain rules (C, D, I, P) on the values the layout found valid — and
//! returns everything the report stage needs, including the few bytes per record that the
//! run-wide batch rules (B) keep.

pub mod batch;
pub mod dates;
pub mod disease;
pub mod doctor;
pub mod file;
pub mod ident;
pub mod layout;
pub mod meta;
pub mod view;

use crate::finding::{bound_message, quote_value, Finding, Rule, Severity, MAX_FINDINGS_PER_FILE};
use crate::input::Input;
use crate::lang::Lang;
use crate::parse::locate::Locator;
use crate::parse::{Parser, Record};
use crate::refdata::{Institutions, Roster};
use crate::rules::RuleConfig;
use crate::tables::Tables;
use crate::text::date::Date;

/// Everything fixed for a run, shared by all worker threads.
pub struct Ctx<'a> {
    pub tables: &'a Tables,
    pub lang: Lang,
    /// "Today" (`--as-of`).
    pub as_of: Date,
    pub rules: &'a RuleConfig,
    pub roster: Option<&'a Roster>,
    pub institutions: Option<&'a Institutions>,
}

/// What a file turned out to be, for `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Rinkohyo,
    Ikensho,
    Batch,
    Unknown,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Rinkohyo => "rinkohyo",
            FileKind::Ikensho => "ikensho",
            FileKind::Batch => "batch",
            FileKind::Unknown => "unknown",
        }
    }
}

/// A record's identity for B001, hashed: a few bytes per record however large the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchKey {
    pub hash: u128,
    pub record: u32,
    /// Offset of the record's start tag, resolved to a line when B001 fires.
    pub line: u32,
    pub column: u32,
}

/// The result of checking one file.
#[derive(Debug)]
pub struct FileResult {
    pub kind: FileKind,
    pub records: u32,
    pub bytes: u64,
    pub findings: Vec<Finding>,
    /// Hash of the file's bytes (B002), when it could be read and was not empty.
    pub content_hash: Option<u128>,
    pub batch_keys: Vec<BatchKey>,
    /// Findings counted but not kept in `findings`.
    pub unlisted: Unlisted,
}

impl FileResult {
    /// Findings of this severity, including those not listed.
    pub fn count(&self, sev: Severity) -> usize {
        let unlisted = match sev {
            Severity::E => self.unlisted.errors,
            Severity::W => self.unlisted.warnings,
        };
        self.findings.iter().filter(|f| f.severity == sev).count() + unlisted
    }
}

/// Collects the findings of one file, resolving offsets to lines and applying the run's rule
/// selection and severities.
pub struct Sink<'c, 'l> {
    pub ctx: &'c Ctx<'c>,
    loc: Option<&'l Locator<'l>>,
    pub findings: Vec<Finding>,
    unlisted: Unlisted,
    /// The 医療機関コード in the file name, when the name follows the pattern (F010).
    pub file_code: Option<String>,
}

impl<'c, 'l> Sink<'c, 'l> {
    pub fn new(ctx: &'c Ctx<'c>) -> Sink<'c, 'l> {
        Sink { ctx, loc: None, findings: Vec::new(), unlisted: Unlisted::default(), file_code: None }
    }

    pub fn lang(&self) -> Lang {
        self.ctx.lang
    }

    pub fn set_locator(&mut self, loc: &'l Locator<'l>) {
        self.loc = Some(loc);
    }

    pub fn locate(&self, offset: usize) -> (u32, u32) {
        self.loc.map_or((0, 0), |l| l.locate(offset))
    }

    /// Records a finding. `offset` is a byte offset in the file's text, when there is one.
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        record: u32,
        path: &str,
        offset: Option<usize>,
        value: &str,
        message: String,
    ) {
        let Some(severity) = self.ctx.rules.severity(rule) else { return };
        if self.is_full(severity) {
            return;
        }
        let pos = offset.map_or((0, 0), |o| self.locate(o));
        self.push(rule, severity, record, path, pos, value, message);
    }

    /// Records a finding whose line and column are already known.
    pub fn emit_at(
        &mut self,
        rule: &'static Rule,
        record: u32,
        path: &str,
        pos: (u32, u32),
        value: &str,
        message: String,
    ) {
        let Some(severity) = self.ctx.rules.severity(rule) else { return };
        if self.is_full(severity) {
            return;
        }
        self.push(rule, severity, record, path, pos, value, message);
    }

    /// For loops that can emit without bound (unknown elements): true when a finding of `rule`
    /// would not be kept, in which case it is counted and the caller need not build it.
    pub fn counted_only(&mut self, rule: &'static Rule) -> bool {
        self.ctx.rules.severity(rule).is_some_and(|severity| self.is_full(severity))
    }

    /// Counts instead of keeping a finding past [`MAX_FINDINGS_PER_FILE`].
    fn is_full(&mut self, severity: Severity) -> bool {
        if self.findings.len() < MAX_FINDINGS_PER_FILE {
            return false;
        }
        match severity {
            Severity::E => self.unlisted.errors += 1,
            Severity::W => self.unlisted.warnings += 1,
        }
        true
    }

    /// Every cell a finding carries passes here: whatever a file holds, no cell of a report
    /// is longer than a few hundred characters or holds a control character.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        record: u32,
        path: &str,
        (line, column): (u32, u32),
        value: &str,
        message: String,
    ) {
        self.findings.push(Finding {
            record,
            rule,
            severity,
            path: quote_value(path),
            line,
            column,
            value: quote_value(value),
            message: bound_message(message, value),
        });
    }

    /// The findings kept, plus one M001 saying how many were not, and those counts.
    pub fn finish(mut self) -> (Vec<Finding>, Unlisted) {
        let u = self.unlisted;
        if u.errors + u.warnings > 0 {
            if let Some(severity) = self.ctx.rules.severity(&meta::M001) {
                let (n, e, w, max) = (u.errors + u.warnings, u.errors, u.warnings, MAX_FINDINGS_PER_FILE);
                let msg = crate::tr!(
                    self.ctx.lang,
                    "指摘が多すぎるため、最初の {max} 件の後の {n} 件 (エラー {e}、警告 {w}) は一覧にしていません。summary.csv の件数には含まれます",
                    "too many findings: {n} more after the first {max} ({e} errors, {w} warnings) are not listed; summary.csv counts them"
                );
                self.push(&meta::M001, severity, 0, "", (0, 0), "", msg);
            }
        }
        (self.findings, u)
    }
}

/// Findings counted but not kept (past [`MAX_FINDINGS_PER_FILE`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unlisted {
    pub errors: usize,
    pub warnings: usize,
}

/// Checks one record: layout first, then, on the values it found valid, the domain rules.
pub fn check_record(sink: &mut Sink<'_, '_>, rec: &Record, keys: &mut Vec<BatchKey>) {
    let Some(view) = layout::check(sink, rec) else { return };
    file::check_code(sink, &view);
    layout::items::check(sink, &view);
    disease::check(sink, &view);
    dates::check(sink, &view);
    ident::check(sink, &view);
    doctor::check(sink, &view);
    if let Some(key) = batch::record_key(&view) {
        let (line, column) = sink.locate(rec.offset);
        keys.push(BatchKey { hash: key, record: rec.number, line, column });
    }
}

fn empty_result() -> FileResult {
    FileResult {
        kind: FileKind::Unknown,
        records: 0,
        bytes: 0,
        findings: Vec::new(),
        content_hash: None,
        batch_keys: Vec::new(),
        unlisted: Unlisted::default(),
    }
}

/// The result for a file whose check failed inside rinken (M002): the file keeps its row.
pub fn internal_error(ctx: &Ctx<'_>, what: &str) -> FileResult {
    let mut sink = Sink::new(ctx);
    let lang = ctx.lang;
    let version = env!("CARGO_PKG_VERSION");
    let msg = crate::tr!(
        lang,
        "rinken {version} の内部エラーでこのファイルを検査できませんでした ({what})。他のファイルの検査は続けました。このファイルを添えて報告してください",
        "rinken {version} failed internally while checking this file ({what}); the other files were checked; please report it with this file"
    );
    sink.emit(&meta::M002, 0, "", None, "", msg);
    FileResult { findings: sink.finish().0, ..empty_result() }
}

/// Checks one input file: reads it once, then [`check_bytes`]. A failure to read is a finding.
pub fn check_file(ctx: &Ctx<'_>, parser: &mut Parser<'_>, input: &Input) -> FileResult {
    let name = input.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match crate::input::load::read_file(&input.path) {
        Ok(bytes) => check_bytes(ctx, parser, &name, &bytes),
        Err(e) => {
            let mut sink = Sink::new(ctx);
            file::unreadable(&mut sink, &e);
            FileResult { findings: sink.finish().0, ..empty_result() }
        }
    }
}

/// Checks the bytes of one file named `name` (its file name, for F009/F010): every stage,
/// bytes in, findings out.
pub fn check_bytes(ctx: &Ctx<'_>, parser: &mut Parser<'_>, name: &str, bytes: &[u8]) -> FileResult {
    let mut result = FileResult { bytes: bytes.len() as u64, ..empty_result() };
    let mut sink = Sink::new(ctx);
    file::check_name(&mut sink, name);
    sink.file_code = file::parse_name(name).map(|n| n.institution.to_owned());
    if bytes.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        file::empty(&mut sink, bytes.len());
        (result.findings, result.unlisted) = sink.finish();
        return result;
    }
    result.content_hash = Some(xxhash_rust::xxh3::xxh3_128(bytes));
    let Some(decoded) = file::decode(&mut sink, bytes) else {
        (result.findings, result.unlisted) = sink.finish();
        return result;
    };
    let text: &str = &decoded.text;
    let loc = Locator::new(text.as_bytes());
    sink.set_locator(&loc);
    let mut keys = Vec::new();
    let info = parser.parse(text, |rec| check_record(&mut sink, rec, &mut keys));
    file::after_parse(&mut sink, &info, name, text);
    result.kind = file::kind_of(ctx.tables, &info.root);
    result.records = info.forms;
    result.batch_keys = keys;
    (result.findings, result.unlisted) = sink.finish();
    result
}
