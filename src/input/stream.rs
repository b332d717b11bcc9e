//! Reading a large file as a stream, for files too big to hold whole.
//!
//! `Tracked` sits between the file and quick-xml's buffered reader. Every byte the parser
//! consumes passes through it once: it is hashed (B002), and appended to a window that holds
//! only the current form, so that positions and quoted text of findings stay available while a
//! batch of any size streams through in constant memory. When a new form starts, the window
//! forgets what came before and remembers where it now starts (line and column).
//!
//! It also learns whether the bytes are UTF-8 as they pass ([`Utf8Scan`]), and holds back the
//! start of a character until its other bytes are read: a file cut inside its last character
//! then reaches the parser as the text before it, as it does when read whole.

use super::decode::{incomplete_tail, LineCol, Utf8Scan, Utf8Verdict};
use std::io::{self, BufRead, Read};
use xxhash_rust::xxh3::Xxh3;

const BUF: usize = 256 * 1024;

pub struct Tracked<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    /// `buf[..filled]` is for the parser; `buf[filled..end]` is held back, the start of a
    /// character whose other bytes are not read yet.
    filled: usize,
    end: usize,
    /// `buf[flushed..pos]` is consumed but not yet hashed or in the window: quick-xml consumes
    /// a few bytes at a time, and doing that work per call cost more than the parse.
    flushed: usize,
    hasher: Xxh3,
    non_ws: bool,
    window: Vec<u8>,
    /// Whether consumed bytes go to the window: not once the parse is over.
    keep: bool,
    window_start: usize,
    window_at: LineCol,
    utf8: Utf8Scan,
}

impl<R: Read> Tracked<R> {
    pub fn new(inner: R) -> Tracked<R> {
        Tracked {
            inner,
            buf: vec![0; BUF].into_boxed_slice(),
            pos: 0,
            filled: 0,
            end: 0,
            flushed: 0,
            hasher: Xxh3::new(),
            non_ws: false,
            window: Vec::new(),
            keep: true,
            window_start: 0,
            window_at: LineCol::default(),
            utf8: Utf8Scan::default(),
        }
    }

    /// Hashes and keeps what was consumed since the last flush.
    fn flush(&mut self) {
        let chunk = &self.buf[self.flushed..self.pos];
        if chunk.is_empty() {
            return;
        }
        self.hasher.update(chunk);
        if !self.non_ws {
            self.non_ws = chunk.iter().any(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        }
        if self.keep {
            self.window.extend_from_slice(chunk);
        }
        self.flushed = self.pos;
    }

    /// Forgets everything before byte `at`, keeping the line and column where `at` is.
    pub fn retain_from(&mut self, at: usize) {
        self.flush();
        let Some(cut) = at.checked_sub(self.window_start).map(|c| c.min(self.window.len())) else { return };
        self.window_at.feed(&self.window[..cut]);
        self.window.drain(..cut);
        self.window_start += cut;
    }

    /// The parse is over: what is read from now on (to hash it) is not kept. A parse that
    /// stopped at an error early in a large file would otherwise pull the rest into memory.
    pub fn forget_window(&mut self) {
        self.flush();
        self.keep = false;
        self.window = Vec::new();
    }

    /// The bytes still held, with the offset, line and column where they start.
    pub fn window(&mut self) -> (&[u8], usize, u32, u32) {
        self.flush();
        (&self.window, self.window_start, self.window_at.line, self.window_at.col)
    }

    /// Whether the bytes read so far are UTF-8 (all of them, once the stream is at its end).
    pub fn utf8(&self) -> Utf8Verdict {
        self.utf8.verdict()
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Whether some byte that is not XML whitespace was read (an empty-looking file is F002).
    pub fn saw_content(&mut self) -> bool {
        self.flush();
        self.non_ws
    }

    /// Adds bytes to the hash that the parser does not see (a BOM).
    pub fn hash_only(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// Hash of every byte read so far (all of them, once the stream is at its end).
    pub fn digest(&mut self) -> u128 {
        self.flush();
        self.hasher.digest128()
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.filled {
            self.flush();
            self.buf.copy_within(self.filled..self.end, 0);
            self.end -= self.filled;
            (self.pos, self.flushed, self.filled) = (0, 0, 0);
            while self.filled == 0 {
                let n = loop {
                    match self.inner.read(&mut self.buf[self.end..]) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.utf8.feed(&self.buf[self.end..self.end + n]);
                self.end += n;
                if n == 0 {
                    // The end: bytes still held are a character cut off by it. They are the
                    // file's (hash, F002) but not text.
                    self.hasher.update(&self.buf[..self.end]);
                    self.non_ws |= self.end > 0;
                    self.end = 0;
                    break;
                }
                self.filled = self.end - incomplete_tail(&self.buf[..self.end]);
            }
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt.min(self.filled - self.pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_everything_and_keeps_a_window_with_its_position() {
        let text = "<a>\n  <b>山田</b>\n  <c>x</c>\n</a>";
        let mut t = Tracked::new(text.as_bytes());
        let mut all = String::new();
        t.read_to_string(&mut all).unwrap();
        assert_eq!(all, text);
        assert_eq!(t.digest(), xxhash_rust::xxh3::xxh3_128(text.as_bytes()));
        let c = text.find("<c>").unwrap();
        t.retain_from(c);
        let (bytes, start, line, col) = t.window();
        assert_eq!((start, line, col), (c, 3, 3));
        assert!(bytes.starts_with(b"<c>"));
        t.retain_from(c - 1);
        assert_eq!(t.window().1, c, "the window never moves back");
        assert!(t.saw_content());
        assert_eq!(t.utf8().bad, None);
    }

    #[test]
    fn what_is_read_after_the_parse_is_hashed_but_not_kept() {
        let text = "<a>x</a>".repeat(100_000);
        let mut t = Tracked::new(text.as_bytes());
        t.fill_buf().unwrap();
        t.consume(8);
        t.forget_window();
        io::copy(&mut t, &mut io::sink()).unwrap();
        assert!(t.window().0.is_empty(), "the rest of the file is not held");
        assert_eq!(t.digest(), xxhash_rust::xxh3::xxh3_128(text.as_bytes()));
    }

    #[test]
    fn a_character_cut_by_the_end_is_held_back_and_a_character_cut_by_a_read_is_not() {
        // Reads of 2 bytes cut every character; only the one the file ends inside is lost.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(2);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let bytes = &"<a>山田</a>\n京".as_bytes()[..16];
        let mut t = Tracked::new(Trickle(bytes));
        let mut text = String::new();
        t.read_to_string(&mut text).unwrap();
        assert_eq!(text, "<a>山田</a>\n");
        let v = t.utf8();
        assert_eq!((v.bad, v.cut), (None, Some((14, (2, 1)))));
        assert_eq!(t.digest(), xxhash_rust::xxh3::xxh3_128(bytes), "the held bytes are hashed");
    }
}
