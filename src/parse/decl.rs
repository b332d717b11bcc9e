//! The XML declaration's own grammar (XML 1.0 §2.8, `XMLDecl`), which quick-xml does not
//! check: `version`, then optionally `encoding`, then optionally `standalone`, in that order,
//! each after white space, each `name="value"` with a value of its own form. A declaration
//! written by string concatenation (`version="1.0"encoding="UTF-8"`) is refused by a
//! conforming parser, so the database's would refuse the file.

/// What is wrong with a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclFault {
    /// No `version` first.
    NoVersion,
    /// The pseudo-attribute follows the previous value with no white space.
    NoSpace(&'static str),
    /// Something that is not the next pseudo-attribute the grammar allows (or one twice, or
    /// out of order).
    Unexpected(String),
    /// The pseudo-attribute is not followed by `=` and a quoted value.
    NotNameEqValue(&'static str),
    /// A value not of its pseudo-attribute's form: `1.` and digits, an encoding name
    /// (`[A-Za-z][A-Za-z0-9._-]*`), `yes` or `no`.
    BadValue(&'static str, String),
}

const NAMES: [&str; 3] = ["version", "encoding", "standalone"];

fn is_ws(b: u8) -> bool {
    super::is_xml_ws(b)
}

fn value_fits(name: &str, v: &str) -> bool {
    let b = v.as_bytes();
    match name {
        "version" => v.strip_prefix("1.").is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())),
        "encoding" => {
            b.first().is_some_and(u8::is_ascii_alphabetic)
                && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        }
        _ => v == "yes" || v == "no",
    }
}

/// The first fault in `content`, what lies between `<?` and `?>` (it starts with `xml`), and
/// its offset in `content`.
pub fn fault(content: &str) -> Option<(usize, DeclFault)> {
    // Nearly every file has one of these: a comparison, not the walk below (which cost 0.7 %
    // of a check's instructions).
    const COMMON: [&str; 3] =
        ["xml version=\"1.0\" encoding=\"UTF-8\"", "xml version=\"1.0\" encoding=\"utf-8\"", "xml version=\"1.0\""];
    if COMMON.contains(&content) {
        return None;
    }
    let b = content.as_bytes();
    if !content.starts_with("xml") {
        return Some((0, DeclFault::NoVersion));
    }
    let mut i = 3;
    let mut next = 0;
    loop {
        let ws = b[i..].iter().take_while(|&&c| is_ws(c)).count();
        let at = i + ws;
        if at == b.len() {
            return (next == 0).then_some((at, DeclFault::NoVersion));
        }
        let len = b[at..].iter().take_while(|&&c| !is_ws(c) && c != b'=' && c != b'"' && c != b'\'').count();
        let word = &content[at..at + len];
        let Some(k) = NAMES[next..].iter().position(|&n| n == word).map(|k| k + next) else {
            let fault = match next {
                0 => DeclFault::NoVersion,
                _ => DeclFault::Unexpected(word.chars().take(30).collect()),
            };
            return Some((at, fault));
        };
        if next == 0 && k != 0 {
            return Some((at, DeclFault::NoVersion));
        }
        let name = NAMES[k];
        if ws == 0 {
            return Some((at, DeclFault::NoSpace(name)));
        }
        let mut j = at + len;
        j += b[j..].iter().take_while(|&&c| is_ws(c)).count();
        if b.get(j) != Some(&b'=') {
            return Some((at, DeclFault::NotNameEqValue(name)));
        }
        j += 1;
        j += b[j..].iter().take_while(|&&c| is_ws(c)).count();
        let Some(&quote) = b.get(j).filter(|&&q| q == b'"' || q == b'\'') else {
            return Some((at, DeclFault::NotNameEqValue(name)));
        };
        let Some(close) = b[j + 1..].iter().position(|&c| c == quote) else {
            return Some((at, DeclFault::NotNameEqValue(name)));
        };
        let value = &content[j + 1..j + 1 + close];
        if !value_fits(name, value) {
            return Some((j + 1, DeclFault::BadValue(name, value.chars().take(30).collect())));
        }
        i = j + close + 2;
        next = k + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_xml_allows_have_no_fault() {
        for d in [
            "xml version=\"1.0\"",
            "xml version='1.0' encoding='UTF-8' standalone='yes' ",
            "xml\tversion = \"1.1\"\n encoding=\"Shift_JIS\"",
            "xml version=\"1.0\" standalone=\"no\"",
        ] {
            assert_eq!(fault(d), None, "{d}");
        }
    }

    #[test]
    fn each_fault_is_found_where_it_is() {
        for (d, at, f) in [
            ("xml", 3, DeclFault::NoVersion),
            ("xml encoding=\"UTF-8\"", 4, DeclFault::NoVersion),
            ("xml version=\"1.0\"encoding=\"UTF-8\"", 17, DeclFault::NoSpace("encoding")),
            ("xml version=\"1.0\" encoding=\"UTF-8\"standalone=\"yes\"", 34, DeclFault::NoSpace("standalone")),
            ("xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"", 35, DeclFault::Unexpected("encoding".into())),
            ("xml version=\"1.0\" version=\"1.0\"", 18, DeclFault::Unexpected("version".into())),
            ("xml version=\"1.0\" charset=\"UTF-8\"", 18, DeclFault::Unexpected("charset".into())),
            ("xml version=\"1.0\" encoding", 18, DeclFault::NotNameEqValue("encoding")),
            ("xml version=1.0", 4, DeclFault::NotNameEqValue("version")),
            ("xml version=\"1.0", 4, DeclFault::NotNameEqValue("version")),
            ("xml version=\"2.0\"", 13, DeclFault::BadValue("version", "2.0".into())),
            ("xml version=\"1.0\" encoding=\"UTF 8\"", 28, DeclFault::BadValue("encoding", "UTF 8".into())),
            ("xml version=\"1.0\" standalone=\"YES\"", 30, DeclFault::BadValue("standalone", "YES".into())),
        ] {
            assert_eq!(fault(d), Some((at, f)), "{d}");
        }
    }
}
