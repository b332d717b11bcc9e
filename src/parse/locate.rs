//! Byte offsets to 1-based line and column (in characters), computed only when a finding
//! needs them: most files have none, and they pay nothing.
//!
//! Queries mostly move forward through the text (findings are made in document order within
//! each pass), so a cursor remembers the last answer and counts only the bytes since; a query
//! behind the cursor uses a line index built on first need. Either way a minified one-line file
//! with thousands of findings does not pay for counting from the start of its only line each
//! time.

use crate::input::decode::LineCol;
use std::cell::{Cell, OnceCell};

/// What a finding needs from the text it is about.
pub trait Locate {
    /// (line, column) of a byte offset; (0, 0) when the offset is no longer known.
    fn locate(&self, offset: usize) -> (u32, u32);
    /// The text from `offset` to the end of its line (at most 60 characters), to quote.
    fn snippet(&self, offset: usize) -> String;
}

/// Locates offsets in a piece of text that starts at byte `base` of the file, at line and
/// column `at` (the whole file: base 0, line 1, column 1; or the part a stream still holds).
/// Lines end as [`LineCol`] ends them.
pub struct Locator<'a> {
    text: &'a [u8],
    base: usize,
    at: LineCol,
    /// Offsets just after each line end, from 0 on.
    line_starts: OnceCell<Vec<usize>>,
    /// (offset, position relative to `text`) of the last answer.
    cursor: Cell<(usize, LineCol)>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a [u8]) -> Locator<'a> {
        Locator::with_base(text, 0, LineCol::default())
    }

    pub fn with_base(text: &'a [u8], base: usize, at: LineCol) -> Locator<'a> {
        let start = LineCol { after_cr: at.after_cr, ..LineCol::default() };
        Locator { text, base, at, line_starts: OnceCell::new(), cursor: Cell::new((0, start)) }
    }

    /// (line, column) within `text`; columns count characters, as an editor shows them.
    fn locate_relative(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let (at, mut pos) = self.cursor.get();
        if offset < at {
            // From the start of the line the offset is on.
            let starts = self.line_starts.get_or_init(|| self.line_ends());
            let line = starts.partition_point(|&s| s <= offset);
            let start = starts[line - 1];
            let after_cr = if start == 0 { self.at.after_cr } else { self.text[start - 1] == b'\r' };
            pos = LineCol { line: line as u32, col: 1, after_cr };
            pos.feed(&self.text[start..offset]);
        } else {
            pos.feed(&self.text[at..offset]);
        }
        self.cursor.set((offset, pos));
        (pos.line, pos.col)
    }

    fn line_ends(&self) -> Vec<usize> {
        let mut v = vec![0];
        if !self.at.after_cr && memchr::memchr(b'\r', self.text).is_none() {
            v.extend(memchr::memchr_iter(b'\n', self.text).map(|i| i + 1));
            return v;
        }
        for i in memchr::memchr2_iter(b'\n', b'\r', self.text) {
            let after_cr = if i == 0 { self.at.after_cr } else { self.text[i - 1] == b'\r' };
            if self.text[i] == b'\r' || !after_cr {
                v.push(i + 1);
            }
        }
        v
    }
}

/// The text a [`Locator`] works on, copied out so that it can go to another thread.
#[derive(Debug, Default, Clone)]
pub struct OwnedText {
    text: Vec<u8>,
    base: usize,
    at: LineCol,
}

impl OwnedText {
    /// Copies `loc`'s text from `from` on (earlier offsets will read as unknown), reusing this
    /// buffer's allocation.
    pub fn copy_from(&mut self, loc: &Locator<'_>, from: usize) {
        let skip = from.saturating_sub(loc.base).min(loc.text.len());
        let at = match skip {
            0 => loc.at,
            _ => {
                let (line, col) = loc.locate(loc.base + skip);
                LineCol { line, col, after_cr: loc.text[skip - 1] == b'\r' }
            }
        };
        self.text.clear();
        self.text.extend_from_slice(&loc.text[skip..]);
        (self.base, self.at) = (loc.base + skip, at);
    }

    pub fn locator(&self) -> Locator<'_> {
        Locator::with_base(&self.text, self.base, self.at)
    }
}

impl Locate for Locator<'_> {
    fn locate(&self, offset: usize) -> (u32, u32) {
        let Some(rel) = offset.checked_sub(self.base) else { return (0, 0) };
        match self.locate_relative(rel) {
            (1, col) => (self.at.line, self.at.col + col - 1),
            (line, col) => (self.at.line + line - 1, col),
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
        let l = Locator::with_base("ab\ncd".as_bytes(), 100, LineCol { line: 7, col: 5, after_cr: false });
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
        let l = Locator::with_base(text.as_bytes(), 10, LineCol { line: 3, col: 2, after_cr: false });
        let mut owned = OwnedText::default();
        owned.copy_from(&l, 13);
        let o = owned.locator();
        for off in 13..10 + text.len() {
            assert_eq!(o.locate(off), l.locate(off), "{off}");
        }
        assert_eq!(o.locate(12), (0, 0));
    }

    /// Line and column at `o` counted afresh: a line ends at each CR and at each LF not
    /// right after a CR; the column counts from the last CR or LF.
    fn fresh(bytes: &[u8], o: usize) -> (u32, u32) {
        let before = &bytes[..o];
        let ends = (0..o).filter(|&i| before[i] == b'\r' || (before[i] == b'\n' && (i == 0 || before[i - 1] != b'\r')));
        let line = ends.count() as u32 + 1;
        let start = before.iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
        (line, crate::input::decode::char_count(&bytes[start..o]) as u32 + 1)
    }

    #[test]
    fn forward_and_backward_queries_agree_with_a_fresh_count() {
        for text in ["一\nab\n\n三四五\nx".repeat(20), "一\r\nab\r\r\n三\n\r四五\rx\r".repeat(20)] {
            let bytes = text.as_bytes();
            let l = Locator::new(bytes);
            let boundaries: Vec<usize> = (0..=bytes.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for (k, &o) in boundaries.iter().enumerate() {
                assert_eq!(l.locate(o), fresh(bytes, o), "forward {o}");
                let back = boundaries[k / 2];
                assert_eq!(l.locate(back), fresh(bytes, back), "backward {back}");
                assert_eq!(l.locate(o), fresh(bytes, o), "forward again {o}");
            }
        }
    }

    #[test]
    fn a_text_cut_anywhere_locates_like_the_whole() {
        // A stream's pieces, and the copies handed to workers, may start between a CR and
        // its LF: positions go on as in the whole text.
        // Queried forward (the cursor) and backward (the line index); the second text has no
        // CR after the cut at 2, the case the index's search for a CR once missed.
        for text in ["ab\r\n山\rc\n\r\nd\r", "a\r\nb\nc"] {
            let bytes = text.as_bytes();
            let whole = Locator::new(bytes);
            for cut in (0..=bytes.len()).filter(|&i| text.is_char_boundary(i)) {
                let mut at = LineCol::default();
                at.feed(&bytes[..cut]);
                let offsets: Vec<usize> = (cut..=bytes.len()).filter(|&i| text.is_char_boundary(i)).collect();
                for order in [offsets.clone(), offsets.iter().rev().copied().collect()] {
                    let part = Locator::with_base(&bytes[cut..], cut, at);
                    let mut owned = OwnedText::default();
                    owned.copy_from(&whole, cut);
                    let copy = owned.locator();
                    for &o in &order {
                        assert_eq!(part.locate(o), fresh(bytes, o), "{text:?} cut {cut}, offset {o}");
                        assert_eq!(copy.locate(o), fresh(bytes, o), "{text:?} copy from {cut}, offset {o}");
                    }
                }
            }
        }
    }
}
