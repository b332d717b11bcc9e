//! CSV as Excel users need it: RFC 4180, UTF-8 with a BOM by default (Japanese Excel then
//! opens it correctly), and cells that cannot start a formula.

use crate::finding::Finding;

/// The encodings a CSV report can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsvEncoding {
    Utf8,
    #[default]
    #[value(name = "utf8-bom")]
    #[serde(rename = "utf8-bom")]
    Utf8Bom,
    Cp932,
}

/// A cell that would start a formula in a spreadsheet (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading apostrophe, which Excel shows as text and never evaluates.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match needs_apostrophe(cell) {
        true => format!("'{cell}").into(),
        false => cell.into(),
    }
}

fn needs_apostrophe(cell: &str) -> bool {
    matches!(cell.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Builds one CSV document in memory, then encodes it, whole or in pieces ([`CsvDoc::flush_to`]).
///
/// Rows are written by csv-core, the csv crate's own writer, except rows whose every cell is
/// plain ([`is_plain`]): csv writes such a row as its cells joined by commas, and that is what
/// this writes for them, for a fifth of the cost of csv's field-by-field writing (a summary
/// row took 1,360 instructions on the report thread, once for every input).
pub struct CsvDoc {
    out: Vec<u8>,
    core: csv_core::Writer,
    /// `out` still starts with the BOM: nothing was flushed yet.
    head: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell csv writes as it is, with no apostrophe ([`neutralise`]) and no quotes: nothing in it
/// that could start a formula, and no comma, quote or line break.
fn is_plain(cell: &str) -> bool {
    // A message runs to a few hundred bytes, which memchr reads faster than a loop; for the
    // short cells (numbers, rule IDs) its set-up costs more than the loop.
    let b = cell.as_bytes();
    let special = |c: &u8| matches!(c, b',' | b'"' | b'\r' | b'\n');
    let found = if b.len() < 16 {
        b.iter().any(special)
    } else {
        memchr::memchr3(b',', b'"', b'\r', b).is_some() || memchr::memchr(b'\n', b).is_some()
    };
    !needs_apostrophe(cell) && !found
}

impl CsvDoc {
    pub fn new(header: &[&str]) -> CsvDoc {
        // The BOM is there from the start, so that the default encoding needs no second copy
        // of a report that can run to tens of megabytes.
        let core = csv_core::WriterBuilder::new().terminator(csv_core::Terminator::CRLF).build();
        // Room for a file report of a few findings from the start: grown from the BOM's three
        // bytes, the header alone took four reallocations.
        let mut out = Vec::with_capacity(1024);
        out.extend_from_slice(BOM);
        let mut doc = CsvDoc { out, core, head: true };
        // Every report file starts with a header: written as a row of plain cells, it costs
        // no pass through csv-core (about 3,000 instructions a report file).
        if !doc.plain_row(header) {
            for (i, cell) in header.iter().enumerate() {
                doc.field(i, cell.as_bytes());
            }
            doc.end_row();
        }
        doc
    }

    pub fn row<const N: usize>(&mut self, cells: [&str; N]) {
        if self.plain_row(&cells) {
            return;
        }
        // Cells are borrowed unless one needs its apostrophe: no allocation per cell.
        for (i, cell) in cells.iter().enumerate() {
            self.field(i, neutralise(cell).as_bytes());
        }
        self.end_row();
    }

    /// Writes `cells` as csv would when every one is plain ([`is_plain`]), their bytes joined
    /// by commas; otherwise writes nothing and says so.
    fn plain_row(&mut self, cells: &[&str]) -> bool {
        // One empty cell alone is csv's `""`: a row of one cell goes the general way.
        if cells.len() < 2 || !cells.iter().all(|c| is_plain(c)) {
            return false;
        }
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(cell.as_bytes());
        }
        self.out.extend_from_slice(b"\r\n");
        true
    }

    /// Cell `i` of a row (after a comma unless it is the first), quoted if it must be.
    fn field(&mut self, i: usize, input: &[u8]) {
        if i > 0 {
            self.write(|core, out| core.delimiter(out));
        }
        // Room for the worst case, a cell of quotes only: each doubled, and two around them.
        let start = self.out.len();
        self.out.resize(start + 2 + 2 * input.len(), 0);
        let (_, read, written) = self.core.field(input, &mut self.out[start..]);
        debug_assert_eq!(read, input.len(), "room for every byte");
        self.out.truncate(start + written);
    }

    fn end_row(&mut self) {
        self.write(|core, out| core.terminator(out));
    }

    /// A delimiter or terminator, with the closing quote of the cell before it: four bytes at
    /// most.
    fn write(&mut self, f: impl FnOnce(&mut csv_core::Writer, &mut [u8]) -> (csv_core::WriteResult, usize)) {
        let start = self.out.len();
        self.out.resize(start + 4, 0);
        let (_, written) = f(&mut self.core, &mut self.out[start..]);
        self.out.truncate(start + written);
    }

    /// The document in `enc`. In CP932, characters it cannot hold become `?` (the UTF-8
    /// reports keep them; CP932 output is for old spreadsheet software only).
    pub fn finish(mut self, enc: CsvEncoding) -> Vec<u8> {
        if enc == CsvEncoding::Utf8Bom && self.head {
            return self.out;
        }
        let mut out = Vec::with_capacity(self.out.len());
        self.flush_to(&mut out, enc).expect("writing to memory");
        out
    }

    /// Writes the rows so far to `w` in `enc` and forgets them: a document as long as the run
    /// (summary.csv, a row per input) is written as it goes rather than held whole.
    pub fn flush_to(&mut self, w: &mut impl std::io::Write, enc: CsvEncoding) -> std::io::Result<()> {
        let from = if std::mem::take(&mut self.head) && enc != CsvEncoding::Utf8Bom { BOM.len() } else { 0 };
        let written = match enc {
            CsvEncoding::Utf8Bom | CsvEncoding::Utf8 => w.write_all(&self.out[from..]),
            CsvEncoding::Cp932 => w.write_all(&cp932(&self.out[from..])),
        };
        self.out.clear();
        written
    }

    /// Bytes of rows not yet flushed.
    pub fn pending(&self) -> usize {
        self.out.len()
    }
}

/// UTF-8 CSV text in CP932, `?` for what CP932 cannot hold. The Shift_JIS encoder is stateless,
/// so a document encoded in pieces cut between rows is the document encoded whole.
fn cp932(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("CSV built from str");
    let mut encoder = encoding_rs::SHIFT_JIS.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    loop {
        out.reserve(rest.len() * 2 + 16);
        let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => break,
            encoding_rs::EncoderResult::Unmappable(_) => out.push(b'?'),
            encoding_rs::EncoderResult::OutputFull => {}
        }
    }
    out
}

pub const FILE_HEADER: &[&str] = &["file", "record", "rule", "severity", "path", "line", "column", "value", "message"];
pub const SUMMARY_HEADER: &[&str] = &["file", "kind", "records", "errors", "warnings", "status"];

/// The per-file report of CLI.md.
pub fn file_report(display: &str, findings: &[Finding], enc: CsvEncoding) -> Vec<u8> {
    let mut doc = CsvDoc::new(FILE_HEADER);
    for f in findings {
        // Numbers formatted on the stack: `to_string` gave each its own allocation.
        let (mut record, mut line, mut column) = (itoa::Buffer::new(), itoa::Buffer::new(), itoa::Buffer::new());
        doc.row([
            display,
            record.format(f.record),
            f.rule.id,
            f.severity.letter(),
            &f.path,
            line.format(f.line),
            column.format(f.column),
            &f.value,
            &f.message,
        ]);
    }
    doc.finish(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the csv crate writes for the same rows, as CsvDoc wrote them with it before.
    fn with_csv_crate<const N: usize>(header: &[&str], rows: &[[&str; N]]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
        w.write_record(header).unwrap();
        for row in rows {
            for cell in row {
                w.write_field(neutralise(cell).as_bytes()).unwrap();
            }
            w.write_record(None::<&[u8]>).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn rows_are_csvs<const N: usize>(next: &mut impl FnMut() -> usize) {
        // The last atoms are long enough for a cell to be searched with memchr (16 bytes on).
        let atoms = [
            "a",
            "",
            ",",
            "\"",
            "\r",
            "\n",
            "\r\n",
            "=",
            "+",
            "-",
            "@",
            "\t",
            " ",
            "'",
            "漢字",
            "x.xml",
            "1",
            "提出/R1111801562202507050000001.xml",
            "必須の要素 性別 <Sex> がありません",
        ];
        let cell = |next: &mut dyn FnMut() -> usize| -> String {
            (0..next() % 4).map(|_| atoms[next() % atoms.len()]).collect()
        };
        let header: Vec<String> = (0..N).map(|_| cell(next)).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let cells: Vec<[String; N]> = (0..next() % 5).map(|_| std::array::from_fn(|_| cell(next))).collect();
        let rows: Vec<[&str; N]> = cells.iter().map(|r| std::array::from_fn(|i| r[i].as_str())).collect();
        let mut doc = CsvDoc::new(&header);
        for row in &rows {
            doc.row(*row);
        }
        assert_eq!(doc.finish(CsvEncoding::Utf8Bom), with_csv_crate(&header, &rows), "{header:?} {rows:?}");
    }

    #[test]
    fn rows_are_what_the_csv_crate_writes() {
        let mut seed: u64 = 11;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..2000 {
            rows_are_csvs::<1>(&mut next);
            rows_are_csvs::<2>(&mut next);
            rows_are_csvs::<6>(&mut next);
            rows_are_csvs::<9>(&mut next);
        }
    }

    #[test]
    fn neutralises_formula_starts() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("山田"), "山田");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn quotes_and_encodes() {
        let mut d = CsvDoc::new(&["a", "b"]);
        d.row(["x,\"y\"", "=cmd"]);
        let bytes = d.finish(CsvEncoding::Utf8Bom);
        assert_eq!(bytes, "\u{feff}a,b\r\n\"x,\"\"y\"\"\",'=cmd\r\n".as_bytes());
        let mut d = CsvDoc::new(&["名前"]);
        d.row(["髙橋😀"]);
        let sjis = d.finish(CsvEncoding::Cp932);
        let (text, _, _) = encoding_rs::SHIFT_JIS.decode(&sjis);
        assert_eq!(text, "名前\r\n髙橋?\r\n");
    }

    #[test]
    fn a_document_flushed_in_pieces_is_the_document_written_whole() {
        let names = ["提出/髙橋😀.xml", "a,b.xml", "=x.xml", "山田\"太郎\".xml", "plain.xml"];
        for enc in [CsvEncoding::Utf8Bom, CsvEncoding::Utf8, CsvEncoding::Cp932] {
            for every in 1..=4 {
                let (mut whole, mut pieces) = (CsvDoc::new(SUMMARY_HEADER), CsvDoc::new(SUMMARY_HEADER));
                let mut out = Vec::new();
                // Before any row too: the header and the BOM go out once.
                pieces.flush_to(&mut out, enc).unwrap();
                for (i, name) in names.iter().cycle().take(23).enumerate() {
                    let row = [*name, "rinkohyo", "1", "0", "2", "warning"];
                    whole.row(row);
                    pieces.row(row);
                    if i % every == 0 {
                        pieces.flush_to(&mut out, enc).unwrap();
                    }
                }
                pieces.flush_to(&mut out, enc).unwrap();
                assert_eq!(out, whole.finish(enc), "{enc:?}, a flush every {every} rows");
            }
        }
    }
}
