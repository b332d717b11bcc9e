//! Where the parser's events come from.

use super::locate::Locator;
use super::reader::XmlReader;
use quick_xml::events::Event;

/// Where the parser's events come from: a whole text in memory ([`TextSource`]), or a piece of
/// a text read in pieces ([`super::pieces::ChunkSource`]). Events borrow the text (`'i`), not
/// the source, so the parser can ask the source about an event while it holds it. Positions
/// are byte offsets from the start of the text.
pub trait Source<'i> {
    /// The next event. [`Source::event_start`] then tells where it starts, and
    /// [`Source::is_cut`] whether it may be an artefact of the source ending before the text
    /// does: the parser then asks for more instead of taking it. `pass_blank`: no text here is
    /// part of a value, so white space up to the next tag may be passed over.
    fn next_event(&mut self, pass_blank: bool) -> quick_xml::Result<Event<'i>>;
    /// Where the last event starts.
    fn event_start(&self) -> usize;
    /// Whether the last event, `event`, may be cut short by the end of what the source holds.
    fn is_cut(&self, _event: &quick_xml::Result<Event<'i>>) -> bool {
        false
    }
    fn error_position(&self) -> usize;
    /// Offset just past what was read.
    fn end(&self) -> usize;
    /// A form starts at `at`: nothing before it will be located again.
    fn form_starts(&mut self, at: usize);
    /// Whether the text starts with U+FEFF. The decoder has already taken off a byte-order
    /// mark, so another one is a character before the root, which quick-xml would skip
    /// silently, leaving every offset it gives three bytes short of the markup it names.
    fn leads_with_bom(&mut self) -> bool;
    /// Whether the text may hold a CR, which XML turns into a line feed in values: a text with
    /// none (most are written with LF) spares every value the search for one.
    fn may_hold_cr(&self) -> bool;
    /// Whether the text may hold what XML forbids and quick-xml lets through
    /// ([`super::forbidden::may_hold`]): the parser then looks at each event's bytes.
    fn suspect(&self) -> bool;
    /// The bytes of the last event, as far as it was read.
    fn event_bytes(&self) -> &[u8];
    /// Lends a locator for offsets from the current form on.
    fn with_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>));
    /// Lends a locator for offsets from the current form up to what was read: the text of a
    /// form just read, which is copied when the form is handed over.
    fn with_form_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>)) {
        self.with_locator(f)
    }
}

/// A whole document in memory.
pub struct TextSource<'a> {
    reader: XmlReader<'a>,
    text: &'a [u8],
    start: usize,
    loc: Locator<'a>,
    bom: bool,
    cr: bool,
    suspect: bool,
}

impl<'a> TextSource<'a> {
    pub fn new(text: &'a str) -> TextSource<'a> {
        TextSource {
            reader: XmlReader::new(text),
            text: text.as_bytes(),
            start: 0,
            loc: Locator::new(text.as_bytes()),
            bom: text.starts_with('\u{feff}'),
            cr: memchr::memchr(b'\r', text.as_bytes()).is_some(),
            suspect: super::forbidden::may_hold(text.as_bytes()),
        }
    }
}

impl<'a> Source<'a> for TextSource<'a> {
    #[inline]
    fn next_event(&mut self, pass_blank: bool) -> quick_xml::Result<Event<'a>> {
        if pass_blank {
            self.reader.pass_blank();
        }
        self.start = self.end();
        self.reader.read_event()
    }
    #[inline]
    fn event_start(&self) -> usize {
        self.start
    }
    fn error_position(&self) -> usize {
        self.reader.error_position()
    }
    #[inline]
    fn end(&self) -> usize {
        self.reader.position()
    }
    fn form_starts(&mut self, _: usize) {}
    fn leads_with_bom(&mut self) -> bool {
        self.bom
    }
    #[inline]
    fn may_hold_cr(&self) -> bool {
        self.cr
    }
    #[inline]
    fn suspect(&self) -> bool {
        self.suspect
    }
    fn event_bytes(&self) -> &[u8] {
        &self.text[self.start..self.end()]
    }
    fn with_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>)) {
        f(&self.loc)
    }
}
