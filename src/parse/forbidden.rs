//! What XML 1.0 forbids in a document and quick-xml lets through: characters outside XML's
//! `Char` (C0 controls other than tab and line ends, U+FFFE, U+FFFF; UTF-8 cannot hold a
//! surrogate), and `]]>` in text outside a CDATA section.
//!
//! Almost no file holds either, so a text is first looked over whole, in one pass the compiler
//! vectorises ([`may_hold`]), and only a text that may hold one has each event looked at
//! ([`first_in`]), where the finding can name the character and its place. In an element's
//! value they are the value's rule's (L010), which names the element and lets the check go on.

/// XML 1.0's `Char`.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A C0 control XML does not allow: all but tab, line feed and carriage return.
#[inline]
fn is_forbidden_control(b: u8) -> bool {
    b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r'
}

/// Whether `text` may hold something [`first_in`] would find. False positives (a CDATA
/// section's own `]]>`, ￥ and other characters of U+FFxx) only cost the closer look.
pub fn may_hold(text: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, which is all `may_hold_avx2` requires.
        return unsafe { may_hold_avx2(text) };
    }
    scan(text)
}

/// [`scan`] compiled for AVX2: twice the bytes per instruction of the baseline's SSE2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn may_hold_avx2(text: &[u8]) -> bool {
    scan(text)
}

/// In blocks of fixed size, each byte beside the next, without a branch inside a block, so
/// that the compiler runs each block on vectors (a plain loop costs 3 instructions a byte, a
/// fifth of the parse floor's own work).
#[inline(always)]
fn scan(text: &[u8]) -> bool {
    const N: usize = 64;
    // The block at `at`, and the byte after it for the pair test of its last byte.
    let block = |at: usize| {
        let this: &[u8; N] = text[at..at + N].try_into().expect("N bytes");
        let next: &[u8; N] = text[at + 1..at + N + 1].try_into().expect("N bytes");
        this.iter().zip(next).fold(0u8, |m, (&a, &b)| m | flag(a, b)) != 0
    };
    let Some(last) = text.len().checked_sub(N + 1) else {
        return (0..text.len()).any(|i| flag(text[i], text.get(i + 1).copied().unwrap_or(0)) != 0);
    };
    // Whole blocks, then one that ends a byte short of the end and may overlap the one
    // before, then that byte.
    (0..last).step_by(N).any(block) || block(last) || flag(text[text.len() - 1], 0) != 0
}

/// Whether byte `a`, followed by `b`, is a C0 control other than tab and line ends, a `]`, or
/// the start of U+FFxx.
#[inline(always)]
fn flag(a: u8, b: u8) -> u8 {
    let control = (a < 0x20) & (a != b'\t') & (a != b'\n') & (a != b'\r');
    (control | (a == b']') | ((a == 0xEF) & (b == 0xBF))) as u8
}

/// What was found: where in the bytes looked at, and what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    Char(char),
    CdataEnd,
}

/// The first forbidden character in `event`, the bytes of one event as written, or `]]>` if
/// the event is text (`text`): a CDATA section ends with it, and a tag may hold it in an
/// attribute value. In an element's value (`value`), characters are left to the value's own
/// rule (L010 names the element, and the rest of the file is still checked).
pub fn first_in(event: &[u8], text: bool, value: bool) -> Option<(usize, Forbidden)> {
    let mut i = 0;
    while i < event.len() {
        let b = event[i];
        if !value && is_forbidden_control(b) {
            return Some((i, Forbidden::Char(b as char)));
        }
        if !value && b == 0xEF && event.get(i + 1) == Some(&0xBF) && matches!(event.get(i + 2), Some(0xBE | 0xBF)) {
            let c = if event[i + 2] == 0xBE { '\u{FFFE}' } else { '\u{FFFF}' };
            return Some((i, Forbidden::Char(c)));
        }
        if text && b == b']' && event[i..].starts_with(b"]]>") {
            return Some((i, Forbidden::CdataEnd));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_xml_forbids_and_nothing_it_allows() {
        let allowed = "<a b=\"]]>\">\t山田\r\n￥\u{FFFD}\u{7F}\u{85}<![CDATA[x]]></a>".as_bytes();
        assert_eq!(first_in(allowed, false, false), None);
        for (text, at, what) in [
            ("ab\u{1}", 2, Forbidden::Char('\u{1}')),
            ("\u{0}", 0, Forbidden::Char('\u{0}')),
            ("山\u{1F}", 3, Forbidden::Char('\u{1F}')),
            ("x\u{FFFE}", 1, Forbidden::Char('\u{FFFE}')),
            ("x\u{FFFF}", 1, Forbidden::Char('\u{FFFF}')),
            ("a]]]>", 2, Forbidden::CdataEnd),
        ] {
            assert_eq!(first_in(text.as_bytes(), true, false), Some((at, what)), "{text:?}");
            assert!(may_hold(text.as_bytes()), "{text:?}");
        }
        assert_eq!(first_in(b"a]]>", false, false), None, "a tag or a CDATA section may hold ]]>");
        assert_eq!(
            first_in("\u{1}\u{FFFE}]]>".as_bytes(), true, true),
            Some((4, Forbidden::CdataEnd)),
            "a value's characters are its rule's"
        );
        for long in [format!("{}\u{1}", "x".repeat(200)), format!("{}\u{FFFE}", "山".repeat(100))] {
            assert!(may_hold(long.as_bytes()));
        }
        assert!(!may_hold("<a>山田\t太郎\r\n</a>".repeat(50).as_bytes()));
    }
}
