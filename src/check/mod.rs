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
mod first_seen;
pub mod ident;
pub mod layout;
pub mod meta;
pub mod redact;
mod split;
pub mod stream;
pub mod view;

use crate::finding::{Finding, Rule, Severity};
use crate::input::Input;
use crate::lang::Lang;
use crate::parse::locate::Locate;
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
    /// `--redact`: patient values are scrubbed from every finding (see [`redact`]).
    pub redact: bool,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchKey {
    pub hash: u128,
    pub record: u32,
    /// Offset of the record's start tag, resolved to a line when B001 fires.
    pub line: u32,
    pub column: u32,
}

/// The batch keys of one file's forms, the first held inline. Nearly every file holds one
/// form, and its result is freed on the report thread: a vector of one key was an allocation
/// made on a worker's heap and freed from another thread, which takes that heap's lock, and
/// over 100,000 files with two threads the report thread slept on it about 700 times a run
/// (each a wake-up of it and a worker, see docs/performance.md).
pub type BatchKeys = tinyvec::TinyVec<[BatchKey; 1]>;

/// The result of checking one file.
#[derive(Debug)]
pub struct FileResult {
    pub kind: FileKind,
    pub records: u32,
    pub bytes: u64,
    pub findings: Vec<Finding>,
    /// Hash of the file's bytes (B002), when it could be read and was not empty.
    pub content_hash: Option<u128>,
    pub batch_keys: BatchKeys,
    /// Findings beyond [`MAX_KEPT_FINDINGS`]: counted, not kept.
    pub overflow: Overflow,
}

impl FileResult {
    /// Kept findings of this severity (see `overflow` for those counted only).
    pub fn count(&self, sev: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == sev).count()
    }

    /// Adds a file-level or form-level finding made after the check (the batch rules), under
    /// the run's selection and the same cap as the `Sink`'s; `message` is built only when the
    /// finding is kept.
    pub fn add(
        &mut self,
        rules: &RuleConfig,
        rule: &'static Rule,
        record: u32,
        pos: (u32, u32),
        message: impl FnOnce() -> String,
    ) {
        let Some(severity) = rules.severity(rule) else { return };
        if self.overflow.admit(self.findings.len(), rule, severity) {
            self.overflow.keep(&mut self.findings, Finding::new(rule, severity, record, "", pos, "", message()));
        }
    }
}

pub use meta::{MAX_KEPT_BYTES, MAX_KEPT_FINDINGS};

/// Findings counted but not kept, by rule and severity, and the size of those kept.
#[derive(Debug, Default, Clone)]
pub struct Overflow {
    pub by_rule: Vec<(&'static Rule, Severity, u64)>,
    /// The size of the findings kept beside this (see [`Overflow::keep`]).
    kept_bytes: usize,
}

impl Overflow {
    /// Whether a finding fits beside the `kept` ones a file has; when it does not, it is
    /// counted here instead. Every producer of a file's findings (the `Sink` during the check,
    /// the batch rules after it) goes through this and then [`Overflow::keep`], so the caps
    /// hold for all of them. The message is built after this says yes, so the byte cap can be
    /// passed by one finding.
    pub fn admit(&mut self, kept: usize, rule: &'static Rule, severity: Severity) -> bool {
        if kept < MAX_KEPT_FINDINGS && self.kept_bytes < MAX_KEPT_BYTES {
            return true;
        }
        self.add_n(rule, severity, 1);
        false
    }

    /// The size of the findings kept beside this, as [`Overflow::keep`] counts it.
    pub fn kept_bytes(&self) -> usize {
        self.kept_bytes
    }

    /// Keeps a finding [`Overflow::admit`] let in, counting its size.
    pub fn keep(&mut self, findings: &mut Vec<Finding>, f: Finding) {
        // Its struct and its text.
        self.kept_bytes += std::mem::size_of::<Finding>() + f.path.len() + f.value.len() + f.message.len();
        findings.push(f);
    }

    /// Takes over the findings kept beside `other` and its counts (its findings are being
    /// added to the ones kept beside this).
    pub fn absorb(&mut self, other: Overflow) {
        self.kept_bytes += other.kept_bytes;
        self.merge(other);
    }

    fn add_n(&mut self, rule: &'static Rule, severity: Severity, n: u64) {
        match self.by_rule.iter_mut().find(|(r, s, _)| r.id == rule.id && *s == severity) {
            Some(entry) => entry.2 += n,
            None => self.by_rule.push((rule, severity, n)),
        }
    }

    pub fn merge(&mut self, other: Overflow) {
        for (rule, severity, n) in other.by_rule {
            self.add_n(rule, severity, n);
        }
    }

    /// (errors, warnings) not kept.
    pub fn counts(&self) -> (u64, u64) {
        let sum = |sev| self.by_rule.iter().filter(|(_, s, _)| *s == sev).map(|(_, _, n)| n).sum();
        (sum(Severity::E), sum(Severity::W))
    }
}

/// Collects the findings of one file, applying the run's rule selection and severities.
/// Findings about an element carry its byte offset until [`Sink::resolve`] turns offsets into
/// lines and columns with the locator of the current form.
pub struct Sink<'c> {
    pub ctx: &'c Ctx<'c>,
    pub findings: Vec<Finding>,
    /// (index in `findings`, byte offset) of findings not yet located.
    pending: Vec<(usize, usize)>,
    /// Findings beyond [`MAX_KEPT_FINDINGS`].
    pub overflow: Overflow,
    /// The file name's kind letter and 医療機関コード, when it follows the pattern (F010).
    pub file_name: Option<file::NamedFile>,
}

impl<'c> Sink<'c> {
    pub fn new(ctx: &'c Ctx<'c>) -> Sink<'c> {
        Sink { ctx, findings: Vec::new(), pending: Vec::new(), overflow: Overflow::default(), file_name: None }
    }

    pub fn lang(&self) -> Lang {
        self.ctx.lang
    }

    /// Gives every finding made since the last call its line and column.
    pub fn resolve(&mut self, loc: &dyn Locate) {
        for (i, offset) in self.pending.drain(..) {
            let f = &mut self.findings[i];
            (f.line, f.column) = loc.locate(offset);
        }
    }

    /// The severity of a finding of `rule` when it is to be kept. When the file's findings are
    /// full it counts one and says no.
    fn admit(&mut self, rule: &'static Rule) -> Option<Severity> {
        let severity = self.ctx.rules.severity(rule)?;
        self.overflow.admit(self.findings.len(), rule, severity).then_some(severity)
    }

    /// Whether a finding of `rule` would be kept (counting it when not), so that a loop over
    /// millions of offenders can skip building messages.
    pub fn room(&mut self, rule: &'static Rule) -> bool {
        self.admit(rule).is_some()
    }

    /// Counts `n` findings of `rule` as made but not kept (beyond what a record holds one by
    /// one), under the run's selection.
    pub fn count_only(&mut self, rule: &'static Rule, n: u64) {
        if let Some(severity) = self.ctx.rules.severity(rule) {
            self.overflow.add_n(rule, severity, n);
        }
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
        let Some(severity) = self.admit(rule) else { return };
        if let Some(o) = offset {
            self.pending.push((self.findings.len(), o));
        }
        self.keep(Finding::new(rule, severity, record, path, (0, 0), value, message));
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
        let Some(severity) = self.admit(rule) else { return };
        self.keep(Finding::new(rule, severity, record, path, pos, value, message));
    }

    fn keep(&mut self, f: Finding) {
        self.overflow.keep(&mut self.findings, f);
    }
}

/// Checks one record: layout first, then, on the values it found valid, the domain rules.
/// `loc` locates offsets of this record. With `--redact`, the record's findings lose its
/// patient values before anything sees them.
pub fn check_record(sink: &mut Sink<'_>, rec: &Record, loc: &dyn Locate, keys: &mut BatchKeys) {
    let first = sink.findings.len();
    check_record_rules(sink, rec, loc, keys);
    sink.resolve(loc);
    if sink.ctx.redact && sink.findings.len() > first {
        redact::PatientValues::of(sink.ctx.tables, rec).apply(&mut sink.findings[first..]);
    }
}

fn check_record_rules(sink: &mut Sink<'_>, rec: &Record, loc: &dyn Locate, keys: &mut BatchKeys) {
    let Some(view) = layout::check(sink, rec, loc) else { return };
    file::check_code(sink, &view);
    layout::items::check(sink, &view);
    disease::check(sink, &view);
    dates::check(sink, &view);
    ident::check(sink, &view);
    doctor::check(sink, &view);
    if let Some(key) = batch::record_key(&view) {
        let (line, column) = loc.locate(rec.offset);
        keys.push(BatchKey { hash: key, record: rec.number, line, column });
    }
}

pub(crate) fn empty_result() -> FileResult {
    FileResult {
        kind: FileKind::Unknown,
        records: 0,
        bytes: 0,
        findings: Vec::new(),
        content_hash: None,
        batch_keys: BatchKeys::new(),
        overflow: Overflow::default(),
    }
}

/// The result for a file whose check failed inside rinken (M002): the file keeps its row.
pub fn internal_error(ctx: &Ctx<'_>, what: &str) -> FileResult {
    let mut sink = Sink::new(ctx);
    let lang = ctx.lang;
    let version = env!("CARGO_PKG_VERSION");
    // A panic message may quote anything the check was looking at.
    let what = if ctx.redact { redact::MARKER } else { what };
    let msg = crate::tr!(
        lang,
        "rinken {version} の内部エラーでこのファイルを検査できませんでした ({what})。他のファイルの検査は続けました。このファイルを添えて報告してください",
        "rinken {version} failed internally while checking this file ({what}); the other files were checked; please report it with this file"
    );
    sink.emit(&meta::M002, 0, "", None, "", msg);
    FileResult { findings: sink.findings, ..empty_result() }
}

/// Checks one input file: reads it once, then [`check_bytes`]. A failure to read is a finding.
pub fn check_file(ctx: &Ctx<'_>, parser: &mut Parser<'_>, input: &Input) -> FileResult {
    use crate::input::load;
    let name = file_name(input.path());
    use crate::input::Unreadable;
    let loaded = load::with_buffer(|bytes| match input.unreadable() {
        None => load::read_file(input.path(), bytes, stream::STREAM_ABOVE).map(|loaded| match loaded {
            load::Loaded::Whole(n) => check_bytes(ctx, parser, &name, &bytes[..n]),
            load::Loaded::Larger(file, len) => stream::check_stream(ctx, parser, &name, file, len),
        }),
        Some(Unreadable::Special) => Err(load::LoadError::NotRegular),
        Some(Unreadable::Folder(why)) => Err(load::LoadError::Unlistable(why.clone())),
    });
    loaded.unwrap_or_else(|e| {
        let mut sink = Sink::new(ctx);
        file::unreadable(&mut sink, &e);
        FileResult { findings: sink.findings, ..empty_result() }
    })
}

/// The file name F009 and F010 read, as [`Path::file_name`] gives it (lossily, if it is not
/// UTF-8). Every input asks, and on Unix the bytes after the last `/` are that name whenever
/// they are one (not empty, `.` or `..`), without `Path`'s parse into components (a
/// hundredth of a worker's instructions).
fn file_name(path: &std::path::Path) -> std::borrow::Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let last = memchr::memrchr(b'/', bytes).map_or(bytes, |i| &bytes[i + 1..]);
        if !matches!(last, b"" | b"." | b"..") {
            if let Ok(name) = std::str::from_utf8(last) {
                return std::borrow::Cow::Borrowed(name);
            }
        }
    }
    path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
}

/// Checks the bytes of one file named `name` (its file name, for F009/F010): every stage,
/// bytes in, findings out.
pub fn check_bytes(ctx: &Ctx<'_>, parser: &mut Parser<'_>, name: &str, bytes: &[u8]) -> FileResult {
    let mut result = FileResult { bytes: bytes.len() as u64, ..empty_result() };
    let mut sink = Sink::new(ctx);
    file::check_name(&mut sink, name);
    // A byte-order mark is not content: a file with nothing else is as empty as one with
    // nothing at all, not a BOM (F005) before a missing root (F006).
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF");
    if body.unwrap_or(bytes).iter().all(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        file::empty(&mut sink, bytes.len(), body.is_some());
        result.findings = sink.findings;
        return result;
    }
    result.content_hash = Some(xxhash_rust::xxh3::xxh3_128(bytes));
    let Some(decoded) = file::decode(&mut sink, bytes) else {
        result.findings = sink.findings;
        return result;
    };
    let mut keys = BatchKeys::new();
    let info = parser.parse(&decoded.text, |rec, loc| check_record(&mut sink, rec, loc, &mut keys));
    file::after_parse(&mut sink, &info, name);
    if ctx.redact {
        redact::raw_excerpt(&mut sink.findings);
    }
    result.kind = file::kind_of(ctx.tables, &info.root);
    result.records = info.forms;
    result.batch_keys = keys;
    result.findings = sink.findings;
    result.overflow = sink.overflow;
    result
}

#[cfg(test)]
mod tests {
    use super::file_name;
    use std::path::Path;

    #[test]
    fn the_file_name_is_the_one_path_gives() {
        let paths = [
            "R1.xml",
            "a/R1.xml",
            "/srv/in/R1.xml",
            "a/b/",
            "a/b/.",
            "a/..",
            "/",
            "",
            ".",
            "a//R1.xml",
            "日本/様式.xml",
        ];
        for p in paths {
            let p = Path::new(p);
            let std = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
            assert_eq!(file_name(p), std, "{p:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_name_not_in_utf8_is_read_lossily() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"in/R\xff.xml"));
        assert_eq!(file_name(p), "R\u{FFFD}.xml");
    }
}
