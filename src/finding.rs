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
}

impl Finding {
    /// The order rows take in a per-file report: record, line, column, rule.
    pub fn sort_key(&self) -> (u32, u32, u32, &'static str) {
        (self.record, self.line, self.column, self.rule.id)
    }
}

/// Messages are cut to this many characters. They quote values, and a value can be a
/// 100 MB text node; what a message has to say fits well within this.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Cuts `s` to [`MAX_VALUE_CHARS`] characters, marking the cut.
pub fn quote_value(s: &str) -> String {
    cut_chars(s, MAX_VALUE_CHARS)
}

/// Cuts a message to [`MAX_MESSAGE_CHARS`] characters, marking the cut.
pub fn cut_message(message: String) -> String {
    if message.len() <= MAX_MESSAGE_CHARS {
        return message;
    }
    cut_chars(&message, MAX_MESSAGE_CHARS)
}

fn cut_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((cut, _)) => {
            let mut out = String::with_capacity(cut + 4);
            out.push_str(&s[..cut]);
            out.push('…');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_too() {
        assert_eq!(cut_message("短い".into()), "短い");
        let long = cut_message("あ".repeat(5000));
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn quote_value_cuts_long_values_on_char_boundaries() {
        let long = "髙".repeat(300);
        let q = quote_value(&long);
        assert_eq!(q.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quote_value("abc"), "abc");
    }
}
