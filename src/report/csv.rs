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
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Builds one CSV document in memory, then encodes it.
pub struct CsvDoc {
    w: csv::Writer<Vec<u8>>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl CsvDoc {
    pub fn new(header: &[&str]) -> CsvDoc {
        // The BOM is there from the start, so that the default encoding needs no second copy
        // of a report that can run to tens of megabytes.
        // csv zeroes its buffer (8 KiB by default) for every writer, and most reports are one
        // or two rows.
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .buffer_capacity(1 << 10)
            .from_writer(BOM.to_vec());
        w.write_record(header).expect("writing to memory");
        CsvDoc { w }
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        // Cells are borrowed unless one needs its apostrophe: no allocation per cell.
        for cell in cells {
            self.w.write_field(neutralise(cell).as_bytes()).expect("writing to memory");
        }
        self.w.write_record(None::<&[u8]>).expect("writing to memory");
    }

    /// The document in `enc`. In CP932, characters it cannot hold become `?` (the UTF-8
    /// reports keep them; CP932 output is for old spreadsheet software only).
    pub fn finish(self, enc: CsvEncoding) -> Vec<u8> {
        let mut bytes = self.w.into_inner().expect("writing to memory");
        match enc {
            CsvEncoding::Utf8Bom => bytes,
            CsvEncoding::Utf8 => {
                bytes.drain(..BOM.len());
                bytes
            }
            CsvEncoding::Cp932 => {
                let text = std::str::from_utf8(&bytes[BOM.len()..]).expect("CSV built from str");
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
        }
    }
}

pub const FILE_HEADER: &[&str] = &["file", "record", "rule", "severity", "path", "line", "column", "value", "message"];
pub const SUMMARY_HEADER: &[&str] = &["file", "kind", "records", "errors", "warnings", "status"];

/// The per-file report of CLI.md.
pub fn file_report(display: &str, findings: &[Finding], enc: CsvEncoding) -> Vec<u8> {
    let mut doc = CsvDoc::new(FILE_HEADER);
    for f in findings {
        let (record, line, column) = (f.record.to_string(), f.line.to_string(), f.column.to_string());
        doc.row([display, &record, f.rule.id, f.severity.letter(), &f.path, &line, &column, &f.value, &f.message]);
    }
    doc.finish(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
