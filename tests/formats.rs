//! Every `--format` on the samples: parsed, and holding exactly the findings of the CSV reports.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

type Key = (String, u64, String, String, u64);

fn key_of(v: &Value, file: &str) -> Key {
    (
        file.to_owned(),
        v["record"].as_u64().unwrap(),
        v["rule"].as_str().unwrap().to_owned(),
        v["severity"].as_str().unwrap().to_owned(),
        v["line"].as_u64().unwrap(),
    )
}

fn sorted(mut v: Vec<Key>) -> Vec<Key> {
    v.sort();
    v
}

#[test]
fn json_document_carries_the_csv_findings_and_summary() {
    let (run, tmp) = check_samples(&["--format", "json", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = tmp.path().join("report");
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["tool"]["name"], "rinken");
    let files = doc["files"].as_array().unwrap();
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(files.len(), summary.len(), "one entry per input file");
    let mut keys = Vec::new();
    for (f, row) in files.iter().zip(&summary) {
        assert_eq!(f["file"], row["file"].as_str());
        assert_eq!(f["kind"], row["kind"].as_str());
        assert_eq!(f["status"], row["status"].as_str());
        assert_eq!(f["errors"].to_string(), row["errors"]);
        assert_eq!(f["warnings"].to_string(), row["warnings"]);
        for finding in f["findings"].as_array().unwrap() {
            keys.push(key_of(finding, f["file"].as_str().unwrap()));
        }
    }
    assert_eq!(sorted(keys), csv_keys(&out));
    let errors: u64 = summary.iter().map(|r| r["errors"].parse::<u64>().unwrap()).sum();
    assert_eq!(doc["summary"]["errors"], errors);
    assert_eq!(doc["summary"]["files"], summary.len());
}

#[test]
fn jsonl_has_one_line_per_csv_finding() {
    let (run, tmp) = check_samples(&["--format", "jsonl", "-q"]);
    assert_eq!(run.code, 1);
    let keys: Vec<Key> = run
        .stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            key_of(&v, v["file"].as_str().unwrap())
        })
        .collect();
    assert!(keys.len() > 40);
    assert_eq!(sorted(keys), csv_keys(&tmp.path().join("report")));
}

#[test]
fn sarif_has_the_catalogue_and_one_result_per_csv_finding() {
    let (run, tmp) = check_samples(&["--format", "sarif", "-q"]);
    assert_eq!(run.code, 1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "rinken");
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), rinken::rules::ALL.len());
    for (r, rule) in rules.iter().zip(rinken::rules::ALL) {
        assert_eq!(r["id"], rule.id);
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(!r[field]["text"].as_str().unwrap().is_empty(), "{} {field}", rule.id);
        }
        let level = if rule.severity == rinken::finding::Severity::E { "error" } else { "warning" };
        assert_eq!(r["defaultConfiguration"]["level"], level);
    }
    let mut keys = Vec::new();
    for r in doc["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], r["ruleId"]);
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("samples/") && !uri.contains('\\'), "{uri}");
        let line = loc["region"]["startLine"].as_u64().unwrap_or(0);
        if loc.get("region").is_some() {
            assert!(line > 0 && loc["region"]["startColumn"].as_u64().unwrap() > 0);
        }
        let sev = if r["level"] == "error" { "E" } else { "W" };
        let record = r["properties"]["record"].as_u64().unwrap();
        keys.push((uri.to_owned(), record, r["ruleId"].as_str().unwrap().to_owned(), sev.to_owned(), line));
    }
    assert_eq!(sorted(keys), csv_keys(&tmp.path().join("report")));
}

#[test]
fn junit_has_one_testcase_per_file_failing_on_errors() {
    use quick_xml::events::Event;
    let (run, tmp) = check_samples(&["--format", "junit", "-q"]);
    assert_eq!(run.code, 1);
    let out = tmp.path().join("report");
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    // Per testcase: lines in <failure>, lines in <system-out>.
    let mut cases: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut current, mut text, mut suite_tests) = (String::new(), String::new(), 0usize);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .unwrap()
                        .map(|a| a.normalized_value(quick_xml::XmlVersion::default()).unwrap().into_owned())
                };
                match e.name().as_ref() {
                    "testsuite" => suite_tests = attr("tests").unwrap().parse().unwrap(),
                    "testcase" => {
                        assert_eq!(attr("classname").unwrap(), "rinken");
                        current = attr("name").unwrap();
                        cases.insert(current.clone(), (0, 0));
                    }
                    "failure" => {
                        assert_eq!(attr("type").unwrap(), "error");
                        assert!(attr("message").is_some());
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Text(t) => text.push_str(&t),
            Event::GeneralRef(_) => text.push('&'),
            Event::End(e) => {
                let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
                match e.name().as_ref() {
                    "failure" => cases.get_mut(&current).unwrap().0 += lines,
                    "system-out" => cases.get_mut(&current).unwrap().1 += lines,
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(suite_tests, summary.len());
    assert_eq!(cases.len(), summary.len());
    for row in &summary {
        let (failing, other) = cases[&row["file"]];
        assert_eq!(failing, row["errors"].parse::<usize>().unwrap(), "{row:?}");
        assert_eq!(other, row["warnings"].parse::<usize>().unwrap(), "{row:?}");
    }
    let failures = summary.iter().filter(|r| r["status"] == "error").count();
    assert!(run.stdout.contains(&format!("failures=\"{failures}\"")));
}

#[test]
fn github_annotations_match_the_csv_findings() {
    let (run, tmp) = check_samples(&["--format", "github", "-q", "--lang", "en"]);
    assert_eq!(run.code, 1);
    let mut keys = Vec::new();
    for l in run.stdout.lines() {
        let (command, rest) = l.strip_prefix("::").unwrap().split_once(' ').unwrap();
        let (props, message) = rest.split_once("::").unwrap();
        assert!(!message.is_empty() && !message.contains('\n'));
        let props: BTreeMap<&str, &str> = props.split(',').map(|p| p.split_once('=').unwrap()).collect();
        let sev = match command {
            "error" => "E",
            "warning" => "W",
            other => panic!("{other}"),
        };
        let line = props.get("line").map_or(0, |l| l.parse().unwrap());
        keys.push((props["file"].to_owned(), props["title"].to_owned(), sev.to_owned(), line));
    }
    let mut want: Vec<_> = csv_keys(&tmp.path().join("report")).into_iter().map(|k| (k.0, k.2, k.3, k.4)).collect();
    want.sort();
    keys.sort();
    assert_eq!(keys, want);
}

#[test]
fn text_groups_findings_by_file_without_colour_when_piped() {
    let (run, tmp) = check_samples(&[]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains('\x1b'), "no colour on a pipe");
    let rows = all_findings(&tmp.path().join("report"));
    let files: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["file"].as_str()).collect();
    let headings: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("samples/")).collect();
    assert_eq!(headings.len(), files.len(), "a heading per file with findings, none for the others");
    let finding_lines = run.stdout.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(finding_lines, rows.len());
    for r in &rows {
        let line = format!("{} {}  {}", r["severity"], r["rule"], r["message"].trim_start_matches('\''));
        assert!(run.stdout.contains(&line), "{line}");
    }
    assert!(run.stderr.contains("ファイル"), "the summary stays on stderr");
}

#[test]
fn stdout_is_identical_whatever_the_thread_count() {
    for format in ["json", "sarif", "junit", "text"] {
        let (one, _a) = check_samples(&["--format", format, "-q", "--threads", "1"]);
        let (three, _b) = check_samples(&["--format", format, "-q", "--threads", "3"]);
        assert_eq!(one.stdout, three.stdout, "{format}");
    }
}
