//! Reading a large file as a stream, for files too big to hold whole.
//!
//! `Tracked` sits between the file and quick-xml's buffered reader. Every byte the parser
//! consumes passes through it once: it is hashed (B002), and appended to a window that holds
//! only the current form, so that positions and quoted text of findings stay available while a
//! batch of any size streams through in constant memory. When a new form starts, the window
//! forgets what came before and remembers where it now starts (line and column).

use std::io::{self, BufRead, Read};
use xxhash_rust::xxh3::Xxh3;

const BUF: usize = 256 * 1024;

pub struct Tracked<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    /// `buf[flushed..pos]` is consumed but not yet hashed or in the window: quick-xml consumes
    /// a few bytes at a time, and doing that work per call cost more than the parse.
    flushed: usize,
    hasher: Xxh3,
    non_ws: bool,
    window: Vec<u8>,
    window_start: usize,
    window_line: u32,
    window_col: u32,
}

impl<R: Read> Tracked<R> {
    pub fn new(inner: R) -> Tracked<R> {
        Tracked {
            inner,
            buf: vec![0; BUF].into_boxed_slice(),
            pos: 0,
            filled: 0,
            flushed: 0,
            hasher: Xxh3::new(),
            non_ws: false,
            window: Vec::new(),
            window_start: 0,
            window_line: 1,
            window_col: 1,
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
        self.window.extend_from_slice(chunk);
        self.flushed = self.pos;
    }

    /// Forgets everything before byte `at`, keeping the line and column where `at` is.
    pub fn retain_from(&mut self, at: usize) {
        self.flush();
        let Some(cut) = at.checked_sub(self.window_start).map(|c| c.min(self.window.len())) else { return };
        let dropped = &self.window[..cut];
        match memchr::memrchr(b'\n', dropped) {
            None => self.window_col += chars(dropped),
            Some(last) => {
                self.window_line += memchr::memchr_iter(b'\n', dropped).count() as u32;
                self.window_col = 1 + chars(&dropped[last + 1..]);
            }
        }
        self.window.drain(..cut);
        self.window_start += cut;
    }

    /// The bytes still held, with the offset, line and column where they start.
    pub fn window(&mut self) -> (&[u8], usize, u32, u32) {
        self.flush();
        (&self.window, self.window_start, self.window_line, self.window_col)
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

fn chars(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u32
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
            self.pos = 0;
            self.flushed = 0;
            self.filled = loop {
                match self.inner.read(&mut self.buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
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
    }
}
