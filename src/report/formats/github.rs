//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the files of a pull request.

use super::Out;
use crate::finding::Severity;
use crate::input::Skipped;
use crate::report::summary::Totals;
use crate::run::{FileReport, Observer};

/// Escapes a command's message (GitHub's `escapeData`); other control characters, which the
/// runner would pass to the log as they are, become U+FFFD.
pub fn escape_data(s: &str) -> String {
    let escaped = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    super::printable(&escaped).into_owned()
}

/// Escapes a command property such as `file=` (GitHub's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub struct Github {
    out: Out,
}

impl Github {
    pub fn new(out: Out) -> Github {
        Github { out }
    }
}

impl Observer for Github {
    fn file(&mut self, file: &FileReport<'_>) {
        let mut s = String::new();
        let name = escape_property(file.input.display());
        for f in file.findings {
            let command = match f.severity {
                Severity::E => "error",
                Severity::W => "warning",
            };
            let at = if f.line > 0 { format!(",line={},col={}", f.line, f.column) } else { String::new() };
            let title = escape_property(f.rule.id);
            s.push_str(&format!("::{command} file={name}{at},title={title}::{}\n", escape_data(&f.message)));
        }
        self.out.write(s.as_bytes());
    }

    fn finish(&mut self, _totals: &Totals, _skipped: &[Skipped]) {}

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{capture, sample};
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("100%\r\nnext: a,b"), "100%25%0D%0Anext: a,b");
        assert_eq!(escape_data("a\u{1b}[31mb\u{1}"), "a\u{FFFD}[31mb\u{FFFD}");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn one_command_per_finding_with_position_when_known() {
        let (_, mut findings) = sample();
        let input = crate::input::Input::new(std::path::Path::new("in/a,b.xml"), "in/a,b.xml", "a,b.xml");
        findings[1].message = "two\nlines".into();
        let (out, buf) = capture();
        let mut g = Github::new(out);
        g.file(&FileReport::new(input, &findings, 2, 1));
        g.flush().unwrap();
        let text = String::from_utf8(buf.borrow().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=in/a%2Cb.xml,title=F009::bad name",
                "::error file=in/a%2Cb.xml,line=117,col=5,title=L007::two%0Alines",
                "::warning file=in/a%2Cb.xml,line=9,col=5,title=D007::old",
            ]
        );
    }
}
