//! Every C, D, I, P and B rule fires on a bad input and stays silent on a good one, with the
//! boundary days of RULES.md.

mod common;
use common::*;
use rinken::check::ident::{institution_problem, InstitutionProblem};

/// The 臨個票 template with another disease, written and diagnosed on the given days.
fn rinkohyo(no: &str, name: &str, written: &str, diagnosed: &str) -> String {
    let x = set(R_VALID, "KokujiNo", no);
    let x = set(&x, "Name", name);
    let x = set(&x, "WrittenDate", written);
    set(&x, "DiagnosisDate", diagnosed)
}

/// The 意見書 template with another disease.
fn shoman_disease(xml: &str, group: &str, no: &str, name: &str) -> String {
    let x = set(xml, "Group", group);
    let x = set(&x, "KokujiNo", no);
    set(&x, "Name", name)
}

#[test]
fn c001_key_not_in_the_table_in_force() {
    let h = Harness::new();
    let f = h.only(R_NAME, &rinkohyo("349", "線維筋痛症", "2025-06-12", "2025-05-20"));
    assert_eq!((f.rule.id, f.path.as_str(), f.value.as_str()), ("C001", "Header/Disease/KokujiNo", "349"));
    let s = shoman_disease(S_VALID, "7", "99", "1型糖尿病");
    let f = h.only(S_NAME, &s);
    assert_eq!(f.rule.id, "C001");
    assert!(f.message.contains("7-1"), "the name identifies the key: {}", f.message);
}

#[test]
fn c002_not_yet_designated_on_the_written_date() {
    let h = Harness::new();
    let before = rinkohyo("345", "乳児発症 STING 関連血管炎", "2025-03-31", "2025-03-01");
    let f = h.only(R_NAME, &before);
    assert_eq!(f.rule.id, "C002");
    assert!(f.message.contains("2025-04-01"), "{}", f.message);
    assert_eq!(h.rules(R_NAME, &rinkohyo("345", "乳児発症 STING 関連血管炎", "2025-04-01", "2025-03-01")), []);
    // 意見書: a disease added on 2025-04-01, written the day before.
    let s =
        shoman_disease(&ikensho("2025-03-31", "2025-03-01", "2013-08-03"), "6", "20", "乳児発症ＳＴＩＮＧ関連血管炎");
    assert_eq!(h.rules(S_NAME, &s), [(1, "C002")]);
    let s =
        shoman_disease(&ikensho("2025-04-01", "2025-03-01", "2013-08-03"), "6", "20", "乳児発症ＳＴＩＮＧ関連血管炎");
    assert_eq!(h.rules(S_NAME, &s), []);
}

#[test]
fn a_key_the_renumbering_gave_an_older_disease_is_c001_before_it() {
    // もやもや病 was 11-98 until 2025-03-31 and became 11-103 on 2025-04-01. Written on
    // 2025-03-10 with 11-103, the disease was designated (as 11-98): the key is wrong, the
    // disease is not "not yet designated".
    let h = Harness::new();
    let s = shoman_disease(&ikensho("2025-03-10", "2025-03-01", "2013-08-03"), "11", "103", "もやもや病");
    let f = h.only(S_NAME, &s);
    assert_eq!((f.rule.id, f.value.as_str()), ("C001", "11-103"), "{}", f.message);
    assert!(f.message.contains("11-98"), "the name gives the key in force: {}", f.message);
    let s = shoman_disease(&ikensho("2025-03-10", "2025-03-01", "2013-08-03"), "11", "103", "架空の病");
    assert_eq!(h.rules(S_NAME, &s), [(1, "C001")]);
    // From 2025-04-01 the same form is right; the old key is right before.
    let s = shoman_disease(&ikensho("2025-04-01", "2025-03-01", "2013-08-03"), "11", "103", "もやもや病");
    assert_eq!(h.rules(S_NAME, &s), []);
    let s = shoman_disease(&ikensho("2025-03-10", "2025-03-01", "2013-08-03"), "11", "98", "もやもや病");
    assert_eq!(h.rules(S_NAME, &s), []);
}

#[test]
fn c003_the_2025_04_01_renumbering() {
    let h = Harness::new();
    let old_master =
        |written: &str| shoman_disease(&ikensho(written, "2025-03-01", "2013-08-03"), "11", "38", "髄膜脳瘤");
    assert_eq!(h.rules(S_NAME, &old_master("2025-03-31")), [], "11-38 was 髄膜脳瘤 until 2025-03-31");
    let f = h.only(S_NAME, &old_master("2025-04-01"));
    assert_eq!(f.rule.id, "C003");
    assert!(f.message.contains("11-41") && f.message.contains("改正前"), "{}", f.message);
    // A 包括 name cites numbers the renumbering moved: 11-17 "45から51に…" is now 11-19.
    let comprehensive = shoman_disease(
        &ikensho("2025-04-01", "2025-03-01", "2013-08-03"),
        "11",
        "17",
        "45から51に掲げるもののほか、筋ジストロフィー",
    );
    let f = h.only(S_NAME, &comprehensive);
    assert_eq!(f.rule.id, "C003");
    assert!(f.message.contains("11-19「47から53に掲げるもののほか、筋ジストロフィー」"), "{}", f.message);
    // A plain mismatch, and a name of another key without renumbering.
    let f = h.only(R_NAME, &set(R_VALID, "Name", "パーキンソン症候群"));
    assert_eq!(f.rule.id, "C003");
    let f = h.only(R_NAME, &set(R_VALID, "Name", "筋萎縮性側索硬化症"));
    assert!(f.message.contains("筋萎縮性側索硬化症 は 2 の疾病"), "{}", f.message);
}

#[test]
fn names_compare_after_normalisation() {
    let h = Harness::new();
    for name in ["パーキンソン病（Parkinson）", " パーキンソン　病 ", "パーキンソン病(Parkinson's disease)"]
    {
        assert_eq!(h.rules(R_NAME, &set(R_VALID, "Name", name)), [], "{name}");
    }
}

#[test]
fn c004_old_name_after_a_rename() {
    let h = Harness::new();
    let renamed = |written: &str| {
        shoman_disease(&ikensho(written, "2025-03-01", "2013-08-03"), "11", "4", "先天性大脳白質形成不全症")
    };
    assert_eq!(h.rules(S_NAME, &renamed("2025-03-31")), []);
    let f = h.only(S_NAME, &renamed("2025-04-01"));
    assert_eq!((f.rule.id, f.severity), ("C004", rinken::finding::Severity::W));
    assert!(f.message.contains("先天性大脳白質形成不全病"), "{}", f.message);
}

#[test]
fn the_next_revision_is_a_data_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("diseases")).unwrap();
    let current = std::fs::read_to_string(root().join("code-tables/diseases/shoman_2025-04-01.tsv")).unwrap();
    let next = current.replace("\t1\t1型糖尿病\t", "\t1\tインスリン依存性糖尿病\t");
    assert_ne!(next, current);
    std::fs::write(dir.path().join("diseases/shoman_2026-04-01.tsv"), next).unwrap();
    let mut h = Harness::new();
    h.tables = rinken::tables::Tables::with_overlay(Some(dir.path())).unwrap();
    assert_eq!(h.rules(S_NAME, &ikensho("2026-03-31", "2026-03-01", "2013-08-03")), []);
    assert_eq!(h.rules(S_NAME, &ikensho("2026-04-01", "2026-03-01", "2013-08-03")), [(1, "C003")]);
}

#[test]
fn the_next_revision_may_keep_the_source_data_s_dated_added_column() {
    // The shared source names the column `added_2025_04`; a revision copied from such a file
    // must still know its additions (else C002 silently becomes C003).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("diseases")).unwrap();
    let current = std::fs::read_to_string(root().join("code-tables/diseases/shoman_2025-04-01.tsv")).unwrap();
    let dated = current.replacen("\tadded\t", "\tadded_2025_04\t", 1);
    assert_ne!(dated, current);
    std::fs::write(dir.path().join("diseases/shoman_2025-04-01.tsv"), &dated).unwrap();
    let mut h = Harness::new();
    h.tables = rinken::tables::Tables::with_overlay(Some(dir.path())).unwrap();
    // 脊髄空洞症 became 11-38 on 2025-04-01 as an addition: the day before, it is C002.
    let s = shoman_disease(&ikensho("2025-03-31", "2025-03-01", "2013-08-03"), "11", "38", "脊髄空洞症");
    assert_eq!(h.rules(S_NAME, &s), [(1, "C002")]);
    // Two such columns, or a value other than 0/1, are table errors, not silent guesses.
    let twice = dated.replacen("\tadded_2025_04\t", "\tadded_2025_04\tadded\t", 1);
    std::fs::write(dir.path().join("diseases/shoman_2025-04-01.tsv"), twice).unwrap();
    let Err(e) = rinken::tables::Tables::with_overlay(Some(dir.path())) else { panic!("two added columns") };
    assert!(e.to_string().contains("more than one `added` column"), "{e}");
    let bad = dated.replacen("\t0\t1\t\tNANDO", "\t0\tyes\t\tNANDO", 1);
    assert_ne!(bad, dated);
    std::fs::write(dir.path().join("diseases/shoman_2025-04-01.tsv"), bad).unwrap();
    assert!(rinken::tables::Tables::with_overlay(Some(dir.path())).is_err(), "added = yes");
}

#[test]
fn a_disease_of_the_next_nanbyo_table_is_not_designated_before_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("diseases")).unwrap();
    let current = std::fs::read_to_string(root().join("code-tables/diseases/nanbyo_2025-04-01.tsv")).unwrap();
    let last = current.lines().last().unwrap();
    let cells: Vec<&str> = last.split('\t').collect();
    assert_eq!(cells[0], "348", "the table ends with 348: {last}");
    let mut added = cells.clone();
    added[0] = "349";
    added[1] = "線維筋痛症";
    let next = format!("{}\n{}\n", current.trim_end(), added.join("\t"));
    std::fs::write(dir.path().join("diseases/nanbyo_2026-04-01.tsv"), next).unwrap();
    let mut h = Harness::new();
    h.tables = rinken::tables::Tables::with_overlay(Some(dir.path())).unwrap();
    let f = h.only(R_NAME, &rinkohyo("349", "線維筋痛症", "2026-03-31", "2026-03-20"));
    assert_eq!(f.rule.id, "C002", "{}", f.message);
    assert!(f.message.contains("2026-04-01"), "{}", f.message);
    assert_eq!(h.rules(R_NAME, &rinkohyo("349", "線維筋痛症", "2026-04-01", "2026-03-20")), []);
}

#[test]
fn d001_dates_out_of_order() {
    let h = Harness::new();
    let f = h.only(R_NAME, &set(R_VALID, "OnsetYearMonth", "1956-08"));
    assert_eq!((f.rule.id, f.path.as_str()), ("D001", "Clinical/OnsetYearMonth"));
    assert_eq!(h.rules(R_NAME, &set(R_VALID, "OnsetYearMonth", "1956-09")), [], "same month as birth");
    assert_eq!(h.rules(R_NAME, &set(R_VALID, "DiagnosisDate", "2025-06-13")), [(1, "D001")]);
    assert_eq!(h.rules(R_NAME, &set(R_VALID, "DiagnosisDate", "2025-06-12")), []);
    let vent = edit(
        R_VALID,
        "<Ventilator>2</Ventilator>",
        "<Ventilator>1</Ventilator><VentilatorStartDate>2025-06-13</VentilatorStartDate>",
    );
    assert_eq!(h.rules(R_NAME, &vent), [(1, "D001")]);
}

#[test]
fn d001_a_reported_date_does_not_stop_the_chain() {
    let h = Harness::new();
    let d001 = |onset: &str, diagnosed: &str| -> Vec<(String, String, String)> {
        let xml = set(&set(R_VALID, "OnsetYearMonth", onset), "DiagnosisDate", diagnosed);
        let found = h.findings(R_NAME, xml.as_bytes());
        assert!(found.iter().all(|f| f.rule.id == "D001"), "{found:?}");
        found.into_iter().map(|f| (f.path, f.value, f.message)).collect()
    };
    // Born 1956-09-14. The onset is before birth, and so is the diagnosis: it is compared
    // with the birth date rather than skipped for following a reported date.
    let found = d001("1950-01", "1940-01-01");
    let paths: Vec<(&str, &str)> = found.iter().map(|(p, v, _)| (p.as_str(), v.as_str())).collect();
    assert_eq!(paths, [("Clinical/OnsetYearMonth", "1950-01"), ("Header/DiagnosisDate", "1940-01-01")]);
    assert!(found[1].2.contains("生年月日 1956-09-14"), "{}", found[1].2);
    // Nor is a reported date the reference for the next: after the bad onset but before birth
    // is still before birth.
    assert_eq!(d001("1950-01", "1952-01-01").len(), 2);
    assert_eq!(d001("1950-01", "2025-05-20").len(), 1);
}

#[test]
fn d001_a_month_between_two_days_does_not_hide_their_order() {
    let h = Harness::new();
    // Born 1956-09-14, onset that month: the month orders the diagnosis only by month, the
    // birth date by day.
    let onset = set(R_VALID, "OnsetYearMonth", "1956-09");
    let found = h.findings(R_NAME, set(&onset, "DiagnosisDate", "1956-09-13").as_bytes());
    let got: Vec<_> = found.iter().map(|f| (f.rule.id, f.path.as_str(), f.value.as_str())).collect();
    assert_eq!(got, [("D001", "Header/DiagnosisDate", "1956-09-13")]);
    assert!(found[0].message.contains("生年月日 1956-09-14"), "{}", found[0].message);
    let same_day = set(&onset, "DiagnosisDate", "1956-09-14");
    assert!(h.findings(R_NAME, same_day.as_bytes()).iter().all(|f| f.rule.id != "D001"));
}

#[test]
fn d002_dates_after_as_of() {
    let mut h = Harness::new();
    h.as_of = rinken::text::date::Date::parse_iso("2025-06-11").unwrap();
    let f = h.only(R_NAME, R_VALID);
    assert_eq!((f.rule.id, f.path.as_str()), ("D002", "Header/WrittenDate"));
    h.as_of = rinken::text::date::Date::parse_iso("2025-06-12").unwrap();
    assert_eq!(h.rules(R_NAME, R_VALID), []);
    // A birth date after today is one finding: it is not also the reference that puts the
    // onset, the diagnosis and the written date "before birth" (D001).
    let f = h.only(R_NAME, &set(R_VALID, "BirthDate", "2026-02-01"));
    assert_eq!((f.rule.id, f.path.as_str()), ("D002", "Patient/BirthDate"));
}

#[test]
fn d003_new_application_at_18() {
    let h = Harness::new();
    assert_eq!(h.rules(S_NAME, &ikensho("2025-09-18", "2025-08-25", "2007-09-19")), [], "17 until the day before");
    let f = h.only(S_NAME, &ikensho("2025-09-18", "2025-08-25", "2007-09-18"));
    assert_eq!(f.rule.id, "D003");
    assert!(f.message.contains("18 歳"), "{}", f.message);
    // Born on 29 February: the birthday counts on 1 March in common years.
    assert_eq!(h.rules(S_NAME, &ikensho("2026-02-28", "2026-02-01", "2008-02-29")), []);
    assert_eq!(h.rules(S_NAME, &ikensho("2026-03-01", "2026-02-01", "2008-02-29")), [(1, "D003")]);
}

#[test]
fn d004_continuation_at_20() {
    let h = Harness::new();
    let cont = |born: &str| {
        let x = set(&ikensho("2025-09-18", "2025-08-25", born), "ApplicationType", "2");
        edit(&x, "</Address>", "</Address>\n    <RecipientNo>1234566</RecipientNo>")
    };
    assert_eq!(h.rules(S_NAME, &cont("2005-09-19")), [], "19 until the day before");
    assert_eq!(h.rules(S_NAME, &cont("2005-09-18")), [(1, "D004")]);
    assert_eq!(h.rules(S_NAME, &cont("2007-09-18")), [], "a continuation at 18 is fine");
}

#[test]
fn d005_form_version_not_yet_in_use() {
    let h = Harness::new();
    let r = |written: &str| set(&set(R_VALID, "WrittenDate", written), "DiagnosisDate", "2023-09-01");
    assert_eq!(h.rules(R_NAME, &r("2024-03-31")), [(1, "D005")], "2403 from 2024-04-01");
    // Path, value and line all point at the root's formVersion, which the message judges
    // against the WrittenDate it names.
    let f = h.only(R_NAME, &r("2024-03-31"));
    assert_eq!((f.path.as_str(), f.value.as_str(), f.line), ("@formVersion", "2403", 2));
    assert!(f.message.contains("2024-03-31"), "{}", f.message);
    assert_eq!(h.rules(R_NAME, &r("2024-04-01")), []);
    let r2309 = remove(&edit(R_VALID, "formVersion=\"2403\"", "formVersion=\"2309\""), "PreviousName");
    let r2309 = set(&r2309, "DiagnosisDate", "2023-09-01");
    assert_eq!(h.rules(R_NAME, &set(&r2309, "WrittenDate", "2023-09-30")), [(1, "D005")]);
    assert_eq!(h.rules(R_NAME, &set(&r2309, "WrittenDate", "2023-10-01")), []);
    let s = ikensho("2023-09-30", "2023-09-01", "2013-08-03");
    assert_eq!(h.rules(S_NAME, &s), [(1, "D005")], "2310 from 2023-10-01");
}

#[test]
fn d006_old_form_past_its_end() {
    let h = Harness::new();
    let s1810 = |written: &str| {
        edit(&ikensho(written, "2026-03-01", "2013-08-03"), "formVersion=\"2310\"", "formVersion=\"1810\"")
    };
    assert_eq!(h.rules(S_NAME, &s1810("2026-03-31")), []);
    let f = h.only(S_NAME, &s1810("2026-04-01"));
    assert_eq!(f.rule.id, "D006");
    assert_eq!((f.path.as_str(), f.value.as_str(), f.line), ("@formVersion", "1810", 2));
    assert!(f.message.contains("2026-03-31") && f.message.contains("2026-04-01"), "{}", f.message);
    let r1703 = remove(
        &remove(&edit(R_VALID, "formVersion=\"2403\"", "formVersion=\"1703\""), "PreviousName"),
        "DiagnosisDate",
    );
    assert_eq!(h.rules(R_NAME, &set(&r1703, "WrittenDate", "2024-09-30")), []);
    assert_eq!(h.rules(R_NAME, &set(&r1703, "WrittenDate", "2024-10-01")), [(1, "D006")]);
}

#[test]
fn d007_diagnosis_more_than_three_months_before() {
    let h = Harness::new();
    assert_eq!(h.rules(S_NAME, &ikensho("2025-09-18", "2025-06-18", "2013-08-03")), []);
    let f = h.only(S_NAME, &ikensho("2025-09-18", "2025-06-17", "2013-08-03"));
    assert_eq!((f.rule.id, f.severity), ("D007", rinken::finding::Severity::W));
    // Month ends clamp: three months before 31 May is 28 February.
    assert_eq!(h.rules(S_NAME, &ikensho("2025-05-31", "2025-02-28", "2013-08-03")), []);
    assert_eq!(h.rules(S_NAME, &ikensho("2025-05-31", "2025-02-27", "2013-08-03")), [(1, "D007")]);
}

#[test]
fn a_date_reported_by_d001_or_d002_does_not_drive_the_later_date_rules() {
    let h = Harness::new();
    // A DiagnosisDate before the onset is D001, not also D007 (more than 3 months before the
    // WrittenDate): the date is suspect, and one cause is one finding.
    let x = set(&ikensho("2025-09-18", "2025-08-25", "2013-08-03"), "DiagnosisDate", "2024-01-10");
    assert_eq!(h.rules(S_NAME, &x), [(1, "D001")]);
    // A WrittenDate after today is D002, not also D004 for the age it would give.
    let cont = |written: &str| {
        let x = set(&ikensho(written, "2025-08-25", "2007-09-18"), "ApplicationType", "2");
        edit(&x, "</Address>", "</Address>\n    <RecipientNo>1234566</RecipientNo>")
    };
    assert_eq!(h.rules(S_NAME, &cont("2025-09-18")), [], "18 on a WrittenDate in the past");
    assert_eq!(h.rules(S_NAME, &cont("2027-10-15")), [(1, "D002")]);
    // Nor a form version past its end (D006): 臨個票 1703 ends on 2024-09-30.
    let old = edit(&set(R_VALID, "WrittenDate", "2027-01-10"), "formVersion=\"2403\"", "formVersion=\"1703\"");
    assert!(!h.rules(R_NAME, &old).iter().any(|(_, id)| *id == "D006"), "{:?}", h.rules(R_NAME, &old));
}

const MEDINST: &str = include_str!("data/medinst_codes_2025-08.tsv");

fn real_codes() -> Vec<&'static str> {
    MEDINST
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("code"))
        .map(|l| l.split('\t').next().unwrap())
        .collect()
}

fn legacy(code: &str) -> bool {
    matches!(&code[..2], "11" | "12" | "13" | "14" | "61" | "62" | "63" | "64")
}

#[test]
fn every_real_institution_code_passes_and_corruptions_fail() {
    let codes = real_codes();
    assert_eq!(codes.len(), 96_488);
    let tables = rinken::tables::Tables::embedded().unwrap();
    let institution_problem = |c: &str| institution_problem(c, &tables.prefectures);
    let mut caught = 0u64;
    for code in &codes {
        assert_eq!(institution_problem(code), None, "{code} is real");
        let mut b = code.as_bytes().to_vec();
        for pos in 0..10 {
            let original = b[pos];
            for d in b'0'..=b'9' {
                if d == original {
                    continue;
                }
                b[pos] = d;
                let corrupt = std::str::from_utf8(&b).unwrap();
                let problem = institution_problem(corrupt);
                // The legacy rule leaves prefecture and 点数表 out of the check digit, so a
                // change there, into or out of a legacy prefecture, can go unnoticed. Every
                // other single-digit change must be caught.
                let may_pass = pos < 3 && (legacy(code) || legacy(corrupt));
                assert!(problem.is_some() || may_pass, "{code} → {corrupt} passed");
                caught += u64::from(problem.is_some());
            }
            b[pos] = original;
        }
    }
    assert!(caught > 8_000_000, "{caught}");
}

#[test]
fn i001_i002_i003_institution_code() {
    let h = Harness::new();
    let code = |c: &str| set(R_VALID, "InstitutionCode", c);
    let f = h.findings(R_NAME, code("1313315729").as_bytes());
    let ids: Vec<_> = f.iter().map(|f| f.rule.id).collect();
    assert_eq!(ids, ["I001"], "a code that fails its check is not also compared with the file name's");
    assert!(f[0].message.contains("東京都の旧方式") && f[0].message.contains("正しくは 8"), "{}", f[0].message);
    let tables = rinken::tables::Tables::embedded().unwrap();
    let institution_problem = |c: &str| institution_problem(c, &tables.prefectures);
    assert_eq!(institution_problem("2610102093"), None);
    assert_eq!(institution_problem("2610102094"), Some(InstitutionProblem::CheckDigit { expected: 3 }));
    assert_eq!(institution_problem("4810112344"), Some(InstitutionProblem::Prefecture));
    assert_eq!(institution_problem("9810112344"), Some(InstitutionProblem::Prefecture));
    assert_eq!(institution_problem("2640204562"), Some(InstitutionProblem::Table(4)));
    let name = "R264020456220250612000001.xml";
    let f = h.only(name, &code("2640204562"));
    assert_eq!(f.rule.id, "I003");
    assert!(f.message.contains("薬局"), "{}", f.message);
}

#[test]
fn the_prefecture_table_decides_which_numbers_exist_and_which_keep_the_legacy_rule() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = std::fs::read_to_string(root().join("code-tables/prefectures.tsv")).unwrap();
    let edited: String = embedded
        .lines()
        .filter(|l| !l.starts_with("26\t"))
        .map(|l| if l.starts_with("11\t") { l.replace("\tGGNNNN", "\tPPTGGNNNN") } else { l.to_owned() })
        .map(|l| l + "\n")
        .collect();
    std::fs::write(dir.path().join("prefectures.tsv"), edited).unwrap();
    let tables = rinken::tables::Tables::with_overlay(Some(dir.path())).unwrap();
    let p = &tables.prefectures;
    assert_eq!(institution_problem("2610102093", p), Some(InstitutionProblem::Prefecture), "京都 removed");
    assert!(
        matches!(institution_problem("1110102731", p), Some(InstitutionProblem::CheckDigit { .. })),
        "埼玉 judged by the 9-digit rule"
    );
    assert_eq!(institution_problem("1310102731", p), None, "東京 keeps the legacy rule");
}

#[test]
fn i004_not_in_the_institution_list() {
    let mut h = Harness::new();
    h.institutions =
        Some(rinken::refdata::Institutions::load(&root().join("tests/data/medinst_codes_2025-08.tsv")).unwrap());
    assert_eq!(h.rules(R_NAME, R_VALID), [], "the template's code is listed");
    let unlisted = set(R_VALID, "InstitutionCode", "1313310000");
    let f = h.only("R131331000020250612000001.xml", &unlisted);
    assert_eq!((f.rule.id, f.severity), ("I004", rinken::finding::Severity::W));
}

#[test]
fn i005_recipient_number_check_digit() {
    let h = Harness::new();
    let renewal = |no: &str| {
        edit(&set(R_VALID, "ApplicationType", "2"), "</Address>", &format!("</Address><RecipientNo>{no}</RecipientNo>"))
    };
    assert_eq!(h.rules(R_NAME, &renewal("1234566")), []);
    let f = h.only(R_NAME, &renewal("1234567"));
    assert_eq!(f.rule.id, "I005");
    assert!(f.message.contains("正しくは 6"), "{}", f.message);
}

#[test]
fn i006_public_payer_number() {
    let h = Harness::new();
    let payer = |no: &str| edit(R_VALID, "</Address>", &format!("</Address><PublicPayerNo>{no}</PublicPayerNo>"));
    assert_eq!(h.rules(R_NAME, &payer("54260104")), []);
    for (no, word) in [("52260106", "法別番号 52"), ("54480100", "都道府県"), ("54260105", "検証番号")] {
        let f = h.only(R_NAME, &payer(no));
        assert_eq!(f.rule.id, "I006");
        assert!(f.message.contains(word), "{no}: {}", f.message);
    }
    let s = edit(S_VALID, "</Address>", "</Address><PublicPayerNo>52260106</PublicPayerNo>");
    assert_eq!(h.rules(S_NAME, &s), [], "52 is right on an 意見書");
}

#[test]
fn p_rules_are_silent_without_a_roster() {
    let mut h = Harness::new();
    h.roster = None;
    assert_eq!(h.rules(R_NAME, &set(R_VALID, "DoctorNo", "X-1")), []);
}

#[test]
fn p001_not_in_the_roster() {
    let h = Harness::new();
    let f = h.only(R_NAME, &set(R_VALID, "DoctorNo", "N13-999999"));
    assert_eq!((f.rule.id, f.path.as_str()), ("P001", "Author/DoctorNo"));
}

#[test]
fn p002_wrong_programme() {
    let h = Harness::new();
    let s = set(&set(S_VALID, "DoctorNo", "N13-000101"), "DoctorName", "佐藤一郎");
    let f = h.only(S_NAME, &s);
    assert_eq!(f.rule.id, "P002");
    assert!(f.message.contains("shoman"), "{}", f.message);
    // Designated for both programmes: writes both forms.
    let both = |x: &str| set(&set(x, "DoctorNo", "D13-000505"), "DoctorName", "渡辺修");
    assert_eq!(h.rules(S_NAME, &both(S_VALID)), []);
    assert_eq!(h.rules(R_NAME, &both(R_VALID)), []);
}

#[test]
fn p003_kyoryoku_writes_only_renewals() {
    let h = Harness::new();
    let k = set(&set(R_VALID, "DoctorNo", "K26-000303"), "DoctorName", "高橋誠");
    assert_eq!(h.rules(R_NAME, &k), [(1, "P003")]);
    let renewal = edit(&set(&k, "ApplicationType", "2"), "</Address>", "</Address><RecipientNo>1234566</RecipientNo>");
    assert_eq!(h.rules(R_NAME, &renewal), []);
}

#[test]
fn p004_outside_the_designation_period() {
    let h = Harness::new();
    let r = |written: &str| {
        let x = set(&set(R_VALID, "DoctorNo", "N11-001010"), "DoctorName", "斎藤隆");
        set(&x, "WrittenDate", written)
    };
    assert_eq!(h.rules(R_NAME, &r("2026-03-31")), []);
    let f = h.only(R_NAME, &r("2026-04-01"));
    assert_eq!((f.rule.id, f.path.as_str()), ("P004", "Header/WrittenDate"));
}

#[test]
fn p005_name_differs_from_the_roster() {
    let h = Harness::new();
    let f = h.only(R_NAME, &set(R_VALID, "DoctorName", "佐藤一朗"));
    assert_eq!((f.rule.id, f.severity), ("P005", rinken::finding::Severity::W));
    assert_eq!(h.rules(R_NAME, &set(R_VALID, "DoctorName", "佐藤　一郎")), [], "spacing is normalised");
}

#[test]
fn b001_b002_across_a_run_in_path_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let resend = edit(R_VALID, "<Item code=\"LDOPA\" value=\"1\"/>", "");
    std::fs::write(dir.join("b").join(R_NAME), &resend).unwrap();
    std::fs::write(dir.join("a").join(R_NAME), R_VALID).unwrap();
    std::fs::write(dir.join("a").join("R131331572820250612000002.xml"), R_VALID).unwrap();
    let other_patient = set(R_VALID, "GivenNameKana", "カズヨ");
    std::fs::write(dir.join("a").join("R131331572820250612000003.xml"), other_patient).unwrap();
    let out = tmp.path().join("out");
    let run = rinken(&["check", "in", "--as-of", "2026-11-21", "-q", "--out", out.to_str().unwrap()], tmp.path());
    assert_eq!(run.code, 0, "B rules are warnings: {}", run.stderr);
    let rows = all_findings(&out);
    let got: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (r["file"].as_str(), r["record"].as_str(), r["rule"].as_str())).collect();
    assert_eq!(
        got,
        [("in/a/R131331572820250612000002.xml", "0", "B002"), ("in/b/R131331572820250612000001.xml", "1", "B001"),]
    );
    assert!(rows[0]["message"].contains("in/a/R131331572820250612000001.xml"), "{}", rows[0]["message"]);
    assert!(rows[1]["message"].contains("in/a/R131331572820250612000001.xml の 1 件目"), "{}", rows[1]["message"]);
}

#[test]
fn b001_within_one_batch_file() {
    let tmp = tempfile::tempdir().unwrap();
    let form = R_VALID.split_once("?>\n").unwrap().1.replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
    let batch = format!("<FormBatch xmlns=\"urn:rinken:nanbyo-shoman:1\" count=\"2\">{form}{form}</FormBatch>");
    std::fs::write(tmp.path().join("B131331572820250612000001.xml"), batch).unwrap();
    let out = tmp.path().join("out");
    let run = rinken(&["check", ".", "--as-of", "2026-11-21", "-q", "--out", out.to_str().unwrap()], tmp.path());
    assert_eq!(run.code, 0);
    let rows = all_findings(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["record"].as_str(), rows[0]["rule"].as_str()), ("2", "B001"));
    assert!(rows[0]["message"].contains("このファイルの 1 件目"), "{}", rows[0]["message"]);
}

#[test]
fn b001_sees_through_the_spelling_freedoms_of_the_format() {
    // Kana names may be hiragana or katakana, with spaces; KokujiNo is a number (06 is 6).
    let tmp = tempfile::tempdir().unwrap();
    let form = |xml: &str| xml.split_once("?>\n").unwrap().1.replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
    let hiragana = set(&set(R_VALID, "FamilyNameKana", "なかむら"), "GivenNameKana", "かず　こ");
    let padded = set(R_VALID, "KokujiNo", "06");
    let other = set(R_VALID, "KokujiNo", "60");
    let forms = [R_VALID, &hiragana, &padded, &other].map(form).concat();
    let batch = format!("<FormBatch xmlns=\"urn:rinken:nanbyo-shoman:1\" count=\"4\">{forms}</FormBatch>");
    std::fs::write(tmp.path().join("B131331572820250612000001.xml"), batch).unwrap();
    let out = tmp.path().join("out");
    let run = rinken(&["check", ".", "--as-of", "2026-11-21", "-q", "--out", out.to_str().unwrap()], tmp.path());
    let rows = all_findings(&out);
    let b001: Vec<&str> = rows.iter().filter(|r| r["rule"] == "B001").map(|r| r["record"].as_str()).collect();
    assert_eq!(b001, ["2", "3"], "{}", run.stderr);
}
