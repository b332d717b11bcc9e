//! `Finding`, the one currency between the check stage and the report stage.

use crate::lang::Text;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
pub enum Severity {
    /// The form would be rejected, or is wrong.
    #[serde(alias = "error", alias = "e")]
    E,
    /// To be reviewed.
    #[serde(alias = "warning", alias = "w")]
    W,
}

impl Severity {
    pub fn letter(self) -> &'static str {
        match self {
            Severity::E => "E",
            Severity::W => "W",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

/// A rule of the catalogue (RULES.md): its stable ID, default severity and documentation.
/// Each rule is declared as a `pub static` next to the code that checks it, and listed in
/// [`crate::rules::ALL`]; `rinken rule ID` prints this same text.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// When the rule fires, in one line.
    pub summary: Text,
    /// Why it matters and what to do.
    pub why: Text,
    /// A bad value or fragment, and the same fixed.
    pub bad: &'static str,
    pub good: &'static str,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Rule {}

/// Values quoted in reports are cut to this many characters: enough to recognise a value,
/// never a 100 MB text node copied into a CSV.
pub const MAX_VALUE_CHARS: usize = 200;

/// Messages are at most this many characters. Written messages are under 200; only a message
/// quoting a hostile value (a megabyte element name, a 100 MB phone number) comes near it.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// A value quoted inside an over-long message is cut to this many characters: the `value`
/// cell beside it already shows more.
const QUOTE_IN_MESSAGE_CHARS: usize = 40;

// Not `#[non_exhaustive]`: that would still let code of this crate build a finding without
// `Finding::new`, which is what the private field prevents.
#[allow(clippy::manual_non_exhaustive)]
#[derive(Clone, Debug)]
pub struct Finding {
    /// 0 for file-level findings, else the 1-based form number in the file.
    pub record: u32,
    pub rule: &'static Rule,
    /// Effective severity (after configuration overrides).
    pub severity: Severity,
    /// Element path under the form root, e.g. `Header/WrittenDate`; empty when not about one.
    pub path: String,
    /// 1-based; 0 when unknown.
    pub line: u32,
    pub column: u32,
    pub value: String,
    pub message: String,
    /// Private, so that [`Finding::new`] is the only way to make one.
    _sealed: (),
}

impl Finding {
    /// Makes a finding, the only way there is: whatever produced it (a check through the
    /// `Sink`, a batch rule, the M001 of a cut), its path and value are cut to
    /// [`MAX_VALUE_CHARS`] and its message bounded to [`MAX_MESSAGE_CHARS`], all made
    /// [`report_safe`]. `pos` is (line, column), (0, 0) when unknown.
    pub fn new(
        rule: &'static Rule,
        severity: Severity,
        record: u32,
        path: &str,
        pos: (u32, u32),
        value: &str,
        message: String,
    ) -> Finding {
        Finding {
            record,
            rule,
            severity,
            path: quote_value(path),
            line: pos.0,
            column: pos.1,
            value: quote_value(value),
            message: bound_message(message, value),
            _sealed: (),
        }
    }

    /// The order rows take in a per-file report: record, line, column, rule.
    pub fn sort_key(&self) -> (u32, u32, u32, &'static str) {
        (self.record, self.line, self.column, self.rule.id)
    }
}

/// Whether `c` must not reach a report as itself: C0 controls other than tab, line feed and
/// carriage return (CSV quoting keeps those), DEL, C1 controls, and the bidirectional controls
/// that make a viewer show text in another order than it is stored (a report must not read
/// differently from what it says).
fn is_unsafe_in_report(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character [`is_unsafe_in_report`] replaced by U+FFFD, one for one, so that
/// character counts (and the positions messages give) stay true.
pub fn report_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_in_report) {
        return s.into();
    }
    s.chars().map(|c| if is_unsafe_in_report(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
}

/// The first `max` characters of `s`, with `…` when something was cut.
fn cut(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((at, _)) => {
            let mut out = String::with_capacity(at + 3);
            out.push_str(&s[..at]);
            out.push('…');
            out.into()
        }
    }
}

/// Cuts `s` to [`MAX_VALUE_CHARS`] characters, marking the cut, and makes it [`report_safe`].
pub fn quote_value(s: &str) -> String {
    report_safe(&cut(s, MAX_VALUE_CHARS)).into_owned()
}

fn too_long(s: &str, max: usize) -> bool {
    // Bytes bound characters from above: the character count is only needed past the limit.
    s.len() > max && s.chars().nth(max).is_some()
}

/// Bounds a message to [`MAX_MESSAGE_CHARS`]: a long `value` it quotes is shortened first, then,
/// if still too long, the middle is cut so that what the message says first (what is wrong)
/// and last (what to do) both remain. The result is [`report_safe`].
pub fn bound_message(message: String, value: &str) -> String {
    let mut m = message;
    if too_long(&m, MAX_MESSAGE_CHARS) && too_long(value, QUOTE_IN_MESSAGE_CHARS) && m.contains(value) {
        m = m.replace(value, &cut(value, QUOTE_IN_MESSAGE_CHARS));
    }
    if too_long(&m, MAX_MESSAGE_CHARS) {
        let sep = " … ";
        let head = MAX_MESSAGE_CHARS * 3 / 5;
        let tail = MAX_MESSAGE_CHARS - head - sep.chars().count();
        let total = m.chars().count();
        let head_end = m.char_indices().nth(head).map_or(m.len(), |(i, _)| i);
        let tail_start = m.char_indices().nth(total - tail).map_or(m.len(), |(i, _)| i);
        m = format!("{}{sep}{}", &m[..head_end], &m[tail_start..]);
    }
    match report_safe(&m) {
        std::borrow::Cow::Borrowed(_) => m,
        std::borrow::Cow::Owned(safe) => safe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_value_cuts_long_values_on_char_boundaries() {
        let long = "髙".repeat(300);
        let q = quote_value(&long);
        assert_eq!(q.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quote_value("abc"), "abc");
    }

    #[test]
    fn controls_that_could_mislead_a_reader_are_replaced_one_for_one() {
        assert_eq!(quote_value("和\u{0}子\u{1b}[31m"), "和\u{FFFD}子\u{FFFD}[31m");
        assert_eq!(quote_value("a\u{202E}cba\u{85}"), "a\u{FFFD}cba\u{FFFD}");
        assert_eq!(quote_value("行1\r\n行2\tx"), "行1\r\n行2\tx", "CSV quoting keeps line breaks and tabs");
        assert_eq!(bound_message("値「\u{7}」".into(), ""), "値「\u{FFFD}」");
    }

    #[test]
    fn messages_are_bounded_and_keep_their_start_and_end() {
        let short = "電話番号「075」は電話番号の形ではありません".to_string();
        assert_eq!(bound_message(short.clone(), "075"), short);
        // A long value quoted in the message is shortened where it appears.
        let value = "0".repeat(1_000_000);
        let m = bound_message(format!("電話番号「{value}」は形が違います。数字 10〜11 桁で書いてください"), &value);
        assert_eq!(m, format!("電話番号「{}…」は形が違います。数字 10〜11 桁で書いてください", "0".repeat(40)));
        // Anything else too long loses its middle.
        let other = "山".repeat(1_000_000);
        let m = bound_message(format!("開始{other}終了"), "x");
        assert_eq!(m.chars().count(), MAX_MESSAGE_CHARS);
        assert!(m.starts_with("開始山") && m.ends_with("山終了") && m.contains(" … "), "{m}");
    }

    #[test]
    fn every_finding_is_made_safe_and_bounded_by_its_constructor() {
        let rule = crate::rules::find("B002").unwrap();
        let name = format!("{}/a\u{1b}[31mred\u{202e}.xml", "d".repeat(600));
        let f =
            Finding::new(rule, Severity::W, 0, "\u{7}p", (0, 0), &name, format!("{name} とバイト単位で同じ内容です"));
        assert!(f.message.chars().count() <= MAX_MESSAGE_CHARS, "{}", f.message.chars().count());
        assert!(f.value.chars().count() <= MAX_VALUE_CHARS + 1);
        for cell in [&f.message, &f.value, &f.path] {
            assert!(!cell.contains(['\u{1b}', '\u{202e}', '\u{7}']), "{cell}");
        }
    }
}
