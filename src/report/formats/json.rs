//! `--format json`: one document with every file (findings included) and the run's summary.
//! Printed when the run is complete.

use super::spool::{Spool, MARK};
use super::{tool_json, FindingJson, Out};
use crate::input::{SkipReason, Skipped};
use crate::report::summary::{status, Totals};
use crate::run::{FileReport, Observer};
use serde_json::{json, Value};

/// The version of this document's shape; raised only when a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 1;

pub struct Json {
    out: Out,
    files: Spool,
}

impl Json {
    pub fn new(out: Out) -> Json {
        Json { out, files: Spool::default() }
    }
}

pub fn skip_reason(r: SkipReason) -> &'static str {
    match r {
        SkipReason::NotRegular => "not-regular",
        SkipReason::LinkLoop => "link-loop",
        SkipReason::SameFile => "same-file",
    }
}

/// A file of the document, in the order docs/cli.md shows.
#[derive(serde::Serialize)]
struct FileJson<'a> {
    file: &'a str,
    kind: &'a str,
    records: u32,
    errors: usize,
    warnings: usize,
    status: &'a str,
    findings: Vec<FindingJson<'a>>,
}

impl Observer for Json {
    fn file(&mut self, file: &FileReport<'_>) {
        let entry = FileJson {
            file: file.input.display(),
            kind: file.kind.as_str(),
            records: file.records,
            errors: file.errors,
            warnings: file.warnings,
            status: status(file.errors, file.warnings),
            findings: file.findings.iter().map(|f| FindingJson::of(None, f)).collect(),
        };
        self.files.json_item(&entry);
    }

    fn finish(&mut self, t: &Totals, skipped: &[Skipped]) {
        let skipped: Vec<Value> =
            skipped.iter().map(|s| json!({"path": s.path, "reason": skip_reason(s.reason)})).collect();
        let doc = json!({
            "schema_version": SCHEMA_VERSION,
            "tool": tool_json(),
            "files": MARK,
            "summary": {
                "files": t.files,
                "records": t.records,
                "errors": t.errors,
                "warnings": t.warnings,
                "files_with_errors": t.files_with_errors,
                "files_with_warnings_only": t.files_with_warnings_only,
                "skipped": skipped,
            },
        });
        let mut text = serde_json::to_string_pretty(&doc).expect("JSON values");
        text.push('\n');
        std::mem::take(&mut self.files).print_json(&mut self.out, &text);
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
    fn one_document_with_files_findings_and_summary() {
        let (input, findings) = sample();
        let (out, buf) = capture();
        let mut j = Json::new(out);
        j.file(&FileReport::new(input, &findings, 2, 1));
        let totals = Totals { files: 1, errors: 2, warnings: 1, files_with_errors: 1, ..Totals::default() };
        j.finish(&totals, &[]);
        j.flush().unwrap();
        let v: Value = serde_json::from_slice(&buf.borrow()).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["tool"]["name"], "rinken");
        assert_eq!(v["files"][0]["status"], "error");
        assert_eq!(v["files"][0]["findings"].as_array().unwrap().len(), 3);
        assert_eq!(v["files"][0]["findings"][1]["rule"], "L007");
        assert!(v["files"][0]["findings"][1].get("file").is_none(), "the file is said once, on the file");
        assert_eq!(v["summary"]["errors"], 2);
    }
}
