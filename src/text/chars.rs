//! Character classes behind rules L010 (characters not allowed) and L011 (機種依存文字).
//!
//! L011 is about what survives the receiving side's CP932 world. The classification is taken
//! from `encoding_rs::SHIFT_JIS`, which implements the WHATWG "Shift_JIS" encoding, i.e.
//! Microsoft's CP932 / windows-31j, including NEC row 13 and both copies of the IBM extensions.
//!
//! How that encoder treats characters that have more than one CP932 code decides the result,
//! so it is spelled out here (all of it is pinned by the tests below):
//!
//! - A character that is also in standard JIS X 0208 encodes to its standard code. So the nine
//!   row-13 mathematical symbols ≒ ≡ ∫ √ ⊥ ∠ ∵ ∩ ∪ come out in row 2 (lead 0x81) and are *not*
//!   machine-dependent, and neither is ￢ (U+FFE2) from the IBM rows. ∮ ∟ ⊿ exist only in row 13
//!   (JIS X 0208 lacks them) and are NEC special characters.
//! - Between NEC row 13 and the IBM rows, NEC wins: Ⅰ–Ⅹ, ㈱, №, ℡ decode from both 0x87xx and
//!   0xFAxx but encode to 0x87xx, hence `NecSpecial`.
//! - The encoder never produces the NEC-selected IBM extension rows 89–92 (lead 0xED–0xEE):
//!   WHATWG excludes those pointers when encoding, and every character there also sits in the
//!   IBM rows 115–119, so they encode to 0xFA–0xFC. Both ranges still map to `IbmExtension`.
//!   Small roman numerals ⅰ–ⅹ and ￤ ＇ ＂ exist only in the IBM rows and are `IbmExtension`.
//! - Code points that JIS-based converters use but Microsoft's table does not are not encodable
//!   at all: 〜 WAVE DASH U+301C (CP932 0x8160 is ～ U+FF5E), ‖ U+2016, — U+2014, ¢ U+00A2,
//!   £ U+00A3 and ¬ U+00AC. They are `NotInCp932`; [`cp932_equivalent`] names the CP932 form
//!   for a helpful message. Conversely the encoder accepts − U+2212 (as 0x817C, the code of
//!   － U+FF0D), ¥ U+00A5 (0x5C), ‾ U+203E (0x7E) and U+0080 (0x80) although decoding never
//!   yields them; they are not machine-dependent.
//! - The user-defined area (lead 0xF0–0xF9) decodes to the Private Use Area, but the encoder
//!   refuses PUA characters, so 外字 are `NotInCp932`. Nothing outside the BMP is encodable.

use std::sync::atomic::{AtomicU8, Ordering};

use encoding_rs::{EncoderResult, SHIFT_JIS};

/// Characters that L010 rejects everywhere: U+FF61..=U+FF9F (including ｡｢｣､･).
pub fn is_halfwidth_katakana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// C0 controls, DEL and the C1 controls U+0080..=U+009F: FORMAT.md's text(n) has "no control
/// characters", so TAB, LF and CR inside a value are L010 too (the whitespace around a value
/// is not part of it).
/// U+FFFE and U+FFFF are here too: no character at all, which XML 1.0 does not allow.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Characters allowed in a `kana` field: full-width katakana (ァ..ヺ, so ヴ ヵ ヶ too),
/// hiragana (ぁ..ゖ), the iteration marks ゝゞヽヾ, ー, ・ and 全角空白. Half-width katakana are
/// deliberately excluded; L010 reports them.
pub fn is_kana_field_char(c: char) -> bool {
    matches!(
        c,
        '\u{30A1}'..='\u{30FA}'
            | '\u{3041}'..='\u{3096}'
            | '\u{309D}'
            | '\u{309E}'
            | '\u{30FD}'
            | '\u{30FE}'
            | '\u{30FC}'
            | '\u{30FB}'
            | '\u{3000}'
    )
}

/// Why a character may not register in a CP932-based system (rule L011).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachineDependent {
    /// NEC special characters, CP932 row 13 (0x8740..=0x879C): ① Ⅰ ㈱ ㍻ …
    NecSpecial,
    /// NEC-selected IBM extensions (rows 89–92, 0xED/0xEE) or IBM extensions (rows 115–119,
    /// 0xFA–0xFC): 髙 﨑 …
    IbmExtension,
    /// No CP932 code at all: emoji, 𠮷, 〜 U+301C, private-use 外字 …
    NotInCp932,
}

/// What rules L010 and L011 ask about one character, in one byte: its CP932 class in the low
/// bits, and whether it is a forbidden control, a half-width katakana or a kana-field
/// character. A value is checked by comparing each character's profile with that of an
/// ordinary character and looking closer only where they differ, so a name or an address
/// costs one table load per character rather than four range tests and a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile(u8);

const STANDARD: u8 = 1;
const NEC: u8 = 2;
const IBM: u8 = 3;
const NOT_IN_CP932: u8 = 4;
const CLASS: u8 = 0b111;
const CONTROL: u8 = 1 << 3;
const HALFWIDTH: u8 = 1 << 4;
const KANA: u8 = 1 << 5;

/// The profile of every BMP code point, learnt from the encoder the first time the character
/// is seen and kept for the rest of the process. Real documents use a few hundred distinct
/// characters, so this costs a few hundred encoder calls instead of classifying all 65,536 up
/// front (which took longer than checking a thousand forms). Zero means "not asked yet"; the
/// store is idempotent, so racing threads at worst ask twice.
static PROFILES: [AtomicU8; 0x1_0000] = [const { AtomicU8::new(0) }; 0x1_0000];

impl Profile {
    /// Standard CP932 and none of the flags: most kanji, and ASCII other than controls.
    pub const ORDINARY: Profile = Profile(STANDARD);
    /// Standard CP932 and allowed in a kana field: most kana.
    pub const ORDINARY_KANA: Profile = Profile(STANDARD | KANA);

    /// Whether this is [`Profile::ORDINARY_KANA`], or for a field that is not a kana field
    /// (`kana` false) either ordinary profile: one comparison, as a value's every character
    /// asks it.
    #[inline]
    pub fn is_ordinary(self, kana: bool) -> bool {
        let ignored = if kana { 0 } else { KANA };
        self.0 | ignored == STANDARD | KANA
    }

    #[inline]
    pub fn of(c: char) -> Profile {
        // Nothing outside the BMP has a CP932 code, and none of the flags applies there.
        u16::try_from(u32::from(c)).map_or(Profile(NOT_IN_CP932), Profile::of_bmp)
    }

    /// [`Profile::of`] for a code point of the BMP, for a decoder that has it as a number: the
    /// table needs no bounds check and the number no conversion to `char` (it is one unless
    /// it is a surrogate, which UTF-8 cannot encode).
    #[inline]
    pub fn of_bmp(u: u16) -> Profile {
        if let Ok(b) = u8::try_from(u) {
            if b < 0x80 {
                return Profile(if is_forbidden_control(char::from(b)) { STANDARD | CONTROL } else { STANDARD });
            }
        }
        Profile::of_wide(u)
    }

    /// [`Profile::of_bmp`] for a code point past ASCII, such as any of three UTF-8 bytes.
    #[inline]
    pub fn of_wide(u: u16) -> Profile {
        let slot = &PROFILES[usize::from(u)];
        match slot.load(Ordering::Relaxed) {
            0 => {
                let p = char::from_u32(u32::from(u)).map_or(Profile(NOT_IN_CP932), Profile::learn);
                slot.store(p.0, Ordering::Relaxed);
                p
            }
            p => Profile(p),
        }
    }

    fn learn(c: char) -> Profile {
        let flag = |yes: bool, bit: u8| if yes { bit } else { 0 };
        Profile(
            classify(c)
                | flag(is_forbidden_control(c), CONTROL)
                | flag(is_halfwidth_katakana(c), HALFWIDTH)
                | flag(is_kana_field_char(c), KANA),
        )
    }

    /// The L011 class, or `None` for ordinary CP932 (including half-width katakana and control
    /// characters, which are L010's business).
    pub fn machine(self) -> Option<MachineDependent> {
        match self.0 & CLASS {
            NOT_IN_CP932 => Some(MachineDependent::NotInCp932),
            NEC => Some(MachineDependent::NecSpecial),
            IBM => Some(MachineDependent::IbmExtension),
            _ => None,
        }
    }

    pub fn is_forbidden_control(self) -> bool {
        self.0 & CONTROL != 0
    }

    pub fn is_halfwidth_katakana(self) -> bool {
        self.0 & HALFWIDTH != 0
    }

    pub fn is_kana_field_char(self) -> bool {
        self.0 & KANA != 0
    }
}

fn classify(c: char) -> u8 {
    match encode_cp932(c) {
        None => NOT_IN_CP932,
        Some((bytes, 2)) => match bytes[0] {
            0x87 => NEC,
            0xED | 0xEE | 0xFA..=0xFC => IBM,
            _ => STANDARD,
        },
        Some(_) => STANDARD,
    }
}

/// The CP932 bytes of one character, or `None` if unmappable.
fn encode_cp932(c: char) -> Option<([u8; 4], usize)> {
    let mut utf8 = [0u8; 4];
    let mut out = [0u8; 4];
    // The Shift_JIS encoder is stateless, so a fresh one per character costs nothing.
    let mut encoder = SHIFT_JIS.new_encoder();
    let (result, _read, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut out, true);
    match result {
        EncoderResult::InputEmpty if written > 0 => Some((out, written)),
        _ => None,
    }
}

/// The L011 class of `c`, or `None` if it is ordinary CP932 (including half-width katakana and
/// control characters, which are L010's business).
pub fn machine_dependent(c: char) -> Option<MachineDependent> {
    Profile::of(c).machine()
}

/// The first machine-dependent character of `s`, with its class.
pub fn first_machine_dependent(s: &str) -> Option<(char, MachineDependent)> {
    s.chars().find_map(|c| machine_dependent(c).map(|class| (c, class)))
}

/// For a character that JIS-based converters (macOS, Java's "Shift_JIS", EUC-JP tools) produce
/// but CP932 cannot encode, the CP932 character that stands for the same glyph, so an L011
/// message can say "〜 (U+301C) → ～ (U+FF5E)". `None` for anything else.
pub fn cp932_equivalent(c: char) -> Option<char> {
    match c {
        '\u{301C}' => Some('\u{FF5E}'), // 〜 WAVE DASH → ～ FULLWIDTH TILDE
        '\u{2016}' => Some('\u{2225}'), // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
        '\u{2014}' => Some('\u{2015}'), // — EM DASH → ― HORIZONTAL BAR
        '\u{00A2}' => Some('\u{FFE0}'), // ¢ → ￠
        '\u{00A3}' => Some('\u{FFE1}'), // £ → ￡
        '\u{00AC}' => Some('\u{FFE2}'), // ¬ → ￢
        '\u{00A6}' => Some('\u{FFE4}'), // ¦ → ￤ (itself an IBM extension)
        _ => None,
    }
}

/// For a rare kana CP932 lacks, the usual spelling with kana it has (ヷ is written ヴァ).
pub fn kana_spelling(c: char) -> Option<&'static str> {
    Some(match c {
        'ゔ' => "ヴ",
        'ゕ' => "ヵ",
        'ゖ' => "ヶ",
        'ヷ' => "ヴァ",
        'ヸ' => "ヴィ",
        'ヹ' => "ヴェ",
        'ヺ' => "ヴォ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use MachineDependent::*;

    fn decode_pair(lead: u8, trail: u8) -> Option<char> {
        let bytes = [lead, trail];
        let (s, had_errors) = SHIFT_JIS.decode_without_bom_handling(&bytes);
        if had_errors {
            return None;
        }
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    fn trail_bytes() -> impl Iterator<Item = u8> {
        (0x40..=0xFC_u8).filter(|&b| b != 0x7F)
    }

    #[test]
    fn halfwidth_katakana() {
        for c in ['｡', '｢', '･', 'ｦ', 'ｱ', 'ﾝ', 'ﾞ', 'ﾟ'] {
            assert!(is_halfwidth_katakana(c), "{c}");
        }
        for c in ['\u{FF60}', '\u{FFA0}', 'ア', 'ー', '・', 'A', '\u{0}', '😀'] {
            assert!(!is_halfwidth_katakana(c), "{c}");
        }
    }

    #[test]
    fn forbidden_controls() {
        for u in (0x00..=0x1F).chain(0x7F..=0x9F).chain([0xFFFE, 0xFFFF]) {
            let c = char::from_u32(u).expect("scalar");
            assert!(is_forbidden_control(c), "U+{u:04X}");
        }
        for c in [' ', '~', '\u{A0}', '\u{3000}', '\u{200B}', '\u{FEFF}', 'あ', '\u{FFFD}', '￥'] {
            assert!(!is_forbidden_control(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn kana_field() {
        let ok = "ヤマダハナコやまだはなこヴヵヶゝゞヽヾー・\u{3000}ァィゥェォッャュョヮヰヱヲンぁゔゕゖヷヺ";
        for c in ok.chars() {
            assert!(is_kana_field_char(c), "{c} U+{:04X}", c as u32);
        }
        let bad = "ｱｲｳｰ･ 山田AＡ1１-－〜～・゛゜\u{3099}\u{309A}ゟヿ\u{30A0}\u{3040}\u{3097}\t";
        for c in bad.chars().filter(|&c| c != '・') {
            assert!(!is_kana_field_char(c), "{c} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn well_known_machine_dependent() {
        for c in ['①', '⑳', 'Ⅰ', 'Ⅹ', '㈱', '㈲', '㍻', '㍉', '㌔', '№', '℡', '∮', '∟', '⊿'] {
            assert_eq!(machine_dependent(c), Some(NecSpecial), "{c}");
        }
        for c in ['髙', '﨑', 'ⅰ', 'ⅹ', '￤', '＇', '＂', '纊', '德', '\u{FA10}'] {
            assert_eq!(machine_dependent(c), Some(IbmExtension), "{c}");
        }
        for c in ['😀', '𠮷', '\u{E000}', '\u{F8FF}', '\u{10FFFF}', 'é', '™', '©', '€'] {
            assert_eq!(machine_dependent(c), Some(NotInCp932), "{c}");
        }
    }

    #[test]
    fn ordinary_characters() {
        for c in "高崎山あアAaz09 ー・\u{3000}、。「」漢字山田花子京都府ヴヵヶ々〆〇仝ゝゞヽヾ～∥―－".chars()
        {
            assert_eq!(machine_dependent(c), None, "{c}");
        }
        for u in 0..0x80_u32 {
            let c = char::from_u32(u).expect("ascii");
            assert_eq!(machine_dependent(c), None, "U+{u:04X}");
        }
        // Half-width katakana are plain CP932; L010 handles them.
        for c in 'ｦ'..='ﾟ' {
            assert_eq!(machine_dependent(c), None, "{c}");
        }
    }

    #[test]
    fn row13_duplicates_of_row2_are_standard() {
        for c in ['≒', '≡', '∫', '√', '⊥', '∠', '∵', '∩', '∪', '￢'] {
            assert_eq!(machine_dependent(c), None, "{c}");
        }
    }

    #[test]
    fn jis_vs_microsoft_mapping_differences() {
        // encoding_rs follows Microsoft's table: 0x8160 is ～ (U+FF5E), so the JIS-style
        // wave dash has no CP932 code and is reported, with ～ as the suggested replacement.
        assert_eq!(machine_dependent('〜'), Some(NotInCp932));
        assert_eq!(machine_dependent('～'), None);
        for c in ['〜', '‖', '—', '¢', '£', '¬', '¦'] {
            assert_eq!(machine_dependent(c), Some(NotInCp932), "{c}");
            let eq = cp932_equivalent(c).expect("has an equivalent");
            assert_ne!(machine_dependent(eq), Some(NotInCp932), "{eq}");
        }
        // Encodable though decoding never produces them.
        for c in ['−', '¥', '‾', '\u{80}'] {
            assert_eq!(machine_dependent(c), None, "{c}");
        }
        assert_eq!(cp932_equivalent('A'), None);
        assert_eq!(cp932_equivalent('～'), None);
    }

    #[test]
    fn kana_are_standard_but_for_the_rare_ones() {
        for c in ('\u{3041}'..='\u{3093}').chain('\u{30A1}'..='\u{30F6}') {
            assert_eq!(classify(c), STANDARD, "{c}");
        }
        for c in ['ゔ', 'ゕ', 'ゖ', 'ヷ', 'ヸ', 'ヹ', 'ヺ'] {
            assert_eq!(machine_dependent(c), Some(NotInCp932), "{c}");
        }
    }

    #[test]
    fn every_nec_row13_code() {
        let standard = ['≒', '≡', '∫', '√', '⊥', '∠', '∵', '∩', '∪'];
        let mut count = 0;
        for trail in trail_bytes() {
            let Some(c) = decode_pair(0x87, trail) else {
                continue;
            };
            count += 1;
            let want = if standard.contains(&c) { None } else { Some(NecSpecial) };
            assert_eq!(machine_dependent(c), want, "87{trail:02X} {c}");
        }
        assert_eq!(count, 83);
    }

    #[test]
    fn every_ibm_code() {
        let mut count = 0;
        for lead in [0xED, 0xEE, 0xFA, 0xFB, 0xFC] {
            for trail in trail_bytes() {
                let Some(c) = decode_pair(lead, trail) else {
                    continue;
                };
                count += 1;
                let want = match c {
                    '￢' | '∵' => None,
                    'Ⅰ'..='Ⅹ' | '㈱' | '№' | '℡' => Some(NecSpecial),
                    _ => Some(IbmExtension),
                };
                assert_eq!(machine_dependent(c), want, "{lead:02X}{trail:02X} {c}");
            }
        }
        // 374 NEC-selected (0xED/0xEE) + 388 IBM (0xFA–0xFC) codes.
        assert_eq!(count, 374 + 388);
    }

    #[test]
    fn standard_rows_are_never_machine_dependent() {
        let leads = (0x81..=0x84_u8).chain(0x88..=0x9F).chain(0xE0..=0xEA);
        let mut count = 0;
        for lead in leads {
            for trail in trail_bytes() {
                if let Some(c) = decode_pair(lead, trail) {
                    count += 1;
                    assert_eq!(machine_dependent(c), None, "{lead:02X}{trail:02X} {c}");
                }
            }
        }
        assert_eq!(count, 6879);
    }

    #[test]
    fn user_defined_area_is_not_cp932() {
        for lead in 0xF0..=0xF9_u8 {
            for trail in [0x40, 0x9E, 0xFC] {
                let c = decode_pair(lead, trail).expect("user-defined area decodes to PUA");
                assert!(('\u{E000}'..='\u{F8FF}').contains(&c));
                assert_eq!(machine_dependent(c), Some(NotInCp932));
            }
        }
    }

    #[test]
    fn tables_agree_with_encoder_everywhere() {
        for u in 0..=0xFFFF_u32 {
            let Some(c) = char::from_u32(u) else {
                continue;
            };
            let want = match encode_cp932(c) {
                None => Some(NotInCp932),
                Some((b, 2)) if b[0] == 0x87 => Some(NecSpecial),
                Some((b, 2)) if matches!(b[0], 0xED | 0xEE | 0xFA..=0xFC) => Some(IbmExtension),
                Some(_) => None,
            };
            assert_eq!(machine_dependent(c), want, "U+{u:04X}");
        }
        // Outside the BMP the shortcut must agree with the encoder too (sampled).
        for u in (0x1_0000..=0x10_FFFF_u32).step_by(97).chain([0x20BB7, 0x1F600]) {
            let c = char::from_u32(u).expect("scalar");
            assert_eq!(encode_cp932(c), None, "U+{u:X}");
            assert_eq!(machine_dependent(c), Some(NotInCp932));
        }
    }

    #[test]
    fn encodable_count_is_stable() {
        let classes: Vec<u8> = (0..=0xFFFF_u32).filter_map(char::from_u32).map(|c| Profile::of(c).0 & CLASS).collect();
        let count = |k: u8| classes.iter().filter(|&&c| c == k).count();
        let (n, nec, ibm) = (classes.len() - count(NOT_IN_CP932), count(NEC), count(IBM));
        // 128 ASCII + U+0080 + ¥ + ‾ + 63 half-width + 7,326 distinct characters decoded from
        // the 7,724 double-byte codes outside the user-defined area + − U+2212.
        assert_eq!(n, 7521);
        assert_eq!(nec, 83 - 9);
        assert_eq!(ibm, 388 - 10 - 3 - 2);
    }

    #[test]
    fn profiles_agree_with_the_predicates() {
        for u in (0..=0xFFFF_u32).chain((0x1_0000..=0x10_FFFF).step_by(997)) {
            let Some(c) = char::from_u32(u) else {
                continue;
            };
            let p = Profile::of(c);
            assert_eq!(p.is_forbidden_control(), is_forbidden_control(c), "U+{u:04X}");
            assert_eq!(p.is_halfwidth_katakana(), is_halfwidth_katakana(c), "U+{u:04X}");
            assert_eq!(p.is_kana_field_char(), is_kana_field_char(c), "U+{u:04X}");
            let plain = !is_forbidden_control(c) && !is_halfwidth_katakana(c) && p.machine().is_none();
            assert_eq!(p == Profile::ORDINARY, plain && !is_kana_field_char(c), "U+{u:04X}");
            assert_eq!(p == Profile::ORDINARY_KANA, plain && is_kana_field_char(c), "U+{u:04X}");
            assert_eq!(p.is_ordinary(true), p == Profile::ORDINARY_KANA, "U+{u:04X}");
            assert_eq!(p.is_ordinary(false), plain, "U+{u:04X}");
        }
    }

    #[test]
    fn first_machine_dependent_scans_in_order() {
        assert_eq!(first_machine_dependent(""), None);
        assert_eq!(first_machine_dependent("山田花子"), None);
        assert_eq!(first_machine_dependent("髙橋①"), Some(('髙', IbmExtension)));
        assert_eq!(first_machine_dependent("高橋①😀"), Some(('①', NecSpecial)));
        assert_eq!(first_machine_dependent("abc😀"), Some(('😀', NotInCp932)));
        assert_eq!(first_machine_dependent("㈱京都"), Some(('㈱', NecSpecial)));
        assert_eq!(first_machine_dependent("\u{0}\u{1}\t\u{7F}ｱ"), None, "controls and half-width kana belong to L010");
        let long = "あ".repeat(200_000) + "𠮷";
        assert_eq!(first_machine_dependent(&long), Some(('𠮷', NotInCp932)));
        assert_eq!(first_machine_dependent(&"A".repeat(1_000_000)), None);
    }
}
