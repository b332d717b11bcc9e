//! Reference data given at run time: the designated-doctor roster (`--doctors`) and the list
//! of existing institutions (`--institutions`).

pub mod institutions;
pub mod roster;

pub use institutions::Institutions;
pub use roster::Roster;

use crate::lang::Lang;
use std::fmt;

/// A reference file could not be read: names the file, line and column (1-based; 0 when not
/// known), with the reason in both languages because the file is loaded before the report's
/// language matters to anyone but the caller.
#[derive(Debug)]
pub struct RefError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub ja: String,
    pub en: String,
}

impl RefError {
    pub fn new(file: &str, line: u64, column: u64, ja: String, en: String) -> RefError {
        RefError { file: file.to_owned(), line, column, ja, en }
    }

    /// A row the csv reader refused, said in both languages (the reader's own text is English).
    pub fn csv(file: &str, e: &csv::Error) -> RefError {
        let line = e.position().map_or(0, |p| p.line());
        match e.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                // The first field that is missing, or the first one too many.
                let column = (*len).min(*expected_len) + 1;
                RefError::new(
                    file,
                    line,
                    column,
                    format!("項目が {len} 個あります。見出しと同じ {expected_len} 個にしてください (値の中のカンマは \"\" で囲みます)"),
                    format!("{len} fields where the header has {expected_len}; give every row {expected_len} (quote a value holding a comma)"),
                )
            }
            _ => RefError::new(
                file,
                line,
                0,
                format!("CSV の行として読めません ({e})"),
                format!("not a valid CSV row ({e})"),
            ),
        }
    }

    /// `file:line:column: reason` in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let message = lang.pick(&self.ja, &self.en);
        match (self.line, self.column) {
            (0, _) => format!("{}: {message}", self.file),
            (l, 0) => format!("{}:{l}: {message}", self.file),
            (l, c) => format!("{}:{l}:{c}: {message}", self.file),
        }
    }
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for RefError {}

/// Reads a whole reference file, naming it in the error.
fn read(path: &std::path::Path) -> Result<(String, Vec<u8>), RefError> {
    let file = path.display().to_string();
    match crate::input::load::read_side_file(path) {
        Ok(bytes) => Ok((file, bytes)),
        Err(e) => {
            let (ja, en) = (e.describe(crate::lang::Lang::Ja), e.describe(crate::lang::Lang::En));
            Err(RefError::new(&file, 0, 0, ja, en))
        }
    }
}

/// The text of a reference file without its BOM. Excel saves "CSV" as Shift_JIS unless told
/// otherwise, so a file that is not UTF-8 is the usual mistake: the error points at the first
/// bad byte (line, and field counted by `sep` outside quotes) and says how to save it.
fn utf8_text<'a>(file: &str, bytes: &'a [u8], sep: u8) -> Result<&'a str, RefError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let mut quoted = false;
        let mut field = 1;
        for &b in &before[line_start..] {
            match b {
                b'"' => quoted = !quoted,
                b if b == sep && !quoted => field += 1,
                _ => {}
            }
        }
        RefError::new(
            file,
            line,
            field,
            "UTF-8 ではない文字があります。Excel では「CSV UTF-8 (コンマ区切り)」で保存してください".into(),
            "this is not UTF-8; in Excel, save as \"CSV UTF-8 (Comma delimited)\"".into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_jis_file_is_pointed_at_line_and_field() {
        // 山田 in Shift_JIS in the second field of the third line.
        let bytes = b"a,b\nx,y\n1,\"q,\x8eR\x93c\"\n";
        let e = utf8_text("d.csv", bytes, b',').unwrap_err();
        assert_eq!((e.line, e.column), (3, 2));
        assert!(e.render(Lang::Ja).starts_with("d.csv:3:2: UTF-8 ではない"), "{}", e.render(Lang::Ja));
        assert!(e.render(Lang::En).contains("CSV UTF-8"));
        assert_eq!(utf8_text("d.csv", b"\xEF\xBB\xBFa", b',').unwrap(), "a");
    }
}
