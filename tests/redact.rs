//! --redact: no patient value of any sample reaches any output, in any format.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The elements that hold patient data (`Field::is_patient_data`).
const PATIENT: &[&str] = &[
    "FamilyName",
    "GivenName",
    "FamilyNameKana",
    "GivenNameKana",
    "BirthDate",
    "PostalCode",
    "Address",
    "RecipientNo",
    "PreviousName",
];

fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

/// Every value of the named elements written in the samples, trimmed.
fn values_of(names: &[&str]) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    for e in walkdir::WalkDir::new(root().join("samples")) {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "xml") {
            continue;
        }
        let text = text_of(&std::fs::read(e.path()).unwrap());
        for name in names {
            let (open, close) = (format!("<{name}>"), format!("</{name}>"));
            let mut rest = text.as_str();
            while let Some(i) = rest.find(&open) {
                rest = &rest[i + open.len()..];
                let Some(j) = rest.find(&close) else { break };
                let v = rest[..j].trim();
                if !v.is_empty() {
                    values.insert(v.to_owned());
                }
            }
        }
    }
    values
}

/// Text rinken prints whatever the patients: the rule catalogue (SARIF carries it, and its
/// examples use names such as 髙橋) and the doctors' names (not patient data). Removed from the
/// outputs before looking for patient values, so that a patient who shares a name with an
/// example does not count as a leak.
fn noise() -> Vec<String> {
    let mut v: Vec<String> = values_of(&["DoctorName"]).into_iter().collect();
    for r in rinken::rules::ALL {
        v.extend([r.summary.ja, r.summary.en, r.why.ja, r.why.en, r.bad, r.good].map(str::to_owned));
    }
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

/// Everything a run wrote: stdout, stderr and every file under `dir`.
fn everything(run: &Run, dir: &Path) -> String {
    let mut all = format!("{}\n{}\n", run.stdout, run.stderr);
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            all.push_str(&text_of(&std::fs::read(e.path()).unwrap()));
        }
    }
    all
}

#[test]
fn redact_leaves_no_patient_value_in_any_output() {
    let values = values_of(PATIENT);
    let noise = noise();
    assert!(values.len() > 50, "{values:?}");
    let leaked = |redact: bool| -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for format in ["text", "json", "jsonl", "sarif", "junit", "github"] {
            for lang in ["ja", "en"] {
                let mut args = vec!["--format", format, "--lang", lang, "--write-baseline"];
                let tmp = tempfile::tempdir().unwrap();
                let baseline = tmp.path().join("report/baseline.json");
                std::fs::create_dir_all(baseline.parent().unwrap()).unwrap();
                args.push(baseline.to_str().unwrap());
                if redact {
                    args.push("--redact");
                }
                let (run, dir) = check_samples(&args);
                assert_eq!(run.code, 1, "{}", run.stderr);
                let mut all = everything(&run, dir.path());
                for n in &noise {
                    all = all.replace(n.as_str(), "");
                }
                found.extend(values.iter().filter(|v| all.contains(v.as_str())).cloned());
            }
        }
        found
    };
    let plain = leaked(false);
    assert!(plain.len() >= 5, "without --redact the reports do quote patient values: {plain:?}");
    let redacted = leaked(true);
    assert!(redacted.is_empty(), "patient values in redacted output: {redacted:?}");
}

#[test]
fn redacted_findings_keep_their_rule_position_and_marker() {
    let (run, tmp) = check_samples(&["--redact", "-q", "--format", "jsonl"]);
    assert_eq!(run.code, 1);
    let d001 = all_findings(&tmp.path().join("report")).into_iter().find(|r| r["rule"] == "D001").unwrap();
    assert!(d001["message"].contains("[REDACTED]"), "the birth date quoted in the message: {}", d001["message"]);
    assert_ne!(d001["line"], "0");
    let plain = check_samples(&["-q"]).1;
    let rows = all_findings(&plain.path().join("report"));
    assert_eq!(rows.len(), all_findings(&tmp.path().join("report")).len(), "redaction drops no finding");
}

/// Bad values for each type a patient field has, one per message a type check can give, with
/// the forms a message could derive from them that are not substrings of the value itself
/// (the Western date of a wareki date, the date an out-of-era one was read as).
fn bad_values(ty: &str) -> Vec<(String, Vec<&'static str>)> {
    let plain = |v: &[&str]| v.iter().map(|v| (v.to_string(), vec![])).collect::<Vec<_>>();
    match ty {
        "text" => plain(&["ﾔﾏﾓﾄｹﾝｼﾞ", &"ﾔﾏﾓﾄｹﾝｼﾞ".repeat(40), "山本\u{1}健二郎", "髙木健二郎", &"山本健二郎".repeat(25)]),
        "kana" => plain(&["ﾔﾏﾓﾄｹﾝｼﾞ", "ヤマ\u{1}モト", "山本健二郎", &"ヤマモトケンジ".repeat(7)]),
        "digits" => plain(&["600-8008", "６００８００８", "６００－８００８", "600800", "60080081", "600x008"]),
        "date" => {
            let mut v = plain(&["1961-02-30", "1961/2/3", "１９６１－０２－０３", "19610203", "1961-02", "3 Feb 1961"]);
            v.extend([
                ("昭和36年2月3日".to_owned(), vec!["1961-02-03", "S36.2.3"]),
                ("S36.2.3".to_owned(), vec!["1961-02-03", "昭和36年2月3日"]),
                ("平成70年2月3日".to_owned(), vec!["2058-02-03", "令和40年2月3日"]),
                ("昭和36年2月30日".to_owned(), vec!["1961-02-30"]),
            ]);
            v
        }
        other => panic!("no bad values for {other}"),
    }
}

/// Every substring of three characters of `s`, of its NFKC form and of its digits.
fn trigrams(s: &str) -> BTreeSet<String> {
    use unicode_normalization::UnicodeNormalization;
    let nfkc: String = s.nfkc().collect();
    let digits: String = nfkc.chars().filter(char::is_ascii_digit).collect();
    let mut out = BTreeSet::new();
    for form in [s, &nfkc, &digits] {
        let chars: Vec<char> = form.chars().collect();
        out.extend(chars.windows(3).map(|w| w.iter().collect::<String>()));
    }
    out
}

#[test]
fn redacted_type_messages_quote_no_form_of_a_patient_value() {
    // The 臨個票 template with a RecipientNo, so that every patient field is present.
    let form = edit(R_VALID, "</Address>", "</Address><RecipientNo>2601532</RecipientNo>");
    let fields = [
        ("FamilyName", "text"),
        ("GivenName", "text"),
        ("PreviousName", "text"),
        ("Address", "text"),
        ("FamilyNameKana", "kana"),
        ("GivenNameKana", "kana"),
        ("PostalCode", "digits"),
        ("RecipientNo", "digits"),
        ("BirthDate", "date"),
    ];
    assert_eq!(fields.len(), PATIENT.len());
    let mut leaks = Vec::new();
    for lang in [rinken::lang::Lang::Ja, rinken::lang::Lang::En] {
        let mut h = Harness::new();
        h.lang = lang;
        h.redact = true;
        for (name, ty) in fields {
            for (bad, derived) in bad_values(ty) {
                let found = h.findings(R_NAME, set(&form, name, &bad).as_bytes());
                let path = format!("Patient/{name}");
                assert!(
                    found.iter().any(|f| f.path == path && f.rule.id.starts_with('L')),
                    "{name}={bad:?} is caught: {found:?}"
                );
                let out: String = found.iter().map(|f| format!("{}\n{}\n{}\n", f.path, f.value, f.message)).collect();
                let mut forbidden = trigrams(&bad);
                forbidden.extend(derived.iter().flat_map(|d| trigrams(d)));
                if let Some(t) = forbidden.iter().find(|t| out.contains(t.as_str())) {
                    let short: String = bad.chars().take(12).collect();
                    leaks.push(format!("{name}={short:?}…: {t:?} in {out}"));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

#[test]
fn redacted_type_messages_still_say_what_to_write() {
    let mut h = Harness::new();
    h.redact = true;
    let f = h.only(R_NAME, &set(R_VALID, "PostalCode", "180-0022"));
    assert_eq!(f.message, "郵便番号「[REDACTED]」に区切り文字があります。半角数字 7 桁で書いてください");
    let f = h.only(R_NAME, &set(R_VALID, "BirthDate", "昭和31年9月14日"));
    assert_eq!(f.message, "生年月日「[REDACTED]」は和暦です。西暦の YYYY-MM-DD で書いてください");
    h.lang = rinken::lang::Lang::En;
    let f = h.only(R_NAME, &set(R_VALID, "BirthDate", "1956-02-30"));
    assert_eq!(f.message, "Date of birth \"[REDACTED]\" is not a real day (its month has fewer days)");
    // Elements that are not patient data keep their hints under --redact.
    let f = h.only(R_NAME, &set(R_VALID, "WrittenDate", "2025/6/12"));
    assert!(f.message.ends_with("write 2025-06-12"), "{}", f.message);
}
