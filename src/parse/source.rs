//! Where the parser's events come from.

use super::locate::Locator;
use crate::input::stream::Tracked;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::Read;

/// Where the parser's events come from: a whole text in memory, or a stream that keeps only
/// the current form's bytes. Positions are byte offsets from the start of the text.
pub trait Source {
    /// The next event, and the offset where it starts.
    fn next_event(&mut self) -> (usize, quick_xml::Result<Event<'_>>);
    fn error_position(&self) -> usize;
    /// Offset just past what was read.
    fn end(&self) -> usize;
    /// A form starts at `at`: nothing before it will be located again.
    fn form_starts(&mut self, at: usize);
    /// Whether the text starts with U+FEFF. The decoder has already taken off a byte-order
    /// mark, so another one is a character before the root, which quick-xml would skip
    /// silently, leaving every offset it gives three bytes short of the markup it names.
    fn leads_with_bom(&mut self) -> bool;
    /// Lends a locator for offsets from the current form on.
    fn with_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>));
}

/// A whole document in memory.
pub struct TextSource<'a> {
    reader: Reader<&'a [u8]>,
    loc: Locator<'a>,
    bom: bool,
}

impl<'a> TextSource<'a> {
    pub fn new(text: &'a str) -> TextSource<'a> {
        TextSource {
            reader: Reader::from_str(text),
            loc: Locator::new(text.as_bytes()),
            bom: text.starts_with('\u{feff}'),
        }
    }
}

impl Source for TextSource<'_> {
    fn next_event(&mut self) -> (usize, quick_xml::Result<Event<'_>>) {
        let pos = self.reader.buffer_position() as usize;
        (pos, self.reader.read_event())
    }
    fn error_position(&self) -> usize {
        self.reader.error_position() as usize
    }
    fn end(&self) -> usize {
        self.reader.buffer_position() as usize
    }
    fn form_starts(&mut self, _: usize) {}
    fn leads_with_bom(&mut self) -> bool {
        self.bom
    }
    fn with_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>)) {
        f(&self.loc)
    }
}

/// Event buffers larger than this are dropped after use rather than kept for the next event.
const BIG_EVENT: usize = 1 << 20;

/// A document read as a stream (UTF-8, already decoded if it was not).
pub struct StreamSource<R> {
    reader: Reader<Tracked<R>>,
    buf: Vec<u8>,
}

impl<R: Read> StreamSource<R> {
    pub fn new(inner: R) -> StreamSource<R> {
        StreamSource { reader: Reader::from_reader(Tracked::new(inner)), buf: Vec::new() }
    }

    /// A stream whose hash also covers `prefix`, bytes of the file read before `inner`.
    pub fn with_hashed(inner: R, prefix: &[u8]) -> StreamSource<R> {
        let mut s = StreamSource::new(inner);
        s.reader.get_mut().hash_only(prefix);
        s
    }

    pub fn tracked(&mut self) -> &mut Tracked<R> {
        self.reader.get_mut()
    }

    /// Reads whatever the parse left unread, so that the hash covers the whole stream.
    pub fn finish(&mut self) -> std::io::Result<u128> {
        self.reader.get_mut().forget_window();
        std::io::copy(self.reader.get_mut(), &mut std::io::sink())?;
        Ok(self.reader.get_mut().digest())
    }
}

impl<R: Read> Source for StreamSource<R> {
    fn next_event(&mut self) -> (usize, quick_xml::Result<Event<'_>>) {
        // A huge text node leaves a huge buffer; keeping it would hold that memory for the
        // rest of the file.
        if self.buf.capacity() > BIG_EVENT {
            self.buf = Vec::new();
        }
        self.buf.clear();
        let pos = self.reader.buffer_position() as usize;
        (pos, self.reader.read_event_into(&mut self.buf))
    }
    fn error_position(&self) -> usize {
        self.reader.error_position() as usize
    }
    fn end(&self) -> usize {
        self.reader.buffer_position() as usize
    }
    fn form_starts(&mut self, at: usize) {
        self.reader.get_mut().retain_from(at);
    }
    fn leads_with_bom(&mut self) -> bool {
        use std::io::BufRead;
        self.reader.get_mut().fill_buf().is_ok_and(|b| b.starts_with(&[0xEF, 0xBB, 0xBF]))
    }
    fn with_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>)) {
        let (bytes, start, line, col) = self.reader.get_mut().window();
        f(&Locator::with_base(bytes, start, line, col))
    }
}
