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
    /// A file's lines, kept from file to file so that it grows only a few times a run.
    buf: String,
}

impl Text {
    pub fn new(out: Out, s: Settings) -> Text {
        Text { out, lang: s.lang, colour: s.colour, files_shown: 0, buf: String::new() }
    }

    /// Writes `text` into `s`, in `style` when colours are on. Only `format_args!` goes
    /// through: a file's lines are written into one buffer with no string of their own (the
    /// text of a file with findings took about 9,000 instructions of the report thread, most
    /// of them allocating and copying such strings).
    fn paint(&self, s: &mut String, style: &str, text: std::fmt::Arguments<'_>) {
        if self.colour {
            let _ = write!(s, "{style}{text}{RESET}");
        } else {
            let _ = s.write_fmt(text);
        }
    }
}

/// The width of a finding's location as [`Text`] shows it: `line:column`, or `-` without one.
fn loc_width(line: u32, column: u32) -> usize {
    let digits = |n: u32| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    if line > 0 {
        digits(line) + 1 + digits(column)
    } else {
        1
    }
}

impl Observer for Text {
    fn file(&mut self, file: &FileReport<'_>) {
        if file.findings.is_empty() {
            return;
        }
        let lang = self.lang;
        let mut s = std::mem::take(&mut self.buf);
        s.clear();
        if self.files_shown > 0 {
            s.push('\n');
        }
        self.files_shown += 1;
        let (e, w) = (file.errors, file.warnings);
        self.paint(&mut s, FILE, format_args!("{}", printable(file.input.display())));
        s.push_str("  ");
        match lang {
            Lang::Ja => self.paint(&mut s, DIM, format_args!("エラー {e}・警告 {w}")),
            Lang::En => self.paint(&mut s, DIM, format_args!("{e} errors, {w} warnings")),
        }
        s.push('\n');
        let width = file.findings.iter().map(|f| loc_width(f.line, f.column)).max().unwrap_or(1);
        for f in file.findings {
            s.push_str("  ");
            s.extend(std::iter::repeat_n(' ', width - loc_width(f.line, f.column)));
            let _ = if f.line > 0 { write!(s, "{}:{}", f.line, f.column) } else { write!(s, "-") };
            s.push_str("  ");
            match f.severity {
                Severity::E => self.paint(&mut s, ERROR, format_args!("E")),
                Severity::W => self.paint(&mut s, WARNING, format_args!("W")),
            }
            s.push(' ');
            self.paint(&mut s, RULE, format_args!("{}", f.rule.id));
            s.push_str("  ");
            s.push_str(&printable(&f.message));
            let (r, p) = (f.record, &f.path);
            match (r, p.is_empty(), lang) {
                (0, true, _) => self.paint(&mut s, DIM, format_args!("")),
                (0, false, _) => self.paint(&mut s, DIM, format_args!("  ({p})")),
                (_, true, Lang::Ja) => self.paint(&mut s, DIM, format_args!("  (様式 {r})")),
                (_, true, Lang::En) => self.paint(&mut s, DIM, format_args!("  (form {r})")),
                (_, false, Lang::Ja) => self.paint(&mut s, DIM, format_args!("  (様式 {r} {p})")),
                (_, false, Lang::En) => self.paint(&mut s, DIM, format_args!("  (form {r}, {p})")),
            }
            s.push('\n');
        }
        self.out.write(s.as_bytes());
        self.out.push();
        // A file with thousands of findings would keep its megabytes for the rest of the run.
        if s.capacity() <= 1 << 16 {
            self.buf = s;
        }
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
        render_in(Lang::En, colour)
    }

    fn render_in(lang: Lang, colour: bool) -> String {
        let (input, findings) = sample();
        let (out, buf) = capture();
        let mut t = Text::new(out, Settings { lang, fail_on: FailOn::Error, colour });
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
        // Byte for byte: an empty context is still painted, as it always was.
        assert_eq!(
            render(true),
            concat!(
                "\x1b[1;35min/a.xml\x1b[0m  \x1b[2m2 errors, 1 warnings\x1b[0m\n",
                "      -  \x1b[1;31mE\x1b[0m \x1b[36mF009\x1b[0m  bad name\x1b[2m\x1b[0m\n",
                "  117:5  \x1b[1;31mE\x1b[0m \x1b[36mL007\x1b[0m  bad sex\x1b[2m  (form 1, Patient/Sex)\x1b[0m\n",
                "    9:5  \x1b[1;33mW\x1b[0m \x1b[36mD007\x1b[0m  old\x1b[2m  (form 1)\x1b[0m\n",
            )
        );
    }

    #[test]
    fn japanese_counts_and_contexts() {
        assert_eq!(
            render_in(Lang::Ja, false),
            concat!(
                "in/a.xml  エラー 2・警告 1\n",
                "      -  E F009  bad name\n",
                "  117:5  E L007  bad sex  (様式 1 Patient/Sex)\n",
                "    9:5  W D007  old  (様式 1)\n",
            )
        );
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
