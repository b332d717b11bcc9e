//! Name normalisation for comparing disease names against the code tables (C003, C004) and
//! doctor names against the roster (P005). Two spellings a person would call "the same name"
//! must compare equal; the result is a comparison key, never shown as a correction.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// The comparison key of a name (FORMAT.md, "Names are compared after normalisation"):
///
/// 1. NFKC, which already turns full-width ASCII into ASCII (（ → (, ／ → /, Ｘ → X, ～ → ~,
///    － → -), half-width katakana into full-width (･ → ・, ｶﾞ → ガ) and ① into 1.
/// 2. All Unicode whitespace (including 全角空白) is removed, and so are the invisible
///    U+200B, U+2060 and U+FEFF, which are not whitespace to Unicode but are just as invisible
///    to whoever typed the name.
/// 3. 囊 → 嚢; 〔〕 → (); 【】 → []; the dashes U+2010–U+2015 and − U+2212 → `-`
///    (ー is a kana letter and is kept); 〜 U+301C → `~`.
/// 4. A parenthesised Latin gloss is dropped: `(…)` whose content is only ASCII letters,
///    digits, spaces and `-'.,/`, with at least one letter (`ウィルソン病（Wilson）` →
///    `ウィルソン病`). Japanese parentheticals such as `(脳脊髄)` or `(WPW症候群によるものに
///    限る。)` stay. A group that becomes a gloss once an inner gloss is gone is dropped too, so
///    the function is idempotent.
/// 5. NFKC once more, because removing spaces or glosses can bring a combining mark next to a
///    new base character.
pub fn normalize_name(s: &str) -> String {
    // Most names are already their own key; checking that is far cheaper than rebuilding.
    if s.chars().all(|c| plainly_stable(c) && !needs_mapping(c))
        || !s.chars().any(needs_mapping) && is_nfkc_quick(s.chars()) == IsNormalized::Yes
    {
        return s.to_owned();
    }
    let mapped: String = s.nfkc().filter_map(map_char).collect();
    drop_latin_glosses(&mapped).nfkc().collect()
}

/// Characters NFKC leaves as they are whatever surrounds them (quick check Yes, combining
/// class 0): printable ASCII, 、。, hiragana, katakana and the common kanji, nearly all of a
/// Japanese name. Telling them by range spares the normaliser's table search for each one,
/// which was most of the run's start (2,000 names in the disease tables).
fn plainly_stable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{3001}'..='\u{3002}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FC}' | '\u{4E00}'..='\u{9FFF}')
}

/// Whether `map_char` or gloss removal could change `c`.
fn needs_mapping(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '囊' | '〔' | '〕' | '【' | '】' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{301C}' | '(' | ')'
        )
}

/// Per-character step 2 and 3; `None` drops the character.
fn map_char(c: char) -> Option<char> {
    if c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}') {
        return None;
    }
    Some(match c {
        '囊' => '嚢',
        '〔' => '(',
        '〕' => ')',
        '【' => '[',
        '】' => ']',
        // U+2015 HORIZONTAL BAR is what CP932 text has for an em dash, so it joins the others.
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{301C}' => '~',
        other => other,
    })
}

/// Drops Latin glosses, innermost first, in one left-to-right pass.
fn drop_latin_glosses(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Byte offsets in `out` of the '(' still waiting for their ')'.
    let mut open: Vec<usize> = Vec::new();
    for c in s.chars() {
        match c {
            '(' => {
                open.push(out.len());
                out.push(c);
            }
            ')' => match open.pop() {
                Some(start) if is_latin_gloss(&out[start + 1..]) => out.truncate(start),
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

fn is_latin_gloss(inner: &str) -> bool {
    // Checking the allowed set first stops at the first '(' of a kept inner group, which
    // keeps deeply nested input linear.
    inner.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '.' | ',' | '/'))
        && inner.chars().any(|c| c.is_ascii_alphabetic())
}

/// The comparison key of a kana name (a `kana` field, already checked by L010): two spellings
/// the format lets a writer choose between compare equal. Hiragana and katakana are both
/// allowed (`やまだ` and `ヤマダ` are one name), so hiragana becomes katakana, the iteration
/// marks included; whitespace, allowed between the parts of a name, is dropped.
pub fn kana_key(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
        // ぁ..ゖ and ゝゞ sit exactly 0x60 below ァ..ヶ and ヽヾ.
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kana_names_compare_across_hiragana_katakana_and_spacing() {
        let key = |s: &str| kana_key(s).collect::<String>();
        assert_eq!(key("やまだ　はなこ"), "ヤマダハナコ");
        assert_eq!(key("ヤマダ ハナコ"), "ヤマダハナコ");
        assert_eq!(key("いすゞ"), "イスヾ");
        assert_eq!(key("ぁゖー・ヴ"), "ァヶー・ヴ");
    }

    fn same(a: &str, b: &str) {
        assert_eq!(normalize_name(a), normalize_name(b), "{a} vs {b}");
    }

    #[test]
    fn real_disease_names() {
        assert_eq!(normalize_name("上室頻拍（WPW症候群によるものに限る。）"), "上室頻拍(WPW症候群によるものに限る。)");
        assert_eq!(normalize_name("自己免疫性腸症（IPEX症候群を含む。）"), "自己免疫性腸症(IPEX症候群を含む。)");
        same("脆弱Ｘ症候群", "脆弱X症候群");
        assert_eq!(normalize_name("脆弱Ｘ症候群"), "脆弱X症候群");
        same("ウィルムス腫瘍／腎芽腫", "ウィルムス腫瘍/腎芽腫");
        assert_eq!(normalize_name("ウィルムス腫瘍／腎芽腫"), "ウィルムス腫瘍/腎芽腫");
        assert_eq!(normalize_name("1から6までに掲げるもののほか、糖尿病"), "1から6までに掲げるもののほか、糖尿病");
        same("１から６までに掲げるもののほか、糖尿病", "1から6までに掲げるもののほか、糖尿病");
        assert_eq!(normalize_name("ウィルソン病（Wilson）"), "ウィルソン病");
        assert_eq!(normalize_name("海綿状血管腫（脳脊髄）"), "海綿状血管腫(脳脊髄)");
        same("先天性囊胞性肺疾患", "先天性嚢胞性肺疾患");
        same("芳香族L−アミノ酸脱炭酸酵素欠損症", "芳香族L-アミノ酸脱炭酸酵素欠損症");
        same("巨脳症−毛細血管奇形症候群", "巨脳症‐毛細血管奇形症候群");
        same("スタージ・ウェーバー症候群", "スタージ･ウェーバー症候群");
        same("スタージ・ウェーバー症候群", "スタージ ・ ウェーバー　症候群");
        assert_eq!(
            normalize_name("ネイルパテラ症候群（爪膝蓋骨症候群）／ＬＭＸ１Ｂ関連腎症"),
            "ネイルパテラ症候群(爪膝蓋骨症候群)/LMX1B関連腎症"
        );
        same("ﾊﾝﾁﾝﾄﾝ病", "ハンチントン病");
        same("ｶﾞﾗｸﾄｰｽ血症", "ガラクトース血症");
        same("ウィルソン病(Wilson disease)", "ウィルソン病");
        same("ウィルソン病 （ Ｗｉｌｓｏｎ ）", "ウィルソン病");
        same("クローン病（Crohn's disease）", "クローン病");
    }

    #[test]
    fn plainly_stable_characters_are_what_the_normaliser_says() {
        use unicode_normalization::char::canonical_combining_class;
        let mut n = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| plainly_stable(c)) {
            assert_eq!(is_nfkc_quick(std::iter::once(c)), IsNormalized::Yes, "U+{:04X}", c as u32);
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
            n += 1;
        }
        assert_eq!(n, 95 + 2 + 86 + 92 + 20_992);
    }

    #[test]
    fn whitespace_removed() {
        for s in [
            "山田 花子",
            "山田　花子",
            " 山田花子 ",
            "山田\t花子",
            "山田\n花子\r",
            "山田\u{A0}花子",
            "山田\u{2003}花子",
            "山田\u{200B}花子",
            "山田\u{FEFF}花子",
            "山田\u{2060}花子",
            "山田\u{85}花子",
            "山田\u{2028}花子",
        ] {
            assert_eq!(normalize_name(s), "山田花子", "{s:?}");
        }
        assert_eq!(normalize_name(""), "");
        assert_eq!(normalize_name(" \u{3000}\t\n"), "");
    }

    #[test]
    fn brackets_unified() {
        assert_eq!(normalize_name("A（病）"), "A(病)");
        assert_eq!(normalize_name("A(病)"), "A(病)");
        assert_eq!(normalize_name("A〔病〕"), "A(病)");
        assert_eq!(normalize_name("A［病］"), "A[病]");
        assert_eq!(normalize_name("A【病】"), "A[病]");
        assert_eq!(normalize_name("A｛病｝"), "A{病}");
        assert_eq!(normalize_name("A〔Wilson〕"), "A");
        // Only parentheses mark a gloss.
        assert_eq!(normalize_name("A［Wilson］"), "A[Wilson]");
        assert_eq!(normalize_name("A【Wilson】"), "A[Wilson]");
        assert_eq!(normalize_name("A｛Wilson｝"), "A{Wilson}");
    }

    #[test]
    fn dashes_and_tildes() {
        for dash in
            ['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}', '\u{FF0D}', '-']
        {
            assert_eq!(normalize_name(&format!("A{dash}B")), "A-B", "U+{:04X}", dash as u32);
        }
        assert_eq!(normalize_name("ハンチントンー"), "ハンチントンー");
        assert_eq!(normalize_name("ｰ"), "ー");
        assert_eq!(normalize_name("1〜3"), "1~3");
        assert_eq!(normalize_name("1～3"), "1~3");
        assert_eq!(normalize_name("1~3"), "1~3");
    }

    #[test]
    fn middle_dots_slashes_and_compat() {
        assert_eq!(normalize_name("A･B"), "A・B");
        assert_eq!(normalize_name("A・B"), "A・B");
        assert_eq!(normalize_name("A／B"), "A/B");
        assert_eq!(normalize_name("囊"), "嚢");
        assert_eq!(normalize_name("嚢"), "嚢");
        assert_eq!(normalize_name("Ⅱ型"), "II型");
        assert_eq!(normalize_name("①"), "1");
        assert_eq!(normalize_name("㈱京都"), "(株)京都");
        assert_eq!(normalize_name("㍻"), "平成");
    }

    #[test]
    fn latin_gloss_rules() {
        let cases = [
            ("X(Wilson)", "X"),
            ("X(Wilson-Menkes)", "X"),
            ("X(A.B., c/d)", "X"),
            ("X(type 1)", "X"),
            ("X(I)", "X"),
            ("X(ADPKD)Y", "XY"),
            ("X(1)", "X(1)"),
            ("X(1-2)", "X(1-2)"),
            ("X()", "X()"),
            ("X( )", "X()"),
            ("X(-)", "X(-)"),
            ("X(1型)", "X(1型)"),
            ("X(Ⅰ型)", "X(I型)"),
            ("X(Wilson病)", "X(Wilson病)"),
            ("X(Wilson;)", "X(Wilson;)"),
            ("X(Wilson:1)", "X(Wilson:1)"),
            ("X(é)", "X(é)"),
            ("X(Wilson", "X(Wilson"),
            ("X Wilson)", "XWilson)"),
            (")(Wilson)(", ")("),
            ("X(A)(B)", "X"),
            ("X(A(B)C)", "X"),
            ("X(病(A)B)", "X(病B)"),
            ("X(A(病)B)", "X(A(病)B)"),
            ("((Wilson))", "()"),
            ("X(Wil)son)", "Xson)"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_name(input), want, "{input}");
        }
    }

    #[test]
    fn combining_marks_rejoin_after_removal() {
        // か + space + combining voiced mark: NFKC cannot compose across the space, the
        // final pass composes once it is gone.
        assert_eq!(normalize_name("か \u{3099}"), "が");
        assert_eq!(normalize_name("e(Wilson)\u{301}"), "é");
    }

    #[test]
    fn idempotent_on_odd_inputs() {
        let long_ascii = "a".repeat(100_000);
        let deep = "(".repeat(50_000) + "x" + &")".repeat(50_000);
        let deep_kept = "(".repeat(50_000) + "病" + &")".repeat(50_000);
        let many = "(Wilson)".repeat(20_000);
        let samples: Vec<String> = [
            "",
            "\u{0}",
            "\u{1}\u{7F}\u{9F}",
            "😀𠮷",
            "\u{FFFF}\u{10FFFF}",
            "\u{3099}\u{309A}",
            "ｶﾞｷﾞ ｸﾞ",
            "((A)(B)(病))",
            "(A (B) C)",
            "〔〔Wilson〕〕",
            "かたかな ゙",
            "\u{E000}外字",
            "é(Wilson)\u{301}\u{301}",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([long_ascii, deep.clone(), deep_kept.clone(), many.clone()])
        .collect();
        for s in &samples {
            let once = normalize_name(s);
            let twice = normalize_name(&once);
            let head: String = s.chars().take(20).collect();
            assert!(twice == once, "not idempotent on {head:?}");
        }
        // The innermost (x) goes; the groups around it are then empty, hence no gloss.
        let empty_groups = "(".repeat(49_999) + &")".repeat(49_999);
        assert!(normalize_name(&deep) == empty_groups);
        assert!(normalize_name(&many).is_empty());
        assert!(normalize_name(&deep_kept) == deep_kept);
    }

    #[test]
    fn control_characters_are_kept() {
        // L010 reports them; silently dropping would hide a difference from the roster.
        assert_eq!(normalize_name("A\u{0}B"), "A\u{0}B");
        assert_eq!(normalize_name("A\u{7}B"), "A\u{7}B");
    }
}
