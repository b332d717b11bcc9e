//! `--format sarif`: SARIF 2.1.0 in the subset GitHub code scanning reads — the whole rule
//! catalogue as the driver's rules, one result per finding.

use super::spool::{Spool, MARK};
use super::Out;
use crate::finding::{Rule, Severity};
use crate::input::Skipped;
use crate::lang::Lang;
use crate::report::summary::Totals;
use crate::rules::ALL;
use crate::run::{FileReport, Observer};
use serde_json::{json, Value};
use std::collections::HashMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where rinken is described: the package's repository or homepage when the manifest names
/// one, else its page on crates.io.
fn information_uri() -> &'static str {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty())
        .unwrap_or("https://crates.io/crates/rinken")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::E => "error",
        Severity::W => "warning",
    }
}

/// A path as a URI reference: forward slashes, percent-encoded outside RFC 3986's unreserved
/// characters (Japanese folder names are common). Relative paths stay relative (to
/// `%SRCROOT%`, the checkout, when rinken runs at its root); absolute ones become `file://`
/// URIs, or relative ones when under the working directory. The path's own bytes are encoded,
/// so names that are not UTF-8 keep apart; a backslash separates folders only on Windows.
pub fn artifact_uri(path: &std::path::Path) -> (String, bool) {
    let mut path = path;
    let cwd = std::env::current_dir().ok();
    let relative = match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(rel) if path.is_absolute() => {
            path = rel;
            true
        }
        _ => !path.is_absolute(),
    };
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut text: &[u8] = bytes;
    while let Some(rest) = text.strip_prefix(b"./").or_else(|| text.strip_prefix(b".\\").filter(|_| cfg!(windows))) {
        text = rest;
    }
    let mut uri = String::with_capacity(text.len());
    for &b in text {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(b as char);
        } else if b == b'\\' && cfg!(windows) {
            uri.push('/');
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    if relative {
        (uri, true)
    } else {
        (format!("file://{uri}"), false)
    }
}

fn rule_json(r: &Rule, lang: Lang) -> Value {
    let (bad, good) = (lang.pick("誤りの例", "bad"), lang.pick("直した例", "fixed"));
    let (bad_example, good_example) = r.examples(lang);
    let help = format!("{}\n\n{bad}: {bad_example}\n{good}: {good_example}", r.why.get(lang));
    let help_md = format!("{}\n\n- {bad}: `{bad_example}`\n- {good}: `{good_example}`", r.why.get(lang));
    json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.summary.get(lang)},
        "fullDescription": {"text": r.why.get(lang)},
        "help": {"text": help, "markdown": help_md},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"tags": ["rinken", &r.id[..1]]},
    })
}

pub struct Sarif {
    out: Out,
    lang: Lang,
    results: Spool,
}

impl Sarif {
    pub fn new(out: Out, lang: Lang) -> Sarif {
        Sarif { out, lang, results: Spool::default() }
    }
}

impl Observer for Sarif {
    fn file(&mut self, file: &FileReport<'_>) {
        let (uri, relative) = artifact_uri(file.input.path());
        let mut artifact = json!({"uri": uri});
        if relative {
            artifact["uriBaseId"] = json!("%SRCROOT%");
        }
        // The baseline's key of a finding, counted within the file: it survives moved lines,
        // so code scanning can follow an alert across edits.
        let mut seen: HashMap<u128, u32> = HashMap::new();
        for f in file.findings {
            let key =
                format!("{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}", file.input.rel(), f.record, f.rule.id, f.path, f.value);
            let hash = xxhash_rust::xxh3::xxh3_128(key.as_bytes());
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            let mut location = json!({"physicalLocation": {"artifactLocation": artifact.clone()}});
            if f.line > 0 {
                let mut region = json!({"startLine": f.line});
                if f.column > 0 {
                    region["startColumn"] = json!(f.column);
                }
                location["physicalLocation"]["region"] = region;
            }
            let index = ALL.iter().position(|r| r.id == f.rule.id).expect("every rule is in ALL");
            let result = json!({
                "ruleId": f.rule.id,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
                "partialFingerprints": {"rinkenFinding/v1": format!("{hash:032x}:{n}")},
                "properties": {"record": f.record, "path": f.path, "value": f.value},
            });
            self.results.json_item(&result);
        }
    }

    fn finish(&mut self, _totals: &Totals, _skipped: &[Skipped]) {
        let rules: Vec<Value> = ALL.iter().map(|r| rule_json(r, self.lang)).collect();
        let doc = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "rinken",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": information_uri(),
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": MARK,
            }],
        });
        let mut text = serde_json::to_string_pretty(&doc).expect("JSON values");
        text.push('\n');
        std::mem::take(&mut self.results).print_json(&mut self.out, &text);
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{capture, sample};
    use super::*;

    #[test]
    fn uris_are_relative_forward_slashed_and_percent_encoded() {
        let uri = |p: &str| artifact_uri(std::path::Path::new(p));
        assert_eq!(uri("./提出/a b.xml"), ("%E6%8F%90%E5%87%BA/a%20b.xml".to_owned(), true));
        let backslash = if cfg!(windows) { "in/x.xml" } else { "in%5Cx.xml" };
        assert_eq!(uri("in\\x.xml").0, backslash, "a folder separator only on Windows");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = |b: &[u8]| artifact_uri(std::path::Path::new(std::ffi::OsStr::from_bytes(b))).0;
            assert_eq!((odd(b"x\xff.xml"), odd(b"x\xfe.xml")), ("x%FF.xml".into(), "x%FE.xml".into()));
        }
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("x/y.xml");
        assert_eq!(artifact_uri(&inside), ("x/y.xml".to_owned(), true));
        assert_eq!(uri("/nonexistent-root/q.xml"), ("file:///nonexistent-root/q.xml".to_owned(), false));
    }

    #[test]
    fn the_catalogue_as_rules_and_one_result_per_finding() {
        let (input, findings) = sample();
        let (out, buf) = capture();
        let mut s = Sarif::new(out, Lang::En);
        s.file(&FileReport::new(input, &findings, 2, 1));
        s.finish(&Totals::default(), &[]);
        s.flush().unwrap();
        let v: Value = serde_json::from_slice(&buf.borrow()).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), ALL.len());
        assert!(rules.iter().all(|r| r["shortDescription"]["text"].is_string() && r["help"]["text"].is_string()));
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        assert!(results[0]["locations"][0]["physicalLocation"].get("region").is_none(), "no line, no region");
        let r = &results[1];
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], r["ruleId"]);
        assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 117);
        assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "in/a.xml");
        assert_eq!(results[2]["level"], "warning");
    }
}
