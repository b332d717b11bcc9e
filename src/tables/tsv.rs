//! A strict little TSV reader for the code tables: `#` comment lines, one header row, tab
//! separated cells, no quoting (table cells never need it, and unquoted cells keep every
//! error position exact). Tolerates a UTF-8 BOM and CRLF, which Excel likes to add.

use std::fmt;

/// A table could not be read; names the file, line and column so a vendor can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub file: String,
    /// 1-based; 0 when the problem is not on one line.
    pub line: usize,
    /// 1-based column number (cell index); 0 when not about one cell.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for TableError {}

pub struct Tsv<'a> {
    pub file: String,
    header: Vec<&'a str>,
    pub rows: Vec<Row<'a>>,
}

/// A line's tab-separated cells, trimmed. A byte loop, because a search set up per cell
/// was most of the time it takes to load the tables, which every run waits for.
fn split_cells(line: &str, expected: usize) -> Vec<&str> {
    let mut cells = Vec::with_capacity(expected);
    let mut start = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b'\t' {
            cells.push(line[start..i].trim());
            start = i + 1;
        }
    }
    cells.push(line[start..].trim());
    cells
}

pub struct Row<'a> {
    pub line: usize,
    cells: Vec<&'a str>,
}

impl<'a> Tsv<'a> {
    pub fn parse(file: &str, bytes: &'a [u8]) -> Result<Tsv<'a>, TableError> {
        let text = simdutf8::compat::from_utf8(bytes).map_err(|e| TableError {
            file: file.to_owned(),
            line: bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1,
            column: 0,
            message: "not UTF-8 (save the table as UTF-8)".into(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut header = None;
        let mut rows = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cells = split_cells(line, header.as_ref().map_or(0, Vec::len));
            if header.is_none() {
                header = Some(cells);
            } else {
                rows.push(Row { line: i + 1, cells });
            }
        }
        let header = header.ok_or_else(|| TableError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: "no header row".into(),
        })?;
        Ok(Tsv { file: file.to_owned(), header, rows })
    }

    /// Index of a required column.
    pub fn col(&self, name: &str) -> Result<usize, TableError> {
        self.opt_col(name).ok_or_else(|| TableError {
            file: self.file.clone(),
            line: 0,
            column: 0,
            message: format!("missing column `{name}` (columns: {})", self.header.join(", ")),
        })
    }

    pub fn opt_col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| *h == name)
    }

    /// Index of the column named `name` or `name_…` (a dated spelling such as `added_2025_04`,
    /// as the source data has it). Two such columns are an error: which one holds the truth
    /// cannot be guessed.
    pub fn opt_col_prefixed(&self, name: &str) -> Result<Option<usize>, TableError> {
        let matches = |h: &&str| *h == name || h.strip_prefix(name).is_some_and(|rest| rest.starts_with('_'));
        let mut found = self.header.iter().enumerate().filter(|(_, h)| matches(h)).map(|(i, _)| i);
        let first = found.next();
        match found.next() {
            None => Ok(first),
            Some(_) => Err(TableError {
                file: self.file.clone(),
                line: 0,
                column: 0,
                message: format!("more than one `{name}` column (columns: {})", self.header.join(", ")),
            }),
        }
    }

    /// An error about one cell of one row.
    pub fn err(&self, row: &Row<'_>, col: usize, message: impl Into<String>) -> TableError {
        TableError {
            file: self.file.clone(),
            line: row.line,
            column: col + 1,
            message: format!("{}: {}", self.header.get(col).copied().unwrap_or("?"), message.into()),
        }
    }
}

impl<'a> Row<'a> {
    /// The cell in column `col`; missing trailing cells read as empty.
    pub fn get(&self, col: usize) -> &'a str {
        self.cells.get(col).copied().unwrap_or("")
    }

    pub fn opt(&self, col: Option<usize>) -> &'a str {
        col.map_or("", |c| self.get(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_header_rows_and_skips_comments() {
        let t = Tsv::parse("t.tsv", "\u{feff}# note\na\tb\r\n1\t2\n\n3\n".as_bytes()).unwrap();
        assert_eq!(t.col("b").unwrap(), 1);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].get(1), "2");
        assert_eq!(t.rows[1].get(1), "");
        assert_eq!(t.rows[1].line, 5);
        let e = t.err(&t.rows[1], 1, "bad");
        assert_eq!(e.to_string(), "t.tsv:5:2: b: bad");
        assert!(t.col("zz").is_err());
    }

    #[test]
    fn rejects_non_utf8() {
        let e = Tsv::parse("x.tsv", b"a\n\xff\n").err().unwrap();
        assert_eq!(e.line, 2);
    }
}
