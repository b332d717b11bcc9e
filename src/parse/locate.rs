//! Byte offsets to 1-based line and column (in characters), computed only when a finding
//! needs them: most files have none, and they pay nothing.

use std::cell::OnceCell;

/// Character counts are kept every this many bytes, so that a column on a very long line costs
/// at most this many bytes of counting instead of the whole line: a file of 2,000,000 unknown
/// elements on one line would otherwise take time quadratic in its size.
const STRIDE: usize = 1024;

pub struct Locator<'a> {
    text: &'a [u8],
    line_starts: OnceCell<Vec<usize>>,
    /// Characters before `k * STRIDE`, for every k; built only when a long line needs it.
    marks: OnceCell<Vec<usize>>,
}

/// Characters starting in `bytes` (UTF-8 lead bytes and ASCII, not continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a [u8]) -> Locator<'a> {
        Locator { text, line_starts: OnceCell::new(), marks: OnceCell::new() }
    }

    /// (line, column) of `offset`; columns count characters, as an editor shows them.
    pub fn locate(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts.get_or_init(|| {
            let mut v = vec![0];
            v.extend(memchr::memchr_iter(b'\n', self.text).map(|i| i + 1));
            v
        });
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let col = if offset - start <= 2 * STRIDE {
            char_starts(&self.text[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line as u32, col as u32 + 1)
    }

    fn chars_before(&self, offset: usize) -> usize {
        let marks = self.marks.get_or_init(|| {
            let mut v = Vec::with_capacity(self.text.len() / STRIDE + 1);
            let mut n = 0;
            v.push(0);
            for chunk in self.text.chunks(STRIDE) {
                n += char_starts(chunk);
                v.push(n);
            }
            v
        });
        let k = offset / STRIDE;
        marks[k] + char_starts(&self.text[k * STRIDE..offset])
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
    fn columns_on_long_lines_count_characters_across_marks() {
        // Three-byte characters straddle the marks; the count must not depend on where they fall.
        let mut text = "x\n".to_string();
        text.push_str(&"山a".repeat(10_000));
        let l = Locator::new(text.as_bytes());
        for chars in [0usize, 1, 2, 3, 1000, 1023, 1024, 4095, 4096, 9999, 19_999, 20_000] {
            let offset = 2 + text[2..].char_indices().nth(chars).map_or(text.len() - 2, |(i, _)| i);
            assert_eq!(l.locate(offset), (2, chars as u32 + 1), "{chars}");
        }
        // An offset inside a character counts it, as the short-line path does.
        let inside = 2 + STRIDE * 3 + 1;
        let direct = char_starts(&text.as_bytes()[2..inside]) as u32 + 1;
        assert_eq!(l.locate(inside), (2, direct));
    }
}
