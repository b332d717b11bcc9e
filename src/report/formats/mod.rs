//! What `rinken check` prints on stdout (`--format`). The CSV reports are written whatever the
//! format, and every format carries the same findings as they do: each is an [`Observer`] fed
//! the report stage's files in path order.
//!
//! Line formats (text, jsonl, github) are written as files are reported, through a buffer
//! (text on a terminal is pushed out file by file: [`Out::push`]); document formats (json,
//! sarif, junit) print once the run is complete, so a failed run never leaves half a document;
//! their long middle waits in a [`spool::Spool`], not in memory.

pub mod github;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod sarif;
pub mod spool;
pub mod text;

use crate::finding::Finding;
use std::borrow::Cow;

/// `s` with control characters replaced by U+FFFD, for outputs read on a terminal or by a
/// line-based tool: a file name may hold line breaks or escape sequences that would forge lines
/// or repaint the screen. (The CSV reports keep names as they are: RFC 4180 quotes them.)
pub fn printable(s: &str) -> Cow<'_, str> {
    if !has_control(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect())
}

/// Whether `s` holds a control character (`char::is_control`: U+0000–U+001F and
/// U+007F–U+009F), read from its UTF-8 bytes: below 0x20, 0x7F, or 0xC2 followed by 0x80–0x9F.
/// Asking each character took about 10 instructions a character of the messages shown, every
/// one of them.
fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().any(|&c| c < 0x20 || c == 0x7F)
        || memchr::memchr_iter(0xC2, b).any(|i| matches!(b.get(i + 1), Some(0x80..=0x9F)))
}

use crate::lang::Lang;
use crate::run::{FailOn, Observer};
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Readable, grouped by file (colour on a terminal).
    #[default]
    Text,
    /// One JSON document: files, findings and summary.
    Json,
    /// One JSON object per finding, a line each.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one testcase per file.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Standard output for an observer: remembers the first write error instead of losing it, and
/// treats a closed pipe (`rinken check … | head`) as the reader having seen enough.
pub struct Out {
    w: Box<dyn Write>,
    error: Option<io::Error>,
    /// Whether [`Out::push`] writes out at once: someone is watching.
    live: bool,
}

impl Out {
    pub fn new(w: Box<dyn Write>) -> Out {
        Out { w, error: None, live: true }
    }

    /// Standard output, pushed file by file on a terminal; into a file or a pipe it is written
    /// in blocks, as ripgrep does: a system call per file with findings cost the report
    /// thread 5,000 calls over the 100,000 files of docs/performance.md.
    pub fn stdout() -> Out {
        use std::io::IsTerminal;
        let live = io::stdout().is_terminal();
        Out { live, ..Out::new(Box::new(io::BufWriter::new(io::stdout()))) }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            if let Err(e) = self.w.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }

    /// Records an error met while producing the output; [`Out::flush`] returns it.
    pub fn fail(&mut self, e: io::Error) {
        self.error.get_or_insert(e);
    }

    /// Pushes what is buffered out now when someone is watching (a line format on a terminal
    /// shows each file as it is reported); an error is kept for [`Out::flush`].
    pub fn push(&mut self) {
        if self.live && self.error.is_none() {
            if let Err(e) = self.w.flush() {
                self.error = Some(e);
            }
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        let flushed = match self.error.take() {
            Some(e) => Err(e),
            None => self.w.flush(),
        };
        match flushed {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// What a format needs besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub lang: Lang,
    pub fail_on: FailOn,
    /// Text only: ANSI colours.
    pub colour: bool,
}

pub fn observer(format: Format, out: Out, s: Settings) -> Box<dyn Observer> {
    match format {
        Format::Text => Box::new(text::Text::new(out, s)),
        Format::Json => Box::new(json::Json::new(out)),
        Format::Jsonl => Box::new(jsonl::Jsonl::new(out)),
        Format::Sarif => Box::new(sarif::Sarif::new(out, s.lang)),
        Format::Junit => Box::new(junit::Junit::new(out, s)),
        Format::Github => Box::new(github::Github::new(out)),
    }
}

/// A finding as the JSON formats write it: the columns of the CSV reports, same names.
#[derive(serde::Serialize)]
pub struct FindingJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    pub record: u32,
    pub rule: &'static str,
    pub severity: &'static str,
    pub path: &'a str,
    pub line: u32,
    pub column: u32,
    pub value: &'a str,
    pub message: &'a str,
}

impl<'a> FindingJson<'a> {
    pub fn of(file: Option<&'a str>, f: &'a Finding) -> FindingJson<'a> {
        FindingJson {
            file,
            record: f.record,
            rule: f.rule.id,
            severity: f.severity.letter(),
            path: &f.path,
            line: f.line,
            column: f.column,
            value: &f.value,
            message: &f.message,
        }
    }
}

/// `{"name": "rinken", "version": …}`, as the JSON formats name the tool.
pub fn tool_json() -> serde_json::Value {
    serde_json::json!({"name": "rinken", "version": env!("CARGO_PKG_VERSION")})
}

/// Helpers for the formats' unit tests: an `Out` whose bytes can be read back, and one file's
/// findings.
#[cfg(test)]
pub(crate) mod testing {
    use super::Out;
    use crate::finding::{Finding, Severity};
    use crate::input::Input;
    use crate::rules::find;
    use std::cell::RefCell;
    use std::rc::Rc;

    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    pub fn capture() -> (Out, Rc<RefCell<Vec<u8>>>) {
        let buf = Rc::new(RefCell::new(Vec::new()));
        (Out::new(Box::new(Shared(buf.clone()))), buf)
    }

    /// `in/a.xml` with a file-level error, an error with a position and a warning.
    pub fn sample() -> (Input<'static>, Vec<Finding>) {
        let input = Input::new(std::path::Path::new("in/a.xml"), "in/a.xml", "a.xml");
        let mk = |record, rule: &str, severity, line, path: &str, message: &str| {
            Finding::new(find(rule).unwrap(), severity, record, path, (line, 5), "v,1", message.into())
        };
        let findings = vec![
            mk(0, "F009", Severity::E, 0, "", "bad name"),
            mk(1, "L007", Severity::E, 117, "Patient/Sex", "bad sex"),
            mk(1, "D007", Severity::W, 9, "", "old"),
        ];
        (input, findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_by_their_bytes_as_by_char_is_control() {
        // Every character around the control ranges, alone and between others.
        for u in (0..0x300).chain(0xFFF0..0x10000).chain(0x1_0000..0x1_0010) {
            let Some(c) = char::from_u32(u) else { continue };
            for s in [c.to_string(), format!("山{c}田"), format!("a{c}")] {
                assert_eq!(has_control(&s), s.contains(char::is_control), "U+{u:04X} in {s:?}");
            }
        }
        assert_eq!(printable("a\u{85}b\u{7f}\u{a0}"), "a\u{FFFD}b\u{FFFD}\u{a0}");
        assert!(matches!(printable("受給者 ¥ é"), Cow::Borrowed(_)));
    }

    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Counts what reaches it and how often it is flushed.
    struct Counting(std::rc::Rc<std::cell::Cell<(usize, usize)>>);
    impl Write for Counting {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            let (bytes, flushes) = self.0.get();
            self.0.set((bytes + b.len(), flushes));
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            let (bytes, flushes) = self.0.get();
            self.0.set((bytes, flushes + 1));
            Ok(())
        }
    }

    #[test]
    fn push_writes_out_only_when_someone_is_watching() {
        for live in [true, false] {
            let seen = std::rc::Rc::new(std::cell::Cell::new((0, 0)));
            let w = io::BufWriter::new(Counting(seen.clone()));
            let mut out = Out { live, ..Out::new(Box::new(w)) };
            out.write(b"in/a.xml  1 error\n");
            out.push();
            assert_eq!(seen.get(), if live { (18, 1) } else { (0, 0) }, "live: {live}");
            assert!(out.flush().is_ok());
            assert_eq!(seen.get().0, 18);
        }
    }

    #[test]
    fn a_closed_pipe_is_not_an_error_but_others_are() {
        let mut out = Out::new(Box::new(Broken));
        out.write(b"x");
        assert!(out.flush().is_ok());
        let mut full = Out::new(Box::new(io::Cursor::new([0u8; 1])));
        full.write(b"xyz");
        assert!(full.flush().is_err());
    }
}
