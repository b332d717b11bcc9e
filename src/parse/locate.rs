//! Byte offsets to 1-based line and column (in characters), computed only when a finding
//! needs them: most files have none, and they pay nothing.

use std::cell::OnceCell;

pub struct Locator<'a> {
    text: &'a [u8],
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a [u8]) -> Locator<'a> {
        Locator { text, line_starts: OnceCell::new() }
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
        let col = self.text[start..offset].iter().filter(|&&b| (b as i8) >= -0x40).count();
        (line as u32, col as u32 + 1)
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
}
