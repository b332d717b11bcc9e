//! `--format junit`: JUnit XML for CI dashboards, one testcase per input file. A testcase fails
//! when the file has a finding at or above `--fail-on` (E by default), listing those findings;
//! its other findings go to `<system-out>`.

use super::spool::Spool;
use super::{Out, Settings};
use crate::finding::{Finding, Severity};
use crate::input::Skipped;
use crate::lang::Lang;
use crate::report::summary::Totals;
use crate::run::{FailOn, FileReport, Observer};
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// XML 1.0 cannot hold most C0 controls even escaped; a value quoted with one (L010) keeps
/// the place of the character.
pub fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

struct Case {
    name: String,
    /// (message attribute, type attribute, text) when failing.
    failure: Option<(String, String, String)>,
    out: String,
}

pub struct Junit {
    out: Out,
    lang: Lang,
    fail_on: FailOn,
    cases: Spool,
    failures: usize,
}

impl Junit {
    pub fn new(out: Out, s: Settings) -> Junit {
        Junit { out, lang: s.lang, fail_on: s.fail_on, cases: Spool::default(), failures: 0 }
    }

    fn failing(&self, f: &Finding) -> bool {
        f.severity == Severity::E || self.fail_on == FailOn::Warning
    }
}

fn line(f: &Finding) -> String {
    let at = if f.line > 0 { format!("{}:{}", f.line, f.column) } else { "-".to_owned() };
    let place = if f.path.is_empty() { String::new() } else { format!(" {}", f.path) };
    format!("{} {} [{}]{place} {}: {}\n", f.rule.id, f.severity, f.record, at, f.message)
}

/// Stands in for the testcases when the rest of the document is rendered.
const PLACEHOLDER: &str = "rinken-spool";

/// The testcase as the document's writer prints it two elements deep: a writer that has
/// opened two elements, of which only what follows is kept.
fn render(c: &Case) -> quick_xml::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Start(BytesStart::new("testsuites")))?;
    w.write_event(Event::Start(BytesStart::new("testsuite")))?;
    let from = w.get_ref().len();
    let name = xml_safe(&c.name);
    let case = w.create_element("testcase").with_attributes([("classname", "rinken"), ("name", name.as_str())]);
    if c.failure.is_none() && c.out.is_empty() {
        case.write_empty()?;
    } else {
        case.write_inner_content(|w| {
            if let Some((message, kind, text)) = &c.failure {
                let message = xml_safe(message);
                w.create_element("failure")
                    .with_attributes([("message", message.as_str()), ("type", kind.as_str())])
                    .write_text_content(BytesText::new(&xml_safe(text)))?;
            }
            if !c.out.is_empty() {
                w.create_element("system-out").write_text_content(BytesText::new(&xml_safe(&c.out)))?;
            }
            Ok(())
        })?;
    }
    let mut bytes = w.into_inner();
    bytes.drain(..from);
    Ok(bytes)
}

impl Observer for Junit {
    fn file(&mut self, file: &FileReport<'_>) {
        let (failing, other): (Vec<&Finding>, Vec<&Finding>) = file.findings.iter().partition(|f| self.failing(f));
        let lang = self.lang;
        let failure = (!failing.is_empty()).then(|| {
            let (e, w) = (file.errors, file.warnings);
            let message = crate::tr!(lang, "エラー {e} 件・警告 {w} 件", "{e} errors, {w} warnings");
            let kind = if failing.iter().any(|f| f.severity == Severity::E) { "error" } else { "warning" };
            (message, kind.to_owned(), failing.iter().map(|f| line(f)).collect())
        });
        self.failures += failure.is_some() as usize;
        let out = other.iter().map(|f| line(f)).collect();
        let case = Case { name: file.input.display().to_owned(), failure, out };
        self.cases.item(|w, _| w.write_all(&render(&case).map_err(std::io::Error::other)?));
    }

    fn finish(&mut self, _totals: &Totals, _skipped: &[Skipped]) {
        let cases = std::mem::take(&mut self.cases);
        let (tests, failures) = (cases.len().to_string(), self.failures.to_string());
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        let written = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).and_then(|_| {
            let attrs =
                [("name", "rinken"), ("tests", tests.as_str()), ("failures", failures.as_str()), ("errors", "0")];
            w.create_element("testsuites").with_attributes(attrs).write_inner_content(|w| {
                w.create_element("testsuite")
                    .with_attributes(attrs)
                    .with_attribute(("skipped", "0"))
                    .write_inner_content(|w| {
                        if !cases.is_empty() {
                            w.write_event(Event::Comment(BytesText::new(PLACEHOLDER)))?;
                        }
                        Ok(())
                    })?;
                Ok(())
            })?;
            Ok(())
        });
        written.expect("XML to memory");
        let mut doc = String::from_utf8(w.into_inner()).expect("XML from str");
        doc.push('\n');
        if cases.is_empty() {
            return cases.print(&mut self.out, &doc, "");
        }
        let mark = format!("\n    <!--{PLACEHOLDER}-->");
        let (head, tail) = doc.split_once(&mark).expect("the document holds the placeholder");
        cases.print(&mut self.out, head, tail);
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{capture, sample};
    use super::*;

    fn render(fail_on: FailOn, findings_of_b: usize) -> String {
        let (input, mut findings) = sample();
        findings[1].message = "<&\u{1}>".into();
        let (out, buf) = capture();
        let mut j = Junit::new(out, Settings { lang: Lang::En, fail_on, colour: false });
        j.file(&FileReport::new(input, &findings, 2, 1));
        let b = crate::input::Input::new(std::path::Path::new("in/b.xml"), "in/b.xml", "b.xml");
        j.file(&FileReport::new(b, &findings[2..2 + findings_of_b], 0, findings_of_b));
        j.finish(&Totals::default(), &[]);
        j.flush().unwrap();
        let text = String::from_utf8(buf.borrow().clone()).unwrap();
        text
    }

    #[test]
    fn a_testcase_per_file_failing_on_errors_with_warnings_as_output() {
        let xml = render(FailOn::Error, 1);
        assert!(xml.contains(r#"<testsuite name="rinken" tests="2" failures="1""#), "{xml}");
        assert!(
            xml.contains(r#"<failure message="2 errors, 1 warnings" type="error">F009 E [0] -: bad name"#),
            "{xml}"
        );
        assert!(xml.contains("&lt;&amp;\u{fffd}&gt;"), "escaped and XML-safe: {xml}");
        assert!(xml.contains("<system-out>D007 W [1] 9:5: old"), "{xml}");
        let strict = render(FailOn::Warning, 1);
        assert!(strict.contains(r#"failures="2""#), "{strict}");
        let empty = render(FailOn::Error, 0);
        assert!(empty.contains(r#"<testcase classname="rinken" name="in/b.xml"/>"#), "{empty}");
    }
}
