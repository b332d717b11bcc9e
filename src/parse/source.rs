//! Where the parser's events come from.

use super::locate::Locator;
use quick_xml::events::Event;
use quick_xml::Reader;

/// Where the parser's events come from: a whole text in memory ([`TextSource`]), or a piece of
/// a text read in pieces ([`super::pieces::ChunkSource`]). Events borrow the text (`'i`), not
/// the source, so the parser can ask the source about an event while it holds it. Positions
/// are byte offsets from the start of the text.
pub trait Source<'i> {
    /// The next event. [`Source::event_start`] then tells where it starts, and
    /// [`Source::is_cut`] whether it may be an artefact of the source ending before the text
    /// does: the parser then asks for more instead of taking it. `pass_blank`: no text here is
    /// part of a value, so white space up to the next tag may be passed over ([`skip_blank`]).
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

/// A reader over text in memory. End tags are matched by the parser, not by quick-xml: a text
/// read in pieces gets a reader per piece, which would not know the elements opened before it,
/// and whole texts are checked the same way so that both find the same errors.
pub(super) fn reader_over(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    // Expanded empty elements are the only events quick-xml allocates; the parser relies on
    // events owning nothing (it does not drop them).
    config.expand_empty_elements = false;
    reader
}

/// Passes over the white space between a tag and the next one, which quick-xml would hand
/// over as a text event of its own: a third of a form's events, each read, checked as UTF-8
/// and matched for nothing. Called after a start, end or empty tag only, and only where the
/// parser says no text is part of a value (the innermost open element is not one whose value
/// is read), so what it passes over is white space nothing reads: whether it is passed over
/// or read, and so where a piece of a streamed text ends, changes nothing but the work done.
/// Returns how many bytes it passed over, which the reader's offsets then lack.
#[inline]
pub(super) fn skip_blank(reader: &mut Reader<&[u8]>) -> usize {
    let rest: &[u8] = reader.get_ref();
    let n = rest.iter().position(|&b| !super::is_xml_ws(b)).unwrap_or(rest.len());
    if n == 0 || rest.get(n) != Some(&b'<') {
        return 0;
    }
    *reader.get_mut() = &rest[n..];
    n
}

/// Whether [`skip_blank`] may run before the event after `event`.
#[inline]
pub(super) fn ends_a_tag(event: &quick_xml::Result<Event<'_>>) -> bool {
    matches!(event, Ok(Event::Start(_) | Event::End(_) | Event::Empty(_)))
}

/// A whole document in memory.
pub struct TextSource<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a [u8],
    start: usize,
    /// Bytes [`skip_blank`] passed over, which the reader's offsets lack, and whether the last
    /// event was a tag.
    skipped: usize,
    after_tag: bool,
    loc: Locator<'a>,
    bom: bool,
    cr: bool,
    suspect: bool,
}

impl<'a> TextSource<'a> {
    pub fn new(text: &'a str) -> TextSource<'a> {
        TextSource {
            reader: reader_over(text),
            text: text.as_bytes(),
            start: 0,
            skipped: 0,
            after_tag: false,
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
        if pass_blank && self.after_tag {
            self.skipped += skip_blank(&mut self.reader);
        }
        self.start = self.end();
        let event = self.reader.read_event();
        self.after_tag = ends_a_tag(&event);
        event
    }
    #[inline]
    fn event_start(&self) -> usize {
        self.start
    }
    fn error_position(&self) -> usize {
        self.skipped + self.reader.error_position() as usize
    }
    #[inline]
    fn end(&self) -> usize {
        self.skipped + self.reader.buffer_position() as usize
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
