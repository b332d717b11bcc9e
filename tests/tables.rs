//! The shipped tables hold what the specification says they hold.

use rinken::tables::Tables;
use rinken::text::date::Date;
use std::collections::BTreeSet;

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

/// The project's copy of FORMAT.md: the specification the layout table must follow.
const FORMAT: &str = include_str!("../docs/format.md");

/// The section of FORMAT.md under the heading starting `## {title}`.
fn section(title: &str) -> &'static str {
    let start = FORMAT.find(&format!("\n## {title}")).unwrap_or_else(|| panic!("no section {title}"));
    let body = &FORMAT[start + 4..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// (path, required cell) of every element a section's table defines. A path cell may list
/// several paths (`Patient/FamilyName, Patient/GivenName`), name siblings by their last segment
/// only (`Clinical/DailyLife/Mobility, SelfCare`), and carry a note (`Items/Item (0..n, …)`).
fn table_paths(section: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| path")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let cell = cells[0].split(" (").next().unwrap();
        let mut last = String::new();
        for part in cell.split(", ") {
            last = match (part.contains('/'), last.rsplit_once('/')) {
                (false, Some((dir, _))) => format!("{dir}/{part}"),
                _ => part.to_owned(),
            };
            out.push((last.clone(), cells[3].to_owned()));
        }
    }
    out
}

/// Every path with the groups above it, as the layout has a node for each.
fn with_groups(paths: &[(String, String)]) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for (p, _) in paths {
        let mut prefix = String::new();
        for seg in p.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(seg);
            all.insert(prefix.clone());
        }
    }
    all
}

#[test]
fn layout_has_exactly_the_elements_of_the_format() {
    let t = Tables::embedded().unwrap();
    let kind = |id: &str| t.kinds.iter().find(|k| k.id == id).unwrap();
    let layout_paths =
        |id: &str| -> BTreeSet<String> { kind(id).layout.nodes.iter().skip(1).map(|n| n.path.to_string()).collect() };
    let rinkohyo = table_paths(section("Rinkohyo"));
    assert!(rinkohyo.len() > 35, "{rinkohyo:?}");
    assert_eq!(layout_paths("rinkohyo"), with_groups(&rinkohyo));

    // 意見書: Patient, Author and Items as for 臨個票 but without PreviousName, plus its own table.
    let same = "Same as Rinkohyo for Patient/*, Author/* and Items, except:";
    let ikensho_section = section("Ikensho");
    assert!(ikensho_section.contains(same) && ikensho_section.contains("PreviousName does not exist"));
    let mut ikensho: Vec<(String, String)> = rinkohyo
        .iter()
        .filter(|(p, _)| ["Patient/", "Author/", "Items/"].iter().any(|s| p.starts_with(s)))
        .filter(|(p, _)| p != "Patient/PreviousName")
        .cloned()
        .collect();
    ikensho.extend(table_paths(ikensho_section));
    assert_eq!(layout_paths("ikensho"), with_groups(&ikensho));

    // An element "only formVersion N" exists in that version alone.
    for k in &t.kinds {
        let table = if k.id == "rinkohyo" { &rinkohyo } else { &ikensho };
        for (path, required) in table {
            let node = k.layout.nodes.iter().position(|n| &*n.path == path).unwrap() as u16;
            let versions: Vec<&str> = (0..k.versions.len())
                .filter(|&v| k.layout.row_for(v, node).is_some())
                .map(|v| k.versions[v].code.as_str())
                .collect();
            match required.split_once("only formVersion ") {
                Some((_, only)) => assert_eq!(versions, [only], "{path}"),
                None => assert_eq!(versions.len(), k.versions.len(), "{path} in every version"),
            }
        }
    }
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
