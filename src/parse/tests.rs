use super::*;
use crate::tables::Tables;

fn tables() -> Tables {
    Tables::embedded().expect("embedded tables load")
}

const NS: &str = "urn:rinken:nanbyo-shoman:1";

#[test]
fn reads_one_form_with_values_and_unknowns() {
    let t = tables();
    let mut p = Parser::new(&t);
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<Ikensho xmlns=\"{NS}\" formVersion=\"2310\">\n <Header><WrittenDate> 2025-06-10 </WrittenDate><Foo><Bar/></Foo></Header>\n <Patient><FamilyName>山&amp;田&#x41;</FamilyName></Patient>\n</Ikensho>"
    );
    let mut seen = Vec::new();
    let info = p.parse(&xml, |r, _| {
        let values: Vec<(String, String)> = r
            .elems
            .iter()
            .map(|e| (t.kind(r.kind).layout.node(e.node).path.to_string(), r.value(e).to_owned()))
            .collect();
        let unknown: Vec<String> = r.unknown.iter().map(|u| r.str(u.name).to_owned()).collect();
        seen.push((r.number, r.version_str().map(str::to_owned), values, unknown));
    });
    assert_eq!(info.error, None);
    assert_eq!(info.forms, 1);
    let (n, v, values, unknown) = &seen[0];
    assert_eq!((*n, v.as_deref()), (1, Some("2310")));
    assert!(values.contains(&("Header/WrittenDate".into(), "2025-06-10".into())));
    assert!(values.contains(&("Patient/FamilyName".into(), "山&田A".into())));
    assert_eq!(unknown, &["Foo"], "the unknown element's children are not reported");
}

#[test]
fn batches_yield_one_record_per_form() {
    let t = tables();
    let mut p = Parser::new(&t);
    let xml = format!("<FormBatch xmlns=\"{NS}\" count=\"2\"><Rinkohyo formVersion=\"2403\"/><Other/><Ikensho formVersion=\"2310\"><Header/></Ikensho></FormBatch>");
    let mut kinds = Vec::new();
    let info = p.parse(&xml, |r, _| kinds.push((r.number, t.kind(r.kind).id.clone())));
    assert_eq!(info.root, Root::Batch);
    assert_eq!(info.batch_count.as_deref(), Some("2"));
    assert_eq!(kinds, [(1, "rinkohyo".to_owned()), (2, "ikensho".to_owned())]);
    assert_eq!(info.stray.len(), 1);
    assert_eq!((info.stray[0].name.as_str(), info.stray[0].foreign.as_deref()), ("Other", None));
    // A form in another namespace is a stray that knows it.
    let xml = format!("<FormBatch xmlns=\"{NS}\"><Rinkohyo xmlns=\"urn:x\" formVersion=\"2403\"/></FormBatch>");
    let info = p.parse(&xml, |_, _| {});
    assert_eq!(info.stray[0].foreign.as_deref(), Some("urn:x"));
}

#[test]
fn reports_well_formedness_errors() {
    let t = tables();
    let mut p = Parser::new(&t);
    let cases = [
        (format!("<Rinkohyo xmlns=\"{NS}\"><Header></Rinkohyo>"), "syntax"),
        (format!("<Rinkohyo xmlns=\"{NS}\"><Header>"), "unclosed"),
        (format!("<Rinkohyo xmlns=\"{NS}\">&foo;</Rinkohyo>"), "entity"),
        (format!("<Rinkohyo xmlns=\"{NS}\"/><Rinkohyo xmlns=\"{NS}\"/>"), "roots"),
        (format!("<Rinkohyo xmlns=\"{NS}\"/>text"), "text"),
        ("<!-- only a comment -->".to_owned(), "noroot"),
        (format!("<Rinkohyo xmlns=\"{NS}\"><Header></Header\n  <Patient/></Rinkohyo>"), "endtag"),
        (format!("<Rinkohyo xmlns=\"{NS}\"><Patient a=\"1\" a=\"2\"/></Rinkohyo>"), "attribute"),
        (format!("<Rinkohyo xmlns=\"{NS}\"><Sex>&#1;</Sex></Rinkohyo>"), "charref"),
        (format!("<Rinkohyo xmlns=\"{NS}\"><Sex>&#0;</Sex></Rinkohyo>"), "charref"),
        (format!("<Rinkohyo xmlns=\"{NS}\"><Sex>&#xZZ;</Sex></Rinkohyo>"), "charref"),
        (format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\" formVersion=\"2403\"/>"), "attribute"),
    ];
    for (xml, what) in cases {
        let info = p.parse(&xml, |_, _| {});
        let err = info.error.unwrap_or_else(|| panic!("{what}: no error"));
        let ok = match what {
            "syntax" => err.problem == XmlProblem::Mismatched { expected: "Header".into(), found: "Rinkohyo".into() },
            "unclosed" => err.problem == XmlProblem::Unclosed("Header".into()),
            "entity" => err.problem == XmlProblem::UndefinedEntity("foo".into()),
            "roots" => err.problem == XmlProblem::MultipleRoots,
            "text" => err.problem == XmlProblem::TextOutsideRoot,
            "endtag" => err.problem == XmlProblem::EndTagUnclosed("Header".into()),
            "attribute" => matches!(err.problem, XmlProblem::AttrTwice(_)),
            "charref" => matches!(err.problem, XmlProblem::BadCharRef(_)),
            _ => err.problem == XmlProblem::NoRoot,
        };
        assert!(ok, "{what}: {err:?}");
        let message = err.problem.describe(crate::lang::Lang::Ja);
        assert!(!message.contains(char::is_control), "one line: {message:?}");
    }
    // What quick-xml lets through and XML does not: each is F006, at the markup at fault.
    let root = format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\">");
    let cases = [
        (format!("{root}<!-- a -- b --></Rinkohyo>"), XmlProblem::DoubleHyphen),
        (format!("{root}<!-- a ---></Rinkohyo>"), XmlProblem::DoubleHyphen),
        (format!("\n<?xml version=\"1.0\"?>{root}</Rinkohyo>"), XmlProblem::DeclNotFirst),
        (format!("<?xml version=\"1.0\"?><?xml version=\"1.0\"?>{root}</Rinkohyo>"), XmlProblem::DeclNotFirst),
        (format!("{root}<?XML x?></Rinkohyo>"), XmlProblem::DeclInside),
        (format!("{root}</Rinkohyo><?xml version=\"1.0\"?>{root}</Rinkohyo>"), XmlProblem::DeclInside),
        (format!("<?xml?>{root}</Rinkohyo>"), XmlProblem::DeclWithoutVersion),
        (format!("<?XML version=\"1.0\"?>{root}</Rinkohyo>"), XmlProblem::BadPiTarget("XML".into())),
        (format!("\u{3000}{root}</Rinkohyo>"), XmlProblem::TextOutsideRoot),
        (format!("<?xml encoding=\"UTF-8\"?>{root}</Rinkohyo>"), XmlProblem::DeclWithoutVersion),
        (format!("{root}<? ?></Rinkohyo>"), XmlProblem::BadPiTarget("".into())),
        (format!("{root}<Header><1x/></Header></Rinkohyo>"), XmlProblem::BadName("1x".into())),
        (format!("{root}<Fax><a&amp;b/></Fax></Rinkohyo>"), XmlProblem::BadName("a&amp;b".into())),
        (format!("{root}<foo:Fax/></Rinkohyo>"), XmlProblem::UnboundPrefix("foo".into())),
        ("hello".to_owned(), XmlProblem::NotXml),
        (format!("{root}<Sex>1\u{1}</Sex></Rinkohyo>"), XmlProblem::ForbiddenChar('\u{1}')),
        (format!("{root}<Fax>\u{FFFF}</Fax></Rinkohyo>"), XmlProblem::ForbiddenChar('\u{FFFF}')),
        (format!("{root}<!-- \u{8} --></Rinkohyo>"), XmlProblem::ForbiddenChar('\u{8}')),
        (format!("{root}<Fax a=\"\u{1B}\"/></Rinkohyo>"), XmlProblem::ForbiddenChar('\u{1B}')),
        (format!("{root}<Sex>]]></Sex></Rinkohyo>"), XmlProblem::CdataEndInText),
        (format!("{root}<Sex>a & b</Sex></Rinkohyo>"), XmlProblem::LoneAmp),
        (format!("{root}<!x></Rinkohyo>"), XmlProblem::BadBang),
        (format!("{root}<Fax a=\"1\"b=\"2\"/></Rinkohyo>"), XmlProblem::AttrNoSpace("b".into())),
        (format!("{root}<Fax 1a=\"1\"/></Rinkohyo>"), XmlProblem::AttrBadName("1a".into())),
        (format!("{root}<Fax a=\"<\"/></Rinkohyo>"), XmlProblem::AttrLt("a".into())),
        (format!("{root}<Fax a=\"&x;\"/></Rinkohyo>"), XmlProblem::UndefinedEntity("x".into())),
        (format!("{root}<Fax a=\"&#0;\"/></Rinkohyo>"), XmlProblem::BadCharRef("#0".into())),
        (format!("{root}<Fax a=\"a&b\"/></Rinkohyo>"), XmlProblem::LoneAmp),
        (format!("{root}<Fax a/></Rinkohyo>"), XmlProblem::AttrNoEq),
        (format!("{root}<Fax a=/></Rinkohyo>"), XmlProblem::AttrNoValue),
        (format!("{root}<Fax a=1/></Rinkohyo>"), XmlProblem::AttrUnquoted),
        (format!("{root}<Fax a='1' a='1'/></Rinkohyo>"), XmlProblem::AttrTwice("a".into())),
        (
            format!("{root}<Fax p:a='1' xmlns:p='urn:x' xmlns:q='urn:x' q:a='2'/></Rinkohyo>"),
            XmlProblem::AttrTwice("q:a".into()),
        ),
        (format!("{root}<Fax b:c='1'/></Rinkohyo>"), XmlProblem::UnboundPrefix("b".into())),
        (format!("{root}<Fax xmlns:p=''/></Rinkohyo>"), XmlProblem::EmptyBinding("p".into())),
        (
            format!("{root}<Fax xmlns:xml='urn:x'/></Rinkohyo>"),
            XmlProblem::ReservedNamespace("xmlns:xml=\"urn:x\"".into()),
        ),
        (
            format!("<?xml version=\"1.0\"encoding=\"UTF-8\"?>\n{root}</Rinkohyo>"),
            XmlProblem::BadDecl(super::decl::DeclFault::NoSpace("encoding")),
        ),
        (
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"true\"?>\n{root}</Rinkohyo>"),
            XmlProblem::BadDecl(super::decl::DeclFault::BadValue("standalone", "true".into())),
        ),
    ];
    for (xml, want) in cases {
        let info = p.parse(&xml, |_, _| {});
        assert_eq!(info.error.map(|e| e.problem), Some(want), "{xml}");
    }
    // Lines end at CR LF, LF or a lone CR, as XML and editors have it.
    for end in ["\n", "\r\n", "\r"] {
        let text = format!("<?xml version=\"1.0\"?>{end}{root}{end}  <Fax>{end}</Sex>{end}</Rinkohyo>");
        let err = p.parse(&text, |_, _| {}).error.unwrap();
        assert_eq!(err.pos, (4, 1), "{end:?}");
    }
    // A declaration's fault is placed where it is, and the message says what to write.
    let joined = format!("<?xml version=\"1.0\"encoding=\"UTF-8\"?>\n{root}</Rinkohyo>");
    let err = p.parse(&joined, |_, _| {}).error.unwrap();
    assert_eq!((err.pos, err.snippet.as_str()), ((1, 20), "encoding=\"UTF-8\"?>"));
    let told = err.problem.describe(crate::lang::Lang::Ja);
    assert!(
        told.contains("encoding が前の値のすぐ後") && told.contains("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{told}"
    );
    for fine in [
        format!("<?xml version='1.0' encoding=\"Shift_JIS\" standalone='yes' ?>\n{root}</Rinkohyo>"),
        format!("<?xml version=\"1.0\"?><!-- a - b -->{root}<?pi x?><氏名/><p:Fax xmlns:p=\"urn:x\"/></Rinkohyo>"),
        format!("{root}<Fax xml:lang=\"ja\"/><xml-stylesheet/></Rinkohyo>"),
        // What XML allows and the checks above must not take for an error.
        format!("{root}<Fax\ta='&amp;&#x3042;]]>'\n b=\"&lt;\u{7F}\" p:c='' xmlns:p='urn:x' xml:d=''/></Rinkohyo>"),
        format!("{root}<Sex>]]&gt;<![CDATA[a]]]]>b</Sex><!-- ]]> --><?pi ]]>?></Rinkohyo>"),
        format!("{root}<Sex>￥\t\r\n\u{FFFD}</Sex></Rinkohyo>"),
        // In a value, a character XML forbids is the value's rule's (L010), not the parse's.
        format!("{root}<Patient><FamilyName>山\u{1}\u{FFFE}</FamilyName><Address><![CDATA[\u{8}]]></Address></Patient></Rinkohyo>"),
    ] {
        assert_eq!(p.parse(&fine, |_, _| {}).error, None, "{fine}");
    }
    // With --redact, what the file wrote inside its text is not quoted.
    let secret = XmlProblem::UndefinedEntity("秘密".into()).redacted();
    assert!(!secret.describe(crate::lang::Lang::Ja).contains("秘密"));
}

#[test]
fn stops_at_a_doctype_without_expanding() {
    let t = tables();
    let mut p = Parser::new(&t);
    let xml =
        format!("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><Rinkohyo xmlns=\"{NS}\">&a;</Rinkohyo>");
    let mut records = 0;
    let info = p.parse(&xml, |_, _| records += 1);
    let (pos, text) = info.doctype.expect("doctype found");
    assert_eq!(pos, (1, 22));
    assert!(text.starts_with("<!DOCTYPE r"), "{text}");
    assert_eq!(records, 0);
}

#[test]
fn wrong_namespace_or_root_is_reported_as_other() {
    let t = tables();
    let mut p = Parser::new(&t);
    let info = p.parse("<Rinkohyo formVersion=\"2403\"/>", |_, _| {});
    assert_eq!(info.root, Root::Other { name: "Rinkohyo".into(), namespace: None });
    let info = p.parse(&format!("<x:Rinkohyo xmlns:x=\"{NS}\"><x:Header/></x:Rinkohyo>"), |_, _| {});
    assert!(matches!(info.root, Root::Form(_)), "prefixed names resolve: {:?}", info.root);
}

#[test]
fn a_second_byte_order_mark_is_text_before_the_root() {
    // Found by fuzzing: quick-xml skipped it, the root's offset pointed into it, and re-reading
    // the open element's name there sliced inside a character and panicked.
    let t = tables();
    let mut p = Parser::new(&t);
    let info = p.parse("\u{feff}<FamilyNameKana>", |_, _| {});
    let e = info.error.expect("an error");
    assert_eq!((e.offset, e.problem, e.pos), (0, XmlProblem::TextOutsideRoot, (1, 1)));
    let info = p.parse(&format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\">\u{feff}"), |_, _| {});
    assert_eq!(info.error.map(|e| e.problem), Some(XmlProblem::Unclosed("Rinkohyo".into())));
}

#[test]
fn a_huge_value_keeps_a_bounded_part_and_its_real_length() {
    let t = tables();
    let mut p = Parser::new(&t);
    let n = 1_000_000;
    let pad = " ".repeat(100_000);
    // Leading whitespace (never kept), a character reference and CDATA in the middle, trailing
    // whitespace past the cut (not counted).
    let value = format!("{pad}{}&#x5C71;<![CDATA[山]]>{}{pad}", "山".repeat(n), "川".repeat(n));
    let xml = format!(
        "<Ikensho xmlns=\"{NS}\" formVersion=\"2310\"><Patient><Address>{value}</Address><{} /></Patient></Ikensho>",
        "Q".repeat(200_000)
    );
    let mut seen = None;
    p.parse(&xml, |r, _| {
        let e = r.elems.iter().find(|e| t.kind(r.kind).layout.node(e.node).path.as_ref() == "Patient/Address").unwrap();
        let unknown = r.unknown[0].name;
        seen = Some((
            r.value(e).to_owned(),
            r.full_chars(e.value),
            r.str(unknown).len(),
            r.full_chars(unknown),
            r.text.len(),
        ));
    });
    let (kept, full, name_len, name_full, arena) = seen.unwrap();
    assert!(
        kept.starts_with("山山") && kept.len() <= MAX_KEPT_VALUE && kept.len() > MAX_KEPT_VALUE - 4,
        "{}",
        kept.len()
    );
    assert_eq!(full, Some(2 * n + 2));
    assert_eq!((name_len, name_full), (MAX_KEPT_VALUE, Some(200_000)));
    assert!(arena <= 2 * MAX_KEPT_VALUE + 64, "the record holds {arena} bytes");
}

#[test]
fn a_value_whose_only_excess_is_whitespace_is_whole() {
    let t = tables();
    let mut p = Parser::new(&t);
    let body = "x".repeat(MAX_KEPT_VALUE - 1);
    let xml = format!(
        "<Ikensho xmlns=\"{NS}\" formVersion=\"2310\"><Patient><Address>\n {body} {}</Address></Patient></Ikensho>",
        "\n".repeat(70_000)
    );
    let mut seen = None;
    p.parse(&xml, |r, _| seen = Some((r.value(&r.elems[1]).len(), r.full_chars(r.elems[1].value))));
    assert_eq!(seen, Some((MAX_KEPT_VALUE - 1, None)));
}

#[test]
fn a_forbidden_character_past_what_a_value_keeps_is_the_documents_error() {
    // In a value a control character is the value's rule's (L010), which sees only what is
    // kept: in text that will not all be kept it is the document's (F006), at its place.
    let t = tables();
    let mut p = Parser::new(&t);
    let form = |value: &str| {
        format!("<Ikensho xmlns=\"{NS}\" formVersion=\"2310\"><Patient><Address>{value}</Address></Patient></Ikensho>")
    };
    let head = form("").find("</Address>").unwrap();
    // What is kept, not what is written, decides: leading white space is not kept, a CR LF is
    // kept as one LF, and a CDATA section's markup is not kept.
    let kept = [
        "\u{1}山".to_owned(),
        format!("A{}\u{1}", "\r\n".repeat(33_000)),
        format!("{}\u{1}", " ".repeat(70_000)),
        format!("{}<![CDATA[\u{1}]]>", "A".repeat(MAX_KEPT_VALUE - 2)),
    ];
    for value in kept {
        let mut seen = false;
        let error = p.parse(&form(&value), |r, _| seen = r.elems.iter().any(|e| r.value(e).contains('\u{1}'))).error;
        assert_eq!((error, seen), (None, true), "{}", value.len());
    }
    for (value, at) in [
        (format!("{}\u{1}", "x".repeat(MAX_KEPT_VALUE + 10)), MAX_KEPT_VALUE + 10),
        (format!("{}<![CDATA[a]]>x\u{1}", "x".repeat(MAX_KEPT_VALUE)), MAX_KEPT_VALUE + 14),
        (format!("x\u{1}{}", "x".repeat(MAX_KEPT_VALUE)), 1),
    ] {
        let err = p.parse(&form(&value), |_, _| {}).error.expect("F006");
        assert_eq!((err.problem, err.offset), (XmlProblem::ForbiddenChar('\u{1}'), head + at), "{}", value.len());
    }
}

#[test]
fn line_ends_in_values_are_normalised_as_xml_says() {
    let t = tables();
    let mut p = Parser::new(&t);
    let value_of = |p: &mut Parser<'_>, xml: &str| {
        let mut got = None;
        p.parse(xml, |r, _| got = r.elems.iter().find(|e| r.value(e).contains('花')).map(|e| r.value(e).to_owned()));
        got
    };
    let form = |sep: &str, value: &str| {
        format!("<Ikensho xmlns=\"{NS}\" formVersion=\"2310\">{sep}<Patient><GivenName>{value}</GivenName></Patient>{sep}</Ikensho>")
    };
    // CR LF and a lone CR are line feeds in a value, whether or not the rest of the text has any.
    assert_eq!(value_of(&mut p, &form("\n", "花\r\n子\r郎")).as_deref(), Some("花\n子\n郎"));
    assert_eq!(value_of(&mut p, &form("\r\n", "花\r\n子\r郎")).as_deref(), Some("花\n子\n郎"));
    // A text with a CR only between elements leaves a value without one as it is.
    assert_eq!(value_of(&mut p, &form("\r\n", "花\n子")).as_deref(), Some("花\n子"));
    assert_eq!(value_of(&mut p, &form("\n", "花\n子")).as_deref(), Some("花\n子"));
    // CDATA too: XML normalises line ends before it parses anything.
    assert_eq!(value_of(&mut p, &form("\n", "<![CDATA[花\r\n子\r郎]]>")).as_deref(), Some("花\n子\n郎"));
}

#[test]
fn white_space_between_tags_is_passed_over_without_moving_anything() {
    // The source passes over the white space between tags (no text event): values next to
    // white space, and the positions of what follows it, are as if it were read.
    let t = tables();
    let mut p = Parser::new(&t);
    let xml = format!(
        "<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\">\n  <Patient>\n    <FamilyName>&amp; <![CDATA[x]]></FamilyName>\n    \
         <GivenName><![CDATA[a]]> <![CDATA[b]]></GivenName>\n    <Address>  山田  </Address>\n    <PostalCode> \n </PostalCode>\n  </Patient>\n</Rinkohyo>\n"
    );
    let mut seen = Vec::new();
    let info = p.parse(&xml, |r, loc| {
        use crate::parse::locate::Locate;
        for e in &r.elems {
            let path = t.kind(r.kind).layout.node(e.node).path.to_string();
            seen.push((path, r.value(e).to_owned(), loc.locate(e.offset)));
        }
    });
    assert_eq!(info.error, None);
    let find = |path: &str| seen.iter().find(|s| s.0 == path).cloned().unwrap();
    assert_eq!(find("Patient/FamilyName"), ("Patient/FamilyName".into(), "& x".into(), (3, 5)));
    assert_eq!(find("Patient/GivenName").1, "a b");
    assert_eq!(find("Patient/Address").1, "山田");
    assert_eq!(find("Patient/PostalCode"), ("Patient/PostalCode".into(), "".into(), (6, 5)));
    // White space after a child element inside a value is the value's, whatever follows it.
    let mixed = format!(
        "<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\"><Patient><FamilyName>1<x/>  <?p?>2<x></x> \n \
         <!-- c --> 3 <x/>\n  <![CDATA[4]]></FamilyName></Patient></Rinkohyo>"
    );
    seen.clear();
    let info =
        p.parse(&mixed, |r, _| seen.extend(r.elems.iter().map(|e| (String::new(), r.value(e).to_owned(), (0, 0)))));
    assert_eq!(info.error, None);
    assert!(seen.iter().any(|s| s.1 == "1  2 \n  3 \n  4"), "{seen:?}");
    // An error after white space is placed at its tag.
    let bad = format!("<Rinkohyo xmlns=\"{NS}\">\n  <Patient>\n     </Patien>\n</Rinkohyo>");
    let err = p.parse(&bad, |_, _| {}).error.unwrap();
    assert_eq!((err.pos, err.snippet.as_str()), ((3, 6), "</Patien>"));
}

#[test]
fn a_root_tag_read_again_gives_what_reading_it_gave() {
    let t = tables();
    let mut p = Parser::new(&t);
    // What a file gave: its root, count, error and the version and a value of each form.
    let read = |p: &mut Parser<'_>, xml: &str| {
        let mut forms = Vec::new();
        let info = p.parse(xml, |r, _| {
            let first = r.elems.first().map(|e| r.value(e).to_owned());
            forms.push((r.version_str().map(str::to_owned), first));
        });
        (info.root, info.batch_count, info.error.map(|e| (e.problem, e.pos)), forms)
    };
    let tags = [
        format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\">"),
        format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\" 2309 \">"),
        format!("<r:Rinkohyo xmlns:r=\"{NS}\" formVersion=\"2403\">"),
        "<Rinkohyo xmlns=\"urn:x\" formVersion=\"2403\">".to_owned(),
        format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\" formVersion=\"1\">"),
        format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"a&amp;b\">"),
        format!("<FormBatch xmlns=\"{NS}\" count=\"1\">"),
    ];
    // Twice round, so that each tag is also read with the others kept.
    for tag in tags.iter().chain(&tags) {
        let (open, close) = match tag.strip_prefix("<r:") {
            Some(_) => ("<r:Header><r:ApplicationType>1</r:ApplicationType></r:Header>", "</r:Rinkohyo>"),
            None if tag.starts_with("<FormBatch") => {
                ("<Rinkohyo formVersion=\"2403\"><Header/></Rinkohyo>", "</FormBatch>")
            }
            None => ("<Header><ApplicationType>1</ApplicationType></Header>", "</Rinkohyo>"),
        };
        let xml = format!("{tag}{open}{close}");
        // Read by a parser that has just read another root (or this one), and by a new one.
        let again = read(&mut p, &xml);
        let fresh = read(&mut Parser::new(&t), &xml);
        assert_eq!(again, fresh, "{tag}, after another root");
        assert_eq!(read(&mut p, &xml), fresh, "{tag}, after itself");
    }
}
