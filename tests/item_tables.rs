//! Disease-specific items are dated like the disease tables, so that a renumbering of disease
//! keys is a change to `items.tsv` only.

mod common;
use common::*;
use rinken::tables::Tables;

const DATED_ITEMS: &str = "\
form\tdisease\tcode\tname_ja\tlabel_en\ttype\tsize\tcodes\trequired\tvalid_from\tvalid_to
ikensho\t7-1\tINSULIN\tインスリン治療\tInsulin therapy\tcode\t\tYESNO\talways\t\t2025-03-31
ikensho\t7-1\tHBA1C\tHbA1c(%)\tHbA1c (%)\tdecimal\t3.0..20.0\t\t\t\t
ikensho\t7-1\tDKA\t糖尿病性ケトアシドーシスの既往\tHistory of diabetic ketoacidosis\tcode\t\tYESNO\t\t\t
ikensho\t7-1\tCPEP\tCペプチド\tC-peptide\tdecimal\t0.0..20.0\t\talways\t2025-04-01\t
";

fn dated_harness() -> (Harness, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("items.tsv"), DATED_ITEMS).unwrap();
    let mut h = Harness::new();
    h.tables = Tables::with_overlay(Some(dir.path())).unwrap();
    (h, dir)
}

fn item_findings(h: &Harness, xml: &str) -> Vec<(String, String)> {
    h.findings(S_NAME, xml.as_bytes())
        .into_iter()
        .filter(|f| f.path.contains("Item"))
        .map(|f| (f.rule.id.to_owned(), f.path.clone()))
        .collect()
}

#[test]
fn the_items_in_force_on_the_written_date_apply() {
    let (h, _dir) = dated_harness();
    assert!(Harness::new().findings(S_NAME, S_VALID.as_bytes()).is_empty(), "the sample is valid as shipped");
    // Written 2025-09-18: INSULIN was withdrawn on 2025-03-31 and CPEP is required since 2025-04-01.
    let found = item_findings(&h, S_VALID);
    assert_eq!(
        found,
        [
            ("L013".to_owned(), "Items/Item[@code=INSULIN]".to_owned()),
            ("L001".to_owned(), "Items/Item[@code=CPEP]".to_owned()),
        ],
        "{found:?}"
    );
    // The same form written before the change is judged by the old definitions.
    let before = edit(S_VALID, "<WrittenDate>2025-09-18</WrittenDate>", "<WrittenDate>2025-03-18</WrittenDate>");
    assert_eq!(item_findings(&h, &before), [], "INSULIN is defined and CPEP not yet required");
}

#[test]
fn overlapping_definitions_of_one_code_are_a_table_error() {
    let dir = tempfile::tempdir().unwrap();
    let overlapping = format!(
        "{DATED_ITEMS}ikensho\t7-1\tCPEP\tCペプチド\tC-peptide\tdecimal\t0.0..9.0\t\t\t2025-01-01\t2025-04-01\n"
    );
    std::fs::write(dir.path().join("items.tsv"), overlapping).unwrap();
    let e = Tables::with_overlay(Some(dir.path())).unwrap_err();
    assert_eq!(e.line, 6, "{e}");
    let ok = format!(
        "{DATED_ITEMS}ikensho\t7-1\tCPEP\tCペプチド\tC-peptide\tdecimal\t0.0..9.0\t\t\t2025-01-01\t2025-03-31\n"
    );
    std::fs::write(dir.path().join("items.tsv"), ok).unwrap();
    assert!(Tables::with_overlay(Some(dir.path())).is_ok(), "adjacent ranges do not overlap");
}
