//! `--format text` (the default): findings grouped by file, one line each, aligned, coloured
//! on a terminal. Files without findings print nothing; the run summary stays on stderr.

use super::{printable, Out, Settings};
use crate::finding::Severity;
use crate::input::Skipped;
use crate::lang::Lang;
use crate::report::summary::Totals;
use crate::run::{FileReport, Observer};
use std::fmt::Write as _;

const RESET: &str = "\x1b[0m";
const FILE: &str = "\x1b[1;35m";
const ERROR: &str = "\x1b[1;31m";
const WARNING: &str = "\x1b[1;33m";
const RULE: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";

/// Colour only for a terminal, and never when `NO_COLOR` is set to anything non-empty
/// (no-color.org).
pub fn colour_wanted(stdout_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stdout_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

pub struct Text {
    out: Out,
    lang: Lang,
    colour: bool,
    files_shown: usize,
}

impl Text {
    pub fn new(out: Out, s: Settings) -> Text {
        Text { out, lang: s.lang, colour: s.colour, files_shown: 0 }
    }

    fn paint(&self, style: &str, text: &str) -> String {
        if self.colour {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

impl Observer for Text {
    fn file(&mut self, file: &FileReport<'_>) {
        if file.findings.is_empty() {
            return;
        }
        let lang = self.lang;
        let mut s = String::new();
        if self.files_shown > 0 {
            s.push('\n');
        }
        self.files_shown += 1;
        let (e, w) = (file.errors, file.warnings);
        let counts = crate::tr!(lang, "エラー {e}・警告 {w}", "{e} errors, {w} warnings");
        let _ = writeln!(s, "{}  {}", self.paint(FILE, &printable(file.input.display())), self.paint(DIM, &counts));
        let locs: Vec<String> = file
            .findings
            .iter()
            .map(|f| if f.line > 0 { format!("{}:{}", f.line, f.column) } else { "-".to_owned() })
            .collect();
        let width = locs.iter().map(String::len).max().unwrap_or(1);
        for (f, loc) in file.findings.iter().zip(&locs) {
            let sev = match f.severity {
                Severity::E => self.paint(ERROR, "E"),
                Severity::W => self.paint(WARNING, "W"),
            };
            let context = match (f.record, f.path.is_empty()) {
                (0, true) => String::new(),
                (0, false) => format!("  ({})", f.path),
                (r, true) => crate::tr!(lang, "  (様式 {r})", "  (form {r})"),
                (r, false) => crate::tr!(lang, "  (様式 {r} {p})", "  (form {r}, {p})", p = f.path),
            };
            let _ = writeln!(
                s,
                "  {loc:>width$}  {sev} {}  {}{}",
                self.paint(RULE, f.rule.id),
                printable(&f.message),
                self.paint(DIM, &context)
            );
        }
        self.out.write(s.as_bytes());
        self.out.push();
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
    use crate::run::FailOn;
    use std::ffi::OsStr;

    fn render(colour: bool) -> String {
        let (input, findings) = sample();
        let (out, buf) = capture();
        let mut t = Text::new(out, Settings { lang: Lang::En, fail_on: FailOn::Error, colour });
        t.file(&FileReport::new(input, &findings, 2, 1));
        t.file(&FileReport::new(input, &[], 0, 0));
        t.flush().unwrap();
        let text = String::from_utf8(buf.borrow().clone()).unwrap();
        text
    }

    #[test]
    fn groups_by_file_aligns_locations_and_colours_only_when_asked() {
        assert_eq!(
            render(false),
            "in/a.xml  2 errors, 1 warnings\n      -  E F009  bad name\n  117:5  E L007  bad sex  (form 1, Patient/Sex)\n    9:5  W D007  old  (form 1)\n"
        );
        let coloured = render(true);
        assert!(coloured.contains("\x1b[1;31mE\x1b[0m") && coloured.contains("\x1b[1;35min/a.xml"));
    }

    #[test]
    fn control_characters_of_names_and_messages_do_not_reach_the_terminal() {
        let (_, mut findings) = sample();
        let input = crate::input::Input::new(std::path::Path::new("in/a.xml"), "a\nb\u{1b}[31mred.xml", "a.xml");
        findings[0].message = "x\u{1}y".into();
        let (out, buf) = capture();
        let mut t = Text::new(out, Settings { lang: Lang::En, fail_on: FailOn::Error, colour: false });
        t.file(&FileReport::new(input, &findings, 2, 1));
        t.flush().unwrap();
        let text = String::from_utf8(buf.borrow().clone()).unwrap();
        assert!(text.starts_with("a\u{FFFD}b\u{FFFD}[31mred.xml  "), "{text:?}");
        assert!(text.contains("x\u{FFFD}y") && !text.contains('\u{1b}'), "{text:?}");
    }

    #[test]
    fn colour_follows_the_terminal_and_no_color() {
        assert!(colour_wanted(true, None));
        assert!(colour_wanted(true, Some(OsStr::new(""))));
        assert!(!colour_wanted(true, Some(OsStr::new("1"))));
        assert!(!colour_wanted(false, None));
    }
}
