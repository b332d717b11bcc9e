//! The long middle of a document format (the files of `json`, the results of `sarif`, the
//! testcases of `junit`), held until the run is complete: in memory up to [`IN_MEMORY`] bytes,
//! then in an anonymous temporary file. A document is printed only once the run has finished,
//! so that a failed run never leaves half of one; a run over 100,000 files must still not hold
//! 100,000 files' findings in memory (issue 4: under 150 MiB however many files).

use super::Out;
use std::io::{self, Read, Seek, Write};

/// Beyond this the items go to a temporary file (`TMPDIR`).
const IN_MEMORY: usize = 1 << 20;

/// Stands in for the spooled array when a format renders the rest of its document; a string no
/// finding can make (a NUL is never in a name, a value or a message of the document).
pub const MARK: &str = "\u{0}rinken-spool\u{0}";

pub struct Spool {
    w: io::BufWriter<tempfile::SpooledTempFile>,
    items: usize,
    error: Option<io::Error>,
}

impl Default for Spool {
    fn default() -> Spool {
        Spool { w: io::BufWriter::new(tempfile::spooled_tempfile(IN_MEMORY)), items: 0, error: None }
    }
}

impl Spool {
    /// How many items were added.
    pub fn len(&self) -> usize {
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// Adds one item, written by `render` (given the item's index, for separators).
    pub fn item(&mut self, render: impl FnOnce(&mut dyn Write, usize) -> io::Result<()>) {
        if self.error.is_none() {
            if let Err(e) = render(&mut self.w, self.items) {
                self.error = Some(e);
            }
        }
        self.items += 1;
    }

    /// Writes `head`, the items, then `tail` to `out`.
    pub fn print(self, out: &mut Out, head: &str, tail: &str) {
        self.print_padded(out, head, b"", tail)
    }

    /// As [`Spool::print`], with `pad` after each line break of the items.
    fn print_padded(self, out: &mut Out, head: &str, pad: &[u8], tail: &str) {
        let copied = self.error.map_or(Ok(()), Err).and_then(|()| {
            let mut file = self.w.into_inner().map_err(|e| e.into_error())?;
            file.rewind()?;
            let mut buf = vec![0; 64 << 10];
            out.write(head.as_bytes());
            let mut items = Indented { w: &mut ToOut(out), pad };
            loop {
                match file.read(&mut buf)? {
                    0 => break,
                    n => items.write_all(&buf[..n])?,
                }
            }
            out.write(tail.as_bytes());
            Ok(())
        });
        if let Err(e) = copied {
            let e = io::Error::new(e.kind(), format!("TMPDIR の一時ファイル / temporary file in TMPDIR: {e}"));
            out.fail(e);
        }
    }

    /// Prints a pretty-printed JSON document whose array stands as the string [`MARK`], with
    /// the items of [`Spool::json_item`] in its place.
    pub fn print_json(self, out: &mut Out, doc: &str) {
        let mark = serde_json::to_string(MARK).expect("a string");
        let at = doc.find(&mark).expect("the document holds the mark");
        let (head, tail) = (&doc[..at], &doc[at + mark.len()..]);
        if self.is_empty() {
            return self.print(out, &format!("{head}[]"), tail);
        }
        // The items were printed at the top level; they move in one step deeper than the line
        // of the array's key.
        let line = &head[head.rfind('\n').map_or(0, |i| i + 1)..];
        let indent = line.len() - line.trim_start().len();
        let tail = format!("\n{}]{tail}", " ".repeat(indent));
        self.print_padded(out, &format!("{head}["), " ".repeat(indent + 2).as_bytes(), &tail)
    }

    /// Adds `value` as an item of the JSON array [`Spool::print_json`] prints.
    pub fn json_item(&mut self, value: &impl serde::Serialize) {
        self.item(|w, i| {
            w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer_pretty(w, value).map_err(io::Error::from)
        });
    }
}

/// `out` as a writer; its errors are kept in it for [`Out::flush`].
struct ToOut<'o>(&'o mut Out);

impl Write for ToOut<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Passes bytes through, starting each line after a line break with `pad`: a value printed at
/// the top level becomes one nested `pad` deep. Pretty JSON has no line break inside a string,
/// so only its structure moves.
struct Indented<'w> {
    w: &'w mut dyn Write,
    pad: &'w [u8],
}

impl Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.w.write_all(&rest[..=i])?;
            self.w.write_all(self.pad)?;
            rest = &rest[i + 1..];
        }
        self.w.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::capture;
    use super::*;
    use serde_json::json;

    /// The spliced document is the one serde_json prints whole, byte for byte, however many
    /// items, and whether they stayed in memory or went to the temporary file.
    #[test]
    fn a_spliced_document_is_the_whole_document() {
        for n in [0, 1, 3, 12_000] {
            let items: Vec<_> =
                (0..n).map(|i| json!({"n": i, "text": "値\n\"x\"".repeat(i % 7), "list": [i, {"a": []}]})).collect();
            for deep in [false, true] {
                let whole = |array: serde_json::Value| {
                    let doc = if deep {
                        json!({"a": 1, "runs": [{"results": array, "z": {"k": [1, 2]}}], "z": 2})
                    } else {
                        json!({"files": array, "schema_version": 1})
                    };
                    serde_json::to_string_pretty(&doc).unwrap()
                };
                let mut spool = Spool::default();
                items.iter().for_each(|v| spool.json_item(v));
                assert_eq!(spool.len(), n);
                let (mut out, buf) = capture();
                spool.print_json(&mut out, &whole(json!(MARK)));
                out.flush().unwrap();
                let expected = whole(json!(items));
                assert!(n < 12_000 || expected.len() > IN_MEMORY, "the last case goes through the file");
                assert_eq!(String::from_utf8(buf.borrow().clone()).unwrap(), expected, "{n} items, deep {deep}");
            }
        }
    }
}
