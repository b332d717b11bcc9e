//! Encoding detection: UTF-8 (BOM tolerated, F005), Shift_JIS/CP932 declared or sniffed
//! (F003, decoded and validated anyway), anything else F004.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Utf8,
    /// CP932, because the declaration says so or because the bytes are not UTF-8 but are CP932.
    Cp932 {
        declared: bool,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// UTF-16/32 (BOM or NUL pattern).
    Utf16,
    /// Declared as another encoding, and the bytes are not UTF-8 either.
    Declared(String),
    /// Neither UTF-8 nor CP932; byte offset of the first bad UTF-8 sequence.
    Undecodable { offset: usize },
    /// Declared as Shift_JIS but not decodable as CP932; offset of the first bad byte.
    BadCp932 { offset: usize },
}

#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Detected,
    pub bom: bool,
    /// A declared encoding other than UTF-8 or Shift_JIS, over bytes that are valid UTF-8:
    /// reported (F004) but the text is still checked.
    pub declared_other: Option<String>,
    /// UTF-8 whose last character is cut off by the end of the file (a truncated transfer or
    /// a disk that filled up): the offset where the incomplete character starts. The text is the
    /// part before it, so that the rest of the file is still checked.
    pub cut_at: Option<usize>,
}

const SJIS_NAMES: &[&str] = &[
    "shift_jis",
    "shift-jis",
    "sjis",
    "x-sjis",
    "windows-31j",
    "cp932",
    "ms932",
    "ms_kanji",
    "csshiftjis",
    "csWindows31J",
];

/// The `encoding` pseudo-attribute of an XML declaration at the start, if any.
pub fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(512)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let value = &rest[1..];
    Some(&value[..value.find(quote)?])
}

/// A name of the Shift_JIS family (as it appears in `encoding="…"`).
pub fn is_sjis(name: &str) -> bool {
    SJIS_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn is_utf8(name: &str) -> bool {
    name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8")
}

fn decode_cp932(bytes: &[u8]) -> Result<String, usize> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok(text.into_owned());
    }
    // Find the first undecodable byte for the message.
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(len, consumed) => Err(read - len as usize - consumed as usize),
        _ => Err(read),
    }
}

/// Detects the encoding of a whole file and gives its text.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, Refusal> {
    if bytes.starts_with(&[0xFE, 0xFF])
        || bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0, b'<'])
        || bytes.starts_with(&[b'<', 0])
    {
        return Err(Refusal::Utf16);
    }
    let (bom, body) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let declared = declared_encoding(body);
    if let Some(name) = declared.filter(|n| is_sjis(n)) {
        let _ = name;
        return match decode_cp932(body) {
            Ok(s) => Ok(Decoded {
                text: Cow::Owned(s),
                encoding: Detected::Cp932 { declared: true },
                bom,
                declared_other: None,
                cut_at: None,
            }),
            Err(offset) => Err(Refusal::BadCp932 { offset: offset + bom as usize * 3 }),
        };
    }
    let declared_other = declared.filter(|n| !is_utf8(n)).map(str::to_owned);
    match simdutf8::basic::from_utf8(body) {
        Ok(s) => Ok(Decoded { text: Cow::Borrowed(s), encoding: Detected::Utf8, bom, declared_other, cut_at: None }),
        Err(_) => {
            let (offset, incomplete_at_end) =
                std::str::from_utf8(body).err().map_or((0, false), |e| (e.valid_up_to(), e.error_len().is_none()));
            if incomplete_at_end {
                // Valid UTF-8 up to a character the end of the file cuts in two. Sniffing it as
                // CP932 would call a truncated UTF-8 file "Shift_JIS" and check mojibake.
                let text = std::str::from_utf8(&body[..offset]).expect("valid up to here");
                return Ok(Decoded {
                    text: Cow::Borrowed(text),
                    encoding: Detected::Utf8,
                    bom,
                    declared_other,
                    cut_at: Some(offset + bom as usize * 3),
                });
            }
            if let Some(name) = declared_other {
                return Err(Refusal::Declared(name));
            }
            match decode_cp932(body) {
                Ok(s) => Ok(Decoded {
                    text: Cow::Owned(s),
                    encoding: Detected::Cp932 { declared: false },
                    bom,
                    declared_other: None,
                    cut_at: None,
                }),
                Err(_) => Err(Refusal::Undecodable { offset: offset + bom as usize * 3 }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_declared_encoding() {
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\" encoding='Shift_JIS'?><a/>"), Some("Shift_JIS"));
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\"?><a/>"), None);
        assert_eq!(declared_encoding(b"<a/>"), None);
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("<a>山田</a>".as_bytes()).unwrap();
        assert_eq!((d.encoding, d.bom), (Detected::Utf8, false));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("<a>山田</a>".as_bytes());
        let d = decode(&b).unwrap();
        assert!(d.bom);
        assert_eq!(d.text, "<a>山田</a>");
    }

    #[test]
    fn shift_jis_declared_or_sniffed_is_decoded() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>山田髙</a>");
        let d = decode(&sjis).unwrap();
        assert_eq!(d.encoding, Detected::Cp932 { declared: true });
        assert!(d.text.contains("山田髙"));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<a>山田</a>");
        assert_eq!(decode(&sjis).unwrap().encoding, Detected::Cp932 { declared: false });
    }

    #[test]
    fn utf8_cut_inside_its_last_character_is_utf8_not_cp932() {
        let whole = "<a>山田</a>".as_bytes();
        let cut = &whole[..whole.len() - 5]; // `<a>山` and the first byte of 田
        let d = decode(cut).unwrap();
        assert_eq!((d.encoding, d.cut_at), (Detected::Utf8, Some(6)));
        assert_eq!(d.text, "<a>山");
        // An invalid byte before the end is not a cut: CP932 is still tried, then refused.
        assert!(decode(b"<a>\x80\x80\xff</a>").is_err());
    }

    #[test]
    fn refuses_what_is_neither() {
        assert_eq!(decode(&[0xFF, 0xFE, b'<', 0]).unwrap_err(), Refusal::Utf16);
        assert_eq!(decode(b"<a>\x80\x80\xff</a>").unwrap_err(), Refusal::Undecodable { offset: 3 });
        let e = decode(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a>\xa4\xa2\xff</a>").unwrap_err();
        assert_eq!(e, Refusal::Declared("EUC-JP".into()));
        let d = decode(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a>x</a>").unwrap();
        assert_eq!(d.declared_other.as_deref(), Some("EUC-JP"));
        assert!(matches!(
            decode(b"<?xml version=\"1.0\" encoding=\"sjis\"?><a>\x82</a>"),
            Err(Refusal::BadCp932 { .. })
        ));
    }
}
