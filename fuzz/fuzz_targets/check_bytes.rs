//! The whole check of one file: bytes in, findings out, with the embedded tables and the
//! samples' doctor roster. Besides "no panic, no hang, no abort", it asserts what every report
//! relies on, cheaply enough to run on each input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rinken::check::{check_bytes, Ctx};
use rinken::finding::{MAX_MESSAGE_CHARS, MAX_VALUE_CHARS};
use rinken::lang::Lang;
use rinken::parse::Parser;
use rinken::refdata::Roster;
use rinken::rules::RuleConfig;
use rinken::tables::Tables;
use rinken::text::date::Date;
use std::sync::OnceLock;

struct World {
    tables: Tables,
    rules: RuleConfig,
    roster: Roster,
    as_of: Date,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| World {
        tables: Tables::embedded().expect("embedded tables load"),
        rules: RuleConfig::default(),
        roster: Roster::parse("doctors.csv", include_bytes!("../../samples/doctors.csv")).expect("roster parses"),
        as_of: Date::parse_iso("2026-11-21").expect("a date"),
    })
}

/// File names the first byte chooses from: the name takes part in F009/F010, and the kind
/// letter and institution code must be able to agree with the content for the later rules.
const NAMES: &[&str] = &[
    "R131331572820250612000001.xml",
    "S261020215820250918000001.xml",
    "B261410098620250910000001.xml",
    "R111010273120250510000001.xml",
    "x.xml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let w = world();
    let name = NAMES[pick as usize % NAMES.len()];
    let lang = if pick & 0x80 == 0 { Lang::Ja } else { Lang::En };
    let ctx = Ctx {
        tables: &w.tables,
        lang,
        as_of: w.as_of,
        rules: &w.rules,
        roster: Some(&w.roster),
        institutions: None,
        // Redaction rewrites every finding of a form: worth fuzzing on its own bit.
        redact: pick & 0x40 != 0,
    };
    let mut parser = Parser::new(&w.tables);
    let result = check_bytes(&ctx, &mut parser, name, bytes);
    assert_eq!(result.bytes, bytes.len() as u64);
    for f in &result.findings {
        assert!(rinken::rules::find(f.rule.id).is_some(), "{} is not in the catalogue", f.rule.id);
        assert!(f.record <= result.records, "record {} of {} forms: {f:?}", f.record, result.records);
        assert!(f.value.chars().count() <= MAX_VALUE_CHARS + 1, "value too long: {f:?}");
        assert!(f.path.chars().count() <= MAX_VALUE_CHARS + 1, "path too long: {f:?}");
        assert!(f.message.chars().count() <= MAX_MESSAGE_CHARS, "message too long: {f:?}");
        assert!(!f.message.is_empty(), "empty message: {f:?}");
        for cell in [&f.value, &f.path, &f.message] {
            assert!(!cell.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "control in {f:?}");
        }
    }
    // The same parser again gives the same result: no state leaks from one file into the next.
    let again = check_bytes(&ctx, &mut parser, name, bytes);
    let key = |r: &rinken::check::FileResult| {
        r.findings.iter().map(|f| (f.record, f.rule.id, f.line, f.column, f.value.clone())).collect::<Vec<_>>()
    };
    assert_eq!(key(&again), key(&result));
    assert_eq!(again.records, result.records);
    pieces_agree_with_the_whole(&mut parser, pick, bytes);
});

/// A text parsed in pieces (as files over 16 MiB are) tells what the whole text tells: the same
/// forms with the same elements at the same places, and the same error at the same place. The
/// piece size, from 3 to 34 bytes, puts piece ends everywhere in a small input.
fn pieces_agree_with_the_whole(parser: &mut Parser<'_>, pick: u8, bytes: &[u8]) {
    use rinken::parse::locate::{Locate, Locator};
    use rinken::parse::pieces::parse_pieces;
    use rinken::parse::Record;
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    fn seen(out: &mut Vec<String>) -> impl FnMut(&mut Record, &Locator<'_>) + '_ {
        move |r, loc| {
            let elems: Vec<_> = r.elems.iter().map(|e| (e.node, r.value(e).to_owned(), loc.locate(e.offset))).collect();
            out.push(format!("{} {:?} {:?} {}", r.number, loc.locate(r.offset), elems, r.unknown.len()));
        }
    }
    let mut whole = Vec::new();
    let info = parser.parse(text, seen(&mut whole));
    let mut pieces = Vec::new();
    let mut rest = bytes;
    let mut read = |buf: &mut [u8]| std::io::Read::read(&mut rest, buf);
    let piece = 3 + usize::from(pick & 0x1f);
    let in_pieces = parse_pieces(parser, piece, &mut read, &mut seen(&mut pieces)).expect("reading memory");
    assert_eq!(pieces, whole, "forms, piece {piece}");
    let error = |i: &rinken::parse::DocInfo| i.error.as_ref().map(|e| (e.offset, e.problem.clone(), e.pos));
    assert_eq!(error(&in_pieces), error(&info), "error, piece {piece}");
    assert_eq!((in_pieces.forms, in_pieces.root_pos), (info.forms, info.root_pos), "piece {piece}");
}
