//! Text and date handling shared by the rules: Gregorian dates (L008, D rules), 和暦
//! recognition (L009), character classes (L010, L011) and name normalisation (C003, C004, P005).
//!
//! Everything here is total: any `&str` (empty, huge, control characters, astral planes) gives
//! an answer rather than a panic, because the input is whatever a hospital system exported.

pub mod chars;
pub mod date;
pub mod normalize;
pub mod wareki;

pub use chars::{
    cp932_equivalent, first_machine_dependent, is_forbidden_control, is_halfwidth_katakana, is_kana_field_char,
    machine_dependent, MachineDependent,
};
pub use date::{Date, YearMonth};
pub use normalize::normalize_name;
pub use wareki::{Era, Wareki, WarekiError};

/// The value of 1 to 15 ASCII digits, which an f64 holds exactly: what `parse::<f64>` gives,
/// at a fraction of its cost (values and conditions are read for every record).
pub fn small_integer(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    (!b.is_empty() && b.len() <= 15 && b.iter().all(u8::is_ascii_digit))
        .then(|| b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_integers_read_as_parse_reads_them() {
        for s in ["0", "05", "120", "999999999999999"] {
            assert_eq!(small_integer(s), s.parse::<f64>().ok(), "{s}");
        }
        for s in ["", "1.5", "-1", "9999999999999999", "１"] {
            assert_eq!(small_integer(s), None, "{s}");
        }
    }

    /// Deterministic xorshift so failures reproduce without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Characters that exercise the parsers' and classifiers' edges.
    const ALPHABET: &str = "01239０１９-./－．／‐− \u{3000}\t\n\u{0}\u{7F}\u{85}\u{9F}\
        年月日元令和平成昭明大RHsＲ㍻㋿()（）〔【Wilｱﾞアー・･囊〜～①髙﨑😀𠮷\
        \u{3099}\u{301}\u{E000}\u{FEFF}\u{200B}\u{FFFF}\u{10FFFF}é¥";

    fn alphabet_char(rng: &mut Rng) -> char {
        let n = ALPHABET.chars().count();
        ALPHABET.chars().nth(rng.below(n)).unwrap_or('?')
    }

    /// A 和暦-shaped string, usually with one random edit, so that the parsers' accepting
    /// paths get exercised as much as their rejecting ones.
    fn wareki_like(rng: &mut Rng) -> String {
        const ERAS: &[&str] = &["令和", "平成", "昭和", "大正", "明治", "令", "平", "R", "h", "Ｓ", "㍻"];
        const NUMS: &[&str] = &["1", "01", "07", "12", "29", "30", "31", "64", "0", "99", "１２", "元"];
        let mut pick = |list: &[&'static str]| list[rng.below(list.len())];
        let (era, y, m, d) = (pick(ERAS), pick(NUMS), pick(NUMS), pick(NUMS));
        let sep = pick(&[".", "/", "-", "．", "年"]);
        let mut s = match (sep, rng.below(3)) {
            ("年", 0) => format!("{era}{y}年{m}月"),
            ("年", _) => format!("{era}{y}年{m}月{d}日"),
            (_, 0) => format!("{era}{y}{sep}{m}"),
            (_, _) => format!("{era}{y}{sep}{m}{sep}{d}"),
        };
        if rng.below(3) > 0 {
            let mut chars: Vec<char> = s.chars().collect();
            let at = rng.below(chars.len() + 1);
            let c = alphabet_char(rng);
            match rng.below(3) {
                0 => chars.insert(at, c),
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ if at < chars.len() => chars[at] = c,
                _ => chars.push(c),
            }
            s = chars.into_iter().collect();
        }
        s
    }

    fn random_string(rng: &mut Rng) -> String {
        let len = rng.below(14);
        (0..len).map(|_| alphabet_char(rng)).collect()
    }

    #[test]
    fn random_strings_keep_every_invariant() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut wareki, mut seireki) = (0, 0);
        for round in 0..40_000 {
            let s = if round % 2 == 0 { random_string(&mut rng) } else { wareki_like(&mut rng) };
            if let Some(w) = Wareki::parse(&s) {
                wareki += 1;
                seireki += usize::from(w.to_seireki().is_ok());
            }

            if let Some(d) = Date::parse_iso(&s) {
                assert_eq!(d.to_string(), s);
                assert_eq!(Wareki::parse(&s), None, "{s:?}");
            }
            if let Some(d) = Date::parse_compact(&s) {
                assert_eq!(d.to_string().replace('-', ""), s);
            }
            if let Some(ym) = YearMonth::parse_iso(&s) {
                assert_eq!(ym.to_string(), s);
            }
            if let Some(w) = Wareki::parse(&s) {
                assert_eq!(Wareki::parse(&w.to_string()), Some(w), "{s:?}");
                match w.to_seireki() {
                    // A year-month form gives the 1st, which may precede the era (昭和元年12月).
                    Ok(d) if w.day.is_none() => assert_eq!(d.day, 1),
                    Ok(d) => assert_eq!(Wareki::from_date(d), Some(w), "{s:?}"),
                    Err(WarekiError::OutsideEra { naive }) => {
                        assert!(Date::new(naive.year, naive.month, naive.day).is_some());
                    }
                    Err(WarekiError::NoSuchDay) => {}
                }
            }
            let found = first_machine_dependent(&s);
            if let Some((c, class)) = found {
                assert_eq!(machine_dependent(c), Some(class));
            }
            for c in s.chars() {
                let _ = (is_halfwidth_katakana(c), is_forbidden_control(c), is_kana_field_char(c), cp932_equivalent(c));
            }
            let n = normalize_name(&s);
            assert_eq!(normalize_name(&n), n, "{s:?}");
            assert!(!n.chars().any(char::is_whitespace), "{s:?}");
        }
        // The generators must actually reach the accepting paths.
        assert!(wareki > 5_000, "only {wareki} 和暦 parsed");
        assert!(seireki > 1_500, "only {seireki} converted");
    }
}
