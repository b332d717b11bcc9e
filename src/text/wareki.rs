//! Japanese era dates (和暦), recognised only so that rule L009 can say which 西暦 date a
//! wrongly written 和暦 value stands for. The submission format itself never accepts them.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use crate::text::date::Date;

/// The modern eras. Meiji starts, for our purposes, on 1868-01-25 (the Gregorian date of 明治元年
/// 1月1日 as the era was applied retroactively); earlier dates have no era here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// All eras, oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    pub fn kanji(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The capital letter used in abbreviations such as `R7.5.1`.
    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The Gregorian year of 元年 (era year 1).
    pub fn base_year(self) -> u16 {
        match self {
            Era::Meiji => 1868,
            Era::Taisho => 1912,
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    pub fn first_day(self) -> Date {
        let (month, day) = match self {
            Era::Meiji => (1, 25),
            Era::Taisho => (7, 30),
            Era::Showa => (12, 25),
            Era::Heisei => (1, 8),
            Era::Reiwa => (5, 1),
        };
        Date { year: self.base_year(), month, day }
    }

    /// The day before the next era's first day; `None` for the current era.
    pub fn last_day(self) -> Option<Date> {
        let next = match self {
            Era::Meiji => Era::Taisho,
            Era::Taisho => Era::Showa,
            Era::Showa => Era::Heisei,
            Era::Heisei => Era::Reiwa,
            Era::Reiwa => return None,
        };
        let first = next.first_day().days_since_epoch();
        Date::from_days_since_epoch(first - 1)
    }

    /// The era a Gregorian day belongs to; `None` before Meiji.
    pub fn of(d: Date) -> Option<Era> {
        Era::ALL.into_iter().rev().find(|e| e.first_day() <= d)
    }
}

/// A 和暦 date as written: the era year may be out of the era's range and the month or day
/// impossible — [`Wareki::to_seireki`] judges that, so the caller can still name the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wareki {
    pub era: Era,
    /// Era year; 元年 is 1.
    pub year: u16,
    pub month: u8,
    /// `None` for year-month forms such as `令和7年5月` or `R7.5`.
    pub day: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarekiError {
    /// The month or day does not exist (or the year is beyond 9999).
    NoSuchDay,
    /// A real Gregorian day, but not within the named era (平成31年5月1日 is 令和元年5月1日);
    /// `naive` is that Gregorian day so the message can suggest the right reading.
    OutsideEra { naive: Date },
}

/// Anything longer cannot be one of the recognised forms; bailing out early keeps huge field
/// values from being normalised for nothing.
const MAX_INPUT_BYTES: usize = 96;

impl Wareki {
    /// Recognises a 和暦 date or year-month after trimming whitespace.
    ///
    /// Era: `令和` / `令` / `R` (and the other four eras likewise; letters in either case), or a
    /// square era sign such as `㍻`. Year: 1–2 digits or `元`. Then either the kanji form
    /// `{y}年{m}月[{d}日]` or the separator form `{y}.{m}[.{d}]` with one of `.` `/` `-` used
    /// throughout. Full-width digits, letters and separators are accepted (the input is NFKC
    /// normalised first), and whitespace between tokens is skipped. Everything else, notably an
    /// ISO date or bare digits, is not 和暦.
    pub fn parse(s: &str) -> Option<Wareki> {
        let trimmed = s.trim();
        if trimmed.is_empty() || trimmed.len() > MAX_INPUT_BYTES {
            return None;
        }
        let chars: Vec<char> = trimmed.nfkc().collect();
        let mut p = Cursor { chars: &chars, pos: 0 };
        let era = p.era()?;
        p.skip_ws();
        let year = if p.eat('元') { 1 } else { p.number()? };
        p.skip_ws();
        let (month, day) = if p.eat('年') {
            p.skip_ws();
            let month = p.number()?;
            p.skip_ws();
            if !p.eat('月') {
                return None;
            }
            p.skip_ws();
            let day = if p.at_end() {
                None
            } else {
                let day = p.number()?;
                p.skip_ws();
                if !p.eat('日') {
                    return None;
                }
                Some(day)
            };
            (month, day)
        } else {
            let sep = p.next().filter(|c| matches!(c, '.' | '/' | '-'))?;
            p.skip_ws();
            let month = p.number()?;
            p.skip_ws();
            let day = if p.at_end() {
                None
            } else {
                if !p.eat(sep) {
                    return None;
                }
                p.skip_ws();
                Some(p.number()?)
            };
            (month, day)
        };
        p.skip_ws();
        if !p.at_end() {
            return None;
        }
        Some(Wareki { era, year: u16::from(year), month, day })
    }

    /// The Gregorian date, checked against the calendar and against the era's span.
    ///
    /// A year-month form gives the first day of the month and counts as inside the era when
    /// any day of the month is (平成元年1月 and 昭和64年1月 are both fine).
    pub fn to_seireki(self) -> Result<Date, WarekiError> {
        let year = i64::from(self.era.base_year()) + i64::from(self.year) - 1;
        let year = u16::try_from(year).map_err(|_| WarekiError::NoSuchDay)?;
        let naive = Date::new(year, self.month, self.day.unwrap_or(1)).ok_or(WarekiError::NoSuchDay)?;
        let span_end = match self.day {
            Some(_) => naive,
            None => Date { day: Date::days_in_month(year, self.month), ..naive },
        };
        let before = span_end < self.era.first_day();
        let after = self.era.last_day().is_some_and(|last| naive > last);
        if before || after {
            Err(WarekiError::OutsideEra { naive })
        } else {
            Ok(naive)
        }
    }

    /// The 和暦 reading of a Gregorian day (for messages such as "令和元年5月1日 のこと?");
    /// `None` before Meiji.
    pub fn from_date(d: Date) -> Option<Wareki> {
        let era = Era::of(d)?;
        Some(Wareki { era, year: d.year - era.base_year() + 1, month: d.month, day: Some(d.day) })
    }
}

impl fmt::Display for Wareki {
    /// `令和元年5月1日`, or `令和7年5月` without a day.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.era.kanji())?;
        if self.year == 1 {
            f.write_str("元")?;
        } else {
            write!(f, "{}", self.year)?;
        }
        write!(f, "年{}月", self.month)?;
        if let Some(day) = self.day {
            write!(f, "{day}日")?;
        }
        Ok(())
    }
}

struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn eat(&mut self, want: char) -> bool {
        if self.peek() == Some(want) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, want: &str) -> bool {
        let n = want.chars().count();
        let matches = self.chars.get(self.pos..self.pos + n).is_some_and(|got| got.iter().copied().eq(want.chars()));
        if matches {
            self.pos += n;
        }
        matches
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn era(&mut self) -> Option<Era> {
        // NFKC has already expanded square era signs (㍻ → 平成, ㋿ → 令和), so only the
        // spelled-out, one-kanji and letter forms remain.
        for era in Era::ALL {
            if self.eat_str(era.kanji()) {
                return Some(era);
            }
        }
        let c = self.next()?;
        Era::ALL.into_iter().find(|era| {
            let mut kanji = era.kanji().chars();
            kanji.next() == Some(c) || era.letter() == c.to_ascii_uppercase()
        })
    }

    /// One or two ASCII digits. Era years stay below 100 and months and days below 32, so a
    /// longer run is not a 和暦 component.
    fn number(&mut self) -> Option<u8> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) && self.pos - start < 3 {
            self.pos += 1;
        }
        let digits = &self.chars[start..self.pos];
        if digits.is_empty() || digits.len() > 2 {
            return None;
        }
        Some(digits.iter().fold(0, |acc, &c| acc * 10 + (c as u8 - b'0')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(era: Era, year: u16, month: u8, day: Option<u8>) -> Wareki {
        Wareki { era, year, month, day }
    }

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid test date")
    }

    #[test]
    fn era_table() {
        assert_eq!(Era::Meiji.first_day(), d(1868, 1, 25));
        assert_eq!(Era::Taisho.first_day(), d(1912, 7, 30));
        assert_eq!(Era::Showa.first_day(), d(1926, 12, 25));
        assert_eq!(Era::Heisei.first_day(), d(1989, 1, 8));
        assert_eq!(Era::Reiwa.first_day(), d(2019, 5, 1));
        assert_eq!(Era::Meiji.last_day(), Some(d(1912, 7, 29)));
        assert_eq!(Era::Taisho.last_day(), Some(d(1926, 12, 24)));
        assert_eq!(Era::Showa.last_day(), Some(d(1989, 1, 7)));
        assert_eq!(Era::Heisei.last_day(), Some(d(2019, 4, 30)));
        assert_eq!(Era::Reiwa.last_day(), None);
        let letters: String = Era::ALL.iter().map(|e| e.letter()).collect();
        assert_eq!(letters, "MTSHR");
        let kanji: Vec<&str> = Era::ALL.iter().map(|e| e.kanji()).collect();
        assert_eq!(kanji, ["明治", "大正", "昭和", "平成", "令和"]);
        for e in Era::ALL {
            assert_eq!(e.first_day().year, e.base_year());
            assert!(Date::new(e.first_day().year, e.first_day().month, e.first_day().day).is_some());
        }
    }

    #[test]
    fn era_of() {
        assert_eq!(Era::of(d(1868, 1, 24)), None);
        assert_eq!(Era::of(d(1868, 1, 25)), Some(Era::Meiji));
        assert_eq!(Era::of(d(1912, 7, 29)), Some(Era::Meiji));
        assert_eq!(Era::of(d(1912, 7, 30)), Some(Era::Taisho));
        assert_eq!(Era::of(d(1989, 1, 7)), Some(Era::Showa));
        assert_eq!(Era::of(d(1989, 1, 8)), Some(Era::Heisei));
        assert_eq!(Era::of(d(2019, 4, 30)), Some(Era::Heisei));
        assert_eq!(Era::of(d(2019, 5, 1)), Some(Era::Reiwa));
        assert_eq!(Era::of(Date::MAX), Some(Era::Reiwa));
        assert_eq!(Era::of(Date::MIN), None);
    }

    #[test]
    fn parse_brief_examples() {
        let cases: &[(&str, Wareki)] = &[
            ("令和7年5月1日", w(Era::Reiwa, 7, 5, Some(1))),
            ("令和元年5月1日", w(Era::Reiwa, 1, 5, Some(1))),
            ("平成31年4月30日", w(Era::Heisei, 31, 4, Some(30))),
            ("R7.5.1", w(Era::Reiwa, 7, 5, Some(1))),
            ("R07.05.01", w(Era::Reiwa, 7, 5, Some(1))),
            ("H31/04/30", w(Era::Heisei, 31, 4, Some(30))),
            ("h31-4-30", w(Era::Heisei, 31, 4, Some(30))),
            ("S64.1.7", w(Era::Showa, 64, 1, Some(7))),
            ("R7年5月1日", w(Era::Reiwa, 7, 5, Some(1))),
            ("Ｒ７．５．１", w(Era::Reiwa, 7, 5, Some(1))),
            ("令和７年５月１日", w(Era::Reiwa, 7, 5, Some(1))),
            ("平31.4.30", w(Era::Heisei, 31, 4, Some(30))),
            ("令和7年5月", w(Era::Reiwa, 7, 5, None)),
            ("R7.5", w(Era::Reiwa, 7, 5, None)),
        ];
        for (s, want) in cases {
            assert_eq!(Wareki::parse(s), Some(*want), "{s}");
        }
    }

    #[test]
    fn parse_more_forms() {
        let cases: &[(&str, Wareki)] = &[
            ("  令和7年5月1日\u{3000}", w(Era::Reiwa, 7, 5, Some(1))),
            ("令和 7年 5月 1日", w(Era::Reiwa, 7, 5, Some(1))),
            ("令和　７年　５月　１日", w(Era::Reiwa, 7, 5, Some(1))),
            ("令7年5月1日", w(Era::Reiwa, 7, 5, Some(1))),
            ("昭64.1.7", w(Era::Showa, 64, 1, Some(7))),
            ("大15.12.24", w(Era::Taisho, 15, 12, Some(24))),
            ("明45.7.29", w(Era::Meiji, 45, 7, Some(29))),
            ("明治45年7月29日", w(Era::Meiji, 45, 7, Some(29))),
            ("大正元年7月30日", w(Era::Taisho, 1, 7, Some(30))),
            ("m45.7.29", w(Era::Meiji, 45, 7, Some(29))),
            ("t1.7.30", w(Era::Taisho, 1, 7, Some(30))),
            ("s1.12.25", w(Era::Showa, 1, 12, Some(25))),
            ("r1.5.1", w(Era::Reiwa, 1, 5, Some(1))),
            ("R元.5.1", w(Era::Reiwa, 1, 5, Some(1))),
            ("Ｈ３１／０４／３０", w(Era::Heisei, 31, 4, Some(30))),
            ("Ｈ３１－０４－３０", w(Era::Heisei, 31, 4, Some(30))),
            ("ｒ７．５", w(Era::Reiwa, 7, 5, None)),
            ("㍻31年4月30日", w(Era::Heisei, 31, 4, Some(30))),
            ("㍻元年1月8日", w(Era::Heisei, 1, 1, Some(8))),
            ("㋿7年5月1日", w(Era::Reiwa, 7, 5, Some(1))),
            ("㍼64.1.7", w(Era::Showa, 64, 1, Some(7))),
            ("H31/4", w(Era::Heisei, 31, 4, None)),
            // Shapes that look like 和暦 but are impossible still parse; to_seireki judges.
            ("令和7年13月1日", w(Era::Reiwa, 7, 13, Some(1))),
            ("R7.2.30", w(Era::Reiwa, 7, 2, Some(30))),
            ("令和0年5月1日", w(Era::Reiwa, 0, 5, Some(1))),
            ("R99.99.99", w(Era::Reiwa, 99, 99, Some(99))),
        ];
        for (s, want) in cases {
            assert_eq!(Wareki::parse(s), Some(*want), "{s}");
        }
    }

    #[test]
    fn parse_rejects_non_wareki() {
        for s in [
            "",
            "   ",
            "\u{3000}",
            "2025-05-01",
            "2025/05/01",
            "20250501",
            "2025.5.1",
            "2025年5月1日",
            "7.5.1",
            "R",
            "R7",
            "R7.",
            "R7.5.",
            "R7..5",
            "R7.5.1.",
            "R7.5.1.2",
            "R7.5/1",
            "R7/5.1",
            "R7-5.1",
            "R7 5 1",
            "R7年",
            "R7年5",
            "R7年5月1",
            "R7年5月1日曜",
            "令和7年5月1日です",
            "令和7年5月1日 (木)",
            "令和",
            "令和年5月1日",
            "令和七年五月一日",
            "R123.5.1",
            "R7.123.1",
            "R7.5.123",
            "R007.05.01",
            "X7.5.1",
            "A7.5.1",
            "RR7.5.1",
            "Reiwa7.5.1",
            "令和7年5月1日日",
            "令和7年5月1日\u{0}",
            "\u{0}R7.5.1",
            "R\u{7}7.5.1",
            "R7.5.1\u{FEFF}",
            "R+7.5.1",
            "R-7.5.1",
            "R7.-5.1",
            "令和元",
            "元年5月1日",
            "平成31年4月30日平成31年4月30日",
            "😀",
            "R7.5.1😀",
            "𠮷7.5.1",
            "R٧.5.1",
            "令和7月5年1日",
        ] {
            assert_eq!(Wareki::parse(s), None, "{s:?}");
        }
        assert_eq!(Wareki::parse(&"R7.5.1".repeat(10_000)), None);
        assert_eq!(Wareki::parse(&"令".repeat(100_000)), None);
        assert_eq!(Wareki::parse(&"\u{3099}".repeat(50)), None);
    }

    #[test]
    fn to_seireki_valid() {
        let ok = |s: &str| Wareki::parse(s).map(Wareki::to_seireki);
        assert_eq!(ok("令和7年5月1日"), Some(Ok(d(2025, 5, 1))));
        assert_eq!(ok("令和元年5月1日"), Some(Ok(d(2019, 5, 1))));
        assert_eq!(ok("平成31年4月30日"), Some(Ok(d(2019, 4, 30))));
        assert_eq!(ok("平成元年1月8日"), Some(Ok(d(1989, 1, 8))));
        assert_eq!(ok("S64.1.7"), Some(Ok(d(1989, 1, 7))));
        assert_eq!(ok("S1.12.25"), Some(Ok(d(1926, 12, 25))));
        assert_eq!(ok("T15.12.24"), Some(Ok(d(1926, 12, 24))));
        assert_eq!(ok("T1.7.30"), Some(Ok(d(1912, 7, 30))));
        assert_eq!(ok("M45.7.29"), Some(Ok(d(1912, 7, 29))));
        assert_eq!(ok("M1.1.25"), Some(Ok(d(1868, 1, 25))));
        assert_eq!(ok("H20.2.29"), Some(Ok(d(2008, 2, 29))));
        assert_eq!(ok("R7.5"), Some(Ok(d(2025, 5, 1))));
    }

    #[test]
    fn to_seireki_outside_era() {
        let err = |s: &str| Wareki::parse(s).map(Wareki::to_seireki);
        let outside = |y, m, day| Some(Err(WarekiError::OutsideEra { naive: d(y, m, day) }));
        assert_eq!(err("平成31年5月1日"), outside(2019, 5, 1));
        assert_eq!(err("令和元年4月30日"), outside(2019, 4, 30));
        assert_eq!(err("昭和64年1月8日"), outside(1989, 1, 8));
        assert_eq!(err("平成元年1月7日"), outside(1989, 1, 7));
        assert_eq!(err("S65.1.1"), outside(1990, 1, 1));
        assert_eq!(err("M1.1.24"), outside(1868, 1, 24));
        assert_eq!(err("令和0年5月1日"), outside(2018, 5, 1));
        assert_eq!(err("T16.1.1"), outside(1927, 1, 1));
    }

    #[test]
    fn to_seireki_year_month_overlap() {
        let r = |s: &str| Wareki::parse(s).map(Wareki::to_seireki);
        assert_eq!(r("平成31年4月"), Some(Ok(d(2019, 4, 1))));
        assert_eq!(r("令和元年5月"), Some(Ok(d(2019, 5, 1))));
        assert_eq!(r("平成元年1月"), Some(Ok(d(1989, 1, 1))));
        assert_eq!(r("昭和64年1月"), Some(Ok(d(1989, 1, 1))));
        assert_eq!(r("平成31年5月"), Some(Err(WarekiError::OutsideEra { naive: d(2019, 5, 1) })));
        assert_eq!(r("令和元年4月"), Some(Err(WarekiError::OutsideEra { naive: d(2019, 4, 1) })));
        assert_eq!(r("昭和64年2月"), Some(Err(WarekiError::OutsideEra { naive: d(1989, 2, 1) })));
        assert_eq!(r("R7.13"), Some(Err(WarekiError::NoSuchDay)));
        assert_eq!(r("R7.0"), Some(Err(WarekiError::NoSuchDay)));
    }

    #[test]
    fn to_seireki_no_such_day() {
        let r = |s: &str| Wareki::parse(s).map(Wareki::to_seireki);
        for s in ["令和7年2月29日", "R7.2.30", "R7.4.31", "R7.13.1", "R7.0.1", "R7.1.0", "R99.99.99", "令和7年5月32日"]
        {
            assert_eq!(r(s), Some(Err(WarekiError::NoSuchDay)), "{s}");
        }
        assert_eq!(r("令和6年2月29日"), Some(Ok(d(2024, 2, 29))));
        // Hand-built values beyond what parse produces must not overflow or panic.
        assert_eq!(w(Era::Reiwa, u16::MAX, 1, Some(1)).to_seireki(), Err(WarekiError::NoSuchDay));
        assert_eq!(w(Era::Reiwa, 7981, 12, Some(31)).to_seireki(), Ok(Date::MAX));
        assert_eq!(w(Era::Reiwa, 7982, 1, Some(1)).to_seireki(), Err(WarekiError::NoSuchDay));
        assert_eq!(w(Era::Meiji, 0, u8::MAX, None).to_seireki(), Err(WarekiError::NoSuchDay));
    }

    #[test]
    fn from_date_and_display() {
        let show = |y, m, day| Wareki::from_date(d(y, m, day)).map(|x| x.to_string());
        assert_eq!(show(2019, 5, 1).as_deref(), Some("令和元年5月1日"));
        assert_eq!(show(2019, 4, 30).as_deref(), Some("平成31年4月30日"));
        assert_eq!(show(2025, 12, 31).as_deref(), Some("令和7年12月31日"));
        assert_eq!(show(1989, 1, 7).as_deref(), Some("昭和64年1月7日"));
        assert_eq!(show(1868, 1, 25).as_deref(), Some("明治元年1月25日"));
        assert_eq!(show(1868, 1, 24), None);
        assert_eq!(w(Era::Reiwa, 7, 5, None).to_string(), "令和7年5月");
        // Every day of the modern eras round-trips through parse and to_seireki.
        let mut day = Era::Meiji.first_day();
        while day <= d(2030, 12, 31) {
            let wk = Wareki::from_date(day).expect("in an era");
            assert_eq!(Wareki::parse(&wk.to_string()), Some(wk));
            assert_eq!(wk.to_seireki(), Ok(day));
            day = Date::from_days_since_epoch(day.days_since_epoch() + 1).expect("in range");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let samples = [
            "R\u{0}.\u{0}.\u{0}",
            "R7.5.\u{1F600}",
            "R7.5.1\u{0301}",
            "令和\u{0301}7年",
            "\u{FFFF}\u{10FFFF}",
            "R\u{FF10}\u{FF10}.\u{FF10}\u{FF11}.\u{FF10}\u{FF11}",
            "R99",
            "R9",
            "R9.",
            "R9.9.",
            "年月日",
            "元年",
            "ＲＲＲ",
            "\u{1}\u{2}\u{3}",
            "\u{85}R7.5.1\u{85}",
        ];
        for s in samples {
            if let Some(wk) = Wareki::parse(s) {
                let _ = wk.to_seireki();
                let _ = wk.to_string();
            }
        }
        assert_eq!(
            Wareki::parse("R\u{FF10}\u{FF10}.\u{FF10}\u{FF11}.\u{FF10}\u{FF11}"),
            Some(w(Era::Reiwa, 0, 1, Some(1)))
        );
        assert_eq!(Wareki::parse("\u{85}R7.5.1\u{85}"), Some(w(Era::Reiwa, 7, 5, Some(1))));
    }
}
