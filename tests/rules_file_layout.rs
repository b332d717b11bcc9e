//! Every F and L rule fires on a minimal bad input, with a message that says what is right,
//! and the valid forms it was made from are silent.

mod common;
use common::*;

#[test]
fn the_valid_templates_are_silent() {
    let h = Harness::new();
    assert_eq!(h.rules(R_NAME, R_VALID), []);
    assert_eq!(h.rules(S_NAME, S_VALID), []);
}

#[test]
fn f001_unreadable_file() {
    let h = Harness::new();
    let ctx = h.ctx();
    let mut parser = rinken::parse::Parser::new(&h.tables);
    let input = rinken::input::Input::new(std::path::Path::new("/nonexistent/R131331572820250612000001.xml"), "x", "x");
    let r = rinken::check::check_file(&ctx, &mut parser, &input);
    let ids: Vec<_> = r.findings.iter().map(|f| f.rule.id).collect();
    assert_eq!(ids, ["F001"]);
    assert!(r.findings[0].message.contains("ファイルがありません"));
}

#[test]
fn f002_empty_or_whitespace() {
    let h = Harness::new();
    assert_eq!(h.rules(R_NAME, ""), [(0, "F002")]);
    assert_eq!(h.rules(R_NAME, " \r\n\t\n"), [(0, "F002")]);
    // A byte-order mark is no content: not F005 and F006 (no root), but F002 saying so.
    for bytes in ["\u{feff}", "\u{feff}\r\n"] {
        let f = h.only(R_NAME, bytes);
        assert_eq!(f.rule.id, "F002");
        assert!(f.message.contains("BOM"), "{}", f.message);
    }
}

#[test]
fn f003_shift_jis_declared_or_sniffed_and_still_checked() {
    let h = Harness::new();
    let declared = edit(R_VALID, "encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&declared);
    assert_eq!(h.rules_of(R_NAME, &sjis), [(0, "F003")]);
    let (sniffed, _, _) = encoding_rs::SHIFT_JIS.encode(R_VALID);
    assert_eq!(h.rules_of(R_NAME, &sniffed), [(0, "F003")]);
    // The decoded text is validated: a defect in it is found too.
    let bad = edit(&declared, "<Sex>2</Sex>", "<Sex>3</Sex>");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&bad);
    assert_eq!(h.rules_of(R_NAME, &sjis), [(0, "F003"), (1, "L007")]);
}

#[test]
fn f003_a_shift_jis_declaration_over_utf8_is_reported_and_the_text_checked_as_utf8() {
    let h = Harness::new();
    let declared = edit(R_VALID, "encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"");
    let f = h.only(R_NAME, &declared);
    assert_eq!((f.rule.id, f.value.as_str()), ("F003", "Shift_JIS"));
    assert!(f.message.contains("内容は UTF-8 です") && f.message.contains("UTF-8 として検査しました"), "{}", f.message);
    let bad = edit(&declared, "<Sex>2</Sex>", "<Sex>3</Sex>");
    assert_eq!(h.rules(R_NAME, &bad), [(0, "F003"), (1, "L007")], "the content is checked");
}

#[test]
fn f004_neither_utf8_nor_cp932() {
    let h = Harness::new();
    let euc = edit(R_VALID, "encoding=\"UTF-8\"", "encoding=\"EUC-JP\"");
    let (bytes, _, _) = encoding_rs::EUC_JP.encode(&euc);
    assert_eq!(h.rules_of(R_NAME, &bytes), [(0, "F004")]);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in R_VALID.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(h.rules_of(R_NAME, &utf16), [(0, "F004")]);
    // A declaration of another encoding over UTF-8 bytes: reported, and the text still checked.
    let declared = edit(R_VALID, "encoding=\"UTF-8\"", "encoding=\"ISO-2022-JP\"");
    assert_eq!(h.rules(R_NAME, &declared), [(0, "F004")]);
}

#[test]
fn f005_bom() {
    let h = Harness::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(R_VALID.as_bytes());
    assert_eq!(h.rules_of(R_NAME, &bytes), [(0, "F005")]);
}

#[test]
fn f006_not_well_formed_with_position() {
    let h = Harness::new();
    let bad = edit(R_VALID, "</Address>", "");
    let f = h.only(R_NAME, &bad);
    assert_eq!(f.rule.id, "F006");
    assert_eq!((f.line, f.column), (22, 3), "at </Patient>, where </Address> was due");
    assert!(f.message.contains("</Address>"), "{}", f.message);
    let cut = &R_VALID[..R_VALID.len() / 2];
    assert_eq!(h.rules(R_NAME, cut), [(0, "F006")]);
    let amp = edit(R_VALID, "中村", "中&村");
    assert_eq!(h.rules(R_NAME, &amp), [(0, "F006")]);
}

#[test]
fn f007_doctype_refused_unexpanded() {
    let h = Harness::new();
    let bad = edit(
        R_VALID,
        "<Rinkohyo ",
        "<!DOCTYPE Rinkohyo [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<Rinkohyo ",
    );
    let bad = edit(&bad, "ナカムラ", "&b;");
    let f = h.only(R_NAME, &bad);
    assert_eq!(f.rule.id, "F007");
    assert!(!f.value.contains("aaaaaaaaaaaaaaaaaaaa"), "never expanded");
}

#[test]
fn f008_wrong_root_or_namespace() {
    let h = Harness::new();
    let no_ns = edit(R_VALID, " xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
    let f = h.only(R_NAME, &no_ns);
    assert_eq!(f.rule.id, "F008");
    assert!(f.message.contains("xmlns=\"urn:rinken:nanbyo-shoman:1\""), "{}", f.message);
    let other = "<?xml version=\"1.0\"?><Form xmlns=\"urn:rinken:nanbyo-shoman:1\"/>";
    assert_eq!(h.rules(R_NAME, other), [(0, "F008")]);
}

#[test]
fn f009_file_name_pattern() {
    let h = Harness::new();
    let f = h.only("rinkohyo.xml", R_VALID);
    assert_eq!((f.rule.id, f.value.as_str()), ("F009", "rinkohyo.xml"));
    assert_eq!(h.rules("X131331572820250612000001.xml", R_VALID), [(0, "F009")]);
    // An unknown kind letter is F009 alone: its institution code is not compared either (F010).
    assert_eq!(h.rules("X261410098620250612000001.xml", R_VALID), [(0, "F009")]);
    assert_eq!(h.rules("R131331572820251312000001.xml", R_VALID), [(0, "F009")], "month 13");
    assert_eq!(h.rules("R131331572820250612000001.XML", R_VALID), []);
}

#[test]
fn f010_name_disagrees_with_content() {
    let h = Harness::new();
    let f = h.only("S131331572820250612000001.xml", R_VALID);
    assert_eq!((f.rule.id, f.record), ("F010", 0));
    assert!(f.message.contains("R131331572820250612000001.xml"), "{}", f.message);
    let f = h.only("R261020215820250612000001.xml", R_VALID);
    assert_eq!((f.rule.id, f.record, f.path.as_str()), ("F010", 1, "Author/InstitutionCode"));
    // A code in the form that fails its own check is that finding alone (one cause, one
    // finding): the typo, not the name, is what differs.
    let typo = edit(R_VALID, "<InstitutionCode>1313315728<", "<InstitutionCode>1313315729<");
    assert_eq!(h.rules(R_NAME, &typo), [(1, "I001")]);
    let table = edit(R_VALID, "<InstitutionCode>1313315728<", "<InstitutionCode>1343315728<");
    assert_eq!(h.rules(R_NAME, &table).iter().map(|r| r.1).collect::<Vec<_>>(), ["I003"]);
}

fn batch(count: &str, forms: &[&str]) -> String {
    let strip =
        |x: &str| x.split_once("?>\n").map_or(x, |(_, rest)| rest).replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
    let body: Vec<String> = forms.iter().map(|f| strip(f)).collect();
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FormBatch xmlns=\"urn:rinken:nanbyo-shoman:1\"{count}>\n{}</FormBatch>\n", body.join(""))
}

#[test]
fn f011_batch_count() {
    let h = Harness::new();
    let name = "B131331572820250612000001.xml";
    let s = edit(S_VALID, "2610202158", "1313315728");
    assert_eq!(h.rules(name, &batch(" count=\"2\"", &[R_VALID, &s])), []);
    assert_eq!(h.rules(name, &batch("", &[R_VALID, &s])), []);
    let f = h.only(name, &batch(" count=\"3\"", &[R_VALID, &s]));
    assert_eq!(f.rule.id, "F011");
    assert!(f.message.contains("count=\"2\""), "{}", f.message);
}

#[test]
fn f012_unknown_or_missing_form_version() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "formVersion=\"2403\"", "formVersion=\"2404\""));
    assert_eq!((f.rule.id, f.record), ("F012", 1));
    assert_eq!((f.path.as_str(), f.value.as_str()), ("@formVersion", "2404"), "as D005/D006 point at it");
    assert!(f.message.contains("1703, 2309, 2403"), "{}", f.message);
    let bad = edit(R_VALID, " formVersion=\"2403\"", "");
    let bad = edit(&bad, "<Sex>2</Sex>", "<Sex>9</Sex>");
    assert_eq!(h.rules(R_NAME, &bad), [(1, "F012")], "the record is not checked further");
}

#[test]
fn l001_required_missing_states_the_condition() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "<Sex>2</Sex>", ""));
    assert_eq!((f.rule.id, f.path.as_str()), ("L001", "Patient/Sex"));
    // Conditionally required: RecipientNo when ApplicationType=2.
    let renewal = edit(R_VALID, "<ApplicationType>1</ApplicationType>", "<ApplicationType>2</ApplicationType>");
    let f = h.only(R_NAME, &renewal);
    assert_eq!((f.rule.id, f.path.as_str()), ("L001", "Patient/RecipientNo"));
    assert!(f.message.contains("ApplicationType=2"), "{}", f.message);
    // A missing block is one finding, for the block.
    let start = R_VALID.find("  <Clinical>").unwrap();
    let end = R_VALID.find("</Clinical>\n").unwrap() + "</Clinical>\n".len();
    let no_clinical = format!("{}{}", &R_VALID[..start], &R_VALID[end..]);
    let f = h.only(R_NAME, &no_clinical);
    assert_eq!((f.rule.id, f.path.as_str()), ("L001", "Clinical"));
}

#[test]
fn l002_required_but_empty() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "<Address>東京都武蔵野市境二丁目4番8号</Address>", "<Address> </Address>"));
    assert_eq!((f.rule.id, f.path.as_str()), ("L002", "Patient/Address"));
    // An optional element that is empty is absent, not an error.
    assert_eq!(h.rules(R_NAME, &edit(R_VALID, "<PreviousName>小林和子</PreviousName>", "<PreviousName/>")), []);
}

/// `xml` with the block `name` (its start tag to its end tag) replaced by `with`.
fn replace_block(xml: &str, name: &str, with: &str) -> String {
    let start = xml.find(&format!("<{name}>")).unwrap();
    let close = format!("</{name}>");
    let end = xml.find(&close).unwrap() + close.len();
    format!("{}{with}{}", &xml[..start], &xml[end..])
}

#[test]
fn an_empty_block_is_one_finding_for_the_block_or_none() {
    let h = Harness::new();
    // Required and empty: one L002 for the block, naming what it must hold; its contents are
    // not reported one by one.
    for empty in ["<Clinical/>", "<Clinical>\n  <!-- 未記入 -->\n  </Clinical>"] {
        let f = h.only(R_NAME, &replace_block(R_VALID, "Clinical", empty));
        assert_eq!((f.rule.id, f.path.as_str()), ("L002", "Clinical"), "{empty}");
        assert!(f.message.contains("OnsetYearMonth"), "{}", f.message);
    }
    // Empty where its absent-condition holds (SevereCertification=2, VentilatorCertification=2):
    // empty counts as absent, so neither "add <Reason>" nor "must be absent".
    let absent = edit(S_VALID, "</Clinical>", "</Clinical>\n  <Attachment/>");
    assert_eq!(h.rules(S_NAME, &absent), []);
    let needed =
        edit(&absent, "<SevereCertification>2</SevereCertification>", "<SevereCertification>1</SevereCertification>");
    let f = h.only(S_NAME, &needed);
    assert_eq!((f.rule.id, f.path.as_str()), ("L002", "Attachment"));
    assert!(f.message.contains("SevereCertification=1") && f.message.contains("Reason"), "{}", f.message);
    // A block holding only an unknown element is not empty: its required element is missing.
    let unknown = edit(&needed, "<Attachment/>", "<Attachment><Note>x</Note></Attachment>");
    assert_eq!(h.rules(S_NAME, &unknown), [(1, "L001"), (1, "L003")]);
    // Items the disease requires, in an empty block: one finding for the block.
    let f = h.only(R_NAME, &replace_block(R_VALID, "Items", "<Items></Items>"));
    assert_eq!((f.rule.id, f.path.as_str()), ("L002", "Items"));
    assert!(f.message.contains("HY"), "{}", f.message);
    // A disease items.tsv does not list is not checked (docs/decisions.md): the items of
    // disease 6 under disease 1 raise nothing.
    let other = set(&set(R_VALID, "KokujiNo", "1"), "Name", "球脊髄性筋萎縮症");
    assert_eq!(h.rules(R_NAME, &other), []);
}

#[test]
fn l003_unknown_element_suggests_the_nearest_name() {
    let h = Harness::new();
    let bad = edit(R_VALID, "<DiagnosisDate>2025-05-20</DiagnosisDate>", "<DiagnosisData>2025-05-20</DiagnosisData>");
    let found = h.findings(R_NAME, bad.as_bytes());
    let l003 = found.iter().find(|f| f.rule.id == "L003").unwrap();
    assert!(l003.message.contains("<DiagnosisDate>"), "{}", l003.message);
    assert_eq!(h.rules(R_NAME, &bad), [(1, "L001"), (1, "L003")], "the intended element is missing too");
    let extra = edit(R_VALID, "<Phone>", "<Fax>0422-31-5101</Fax><Phone>");
    assert_eq!(h.rules(R_NAME, &extra), [(1, "L003")]);
    let misplaced = edit(R_VALID, "<Sex>2</Sex>", "<Sex>2</Sex><Severity>1</Severity>");
    let f = h.only(R_NAME, &misplaced);
    assert!(f.message.contains("<Clinical>"), "{}", f.message);
    // Inside an element that holds a value, nothing is allowed: say so, not "may hold: ".
    let inside = edit(R_VALID, "<Sex>2</Sex>", "<Sex>2<Note>x</Note></Sex>");
    let f = h.findings(R_NAME, inside.as_bytes()).into_iter().find(|f| f.rule.id == "L003").unwrap();
    assert!(f.message.contains("値を書く要素"), "{}", f.message);
    // The element inside is reported, and its name does not become part of the value: the
    // value is the text around it (here 2, a valid code, so nothing else is reported).
    assert_eq!(h.rules(R_NAME, &inside), [(1, "L003")]);
    for inner in ["2<Note/>", "<Note/>2", " 2 <Note/> ", "2<v:Note xmlns:v=\"urn:v\">3</v:Note>"] {
        let x = edit(R_VALID, "<Sex>2</Sex>", &format!("<Sex>{inner}</Sex>"));
        assert_eq!(h.rules(R_NAME, &x), [(1, "L003")], "{inner}");
    }
    let wrong = edit(R_VALID, "<Sex>2</Sex>", "<Sex>2<Note/>9</Sex>");
    let f = h.findings(R_NAME, wrong.as_bytes()).into_iter().find(|f| f.rule.id == "L007").unwrap();
    assert_eq!(f.value, "29", "the text on both sides of the element");
}

#[test]
fn l003_a_known_name_in_another_namespace_is_told_about_the_namespace() {
    let mut h = Harness::new();
    let other = edit(R_VALID, "<Header>", "<Header xmlns=\"urn:other\">");
    let found = h.findings(R_NAME, other.as_bytes());
    let l003 = found.iter().find(|f| f.rule.id == "L003").unwrap();
    assert_eq!(
        l003.message,
        "<Header> が名前空間 urn:other にあります。様式の名前空間 urn:rinken:nanbyo-shoman:1 に置いてください (xmlns の宣言を確認してください)"
    );
    // Not imported, so the format's Header is still missing.
    assert_eq!(h.rules(R_NAME, &other), [(1, "L001"), (1, "L003")]);
    let none = edit(R_VALID, "<Header>", "<Header xmlns=\"\">");
    let l003 = h.findings(R_NAME, none.as_bytes()).into_iter().find(|f| f.rule.id == "L003").unwrap();
    assert!(l003.message.contains("名前空間に属していません"), "{}", l003.message);
    h.lang = rinken::lang::Lang::En;
    let prefixed = edit(R_VALID, "<Sex>2</Sex>", "<v:Sex xmlns:v=\"urn:vendor\">2</v:Sex>");
    let l003 = h.findings(R_NAME, prefixed.as_bytes()).into_iter().find(|f| f.rule.id == "L003").unwrap();
    assert_eq!(
        l003.message,
        "<v:Sex> is in the namespace urn:vendor; it must be in the format's namespace urn:rinken:nanbyo-shoman:1 (check its xmlns declaration)"
    );
    // A prefix bound to the format's namespace is the format's element.
    let ours = edit(R_VALID, "<Sex>2</Sex>", "<r:Sex xmlns:r=\"urn:rinken:nanbyo-shoman:1\">2</r:Sex>");
    assert_eq!(h.rules(R_NAME, &ours), []);
}

#[test]
fn l004_repeated_element() {
    let h = Harness::new();
    let f =
        h.only(R_NAME, &edit(R_VALID, "<Phone>0422-31-5100</Phone>", "<Phone>0422-31-5100</Phone><Phone>x</Phone>"));
    assert_eq!((f.rule.id, f.value.as_str()), ("L004", "x"));
    let twice = edit(
        R_VALID,
        "<Item code=\"LDOPA\" value=\"1\"/>",
        "<Item code=\"LDOPA\" value=\"1\"/><Item code=\"LDOPA\" value=\"2\"/>",
    );
    assert_eq!(h.rules(R_NAME, &twice), [(1, "L004")]);
}

#[test]
fn l005_format_with_a_hint() {
    let h = Harness::new();
    let f =
        h.only(R_NAME, &edit(R_VALID, "<PostalCode>1800022</PostalCode>", "<PostalCode>１８０－００２２</PostalCode>"));
    assert_eq!(f.rule.id, "L005");
    assert!(f.message.contains("1800022"), "{}", f.message);
    assert_eq!(
        h.rules(R_NAME, &edit(R_VALID, "<PostalCode>1800022</PostalCode>", "<PostalCode>180002</PostalCode>")),
        [(1, "L005")]
    );
    // Not a number at all: the message says what is right, here the range of 告示番号.
    let f = h.only(R_NAME, &edit(R_VALID, "<KokujiNo>6</KokujiNo>", "<KokujiNo>six</KokujiNo>"));
    assert_eq!(f.rule.id, "L005");
    assert!(f.message.contains("1..999 の範囲で書いてください"), "{}", f.message);
    assert_eq!(h.rules(R_NAME, &edit(R_VALID, "<Phone>0422-31-5100</Phone>", "<Phone>0422-31</Phone>")), [(1, "L005")]);
}

#[test]
fn l006_too_long_or_out_of_range() {
    let h = Harness::new();
    let long = "あ".repeat(101);
    let f = h.only(R_NAME, &edit(R_VALID, "東京都武蔵野市境二丁目4番8号", &long));
    assert_eq!(f.rule.id, "L006");
    assert!(f.message.contains("100"), "{}", f.message);
    // CareLevel's range depends on CareCertification (1: 1..5, 2: 1..2).
    assert_eq!(h.rules(R_NAME, &edit(R_VALID, "<CareLevel>2</CareLevel>", "<CareLevel>5</CareLevel>")), []);
    assert_eq!(h.rules(R_NAME, &edit(R_VALID, "<CareLevel>2</CareLevel>", "<CareLevel>6</CareLevel>")), [(1, "L006")]);
    let support = edit(R_VALID, "<CareCertification>1</CareCertification>", "<CareCertification>2</CareCertification>");
    assert_eq!(h.rules(R_NAME, &edit(&support, "<CareLevel>2</CareLevel>", "<CareLevel>3</CareLevel>")), [(1, "L006")]);
}

#[test]
fn lengths_of_values_longer_than_a_record_keeps_are_their_real_ones() {
    // The parser keeps the first 64 KiB of a value; the messages count all of it.
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "東京都武蔵野市境二丁目4番8号", &"あ".repeat(1_000_000)));
    assert_eq!(f.rule.id, "L006");
    assert!(f.message.contains("1000000 文字"), "{}", f.message);
    let digits = "1".repeat(2_000_000);
    let f = h.only(
        R_NAME,
        &edit(R_VALID, "<PostalCode>1800022</PostalCode>", &format!("<PostalCode>{digits}</PostalCode>")),
    );
    assert_eq!(f.rule.id, "L005");
    assert!(f.message.contains("2000000 桁"), "{}", f.message);
}

#[test]
fn l007_code_not_in_list() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "<Sex>2</Sex>", "<Sex>3</Sex>"));
    assert_eq!(f.rule.id, "L007");
    assert!(f.message.contains("1 男, 2 女"), "{}", f.message);
    // A code written wide, or with a space XML does not trim, says which of the two it is.
    for (written, what) in
        [("２", "全角文字があります"), ("2\u{a0}", "空白があります"), ("２\u{3000}", "全角文字と空白があります")]
    {
        let f = h.only(R_NAME, &edit(R_VALID, "<Sex>2</Sex>", &format!("<Sex>{written}</Sex>")));
        assert_eq!(f.rule.id, "L007");
        assert!(f.message.contains(what) && f.message.contains("2 と書いてください"), "{written:?}: {}", f.message);
    }
}

#[test]
fn l008_not_a_date() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "<BirthDate>1956-09-14</BirthDate>", "<BirthDate>1956-02-30</BirthDate>"));
    assert_eq!(f.rule.id, "L008");
    assert!(f.message.contains("29日まで"), "{}", f.message);
    let f = h.only(R_NAME, &edit(R_VALID, "<BirthDate>1956-09-14</BirthDate>", "<BirthDate>1956/9/14</BirthDate>"));
    assert!(f.message.contains("1956-09-14"), "{}", f.message);
    let f = h.only(
        R_NAME,
        &edit(R_VALID, "<OnsetYearMonth>2022-03</OnsetYearMonth>", "<OnsetYearMonth>2022-3</OnsetYearMonth>"),
    );
    assert_eq!(f.rule.id, "L008");
    assert!(f.message.contains("2022-03"), "{}", f.message);
}

#[test]
fn l009_wareki_gives_the_western_date() {
    let h = Harness::new();
    let f = h.only(
        R_NAME,
        &edit(R_VALID, "<WrittenDate>2025-06-12</WrittenDate>", "<WrittenDate>令和7年6月12日</WrittenDate>"),
    );
    assert_eq!(f.rule.id, "L009");
    assert!(f.message.contains("2025-06-12"), "{}", f.message);
    let f = h.only(R_NAME, &edit(R_VALID, "<BirthDate>1956-09-14</BirthDate>", "<BirthDate>S31.9.14</BirthDate>"));
    assert!(f.message.contains("1956-09-14"), "{}", f.message);
}

#[test]
fn l010_characters_not_allowed() {
    let h = Harness::new();
    let f = h.only(
        R_NAME,
        &edit(R_VALID, "<FamilyNameKana>ナカムラ</FamilyNameKana>", "<FamilyNameKana>ﾅｶﾑﾗ</FamilyNameKana>"),
    );
    assert_eq!(f.rule.id, "L010");
    assert!(f.message.contains("ナカムラ"), "{}", f.message);
    assert_eq!(
        h.rules(
            R_NAME,
            &edit(R_VALID, "<FamilyNameKana>ナカムラ</FamilyNameKana>", "<FamilyNameKana>中村</FamilyNameKana>")
        ),
        [(1, "L010")]
    );
    assert_eq!(
        h.rules(R_NAME, &edit(R_VALID, "<GivenName>和子</GivenName>", "<GivenName>和\u{85}子</GivenName>")),
        [(1, "L010")]
    );
    // Text is one line (FORMAT.md: no control characters); the whitespace around a value is
    // not part of it.
    for (inner, what) in [("和\n子", "改行"), ("和\r\n子", "改行"), ("和\t子", "タブ"), ("和&#9;子", "タブ")]
    {
        let f =
            h.only(R_NAME, &edit(R_VALID, "<GivenName>和子</GivenName>", &format!("<GivenName>{inner}</GivenName>")));
        assert!(f.rule.id == "L010" && f.message.contains(what), "{inner:?}: {}", f.message);
    }
    let around = edit(R_VALID, "<GivenName>和子</GivenName>", "<GivenName>\n\t和子\r\n</GivenName>");
    assert_eq!(h.rules(R_NAME, &around), []);
    // Hiragana and the long-vowel mark are fine in kana fields.
    assert_eq!(
        h.rules(
            R_NAME,
            &edit(R_VALID, "<GivenNameKana>カズコ</GivenNameKana>", "<GivenNameKana>かずこー</GivenNameKana>")
        ),
        []
    );
}

#[test]
fn l011_machine_dependent_characters_warn() {
    let h = Harness::new();
    for (ch, word) in [("髙", "NEC/IBM"), ("①", "NEC 特殊"), ("𠮷", "CP932")] {
        let f = h
            .only(R_NAME, &edit(R_VALID, "<FamilyName>中村</FamilyName>", &format!("<FamilyName>{ch}村</FamilyName>")));
        assert_eq!((f.rule.id, f.severity), ("L011", rinken::finding::Severity::W));
        assert!(f.message.contains(word), "{ch}: {}", f.message);
    }
    // Rare kana are allowed in kana fields, but CP932 has no code for them either; the
    // message gives the usual spelling.
    for (ch, fix) in [("ゔ", "「ヴ」"), ("ヷ", "「ヴァ」"), ("ヸ", "「ヴィ」")] {
        let x = edit(
            R_VALID,
            "<FamilyNameKana>ナカムラ</FamilyNameKana>",
            &format!("<FamilyNameKana>ナカ{ch}</FamilyNameKana>"),
        );
        let f = h.only(R_NAME, &x);
        assert_eq!((f.rule.id, f.value.as_str()), ("L011", format!("ナカ{ch}").as_str()));
        assert!(f.message.contains(fix), "{ch}: {}", f.message);
    }
    // A character that draws nothing is named by its code point, and is to be removed.
    for (ch, code) in [("\u{200B}", "U+200B"), ("\u{FEFF}", "U+FEFF"), ("\u{202E}", "U+202E")] {
        let f = h.only(
            R_NAME,
            &edit(R_VALID, "<FamilyName>中村</FamilyName>", &format!("<FamilyName>中{ch}村</FamilyName>")),
        );
        assert_eq!(f.rule.id, "L011");
        assert!(
            f.message.contains(&format!("見えない文字 {code}")) && f.message.contains("取り除いて"),
            "{}",
            f.message
        );
    }
    // A character that is no kana at all is L010 there, not also L011.
    let x = edit(R_VALID, "<FamilyNameKana>ナカムラ</FamilyNameKana>", "<FamilyNameKana>髙ムラ</FamilyNameKana>");
    assert_eq!(h.rules(R_NAME, &x), [(1, "L010")]);
    // The replacement offered is never itself machine-dependent: ￤ and ¦ do not send the
    // user from one to the other, and symbols are not given kanji as examples.
    let name = |ch: &str| edit(R_VALID, "<FamilyName>中村</FamilyName>", &format!("<FamilyName>中{ch}村</FamilyName>"));
    for ch in ["￤", "¦", "∑", "〝"] {
        let f = h.only(R_NAME, &name(ch));
        assert_eq!(f.rule.id, "L011");
        assert!(
            !f.message.contains("「￤」に置き換え") && !f.message.contains("「¦」に置き換え"),
            "{ch}: {}",
            f.message
        );
        if ch == "∑" || ch == "〝" {
            assert!(!f.message.contains("髙"), "{ch}: {}", f.message);
        }
    }
    let f = h.only(R_NAME, &name("〜"));
    assert!(f.message.contains("「～」"), "the CP932 glyph for a JIS one: {}", f.message);
}

#[test]
fn l012_present_but_must_be_absent() {
    let h = Harness::new();
    let bad = edit(R_VALID, "<FamilyHistory>1</FamilyHistory>", "<FamilyHistory>2</FamilyHistory>");
    let f = h.only(R_NAME, &bad);
    assert_eq!((f.rule.id, f.path.as_str()), ("L012", "Clinical/FamilyRelation"));
    assert!(f.message.contains("FamilyHistory!=1"), "{}", f.message);
    // An element the form version does not have.
    let old = edit(R_VALID, "formVersion=\"2403\"", "formVersion=\"2309\"");
    let f = h.only(R_NAME, &old);
    assert_eq!((f.rule.id, f.path.as_str()), ("L012", "Patient/PreviousName"));
}

#[test]
fn l013_item_not_defined_for_the_disease() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "<Item code=\"LDOPA\" value=\"1\"/>", "<Item code=\"UPDRS\" value=\"30\"/>"));
    assert_eq!((f.rule.id, f.path.as_str()), ("L013", "Items/Item[@code=UPDRS]"));
    assert!(f.message.contains("HY"), "{}", f.message);
}

#[test]
fn l014_item_value_breaks_its_definition() {
    let h = Harness::new();
    let f = h.only(R_NAME, &edit(R_VALID, "<Item code=\"HY\" value=\"3\"/>", "<Item code=\"HY\" value=\"6\"/>"));
    assert_eq!(f.rule.id, "L014");
    assert!(f.message.contains("1..5"), "{}", f.message);
    assert_eq!(h.rules(S_NAME, &edit(S_VALID, "value=\"9.8\"", "value=\"9,8\"")), [(1, "L014")]);
    assert_eq!(h.rules(S_NAME, &edit(S_VALID, "value=\"9.8\"", "value=\"25.0\"")), [(1, "L014")]);
    assert_eq!(
        h.rules(R_NAME, &edit(R_VALID, "<Item code=\"SEIKATSU\" value=\"2\"/>", "")),
        [(1, "L001")],
        "a required item"
    );
}

#[test]
fn english_messages() {
    let mut h = Harness::new();
    h.lang = rinken::lang::Lang::En;
    let f = h.only(
        R_NAME,
        &edit(R_VALID, "<WrittenDate>2025-06-12</WrittenDate>", "<WrittenDate>令和7年6月12日</WrittenDate>"),
    );
    assert!(f.message.contains("Western calendar as 2025-06-12"), "{}", f.message);
}
