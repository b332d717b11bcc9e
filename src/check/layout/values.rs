//! Checks of one value against its type (L005–L011). Each value gets at most one error (the
//! first problem found) and, for text, at most one L011 warning; every message says what
//! would be right.

use super::rules::{L005, L006, L007, L008, L009, L010, L011};
use crate::check::redact::MARKER;
use crate::finding::Rule;
use crate::lang::Lang;
use crate::tables::codes::CodeLists;
use crate::tables::cond::{Env, Truth};
use crate::tables::types::{well_formed, Ranges, Type};
use crate::text::chars::{self, MachineDependent, Profile};
use crate::text::date::{Date, YearMonth};
use crate::text::small_integer;
use crate::text::wareki::{Wareki, WarekiError};
use crate::tr;
use unicode_normalization::UnicodeNormalization;

pub struct Problem {
    pub rule: &'static Rule,
    pub message: String,
}

/// Everything a value check may consult.
pub struct TypeCtx<'a> {
    pub lang: Lang,
    pub codes: &'a CodeLists,
    pub env: &'a dyn Env,
    /// The value is patient data and `--redact` is on: messages quote it in no form at all,
    /// neither as written nor as the corrected spelling they would otherwise suggest. Deciding
    /// this here, where messages are built, leaves redaction nothing to guess about.
    pub private: bool,
    /// The value's real length in characters when the value checked is only its first part
    /// (`parse::MAX_KEPT_VALUE`), so that length messages give the real one.
    pub full_chars: Option<usize>,
}

impl TypeCtx<'_> {
    /// The value as a message quotes it.
    fn quote<'v>(&self, v: &'v str) -> &'v str {
        if self.private {
            MARKER
        } else {
            v
        }
    }

    /// A form derived from the value (the spelling a message suggests), when it may be shown.
    fn derived<'v>(&self, s: &'v str) -> Option<&'v str> {
        (!self.private).then_some(s)
    }

    /// "Write it half-width", with the half-width form when it may be shown.
    fn write_half(&self, half: &str) -> String {
        match self.derived(half) {
            Some(h) => tr!(self.lang, "半角で {h} と書いてください", "write {h}"),
            None => tr!(self.lang, "半角で書いてください", "write it half-width"),
        }
    }
}

/// Result of checking one value: an error, and (independently) a warning.
#[derive(Default)]
pub struct Outcome {
    pub error: Option<Problem>,
    pub warning: Option<Problem>,
}

fn fail(rule: &'static Rule, message: String) -> Outcome {
    Outcome { error: Some(Problem { rule, message }), warning: None }
}

/// NFKC without spaces: what a value would be if full-width characters were half-width.
fn half_width(v: &str) -> String {
    v.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// What [`half_width`] took out of `v`, for a message: a no-break space in a code is a space,
/// not a full-width character.
fn not_half(v: &str, lang: Lang) -> &'static str {
    let space = v.chars().any(char::is_whitespace);
    let wide = v.chars().any(|c| !c.is_whitespace() && !c.is_ascii());
    match (wide, space) {
        (true, true) => lang.pick("全角文字と空白", "full-width characters and spaces"),
        (false, true) => lang.pick("空白", "spaces"),
        _ => lang.pick("全角文字", "full-width characters"),
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `v` (not empty, kept whole) passes [`check`] with no finding at all, decided with
/// none of what a message needs. Almost every value does, and for them building `check`'s
/// context and outcome cost more than the test itself. `false` means "ask `check`": each arm
/// is `check`'s own first test that returns no finding, and the types left out go there.
pub fn plainly_valid(ty: &Type, v: &str, codes: &CodeLists) -> bool {
    match ty {
        Type::Group | Type::Item => true,
        Type::Date => Date::parse_iso(v).is_some(),
        Type::YearMonth => YearMonth::parse_iso(v).is_some(),
        Type::Digits(n) => v.len() == *n && all_digits(v),
        Type::Code(id) => codes.get(*id).find(v).is_some(),
        Type::Phone => phone_ok(v),
        // Ordinary characters raise neither L010 nor L011, so only the length is left.
        Type::Text(n) => ordinary_chars(v, false).is_some_and(|len| len <= *n),
        Type::Kana(n) => ordinary_chars(v, true).is_some_and(|len| len <= *n),
        // Digits only are well formed for both; the first range decides when it has no condition.
        Type::Int(r) | Type::Decimal(r) => match (r.0.first(), small_integer(v)) {
            (Some(r), Some(x)) => r.when.is_none() && r.lo <= x && x <= r.hi,
            _ => false,
        },
        Type::DoctorNo => false,
    }
}

/// A phone number as written should be: 10 or 11 digits, hyphens between them.
fn phone_ok(v: &str) -> bool {
    let ok_chars = v.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    let n = v.bytes().filter(u8::is_ascii_digit).count();
    ok_chars && (10..=11).contains(&n) && !v.starts_with('-') && !v.ends_with('-')
}

pub fn check(ty: &Type, v: &str, label: &str, cx: &TypeCtx<'_>) -> Outcome {
    let lang = cx.lang;
    let q = cx.quote(v);
    match ty {
        Type::Group | Type::Item => Outcome::default(),
        Type::Date => date(v, label, cx),
        Type::YearMonth => year_month(v, label, cx),
        Type::Int(r) => number(v, label, r, false, cx),
        Type::Decimal(r) => number(v, label, r, true, cx),
        Type::Digits(n) => digits(v, label, *n, cx),
        Type::Code(id) => {
            let list = cx.codes.get(*id);
            if list.find(v).is_some() {
                return Outcome::default();
            }
            let allowed = list.describe(lang);
            let half = half_width(v);
            if half != v && list.find(&half).is_some() {
                let (fix, why) = (cx.write_half(&half), not_half(v, lang));
                return fail(
                    &L007,
                    tr!(
                        lang,
                        "{label} のコード「{q}」に{why}があります。{fix} (使えるコード: {allowed})",
                        "{label} code \"{q}\" has {why}; {fix} (codes: {allowed})"
                    ),
                );
            }
            fail(
                &L007,
                tr!(
                    lang,
                    "{label} に「{q}」というコードはありません。使えるコード: {allowed}",
                    "\"{q}\" is not a code of {label}; codes: {allowed}"
                ),
            )
        }
        Type::Text(n) => text(v, label, *n, cx),
        Type::Kana(n) => kana(v, label, *n, cx),
        Type::Phone => {
            if phone_ok(v) {
                return Outcome::default();
            }
            let half = half_width(v).replace(['‐', '−', 'ー', '―'], "-");
            let hn = half.bytes().filter(u8::is_ascii_digit).count();
            if half != v && half.bytes().all(|b| b.is_ascii_digit() || b == b'-') && (10..=11).contains(&hn) {
                let (fix, why) = (cx.write_half(&half), not_half(v, lang));
                return fail(
                    &L005,
                    tr!(lang, "{label}「{q}」に{why}があります。{fix}", "{label} \"{q}\" has {why}; {fix}"),
                );
            }
            fail(&L005, tr!(lang, "{label}「{q}」は電話番号の形ではありません。数字 10〜11 桁 (ハイフン可) で書いてください (例: 075-000-0000)", "{label} \"{q}\" is not a phone number: 10–11 digits with optional hyphens (e.g. 075-000-0000)"))
        }
        Type::DoctorNo => {
            let bad = v.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-'));
            if let Some(c) = bad {
                let half = half_width(v);
                if half.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && half.chars().count() <= 20 {
                    let (fix, why) = (cx.write_half(&half), not_half(v, lang));
                    return fail(
                        &L005,
                        tr!(lang, "{label}「{q}」に{why}があります。{fix}", "{label} \"{q}\" has {why}; {fix}"),
                    );
                }
                return fail(
                    &L005,
                    tr!(
                        lang,
                        "{label} に使えない文字「{c}」があります。英数字とハイフンで書いてください",
                        "{label} has the character \"{c}\"; use letters, digits and hyphens"
                    ),
                );
            }
            let len = cx.full_chars.unwrap_or_else(|| v.chars().count());
            if len > 20 {
                return fail(
                    &L006,
                    tr!(
                        lang,
                        "{label} が {len} 文字あります。20 文字以内です",
                        "{label} is {len} characters long; at most 20"
                    ),
                );
            }
            Outcome::default()
        }
    }
}

/// "Write it as {form}" when the corrected form may be shown, else the pattern to follow.
fn write_as(cx: &TypeCtx<'_>, form: &str, pattern: &str) -> String {
    match cx.derived(form) {
        Some(f) => tr!(cx.lang, "{f} と書いてください", "write {f}"),
        None => tr!(cx.lang, "{pattern} で書いてください", "rewrite it as {pattern}"),
    }
}

fn date(v: &str, label: &str, cx: &TypeCtx<'_>) -> Outcome {
    let (lang, q) = (cx.lang, cx.quote(v));
    if Date::parse_iso(v).is_some() {
        return Outcome::default();
    }
    if let Some(w) = Wareki::parse(v) {
        return wareki(v, w, label, cx, false);
    }
    // Other spellings of a real date: full-width, slashes, dots, compact.
    let half = half_width(v);
    let parts: Vec<&str> = half.split(['/', '.', '-', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    let guess = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && all_digits(y) && all_digits(m) && all_digits(d) => {
            Date::new(y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0))
        }
        [c] if c.len() == 8 => Date::parse_compact(c),
        _ => None,
    };
    if let Some(d) = guess {
        let fix = write_as(cx, &d.to_string(), "YYYY-MM-DD");
        return fail(
            &L008,
            tr!(
                lang,
                "{label}「{q}」は YYYY-MM-DD の形ではありません。{fix}",
                "{label} \"{q}\" is not in YYYY-MM-DD form; {fix}"
            ),
        );
    }
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u16>(), m.parse::<u8>(), d.parse::<u8>()) {
            if (1..=12).contains(&m) && d >= 1 && y >= 1 {
                let last = Date::days_in_month(y, m);
                let why = match cx.derived(&half) {
                    Some(_) => tr!(lang, "{y}年{m}月は{last}日まで", "{y}-{m:02} has {last} days"),
                    None => tr!(lang, "その月にその日はありません", "its month has fewer days"),
                };
                return fail(
                    &L008,
                    tr!(
                        lang,
                        "{label}「{q}」は存在しない日付です ({why})",
                        "{label} \"{q}\" is not a real day ({why})"
                    ),
                );
            }
        }
    }
    fail(
        &L008,
        tr!(
            lang,
            "{label}「{q}」は日付ではありません。西暦の YYYY-MM-DD で書いてください (例: 2025-06-10)",
            "{label} \"{q}\" is not a date; write a Western-calendar YYYY-MM-DD (e.g. 2025-06-10)"
        ),
    )
}

fn wareki(v: &str, w: Wareki, label: &str, cx: &TypeCtx<'_>, month_only: bool) -> Outcome {
    let (lang, q) = (cx.lang, cx.quote(v));
    let fmt = |d: Date| if month_only { YearMonth::of(d).to_string() } else { d.to_string() };
    let pattern = if month_only { "YYYY-MM" } else { "YYYY-MM-DD" };
    match w.to_seireki() {
        Ok(d) => {
            let s = fmt(d);
            let fix = match cx.derived(&s) {
                Some(s) => tr!(lang, "西暦で {s} と書いてください", "write it in the Western calendar as {s}"),
                None => tr!(lang, "西暦の {pattern} で書いてください", "write it in the Western calendar as {pattern}"),
            };
            fail(&L009, tr!(lang, "{label}「{q}」は和暦です。{fix}", "{label} \"{q}\" is a Japanese-era date; {fix}"))
        }
        Err(WarekiError::OutsideEra { naive }) => {
            let s = fmt(naive);
            let hint = Wareki::from_date(naive).map(|r| r.to_string()).unwrap_or_default();
            match cx.derived(&s) {
                Some(s) => fail(&L009, tr!(lang, "{label}「{q}」は和暦で、その元号の期間外の日付です ({hint} = {s} のこと?)。西暦の {s} の形で書いてください", "{label} \"{q}\" is a Japanese-era date outside its era ({hint} = {s}?); write it in the Western calendar, like {s}")),
                None => fail(&L009, tr!(lang, "{label}「{q}」は和暦で、その元号の期間外の日付です。西暦の {pattern} で書いてください", "{label} \"{q}\" is a Japanese-era date outside its era; write it in the Western calendar as {pattern}")),
            }
        }
        Err(WarekiError::NoSuchDay) => fail(
            &L009,
            tr!(
                lang,
                "{label}「{q}」は和暦で、しかも存在しない日付です。西暦の YYYY-MM-DD で書いてください",
                "{label} \"{q}\" is a Japanese-era date and not a real day; write a Western-calendar YYYY-MM-DD"
            ),
        ),
    }
}

fn year_month(v: &str, label: &str, cx: &TypeCtx<'_>) -> Outcome {
    let (lang, q) = (cx.lang, cx.quote(v));
    if YearMonth::parse_iso(v).is_some() {
        return Outcome::default();
    }
    if let Some(w) = Wareki::parse(v) {
        return wareki(v, w, label, cx, true);
    }
    let half = half_width(v);
    let parts: Vec<&str> = half.split(['/', '.', '-', '年', '月']).filter(|p| !p.is_empty()).collect();
    let guess = match parts.as_slice() {
        [y, m] if y.len() == 4 && all_digits(y) && all_digits(m) => {
            YearMonth::new(y.parse().unwrap_or(0), m.parse().unwrap_or(0))
        }
        [c] if c.len() == 6 && all_digits(c) => {
            YearMonth::new(c[..4].parse().unwrap_or(0), c[4..].parse().unwrap_or(0))
        }
        [y, m, _d] if y.len() == 4 && all_digits(y) && all_digits(m) => {
            YearMonth::new(y.parse().unwrap_or(0), m.parse().unwrap_or(0))
        }
        _ => None,
    };
    match guess {
        Some(ym) => {
            let fix = write_as(cx, &ym.to_string(), "YYYY-MM");
            fail(
                &L008,
                tr!(
                    lang,
                    "{label}「{q}」は YYYY-MM の形ではありません。{fix}",
                    "{label} \"{q}\" is not in YYYY-MM form; {fix}"
                ),
            )
        }
        None => fail(
            &L008,
            tr!(
                lang,
                "{label}「{q}」は年月ではありません。西暦の YYYY-MM で書いてください (例: 2025-03)",
                "{label} \"{q}\" is not a year-month; write a Western-calendar YYYY-MM (e.g. 2025-03)"
            ),
        ),
    }
}

fn number(v: &str, label: &str, ranges: &Ranges, decimal: bool, cx: &TypeCtx<'_>) -> Outcome {
    let (lang, q) = (cx.lang, cx.quote(v));
    if !well_formed(v, decimal) {
        let half = half_width(v);
        let what =
            lang.pick(if decimal { "数値" } else { "整数" }, if decimal { "a number" } else { "a whole number" });
        if half != v && well_formed(&half, decimal) {
            let (fix, why) = (cx.write_half(&half), not_half(v, lang));
            return fail(
                &L005,
                tr!(lang, "{label}「{q}」に{why}があります。{fix}", "{label} \"{q}\" has {why}; {fix}"),
            );
        }
        // What would be right: the range when one always applies, else the form of a number.
        let fix = match ranges.0.iter().find(|r| r.when.is_none()) {
            Some(r) => {
                let range = &r.text;
                tr!(lang, "{range} の範囲で書いてください", "write one within {range}")
            }
            None if decimal => {
                tr!(lang, "半角数字で書いてください (例: 12、3.5)", "write it in ASCII digits (e.g. 12, 3.5)")
            }
            None => tr!(lang, "半角数字で書いてください (例: 12)", "write it in ASCII digits (e.g. 12)"),
        };
        return fail(
            &L005,
            tr!(
                lang,
                "{label}「{q}」は半角数字の{what}ではありません。{fix}",
                "{label} \"{q}\" is not {what} in ASCII digits; {fix}"
            ),
        );
    }
    let Ok(x) = v.parse::<f64>() else { return Outcome::default() };
    for r in &ranges.0 {
        let applies = match &r.when {
            None => Truth::True,
            Some(c) => c.eval(cx.env),
        };
        match applies {
            Truth::True => {
                if x < r.lo || x > r.hi {
                    let range = &r.text;
                    let cond = r.when.as_ref().map(|c| tr!(lang, " ({c} のとき)", " (when {c})")).unwrap_or_default();
                    return fail(
                        &L006,
                        tr!(
                            lang,
                            "{label} {q} は範囲外です。{range} の範囲で書いてください{cond}",
                            "{label} {q} is out of range; it must be within {range}{cond}"
                        ),
                    );
                }
                return Outcome::default();
            }
            // Unknown: the condition's element is missing or invalid and has its own finding.
            Truth::Unknown | Truth::False => {}
        }
    }
    Outcome::default()
}

fn digits(v: &str, label: &str, n: usize, cx: &TypeCtx<'_>) -> Outcome {
    let (lang, q) = (cx.lang, cx.quote(v));
    if v.len() == n && all_digits(v) {
        return Outcome::default();
    }
    let half: String = half_width(v).chars().filter(|c| !matches!(c, '-' | '‐' | '−' | 'ー' | '―')).collect();
    if half.len() == n && all_digits(&half) {
        let why = if v.is_ascii() && !v.contains(' ') {
            lang.pick("区切り文字", "separators")
        } else {
            not_half(v, lang)
        };
        let fix = match cx.derived(&half) {
            Some(h) => tr!(lang, "半角数字 {n} 桁で {h} と書いてください", "write the {n} ASCII digits {h}"),
            None => tr!(lang, "半角数字 {n} 桁で書いてください", "write {n} ASCII digits only"),
        };
        return fail(
            &L005,
            tr!(lang, "{label}「{q}」に{why}があります。{fix}", "{label} \"{q}\" contains {why}; {fix}"),
        );
    }
    if all_digits(v) {
        let len = cx.full_chars.unwrap_or(v.len());
        return fail(
            &L005,
            tr!(
                lang,
                "{label} が {len} 桁です。数字 {n} 桁で書いてください",
                "{label} has {len} digits; it must have exactly {n}"
            ),
        );
    }
    fail(
        &L005,
        tr!(
            lang,
            "{label}「{q}」は数字だけではありません。半角数字 {n} 桁で書いてください",
            "{label} \"{q}\" is not all digits; write {n} ASCII digits"
        ),
    )
}

/// What one pass over a text value finds: the first character of each kind that matters, and
/// the length. Values are scanned once, however many rules look at their characters.
#[derive(Default)]
struct Scan {
    chars: usize,
    control: Option<(usize, char)>,
    halfwidth: Option<char>,
    not_kana: Option<char>,
    machine: Option<(char, MachineDependent)>,
}

/// The length in characters of `v` when no character in it is any rule's business, which is
/// what almost every value is. Decoding the bytes here, with no bookkeeping of first
/// offenders, costs much less per character than `scan`'s loop; a value with anything else
/// in it (or outside the BMP, which is never ordinary) gets `None` and the full scan.
/// In a text field kana are as ordinary as kanji (their KANA flag matters to kana fields only).
fn ordinary_chars(v: &str, kana: bool) -> Option<usize> {
    let mut rest = v.as_bytes();
    let mut n = 0;
    // `v` is UTF-8, so the lead byte says how many continuation bytes follow, and they are
    // there; the slice patterns take them with one length test. Names and addresses are nearly
    // all three-byte characters: that arm comes first and skips the ASCII test of
    // `Profile::of_bmp`.
    loop {
        let p = match rest {
            [lead @ 0xE0..=0xEF, b1, b2, tail @ ..] => {
                rest = tail;
                Profile::of_wide(u16::from(lead & 0x0F) << 12 | u16::from(b1 & 0x3F) << 6 | u16::from(b2 & 0x3F))
            }
            [lead @ 0..=0x7F, tail @ ..] => {
                rest = tail;
                Profile::of_bmp(u16::from(*lead))
            }
            [lead @ 0xC0..=0xDF, b1, tail @ ..] => {
                rest = tail;
                Profile::of_bmp(u16::from(lead & 0x1F) << 6 | u16::from(b1 & 0x3F))
            }
            [] => return Some(n),
            _ => return None,
        };
        if !p.is_ordinary(kana) {
            return None;
        }
        n += 1;
    }
}

fn scan(v: &str, kana: bool) -> Scan {
    let ordinary = if kana { Profile::ORDINARY_KANA } else { Profile::ORDINARY };
    if let Some(chars) = ordinary_chars(v, kana) {
        return Scan { chars, ..Scan::default() };
    }
    let mut s = Scan::default();
    for (i, c) in v.chars().enumerate() {
        s.chars = i + 1;
        let p = Profile::of(c);
        if p == ordinary {
            continue;
        }
        // A control character is L010's finding, not also one CP932 lacks or a kana-field one.
        if p.is_forbidden_control() {
            s.control = s.control.or(Some((i, c)));
            continue;
        }
        if p.is_halfwidth_katakana() && s.halfwidth.is_none() {
            s.halfwidth = Some(c);
        }
        let not_kana = kana && !p.is_kana_field_char();
        if not_kana && s.not_kana.is_none() {
            s.not_kana = Some(c);
        }
        // In a kana field, a character that is not kana is L010's finding alone; a rare kana
        // such as ゔ is allowed there but, as anywhere, CP932 cannot encode it.
        if !not_kana && s.machine.is_none() {
            s.machine = p.machine().map(|k| (c, k));
        }
    }
    s
}

fn control_char(s: &Scan, label: &str, lang: Lang) -> Option<Outcome> {
    let (i, c) = s.control?;
    let (pos, code) = (i + 1, format!("U+{:04X}", c as u32));
    let msg = match c {
        '\n' | '\r' => tr!(
            lang,
            "{label} の {pos} 文字目に改行 ({code}) があります。1 行で書いてください",
            "{label} has a line break ({code}) at character {pos}; write it on one line"
        ),
        '\t' => tr!(
            lang,
            "{label} の {pos} 文字目にタブ ({code}) があります。空白にするか取り除いてください",
            "{label} has a tab ({code}) at character {pos}; use a space or remove it"
        ),
        '\u{FFFE}' | '\u{FFFF}' => tr!(
            lang,
            "{label} の {pos} 文字目に XML で使えない文字 {code} (非文字) があります。取り除いてください",
            "{label} has {code} (a noncharacter), which XML does not allow, at character {pos}; remove it"
        ),
        _ => tr!(
            lang,
            "{label} の {pos} 文字目に制御文字 {code} があります。取り除いてください",
            "{label} has the control character {code} at character {pos}; remove it"
        ),
    };
    Some(fail(&L010, msg))
}

fn halfwidth_kana(v: &str, s: &Scan, label: &str, cx: &TypeCtx<'_>) -> Option<Outcome> {
    let c = s.halfwidth?;
    // The whole value, full-width, up to what a message can quote. The one character quoted
    // stays even when the value is private: it identifies no one and shows what to fix.
    let full: String = v.chars().take(crate::finding::MAX_VALUE_CHARS).nfkc().collect();
    let fix = match cx.derived(&full) {
        Some(full) => tr!(cx.lang, "全角で「{full}」と書いてください", "write it full-width: \"{full}\""),
        None => tr!(cx.lang, "全角で書いてください", "write it full-width"),
    };
    Some(fail(
        &L010,
        tr!(
            cx.lang,
            "{label} に半角カタカナ「{c}」があります。{fix}",
            "{label} has half-width katakana \"{c}\"; {fix}"
        ),
    ))
}

fn too_long(s: &Scan, label: &str, n: usize, lang: Lang) -> Option<Outcome> {
    let len = s.chars;
    (len > n).then(|| {
        fail(
            &L006,
            tr!(
                lang,
                "{label} が {len} 文字あります。{n} 文字以内で書いてください",
                "{label} is {len} characters long; at most {n}"
            ),
        )
    })
}

fn text(v: &str, label: &str, n: usize, cx: &TypeCtx<'_>) -> Outcome {
    let lang = cx.lang;
    let mut s = scan(v, false);
    s.chars = cx.full_chars.unwrap_or(s.chars);
    let mut out = control_char(&s, label, lang)
        .or_else(|| halfwidth_kana(v, &s, label, cx))
        .or_else(|| too_long(&s, label, n, lang))
        .unwrap_or_default();
    out.warning = machine_dependent(&s, label, lang);
    out
}

/// L011 for the first machine-dependent character, with what could replace it: a CP932
/// character for the same glyph, or its NFKC form when that is plain CP932 (never another
/// machine-dependent character, which would only move the warning).
fn machine_dependent(s: &Scan, label: &str, lang: Lang) -> Option<Problem> {
    let (c, kind) = s.machine?;
    let what = match kind {
        MachineDependent::NecSpecial => lang.pick("NEC 特殊文字", "an NEC special character"),
        MachineDependent::IbmExtension => lang.pick("NEC/IBM 拡張漢字", "an NEC/IBM extension kanji"),
        MachineDependent::NotInCp932 => lang.pick("CP932 で表せない文字", "a character CP932 cannot encode"),
    };
    let alt: Option<String> = chars::cp932_equivalent(c)
        .map(String::from)
        .or_else(|| chars::kana_spelling(c).map(String::from))
        .or_else(|| Some(c.to_string().nfkc().collect()))
        .filter(|alt| *alt != c.to_string() && chars::first_machine_dependent(alt).is_none());
    let hint = match (alt, kind) {
        (Some(alt), _) => tr!(lang, "「{alt}」に置き換えてください", "replace it with \"{alt}\""),
        (None, MachineDependent::IbmExtension) => tr!(
            lang,
            "標準の字 (例: 髙→高、﨑→崎) に置き換えられるか確認してください",
            "check whether a standard character can replace it (e.g. 髙→高, 﨑→崎)"
        ),
        (None, MachineDependent::NecSpecial) => tr!(
            lang,
            "CP932 の標準の文字で書き換えられるか確認してください",
            "check whether standard CP932 characters can spell it"
        ),
        // No example: an example outside CP932 (𠮷→吉) would itself come out as `?` in a
        // report written with --csv-encoding cp932.
        (None, MachineDependent::NotInCp932) if invisible(c) => lang.pick("取り除いてください", "remove it").to_owned(),
        (None, MachineDependent::NotInCp932) => tr!(
            lang,
            "CP932 にある字に置き換えるか、取り除いてください",
            "replace it with a character CP932 has, or remove it"
        ),
    };
    // A character that shows nothing (a zero-width space, a byte-order mark, a direction
    // mark) is named by its code point: quoted bare, the message would point at nothing.
    let shown = match invisible(c) {
        true => tr!(lang, "見えない文字 U+{:04X}", "the invisible character U+{:04X}", c as u32),
        false => tr!(lang, "「{c}」", "\"{c}\""),
    };
    Some(Problem {
        rule: &L011,
        message: tr!(
            lang,
            "{label} の{shown}は{what}で、登録できないことがあります。{hint}",
            "{shown} in {label} is {what} and may not register; {hint}"
        ),
    })
}

/// Format characters and other code points that draw nothing by themselves.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}'
        | '\u{E0000}'..='\u{E0FFF}')
}

fn kana(v: &str, label: &str, n: usize, cx: &TypeCtx<'_>) -> Outcome {
    let lang = cx.lang;
    let mut s = scan(v, true);
    s.chars = cx.full_chars.unwrap_or(s.chars);
    if let Some(o) = control_char(&s, label, lang).or_else(|| halfwidth_kana(v, &s, label, cx)) {
        return o;
    }
    if let Some(c) = s.not_kana {
        return fail(&L010, tr!(lang, "{label} に「{c}」があります。かなの欄は全角カタカナ・ひらがな (ー・と全角空白も可) で書いてください", "{label} contains \"{c}\"; a kana field takes full-width katakana or hiragana (and ー, ・, full-width space)"));
    }
    let mut out = too_long(&s, label, n, lang).unwrap_or_default();
    out.warning = machine_dependent(&s, label, lang);
    out
}
