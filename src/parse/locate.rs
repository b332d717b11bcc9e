//! Byte offsets to 1-based line and column (in characters), computed only when a finding
//! needs them: most files have none, and they pay nothing.
//!
//! Queries mostly move forward through the text (findings are made in document order within
//! each pass), so a cursor remembers the last answer and counts only the bytes since; a query
//! behind the cursor uses a line index built on first need. Either way a minified one-line file
//! with thousands of findings does not pay for counting from the start of its only line each
//! time.

use std::cell::{Cell, OnceCell};

pub struct Locator<'a> {
    text: &'a [u8],
    line_starts: OnceCell<Vec<usize>>,
    /// (offset, line, line start, column) of the last answer.
    cursor: Cell<(usize, u32, usize, u32)>,
}

fn chars_in(bytes: &[u8]) -> u32 {
    // Every byte that does not continue a UTF-8 sequence starts a character.
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u32
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a [u8]) -> Locator<'a> {
        Locator { text, line_starts: OnceCell::new(), cursor: Cell::new((0, 1, 0, 1)) }
    }

    /// (line, column) of `offset`; columns count characters, as an editor shows them.
    pub fn locate(&self, offset: usize) -> (u32, u32) {
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
