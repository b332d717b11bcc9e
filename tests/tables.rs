//! The shipped tables hold what the specification says they hold.

use rinken::tables::Tables;
use rinken::text::date::Date;

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

#[test]
fn shoman_tables_have_two_versions_keyed_by_group_and_number() {
    let t = Tables::embedded().unwrap();
    let p = t.diseases.program("shoman").unwrap();
    let starts: Vec<String> = p.revisions.iter().map(|r| r.start.to_string()).collect();
    assert_eq!(starts, ["2021-11-01", "2025-04-01"]);
    let count = |i: usize| p.revisions[i].entries.len();
    assert_eq!((count(0), count(1)), (788 + 57, 801 + 57));
    assert_eq!(p.revisions[1].entries.iter().filter(|e| e.added).count(), 13);
    assert_eq!(p.in_force(d("2025-03-31")).0, 0);
    assert_eq!(p.in_force(d("2025-04-01")).0, 1);
    assert_eq!(p.revisions[0].get(11, 38).unwrap().name, "髄膜脳瘤");
    assert_eq!(p.revisions[1].get(11, 41).unwrap().name, "髄膜脳瘤");
    assert_eq!(p.renames.len(), 2);
}

#[test]
fn nanbyo_table_has_348_diseases_with_designation_dates() {
    let t = Tables::embedded().unwrap();
    let p = t.diseases.program("nanbyo").unwrap();
    let rev = &p.revisions[0];
    assert_eq!(rev.entries.len(), 348);
    assert_eq!(rev.get(0, 1).unwrap().valid_from, Some(d("2015-01-01")));
    assert_eq!(rev.get(0, 348).unwrap().valid_from, Some(d("2025-04-01")));
}

#[test]
fn layout_covers_every_element_of_the_format() {
    let t = Tables::embedded().unwrap();
    let paths = |kind: &str| -> Vec<String> {
        let k = t.kinds.iter().find(|k| k.id == kind).unwrap();
        k.layout.nodes.iter().skip(1).map(|n| n.path.to_string()).collect()
    };
    let r = paths("rinkohyo");
    for p in [
        "Header/Disease/KokujiNo",
        "Patient/PreviousName",
        "Clinical/DailyLife/AnxietyDepression",
        "Clinical/VentilatorStartDate",
        "Items/Item",
        "Author/DoctorName",
    ] {
        assert!(r.contains(&p.to_owned()), "{p}");
    }
    let s = paths("ikensho");
    for p in ["Header/Disease/Group", "Attachment/Reason", "Clinical/SevereCertification", "Patient/RecipientNo"] {
        assert!(s.contains(&p.to_owned()), "{p}");
    }
    assert!(!s.contains(&"Patient/PreviousName".to_owned()));
    let versions: Vec<&str> = t.kinds.iter().flat_map(|k| k.versions.iter().map(|v| v.code.as_str())).collect();
    assert_eq!(versions, ["1703", "2309", "2403", "1810", "2310"]);
}

#[test]
fn item_tables_ship_for_two_diseases() {
    let t = Tables::embedded().unwrap();
    let r = t.kinds.iter().position(|k| k.id == "rinkohyo").unwrap() as u8;
    let s = t.kinds.iter().position(|k| k.id == "ikensho").unwrap() as u8;
    assert_eq!(t.items.for_disease(r, "6").unwrap().len(), 3);
    assert_eq!(t.items.for_disease(s, "7-1").unwrap().len(), 3);
    assert!(t.items.for_disease(r, "7").is_none());
}
