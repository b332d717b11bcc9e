//! Byte offsets to 1-based line and column (in characters), computed only when a finding
//! needs them: most files have none, and they pay nothing.
//!
//! Queries mostly move forward through the text (findings are made in document order within
//! each pass), so a cursor remembers the last answer and counts only the bytes since; a query
//! behind the cursor uses a line index built on first need. Either way a minified one-line file
//! with thousands of findings does not pay for counting from the start of its only line each
//! time.

use std::cell::{Cell, OnceCell};

/// What a finding needs from the text it is about.
pub trait Locate {
    /// (line, column) of a byte offset; (0, 0) when the offset is no longer known.
    fn locate(&self, offset: usize) -> (u32, u32);
    /// The text from `offset` to the end of its line (at most 60 characters), to quote.
    fn snippet(&self, offset: usize) -> String;
}

/// Locates offsets in a piece of text that starts at byte `base` of the file, on line
/// `base_line`, column `base_col`: the whole file (base 0, line 1, column 1), or the part a
/// stream still holds.
pub struct Locator<'a> {
    text: &'a [u8],
    base: usize,
    base_line: u32,
    base_col: u32,
    line_starts: OnceCell<Vec<usize>>,
    /// (offset, line, line start, column) of the last answer, relative to `text`.
    cursor: Cell<(usize, u32, usize, u32)>,
}

fn chars_in(bytes: &[u8]) -> u32 {
    crate::input::decode::char_count(bytes) as u32
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a [u8]) -> Locator<'a> {
        Locator::with_base(text, 0, 1, 1)
    }

    pub fn with_base(text: &'a [u8], base: usize, base_line: u32, base_col: u32) -> Locator<'a> {
        Locator { text, base, base_line, base_col, line_starts: OnceCell::new(), cursor: Cell::new((0, 1, 0, 1)) }
    }

    /// (line, column) within `text`; columns count characters, as an editor shows them.
    fn locate_relative(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let (at, line, start, col) = self.cursor.get();
        let answer = if offset >= at {
            let seg = &self.text[at..offset];
            match memchr::memrchr(b'\n', seg) {
                None => (line, start, col + chars_in(seg)),
                Some(last) => {
                    let lines = memchr::memchr_iter(b'\n', seg).count() as u32;
                    let start = at + last + 1;
                    (line + lines, start, 1 + chars_in(&self.text[start..offset]))
                }
            }
        } else {
            let starts = self.line_starts.get_or_init(|| {
                let mut v = vec![0];
                v.extend(memchr::memchr_iter(b'\n', self.text).map(|i| i + 1));
                v
            });
            let line = starts.partition_point(|&s| s <= offset);
            let start = starts[line - 1];
            (line as u32, start, 1 + chars_in(&self.text[start..offset]))
        };
        self.cursor.set((offset, answer.0, answer.1, answer.2));
        (answer.0, answer.2)
    }
}

/// The text a [`Locator`] works on, copied out so that it can go to another thread.
#[derive(Debug, Default, Clone)]
pub struct OwnedText {
    text: Vec<u8>,
    base: usize,
    base_line: u32,
    base_col: u32,
}

impl OwnedText {
    /// Copies `loc`'s text from `from` on (earlier offsets will read as unknown), reusing this
    /// buffer's allocation.
    pub fn copy_from(&mut self, loc: &Locator<'_>, from: usize) {
        let skip = from.saturating_sub(loc.base).min(loc.text.len());
        let (line, col) = if skip == 0 { (loc.base_line, loc.base_col) } else { loc.locate(loc.base + skip) };
        self.text.clear();
        self.text.extend_from_slice(&loc.text[skip..]);
        (self.base, self.base_line, self.base_col) = (loc.base + skip, line, col);
    }

    pub fn locator(&self) -> Locator<'_> {
        Locator::with_base(&self.text, self.base, self.base_line, self.base_col)
    }
}

impl Locate for Locator<'_> {
    fn locate(&self, offset: usize) -> (u32, u32) {
        let Some(rel) = offset.checked_sub(self.base) else { return (0, 0) };
        match self.locate_relative(rel) {
            (1, col) => (self.base_line, self.base_col + col - 1),
            (line, col) => (self.base_line + line - 1, col),
        }
    }

    fn snippet(&self, offset: usize) -> String {
        let Some(rest) = offset.checked_sub(self.base).and_then(|rel| self.text.get(rel..)) else {
            return String::new();
        };
        let line = &rest[..memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len())];
        String::from_utf8_lossy(&line[..line.len().min(240)]).chars().take(60).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\n山田<x>\n\nz".as_bytes();
        let l = Locator::new(text);
        assert_eq!(l.locate(0), (1, 1));
        assert_eq!(l.locate(2), (1, 3));
        assert_eq!(l.locate(3), (2, 1));
        assert_eq!(l.locate(9), (2, 3)); // after 山田 (6 bytes)
        assert_eq!(l.locate(text.len()), (4, 2));
        assert_eq!(l.locate(10_000), (4, 2));
    }

    #[test]
    fn a_base_shifts_positions_and_earlier_offsets_are_unknown() {
        let l = Locator::with_base("ab\ncd".as_bytes(), 100, 7, 5);
        assert_eq!(l.locate(100), (7, 5));
        assert_eq!(l.locate(101), (7, 6));
        assert_eq!(l.locate(104), (8, 2));
        assert_eq!(l.locate(99), (0, 0));
        assert_eq!(l.snippet(101), "b");
        assert_eq!(l.snippet(50), "");
    }

    #[test]
    fn owned_copies_locate_like_the_original() {
        let text = "a\nbc\n山田\nx";
        let l = Locator::with_base(text.as_bytes(), 10, 3, 2);
        let mut owned = OwnedText::default();
        owned.copy_from(&l, 13);
        let o = owned.locator();
        for off in 13..10 + text.len() {
            assert_eq!(o.locate(off), l.locate(off), "{off}");
        }
        assert_eq!(o.locate(12), (0, 0));
    }

    #[test]
    fn forward_and_backward_queries_agree_with_a_fresh_count() {
        let text = "一\nab\n\n三四五\nx".repeat(20);
        let bytes = text.as_bytes();
        let fresh = |o: usize| {
            let before = &bytes[..o];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            (line, chars_in(&bytes[start..o]) + 1)
        };
        let l = Locator::new(bytes);
        let boundaries: Vec<usize> = (0..=bytes.len()).filter(|&i| text.is_char_boundary(i)).collect();
        for (k, &o) in boundaries.iter().enumerate() {
            assert_eq!(l.locate(o), fresh(o), "forward {o}");
            let back = boundaries[k / 2];
            assert_eq!(l.locate(back), fresh(back), "backward {back}");
            assert_eq!(l.locate(o), fresh(o), "forward again {o}");
        }
    }
}
