use super::*;

#[test]
fn reads_the_declared_encoding() {
    assert_eq!(declared_encoding(b"<?xml version=\"1.0\" encoding='Shift_JIS'?><a/>"), Some("Shift_JIS"));
    assert_eq!(declared_encoding(b"<?xml version=\"1.0\"?><a/>"), None);
    assert_eq!(declared_encoding(b"<a/>"), None);
}

#[test]
fn the_usual_declaration_reads_as_any_other() {
    for rest in ["", "<a/>", "\r\n<a/>", "?>"] {
        let bytes = [USUAL_DECL, rest.as_bytes()].concat();
        assert_eq!(declared_encoding(&bytes), read_declared_encoding(&bytes), "{rest:?}");
        assert_eq!(declared_encoding(&bytes), Some("UTF-8"));
    }
    // Only the whole declaration is taken as read: a longer one is read.
    let longer = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?\n>";
    assert_eq!(declared_encoding(longer), read_declared_encoding(longer));
}

#[test]
fn utf8_with_and_without_bom() {
    let d = decode("<a>山田</a>".as_bytes()).unwrap();
    assert_eq!((d.encoding.detected, d.encoding.bom), (Detected::Utf8, false));
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice("<a>山田</a>".as_bytes());
    let d = decode(&b).unwrap();
    assert!(d.encoding.bom);
    assert_eq!(d.text, "<a>山田</a>");
}

#[test]
fn shift_jis_declared_or_sniffed_is_decoded() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>山田髙</a>");
    let d = decode(&sjis).unwrap();
    assert_eq!(d.encoding.detected, Detected::Cp932 { declared: true });
    assert!(d.text.contains("山田髙"));
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<a>山田</a>");
    assert_eq!(decode(&sjis).unwrap().encoding.detected, Detected::Cp932 { declared: false });
}

#[test]
fn utf8_declared_as_shift_jis_is_read_as_utf8_and_the_declaration_reported() {
    let text = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<a>山田</a>";
    let d = decode(text.as_bytes()).unwrap();
    assert_eq!(d.encoding.detected, Detected::Utf8);
    assert_eq!(d.encoding.mislabel.as_deref(), Some("Shift_JIS"));
    assert_eq!(d.text, text);
    // ASCII reads the same in both: the declaration is taken at its word.
    let ascii = decode(b"<?xml version=\"1.0\" encoding=\"sjis\"?><a>x</a>").unwrap();
    assert_eq!((ascii.encoding.detected, ascii.encoding.mislabel), (Detected::Cp932 { declared: true }, None));
}

#[test]
fn utf8_cut_inside_its_last_character_is_utf8_not_cp932() {
    let whole = "<a>\n山田</a>".as_bytes();
    let cut = &whole[..whole.len() - 5]; // `<a>\n山` and two of the three bytes of 田
    let d = decode(cut).unwrap();
    assert_eq!((d.encoding.detected, d.encoding.cut), (Detected::Utf8, Some((7, (2, 2)))));
    assert_eq!(d.text, "<a>\n山");
    // Behind a BOM, the offset counts it; the column does not (the parser's do not either).
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(cut);
    assert_eq!(decode(&bom).unwrap().encoding.cut, Some((10, (2, 2))));
    // An invalid byte before the end is not a cut: CP932 is still tried, then refused.
    assert!(decode(b"<a>\x80\x80\xff</a>").is_err());
}

#[test]
fn refuses_what_is_neither() {
    assert_eq!(decode(&[0xFF, 0xFE, b'<', 0]).unwrap_err(), Refusal::Wide(16));
    assert_eq!(decode(&[0xFF, 0xFE, 0, 0, b'<', 0, 0, 0]).unwrap_err(), Refusal::Wide(32));
    assert_eq!(decode(&[b'<', 0, 0, 0, b'R', 0, 0, 0]).unwrap_err(), Refusal::Wide(32));
    assert_eq!(decode(b"<a>\n \x80\x80\xff</a>").unwrap_err(), Refusal::Undecodable { offset: 5, pos: (2, 2) });
    let e = decode(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a>\xa4\xa2\xff</a>").unwrap_err();
    assert_eq!(e, Refusal::Declared("EUC-JP".into()));
    let d = decode(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a>x</a>").unwrap();
    assert_eq!(d.encoding.mislabel.as_deref(), Some("EUC-JP"));
    // The column of a bad CP932 byte counts the characters decoded before it (山田 is two).
    let (mut sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<?xml version=\"1.0\" encoding=\"sjis\"?>\n<a>山田");
    let at = sjis.len();
    sjis.to_mut().extend_from_slice(b"\x82</a>");
    assert_eq!(decode(&sjis).unwrap_err(), Refusal::BadCp932 { offset: at, pos: (2, 6) });
}

#[test]
fn incomplete_tails() {
    assert_eq!(incomplete_tail(b"ab"), 0);
    assert_eq!(incomplete_tail("山".as_bytes()), 0);
    assert_eq!(incomplete_tail(&"山".as_bytes()[..2]), 2);
    assert_eq!(incomplete_tail(&"a𠮷".as_bytes()[..4]), 3);
    assert_eq!(incomplete_tail(b"a\x80"), 0, "a stray continuation byte is bad, not cut");
    assert_eq!(incomplete_tail(b""), 0);
}

/// The verdict the standard library gives on the whole text.
fn reference(bytes: &[u8]) -> Utf8Verdict {
    let pos = |end: usize| LineCol::of(&bytes[..end]);
    match std::str::from_utf8(bytes) {
        Ok(s) => Utf8Verdict { bad: None, cut: None, non_ascii: !s.is_ascii() },
        Err(e) => {
            let valid = e.valid_up_to();
            let non_ascii = !bytes[..valid].is_ascii();
            match e.error_len() {
                None => Utf8Verdict { bad: None, cut: Some((valid, pos(valid))), non_ascii },
                Some(_) => Utf8Verdict { bad: Some((valid, pos(valid))), cut: None, non_ascii },
            }
        }
    }
}

#[test]
fn a_scan_fed_in_pieces_agrees_with_the_whole_text() {
    let texts: Vec<Vec<u8>> = vec![
        "ab\n山田𠮷\nc".into(),
        "ab\n山田𠮷".as_bytes()[..10].to_vec(),
        b"ab\n\xe5\xb1\xb1\xe0\x80x".to_vec(),
        b"ab\n\xe5\xb1\xb1\xe0\x80".to_vec(),
        b"\xe5\xb1".to_vec(),
        b"ascii only\n".to_vec(),
        b"x\xff".to_vec(),
        b"\xf0\x9f\x98".to_vec(),
        // CR LF, lone CR and lone LF each end a line, wherever the pieces are cut.
        "ab\r\n山\r𠮷\rc\r\n\n\r".into(),
        b"a\r\xe5\xb1\xb1\r\n\xff".to_vec(),
        b"a\r\n\r\xe5\xb1".to_vec(),
    ];
    for text in &texts {
        let want = reference(text);
        assert_eq!(Utf8Scan::of(text), want, "{text:?} whole");
        for split in 0..=text.len() {
            let mut scan = Utf8Scan::default();
            scan.feed(&text[..split]);
            scan.feed(&text[split..]);
            assert_eq!(scan.verdict(), want, "{text:?} split at {split}");
        }
        let mut scan = Utf8Scan::default();
        text.chunks(1).for_each(|c| scan.feed(c));
        assert_eq!(scan.verdict(), want, "{text:?} byte by byte");
    }
}

#[test]
fn lines_end_as_xml_ends_them() {
    assert_eq!(LineCol::of(b"a\rb\r\nc\nd"), (4, 2));
    assert_eq!(LineCol::of("山\r\r\n\n".as_bytes()), (4, 1));
    assert_eq!(LineCol::of(b"\n\r"), (3, 1));
    let mut at = LineCol::default();
    for piece in [&b"a\r"[..], b"\nb", b"\r", b"\n", b"c"] {
        at.feed(piece);
    }
    assert_eq!(at.get(), (3, 2));
}
