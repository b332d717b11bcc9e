//! What XML 1.0 and its namespaces forbid in a start tag's attributes and quick-xml's reading
//! lets through: no white space between two attributes, a name that is not a name, `<` or a
//! bad reference in a value, a declaration that binds what the namespaces reserve.
//!
//! Only tags with attributes come here (a form's root, `Item`, whatever a vendor adds), so none
//! of this is on the path of an ordinary element.

use super::forbidden::is_xml_char;
use super::problem::XmlProblem;

/// The namespace the `xml` prefix is bound to, and the one `xmlns` stands for: XML Namespaces
/// 1.0 reserves both, with their prefixes.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// What is wrong with the raw value of attribute `name`, if anything: where in the value, and
/// why. `&` must start one of the five predefined entities or a character reference to an
/// XML character, and `<` is never allowed.
pub fn value_problem(name: &str, raw: &str) -> Option<(usize, XmlProblem)> {
    let bytes = raw.as_bytes();
    // Values are short (`2403`, `HY`): a plain look beats memchr's set-up.
    if !bytes.iter().any(|&b| b == b'<' || b == b'&') {
        return None;
    }
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'<', b'&', &bytes[from..]).map(|i| from + i) {
        if bytes[i] == b'<' {
            return Some((i, XmlProblem::AttrLt(name.to_owned())));
        }
        let Some(len) = memchr::memchr(b';', &bytes[i + 1..]) else {
            return Some((i, XmlProblem::LoneAmp));
        };
        if let Some(problem) = reference_problem(&raw[i + 1..i + 1 + len]) {
            return Some((i, problem));
        }
        from = i + len + 2;
    }
    None
}

/// What is wrong with the reference `&r;`, if anything.
fn reference_problem(r: &str) -> Option<XmlProblem> {
    if let Some(number) = r.strip_prefix('#') {
        let code = match number.strip_prefix('x') {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => u32::from_str_radix(hex, 16),
            None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => number.parse(),
            _ => return Some(XmlProblem::BadCharRef(r.to_owned())),
        };
        let fine = code.ok().and_then(char::from_u32).is_some_and(is_xml_char);
        return (!fine).then(|| XmlProblem::BadCharRef(r.to_owned()));
    }
    match r {
        "amp" | "lt" | "gt" | "quot" | "apos" => None,
        name if super::names::is_ncname(name) => Some(XmlProblem::UndefinedEntity(name.to_owned())),
        // `a & b;`: not a reference at all, but an ampersand written as itself.
        _ => Some(XmlProblem::LoneAmp),
    }
}

/// What is wrong with declaring `prefix` ("" for the default namespace) as `uri`, if anything.
pub fn binding_problem(prefix: &str, uri: &str) -> Option<XmlProblem> {
    let decl = || match prefix {
        "" => format!("xmlns=\"{uri}\""),
        p => format!("xmlns:{p}=\"{uri}\""),
    };
    let reserved = match prefix {
        "xmlns" => true,
        "xml" => uri != XML_NS,
        _ => uri == XML_NS || uri == XMLNS_NS,
    };
    if reserved {
        return Some(XmlProblem::ReservedNamespace(decl()));
    }
    (!prefix.is_empty() && uri.is_empty()).then(|| XmlProblem::EmptyBinding(prefix.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_hold_only_what_xml_allows() {
        for fine in ["", "2403", "a&amp;b&lt;&gt;&quot;&apos;", "&#x3042;&#12354;", "a > b", "]]>"] {
            assert_eq!(value_problem("a", fine), None, "{fine}");
        }
        for (raw, at, problem) in [
            ("x<y", 1, XmlProblem::AttrLt("a".into())),
            ("a & b", 2, XmlProblem::LoneAmp),
            ("a &amp b", 2, XmlProblem::LoneAmp),
            ("a & b;", 2, XmlProblem::LoneAmp),
            ("&nope;", 0, XmlProblem::UndefinedEntity("nope".into())),
            ("ok&#1;", 2, XmlProblem::BadCharRef("#1".into())),
            ("&#xFFFE;", 0, XmlProblem::BadCharRef("#xFFFE".into())),
            ("&#xD800;", 0, XmlProblem::BadCharRef("#xD800".into())),
            ("&#99999999999;", 0, XmlProblem::BadCharRef("#99999999999".into())),
            ("&#x;", 0, XmlProblem::BadCharRef("#x".into())),
            ("&#X41;", 0, XmlProblem::BadCharRef("#X41".into())),
        ] {
            assert_eq!(value_problem("a", raw), Some((at, problem)), "{raw}");
        }
    }

    #[test]
    fn reserved_prefixes_and_namespaces_stay_reserved() {
        for (prefix, uri) in [("", "urn:x"), ("p", "urn:x"), ("", ""), ("xml", XML_NS)] {
            assert_eq!(binding_problem(prefix, uri), None, "{prefix} {uri}");
        }
        assert_eq!(binding_problem("p", ""), Some(XmlProblem::EmptyBinding("p".into())));
        for (prefix, uri) in [("xml", "urn:x"), ("xmlns", "urn:x"), ("p", XML_NS), ("", XML_NS), ("p", XMLNS_NS)] {
            assert!(matches!(binding_problem(prefix, uri), Some(XmlProblem::ReservedNamespace(_))), "{prefix} {uri}");
        }
    }
}
