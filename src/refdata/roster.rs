//! The designated-doctor roster: CSV, UTF-8, header `doctor_no,name,kind,valid_from,valid_to`.

use super::RefError;
use crate::text::date::Date;
use crate::text::normalize::normalize_name;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct RosterRow {
    pub name: String,
    pub name_norm: String,
    /// `nanbyo`, `kyoryoku` or `shoman`.
    pub kind: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

#[derive(Debug, Default)]
pub struct Roster {
    by_no: HashMap<String, Vec<RosterRow>>,
}

pub const KINDS: &[&str] = &["nanbyo", "kyoryoku", "shoman"];
const HEADER: &[&str] = &["doctor_no", "name", "kind", "valid_from", "valid_to"];

impl Roster {
    pub fn rows(&self, doctor_no: &str) -> &[RosterRow] {
        self.by_no.get(doctor_no).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.by_no.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_no.is_empty()
    }

    pub fn load(path: &Path) -> Result<Roster, RefError> {
        let (file, bytes) = super::read(path)?;
        Roster::parse(&file, &bytes)
    }

    /// Parses a roster; a malformed one is an error naming line and column (1-based; the
    /// column is the field number).
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Roster, RefError> {
        let text = super::utf8_text(file, bytes, b',')?;
        let err = |line: u64, column: u64, ja: String, en: String| RefError::new(file, line, column, ja, en);
        let bad_row = |e: csv::Error| RefError::csv(file, &e);
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(text.as_bytes());
        let header = rdr.headers().map_err(bad_row)?.clone();
        let cols: Vec<&str> = header.iter().collect();
        if cols != HEADER {
            let (want, found) = (HEADER.join(","), cols.join(","));
            return Err(err(
                1,
                0,
                format!("見出し行は `{want}` にしてください (いまは `{found}`)"),
                format!("the header must be `{want}`, found `{found}`"),
            ));
        }
        let mut roster = Roster::default();
        for rec in rdr.records() {
            let rec = rec.map_err(bad_row)?;
            let line = rec.position().map_or(0, |p| p.line());
            let cell = |i: usize| rec.get(i).unwrap_or("");
            let no = cell(0);
            if no.is_empty() || no.len() > 20 || !no.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(err(
                    line,
                    1,
                    format!("doctor_no `{no}` は半角英数字と - の 1〜20 文字にしてください"),
                    format!("doctor_no `{no}`: 1–20 of A-Z a-z 0-9 -"),
                ));
            }
            if cell(1).is_empty() {
                return Err(err(line, 2, "name が空です".into(), "empty name".into()));
            }
            let kind = cell(2);
            if !KINDS.contains(&kind) {
                let kinds = KINDS.join(", ");
                return Err(err(
                    line,
                    3,
                    format!("kind `{kind}` は {kinds} のどれかにしてください"),
                    format!("kind `{kind}`: one of {kinds}"),
                ));
            }
            let date = |i: usize| {
                let (name, value) = (HEADER[i], cell(i));
                Date::parse_iso(value).ok_or_else(|| {
                    err(
                        line,
                        i as u64 + 1,
                        format!("{name} `{value}` は YYYY-MM-DD の日付にしてください"),
                        format!("{name} `{value}` is not a YYYY-MM-DD date"),
                    )
                })
            };
            let (valid_from, valid_to) = (date(3)?, date(4)?);
            if valid_to < valid_from {
                return Err(err(
                    line,
                    5,
                    format!("valid_to {valid_to} が valid_from {valid_from} より前です"),
                    format!("valid_to {valid_to} is before valid_from {valid_from}"),
                ));
            }
            roster.by_no.entry(no.to_owned()).or_default().push(RosterRow {
                name: cell(1).to_owned(),
                name_norm: normalize_name(cell(1)),
                kind: kind.to_owned(),
                valid_from,
                valid_to,
            });
        }
        Ok(roster)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_roster() {
        let r = Roster::parse("d.csv", "doctor_no,name,kind,valid_from,valid_to\nA-1,京都 太郎,shoman,2021-04-01,2026-03-31\nA-1,京都 太郎,nanbyo,2021-04-01,2026-03-31\n".as_bytes()).unwrap();
        assert_eq!(r.rows("A-1").len(), 2);
        assert!(r.rows("B").is_empty());
    }

    #[test]
    fn names_line_and_column_of_errors() {
        let e = Roster::parse("d.csv", b"doctor_no,name,kind,valid_from,valid_to\nA,x,shoman,2021-04-01,2026-03-31\nB,y,shoman,2021-13-01,2026-03-31\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 4));
        assert!(e.to_string().starts_with("d.csv:3:4: valid_from"));
        let e = Roster::parse("d.csv", b"no,name\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Roster::parse("d.csv", b"doctor_no,name,kind,valid_from,valid_to\nA,x,doctor,2021-04-01,2026-03-31\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        let e =
            Roster::parse("d.csv", b"doctor_no,name,kind,valid_from,valid_to\nA,x,shoman,2021-04-01\n").unwrap_err();
        // The missing field is named by its column, in words of the chosen language.
        assert_eq!((e.line, e.column), (2, 5));
        assert!(e.render(crate::lang::Lang::Ja).contains("項目が 4 個あります"), "{}", e.render(crate::lang::Lang::Ja));
    }

    #[test]
    fn a_roster_saved_by_excel_as_shift_jis_says_how_to_save_it() {
        let e = Roster::parse(
            "d.csv",
            b"doctor_no,name,kind,valid_from,valid_to\nA,\x8b\x9e\x93s,shoman,2021-04-01,2026-03-31\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (2, 2));
        let ja = e.render(crate::lang::Lang::Ja);
        assert!(ja.contains("CSV UTF-8"), "{ja}");
        let e = Roster::parse("d.csv", b"doctor_no,name,kind,valid_from,valid_to\nA,x,doctor,2021-04-01,2026-03-31\n")
            .unwrap_err();
        assert_eq!(
            e.render(crate::lang::Lang::Ja),
            "d.csv:2:3: kind `doctor` は nanbyo, kyoryoku, shoman のどれかにしてください"
        );
    }
}
