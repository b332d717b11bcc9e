//! The list of existing 医療機関コード (`--institutions`): CSV or TSV with a `code` column,
//! `#` comment lines allowed. Held as a sorted array of integers: 8 bytes per institution,
//! so the national list of ~100,000 takes under 1 MB and a lookup is a binary search.

use super::RefError;
use std::path::Path;

#[derive(Debug, Default)]
pub struct Institutions {
    codes: Vec<u64>,
    source: String,
}

impl Institutions {
    pub fn load(path: &Path) -> Result<Institutions, RefError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| RefError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        Institutions::parse(&file, &bytes)
    }

    pub fn parse(file: &str, bytes: &[u8]) -> Result<Institutions, RefError> {
        let err = |line: u64, column: u64, message: String| RefError { file: file.to_owned(), line, column, message };
        let text = std::str::from_utf8(bytes).map_err(|_| err(0, 0, "not UTF-8".into()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
        let (hline, header) = lines.next().ok_or_else(|| err(0, 0, "empty file".into()))?;
        let sep = if header.contains('\t') { '\t' } else { ',' };
        let col = header
            .split(sep)
            .position(|h| h.trim().trim_matches('"') == "code")
            .ok_or_else(|| err(hline as u64 + 1, 0, "no `code` column in the header".into()))?;
        let mut codes = Vec::new();
        for (i, line) in lines {
            let cell = line.split(sep).nth(col).unwrap_or("").trim().trim_matches('"');
            if cell.len() != 10 || !cell.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(i as u64 + 1, col as u64 + 1, format!("`{cell}` is not a 10-digit code")));
            }
            codes.push(cell.parse::<u64>().expect("ten digits"));
        }
        codes.sort_unstable();
        codes.dedup();
        Ok(Institutions { codes, source: file.to_owned() })
    }

    pub fn contains(&self, code: &str) -> bool {
        code.parse::<u64>().is_ok_and(|n| self.codes.binary_search(&n).is_ok())
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The file it came from, for messages.
    pub fn source(&self) -> &str {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_and_tsv_lists() {
        let t = Institutions::parse("x.tsv", "# comment\ncode\tname\n0110110210\tA\n".as_bytes()).unwrap();
        assert!(t.contains("0110110210"));
        assert!(!t.contains("0110110211"));
        let c = Institutions::parse("x.csv", b"name,code\nA,\"2610102093\"\n").unwrap();
        assert!(c.contains("2610102093"));
        let e = Institutions::parse("x.csv", b"code\n12345\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
    }
}
