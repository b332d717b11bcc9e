//! `summary.csv` (one row per input file, in path order) and the short human summary.

use super::csv::{CsvDoc, CsvEncoding, SUMMARY_HEADER};
use crate::check::FileKind;
use crate::input::{SkipReason, Skipped};
use crate::lang::Lang;
use crate::tr;
use std::time::Duration;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub files: u64,
    pub records: u64,
    pub bytes: u64,
    pub errors: u64,
    pub warnings: u64,
    pub files_with_errors: u64,
    pub files_with_warnings_only: u64,
}

pub fn status(errors: usize, warnings: usize) -> &'static str {
    match (errors, warnings) {
        (0, 0) => "ok",
        (0, _) => "warning",
        _ => "error",
    }
}

/// `summary.csv`, written as the run goes ([`Summary::drain`], appended to the staged file):
/// a row per input held to the end was the largest part of a long run's memory after the
/// inputs themselves (7 MB for 100,000 files, and up to twice that as its buffer grew).
pub struct Summary {
    doc: CsvDoc,
    enc: CsvEncoding,
    pub totals: Totals,
}

/// Bytes of rows gathered before they are written.
pub const FLUSH_AT: usize = 64 << 10;

impl Summary {
    pub fn new(enc: CsvEncoding) -> Summary {
        Summary { doc: CsvDoc::new(SUMMARY_HEADER), enc, totals: Totals::default() }
    }

    /// Bytes of rows not yet drained.
    pub fn pending(&self) -> usize {
        self.doc.pending()
    }

    /// The rows so far (with the header and the BOM the first time), in the summary's
    /// encoding, to be appended to the file; they are forgotten here.
    pub fn drain(&mut self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.doc.pending());
        self.doc.flush_to(&mut out, self.enc).expect("writing to memory");
        out
    }

    pub fn add(&mut self, file: &str, kind: FileKind, records: u32, bytes: u64, errors: usize, warnings: usize) {
        // Numbers formatted on the stack: a summary row is written for every input.
        let (mut r, mut e, mut w) = (itoa::Buffer::new(), itoa::Buffer::new(), itoa::Buffer::new());
        self.doc.row([
            file,
            kind.as_str(),
            r.format(records),
            e.format(errors),
            w.format(warnings),
            status(errors, warnings),
        ]);
        let t = &mut self.totals;
        t.files += 1;
        t.records += records as u64;
        t.bytes += bytes;
        t.errors += errors as u64;
        t.warnings += warnings as u64;
        match (errors, warnings) {
            (0, 0) => {}
            (0, _) => t.files_with_warnings_only += 1,
            _ => t.files_with_errors += 1,
        }
    }
}

fn skip_reason(r: SkipReason, lang: Lang) -> &'static str {
    match r {
        SkipReason::NotRegular => {
            lang.pick("通常のファイルではない (名前付きパイプなど)", "not a regular file (a named pipe, …)")
        }
        SkipReason::LinkLoop => {
            lang.pick("シンボリックリンクが親フォルダを指すループ", "a symbolic link looping back to a parent")
        }
        SkipReason::SameFile => lang.pick(
            "検査済みのファイルへの別のパス (最初のパスで 1 回だけ検査)",
            "another path to a file already checked (checked once, under its first path)",
        ),
    }
}

/// The few lines printed on stderr at the end of a run.
pub fn human(t: &Totals, elapsed: Duration, lang: Lang, report: &str, skipped: &[Skipped]) -> String {
    let secs = elapsed.as_secs_f64().max(1e-6);
    let (files, records, errors, warnings) = (t.files, t.records, t.errors, t.warnings);
    let (ef, wf) = (t.files_with_errors, t.files_with_warnings_only);
    let rps = (records as f64 / secs).round() as u64;
    let mbps = t.bytes as f64 / 1e6 / secs;
    let mut s = tr!(
        lang,
        "rinken: {files} ファイル・{records} 様式を検査: エラー {errors} 件、警告 {warnings} 件 (エラーのあるファイル {ef}、警告だけのファイル {wf})\n        {secs:.2} 秒、{rps} 様式/秒、{mbps:.1} MB/秒 — レポート: {report}\n",
        "rinken: checked {files} files, {records} forms: {errors} errors, {warnings} warnings ({ef} files with errors, {wf} with warnings only)\n        {secs:.2} s, {rps} forms/s, {mbps:.1} MB/s — report: {report}\n"
    );
    if !skipped.is_empty() {
        let n = skipped.len();
        s.push_str(&tr!(
            lang,
            "        {n} 件は検査の対象にしていません (理由は各行):\n",
            "        skipped {n} entries (each with its reason):\n"
        ));
        for k in skipped.iter().take(20) {
            let path = crate::report::formats::printable(&k.path);
            s.push_str(&format!("          {path} ({})\n", skip_reason(k.reason, lang)));
        }
        if n > 20 {
            let more = n - 20;
            s.push_str(&tr!(lang, "          ほか {more} 件\n", "          and {more} more\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drained_pieces_make_the_summary() {
        let mut s = Summary::new(CsvEncoding::Utf8);
        s.add("a.xml", FileKind::Ikensho, 2, 10, 1, 0);
        let mut bytes = s.drain();
        assert_eq!(s.pending(), 0);
        s.add("b.xml", FileKind::Rinkohyo, 1, 10, 0, 1);
        bytes.extend(s.drain());
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "file,kind,records,errors,warnings,status\r\na.xml,ikensho,2,1,0,error\r\nb.xml,rinkohyo,1,0,1,warning\r\n"
        );
        assert_eq!((s.totals.files, s.totals.files_with_errors, s.totals.files_with_warnings_only), (2, 1, 1));
    }
}
