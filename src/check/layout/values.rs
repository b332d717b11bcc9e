//! Checks of one value against its type (L005–L011). Each value gets at most one error (the
//! first problem found) and, for text, at most one L011 warning; every message says what
//! would be right.

use super::rules::{L005, L006, L007, L008, L009, L010, L011};
use crate::finding::Rule;
use crate::lang::Lang;
use crate::tables::codes::CodeLists;
use crate::tables::cond::{Env, Truth};
use crate::tables::types::{Ranges, Type};
use crate::text::chars::{self, MachineDependent};
use crate::text::date::{Date, YearMonth};
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
    /// The value's real length in characters when the value checked is only its first part
    /// (`parse::MAX_KEPT_VALUE`), so that length messages give the real one.
    pub full_chars: Option<usize>,
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

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn check(ty: &Type, v: &str, label: &str, cx: &TypeCtx<'_>) -> Outcome {
    let lang = cx.lang;
    match ty {
        Type::Group | Type::Item => Outcome::default(),
        Type::Date => date(v, label, lang),
        Type::YearMonth => year_month(v, label, lang),
        Type::Int(r) => number(v, label, r, false, cx),
        Type::Decimal(r) => number(v, label, r, true, cx),
        Type::Digits(n) => digits(v, label, *n, lang, cx.full_chars),
        Type::Code(id) => {
            let list = cx.codes.get(*id);
            if list.find(v).is_some() {
                return Outcome::default();
            }
            let allowed = list.describe(lang);
            let half = half_width(v);
            if half != v && list.find(&half).is_some() {
                return fail(
                    &L007,
                    tr!(
                        lang,
                        "{label} のコード「{v}」が全角です。半角で {half} と書いてください (使えるコード: {allowed})",
                        "{label} code \"{v}\" is full-width; write {half} (codes: {allowed})"
                    ),
                );
            }
            fail(
                &L007,
                tr!(
                    lang,
                    "{label} に「{v}」というコードはありません。使えるコード: {allowed}",
                    "\"{v}\" is not a code of {label}; codes: {allowed}"
                ),
            )
        }
        Type::Text(n) => text(v, label, *n, lang, cx.full_chars),
        Type::Kana(n) => kana(v, label, *n, lang, cx.full_chars),
        Type::Phone => {
            let ok_chars = v.bytes().all(|b| b.is_ascii_digit() || b == b'-');
            let n = v.bytes().filter(u8::is_ascii_digit).count();
            if ok_chars && (10..=11).contains(&n) && !v.starts_with('-') && !v.ends_with('-') {
                return Outcome::default();
            }
            let half = half_width(v).replace(['‐', '−', 'ー', '―'], "-");
            let hn = half.bytes().filter(u8::is_ascii_digit).count();
            if half != v && half.bytes().all(|b| b.is_ascii_digit() || b == b'-') && (10..=11).contains(&hn) {
                return fail(
                    &L005,
                    tr!(
                        lang,
                        "{label}「{v}」に全角文字があります。半角で {half} と書いてください",
                        "{label} \"{v}\" has full-width characters; write {half}"
                    ),
                );
            }
            fail(&L005, tr!(lang, "{label}「{v}」は電話番号の形ではありません。数字 10〜11 桁 (ハイフン可) で書いてください (例: 075-000-0000)", "{label} \"{v}\" is not a phone number: 10–11 digits with optional hyphens (e.g. 075-000-0000)"))
        }
        Type::DoctorNo => {
            let bad = v.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-'));
            if let Some(c) = bad {
                let half = half_width(v);
                if half.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && half.chars().count() <= 20 {
                    return fail(
                        &L005,
                        tr!(
                            lang,
                            "{label}「{v}」に全角文字があります。半角で {half} と書いてください",
                            "{label} \"{v}\" has full-width characters; write {half}"
                        ),
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

fn date(v: &str, label: &str, lang: Lang) -> Outcome {
    if Date::parse_iso(v).is_some() {
        return Outcome::default();
    }
    if let Some(w) = Wareki::parse(v) {
        return wareki(v, w, label, lang, false);
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
        return fail(
            &L008,
            tr!(
                lang,
                "{label}「{v}」は YYYY-MM-DD の形ではありません。{d} と書いてください",
                "{label} \"{v}\" is not in YYYY-MM-DD form; write {d}"
            ),
        );
    }
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u16>(), m.parse::<u8>(), d.parse::<u8>()) {
            if (1..=12).contains(&m) && d >= 1 && y >= 1 {
                let last = Date::days_in_month(y, m);
                return fail(
                    &L008,
                    tr!(
                        lang,
                        "{label}「{v}」は存在しない日付です ({y}年{m}月は{last}日まで)",
                        "{label} \"{v}\" is not a real day ({y}-{m:02} has {last} days)"
                    ),
                );
            }
        }
    }
    fail(
        &L008,
        tr!(
            lang,
            "{label}「{v}」は日付ではありません。西暦の YYYY-MM-DD で書いてください (例: 2025-06-10)",
            "{label} \"{v}\" is not a date; write a Western-calendar YYYY-MM-DD (e.g. 2025-06-10)"
        ),
    )
}

fn wareki(v: &str, w: Wareki, label: &str, lang: Lang, month_only: bool) -> Outcome {
    let fmt = |d: Date| if month_only { YearMonth::of(d).to_string() } else { d.to_string() };
    match w.to_seireki() {
        Ok(d) => {
            let s = fmt(d);
            fail(
                &L009,
                tr!(
                    lang,
                    "{label}「{v}」は和暦です。西暦で {s} と書いてください",
                    "{label} \"{v}\" is a Japanese-era date; write it in the Western calendar as {s}"
                ),
            )
        }
        Err(WarekiError::OutsideEra { naive }) => {
            let s = fmt(naive);
            let hint = Wareki::from_date(naive).map(|r| r.to_string()).unwrap_or_default();
            fail(&L009, tr!(lang, "{label}「{v}」は和暦で、その元号の期間外の日付です ({hint} = {s} のこと?)。西暦の {s} の形で書いてください", "{label} \"{v}\" is a Japanese-era date outside its era ({hint} = {s}?); write it in the Western calendar, like {s}"))
        }
        Err(WarekiError::NoSuchDay) => fail(
            &L009,
            tr!(
                lang,
                "{label}「{v}」は和暦で、しかも存在しない日付です。西暦の YYYY-MM-DD で書いてください",
                "{label} \"{v}\" is a Japanese-era date and not a real day; write a Western-calendar YYYY-MM-DD"
            ),
        ),
    }
}

fn year_month(v: &str, label: &str, lang: Lang) -> Outcome {
    if YearMonth::parse_iso(v).is_some() {
        return Outcome::default();
    }
    if let Some(w) = Wareki::parse(v) {
        return wareki(v, w, label, lang, true);
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
        Some(ym) => fail(
            &L008,
            tr!(
                lang,
                "{label}「{v}」は YYYY-MM の形ではありません。{ym} と書いてください",
                "{label} \"{v}\" is not in YYYY-MM form; write {ym}"
            ),
        ),
        None => fail(
            &L008,
            tr!(
                lang,
                "{label}「{v}」は年月ではありません。西暦の YYYY-MM で書いてください (例: 2025-03)",
                "{label} \"{v}\" is not a year-month; write a Western-calendar YYYY-MM (e.g. 2025-03)"
            ),
        ),
    }
}

fn number(v: &str, label: &str, ranges: &Ranges, decimal: bool, cx: &TypeCtx<'_>) -> Outcome {
    let lang = cx.lang;
    let well_formed = |s: &str| {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) if decimal => (i, Some(f)),
            _ => (s, None),
        };
        all_digits(int) && frac.is_none_or(all_digits)
    };
    if !well_formed(v) {
        let half = half_width(v);
        let what =
            lang.pick(if decimal { "数値" } else { "整数" }, if decimal { "a number" } else { "a whole number" });
        if half != v && well_formed(&half) {
            return fail(
                &L005,
                tr!(
                    lang,
                    "{label}「{v}」は全角です。半角で {half} と書いてください",
                    "{label} \"{v}\" is full-width; write {half}"
                ),
            );
        }
        return fail(
            &L005,
            tr!(
                lang,
                "{label}「{v}」は半角数字の{what}ではありません",
                "{label} \"{v}\" is not {what} in ASCII digits"
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
                            "{label} {v} は範囲外です。{range} の範囲で書いてください{cond}",
                            "{label} {v} is out of range; it must be within {range}{cond}"
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

fn digits(v: &str, label: &str, n: usize, lang: Lang, full_chars: Option<usize>) -> Outcome {
    if v.len() == n && all_digits(v) {
        return Outcome::default();
    }
    let half: String = half_width(v).chars().filter(|c| !matches!(c, '-' | '‐' | '−' | 'ー' | '―')).collect();
    if half.len() == n && all_digits(&half) {
        let why = if !v.is_ascii() {
            lang.pick("全角文字", "full-width characters")
        } else {
            lang.pick("区切り文字", "separators")
        };
        return fail(
            &L005,
            tr!(
                lang,
                "{label}「{v}」に{why}があります。半角数字 {n} 桁で {half} と書いてください",
                "{label} \"{v}\" contains {why}; write the {n} ASCII digits {half}"
            ),
        );
    }
    if all_digits(v) {
        let len = full_chars.unwrap_or(v.len());
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
            "{label}「{v}」は数字だけではありません。半角数字 {n} 桁で書いてください",
            "{label} \"{v}\" is not all digits; write {n} ASCII digits"
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

fn scan(v: &str, kana: bool) -> Scan {
    let mut s = Scan::default();
    for (i, c) in v.chars().enumerate() {
        s.chars = i + 1;
        if c.is_ascii() {
            if s.control.is_none() && chars::is_forbidden_control(c) {
                s.control = Some((i, c));
            }
            if kana && s.not_kana.is_none() {
                s.not_kana = Some(c);
            }
            continue;
        }
        if s.control.is_none() && chars::is_forbidden_control(c) {
            s.control = Some((i, c));
            continue;
        }
        if s.halfwidth.is_none() && chars::is_halfwidth_katakana(c) {
            s.halfwidth = Some(c);
        }
        if kana && s.not_kana.is_none() && !chars::is_kana_field_char(c) {
            s.not_kana = Some(c);
        }
        // A control character is L010's finding, not also a character CP932 lacks.
        if !kana && s.machine.is_none() {
            s.machine = chars::machine_dependent(c).map(|k| (c, k));
        }
    }
    s
}

fn control_char(s: &Scan, label: &str, lang: Lang) -> Option<Outcome> {
    let (i, c) = s.control?;
    let (pos, code) = (i + 1, format!("U+{:04X}", c as u32));
    Some(fail(
        &L010,
        tr!(
            lang,
            "{label} の {pos} 文字目に制御文字 {code} があります。取り除いてください",
            "{label} has the control character {code} at character {pos}; remove it"
        ),
    ))
}

fn halfwidth_kana(v: &str, s: &Scan, label: &str, lang: Lang) -> Option<Outcome> {
    let c = s.halfwidth?;
    // The whole value, full-width, up to what a message can quote.
    let full: String = v.chars().take(crate::finding::MAX_VALUE_CHARS).nfkc().collect();
    Some(fail(
        &L010,
        tr!(
            lang,
            "{label} に半角カタカナ「{c}」があります。全角で「{full}」と書いてください",
            "{label} has half-width katakana \"{c}\"; write it full-width: \"{full}\""
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

fn text(v: &str, label: &str, n: usize, lang: Lang, full_chars: Option<usize>) -> Outcome {
    let mut s = scan(v, false);
    s.chars = full_chars.unwrap_or(s.chars);
    let mut out = control_char(&s, label, lang)
        .or_else(|| halfwidth_kana(v, &s, label, lang))
        .or_else(|| too_long(&s, label, n, lang))
        .unwrap_or_default();
    if let Some((c, kind)) = s.machine {
        let what = match kind {
            MachineDependent::NecSpecial => lang.pick("NEC 特殊文字", "an NEC special character"),
            MachineDependent::IbmExtension => lang.pick("NEC/IBM 拡張漢字", "an NEC/IBM extension kanji"),
            MachineDependent::NotInCp932 => lang.pick("CP932 で表せない文字", "a character CP932 cannot encode"),
        };
        let alt: String =
            chars::cp932_equivalent(c).map(String::from).unwrap_or_else(|| c.to_string().nfkc().collect());
        let hint = if alt != c.to_string() {
            tr!(lang, "「{alt}」に置き換えてください", "replace it with \"{alt}\"")
        } else {
            tr!(
                lang,
                "標準の字 (例: 髙→高、﨑→崎) に置き換えられるか確認してください",
                "check whether a standard character can replace it (e.g. 髙→高, 﨑→崎)"
            )
        };
        out.warning = Some(Problem {
            rule: &L011,
            message: tr!(
                lang,
                "{label} の「{c}」は{what}で、登録できないことがあります。{hint}",
                "\"{c}\" in {label} is {what} and may not register; {hint}"
            ),
        });
    }
    out
}

fn kana(v: &str, label: &str, n: usize, lang: Lang, full_chars: Option<usize>) -> Outcome {
    let mut s = scan(v, true);
    s.chars = full_chars.unwrap_or(s.chars);
    if let Some(o) = control_char(&s, label, lang).or_else(|| halfwidth_kana(v, &s, label, lang)) {
        return o;
    }
    if let Some(c) = s.not_kana {
        return fail(&L010, tr!(lang, "{label} に「{c}」があります。かなの欄は全角カタカナ・ひらがな (ー・と全角空白も可) で書いてください", "{label} contains \"{c}\"; a kana field takes full-width katakana or hiragana (and ー, ・, full-width space)"));
    }
    too_long(&s, label, n, lang).unwrap_or_default()
}
