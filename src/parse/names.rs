//! XML 1.0 names (5th edition) and the namespace rules on them: checked only where a name is
//! not one the layout knows, since every name the layout gives is a valid one.

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// An NCName: a name without a colon.
pub fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// A qualified name as namespaces allow it: `local` or `prefix:local`, each an NCName.
pub fn is_qname(s: &str) -> bool {
    match s.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(s),
    }
}

/// A processing instruction's target: a name, and not `xml` in any case (reserved for the
/// declaration, which only the start of a file may hold).
pub fn is_pi_target(s: &str) -> bool {
    is_ncname(s) && !s.eq_ignore_ascii_case("xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_xml_names() {
        for ok in ["Sex", "a-b.c_d", "氏名", "_x", "p:Sex", "Item2", "ｶﾅ"] {
            assert!(is_qname(ok), "{ok}");
        }
        for bad in ["1x", "S&amp;x", "a\u{1}b", ":", ":a", "a:", "a:b:c", "", "-a", "a b", "a&#x41;"] {
            assert!(!is_qname(bad), "{bad:?}");
        }
        assert!(is_pi_target("xml-stylesheet") && !is_pi_target("XML") && !is_pi_target(""));
    }
}
