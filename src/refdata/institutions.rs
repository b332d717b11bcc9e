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
        let (file, bytes) = super::read(path)?;
        Institutions::parse(&file, &bytes)
    }

    /// Parses the list. Quoted cells may hold the separator (`"A, B"`), as Excel writes them.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Institutions, RefError> {
        let tab = bytes.split(|&b| b == b'\n').find(|l| !l.starts_with(b"#") && !l.trim_ascii().is_empty());
        let sep = if tab.is_some_and(|l| l.contains(&b'\t')) { b'\t' } else { b',' };
        let text = super::utf8_text(file, bytes, sep)?;
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(sep)
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let bad_row = |e: csv::Error| RefError::csv(file, &e);
        let header = rdr.headers().map_err(bad_row)?.clone();
        if header.iter().all(str::is_empty) {
            return Err(RefError::new(file, 0, 0, "空のファイルです".into(), "the file is empty".into()));
        }
        let hline = header.position().map_or(1, |p| p.line());
        let col = header.iter().position(|h| h == "code").ok_or_else(|| {
            RefError::new(
                file,
                hline,
                0,
                "見出し行に `code` 列がありません".into(),
                "no `code` column in the header".into(),
            )
        })?;
        let mut codes = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(bad_row)?;
            if rec.iter().all(str::is_empty) {
                continue;
            }
            let line = rec.position().map_or(0, |p| p.line());
            let cell = rec.get(col).unwrap_or("");
            if cell.len() != 10 || !cell.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RefError::new(
                    file,
                    line,
                    col as u64 + 1,
                    format!("`{cell}` は 10 桁の医療機関コードではありません"),
                    format!("`{cell}` is not a 10-digit code"),
                ));
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
        let q = Institutions::parse("x.csv", b"name,code\n\"A, B\",2610102093\n").unwrap();
        assert!(q.contains("2610102093"), "a quoted comma is part of the name");
        let e = Institutions::parse("x.csv", b"name,code\nA,2610102093\n\"C, D\",26101\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 2));
        let e = Institutions::parse("x.csv", b"name\nA\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Institutions::parse("x.csv", b"name,code\n\x8eR\x93c,2610102093\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
    }
}
