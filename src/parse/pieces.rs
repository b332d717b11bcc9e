//! Parsing a text too large to hold whole, in pieces read into one buffer.
//!
//! The buffer holds the current form and the piece being read: quick-xml reads each piece in
//! place, as it reads a text held whole, and the parser goes on from one piece to the next
//! ([`Parser::feed`]). An event that reaches the end of a piece may be cut short (a text node
//! going on, a tag not closed yet): the parser then stops before it, the buffer keeps the
//! current form and that event, and the next piece starts with them. A form larger than a
//! piece makes the next read as large as the buffer, so any form costs time linear in its size,
//! and memory stays about twice the largest form whatever the size of the text.

use super::locate::Locator;
use super::reader::XmlReader;
use super::source::Source;
use super::{DocInfo, Parser, Record};
use crate::input::decode::LineCol;
use quick_xml::events::Event;
use std::io;

/// Bytes read at a time (at least).
pub const PIECE: usize = 1 << 20;

/// Parses the UTF-8 text that `read` gives (as `Read::read` does: 0 at the end), calling
/// `on_record` for every complete form. A byte that is not UTF-8 ends the
/// text there (a caller that can meet one learns it from the bytes, and the parse is then
/// void); so does a character cut by the end of the text. `piece`: bytes read at a time.
pub fn parse_pieces(
    parser: &mut Parser<'_>,
    piece: usize,
    read: &mut dyn FnMut(&mut [u8]) -> io::Result<usize>,
    on_record: &mut (impl FnMut(&mut Record, &Locator<'_>) + ?Sized),
) -> io::Result<DocInfo> {
    let mut progress = parser.begin();
    // `buf[..end]` holds the text from offset `base`; the rest is room, zeroed once.
    let (mut buf, mut end, mut base, mut from) = (Vec::new(), 0, 0, 0);
    let mut mark = ChunkMark::default();
    loop {
        // At least 3 bytes: the first piece holds a byte-order mark whole, if there is one.
        let want = piece.max(end).max(3);
        if buf.len() < end + want {
            buf.resize(end + want, 0);
        }
        let mut n = 0;
        while n < want {
            match read(&mut buf[end + n..end + want])? {
                0 => break,
                k => n += k,
            }
        }
        end += n;
        let at_end = n < want;
        // Up to the first byte that is not UTF-8, and short of a character the piece ends
        // inside unless the text ends there.
        let (text, last) = match simdutf8::compat::from_utf8(&buf[..end]) {
            Ok(text) => (text, at_end),
            Err(e) => {
                let last = at_end || e.error_len().is_some();
                (simdutf8::compat::from_utf8(&buf[..e.valid_up_to()]).unwrap_or_default(), last)
            }
        };
        let mut src = ChunkSource::new(text, base, from, last, &mut mark);
        let Some(at) = parser.feed(&mut progress, &mut src, on_record) else { break };
        // Keep what a later piece needs: the current form, and the event to read again.
        let keep = mark.keep_from().min(at) - base;
        buf.copy_within(keep..end, 0);
        (end, base, from) = (end - keep, base + keep, at);
    }
    Ok(progress.info)
}

/// Where a text read in pieces stands between pieces: what [`ChunkSource`] needs to go on in
/// the next one. Offsets are from the start of the text.
#[derive(Debug, Default)]
pub struct ChunkMark {
    /// Nothing before this offset is located again (the start of the current form).
    keep_from: usize,
    /// Line and column at `keep_from`.
    at: LineCol,
    /// Start of the last markup event (`<`…) seen: a reader may start there.
    last_markup: usize,
}

impl ChunkMark {
    /// A text that starts at `offset`, at line and column `at`.
    pub fn starting_at(offset: usize, at: LineCol) -> ChunkMark {
        ChunkMark { keep_from: offset, at, last_markup: offset }
    }

    /// The first offset a later piece must hold.
    pub fn keep_from(&self) -> usize {
        self.keep_from.min(self.last_markup)
    }
}

/// A piece of a text in memory, `text` starting at offset `base`, from which the parser takes
/// events from offset `from` on. Unless it is `last`, an event that reaches its end may be cut
/// short, and the parser asks for a piece that holds more ([`Source::is_cut`]).
pub struct ChunkSource<'a, 'm> {
    reader: XmlReader<'a>,
    text: &'a str,
    base: usize,
    /// Offset (in `text`) where the reader starts.
    start: usize,
    /// Offset (in `text`) of the last event.
    event: usize,
    last: bool,
    mark: &'m mut ChunkMark,
    /// What the reader reads holds a CR ([`Source::may_hold_cr`]).
    cr: bool,
    /// What the reader reads may hold what XML forbids ([`Source::suspect`]).
    suspect: bool,
}

impl<'a, 'm> ChunkSource<'a, 'm> {
    /// `text` must start at or before `mark.keep_from()` and hold the text from `from` on.
    pub fn new(text: &'a str, base: usize, from: usize, last: bool, mark: &'m mut ChunkMark) -> ChunkSource<'a, 'm> {
        let rel = |offset: usize| offset - base;
        // quick-xml drops a byte-order mark at the start of what it reads, which is right for a
        // document and wrong for a text node that starts with U+FEFF: start such a piece at the
        // last markup before it instead, and pass over what was already taken.
        let start = if from > 0 && text[rel(from)..].starts_with('\u{feff}') { mark.last_markup } else { from };
        let mut src = ChunkSource {
            reader: XmlReader::new(&text[rel(start)..]),
            text,
            base,
            start: rel(start),
            event: 0,
            last,
            mark,
            cr: memchr::memchr(b'\r', &text.as_bytes()[rel(start)..]).is_some(),
            suspect: super::forbidden::may_hold(&text.as_bytes()[rel(start)..]),
        };
        while src.at() < rel(from) && matches!(src.reader.read_event(), Ok(ref e) if !matches!(e, Event::Eof)) {}
        src.event = src.at();
        src
    }

    fn at(&self) -> usize {
        self.start + self.reader.position()
    }

    fn locator_to(&self, to: usize, f: &mut dyn FnMut(&Locator<'_>)) {
        let from = self.mark.keep_from - self.base;
        let text = &self.text.as_bytes()[from..to.max(from)];
        f(&Locator::with_base(text, self.mark.keep_from, self.mark.at))
    }
}

impl<'a> Source<'a> for ChunkSource<'a, '_> {
    #[inline]
    fn next_event(&mut self, pass_blank: bool) -> quick_xml::Result<Event<'a>> {
        if pass_blank {
            self.reader.pass_blank();
        }
        self.event = self.at();
        if self.text.as_bytes().get(self.event) == Some(&b'<') {
            self.mark.last_markup = self.base + self.event;
        }
        self.reader.read_event()
    }
    #[inline]
    fn event_start(&self) -> usize {
        self.base + self.event
    }
    #[inline]
    fn is_cut(&self, event: &quick_xml::Result<Event<'a>>) -> bool {
        // An event that ends where the piece ends may go on in the next one (a text node, a tag
        // or comment not closed yet), and quick-xml's end of input is only the piece's. A syntax
        // error (something not closed) close to the end may be the piece's end too: quick-xml
        // stops short of it by the few bytes of `<!-` at most. Read again with more text after
        // it, a real error is then far from the end and is reported.
        !self.last
            && match event {
                Ok(Event::Eof) => true,
                Ok(_) => self.at() >= self.text.len(),
                Err(quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_)) => self.at() + 8 >= self.text.len(),
                Err(_) => false,
            }
    }
    fn error_position(&self) -> usize {
        self.base + self.start + self.reader.error_position()
    }
    fn end(&self) -> usize {
        self.base + self.at()
    }
    fn form_starts(&mut self, at: usize) {
        let from = self.mark.keep_from.max(self.base) - self.base;
        let to = at.saturating_sub(self.base).min(self.text.len());
        if to > from {
            self.mark.at.feed(&self.text.as_bytes()[from..to]);
            self.mark.keep_from = self.base + to;
        }
    }
    fn leads_with_bom(&mut self) -> bool {
        self.base == 0 && self.start == 0 && self.text.starts_with('\u{feff}')
    }
    fn with_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>)) {
        self.locator_to(self.text.len(), f)
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
        &self.text.as_bytes()[self.event..self.at()]
    }
    fn with_form_locator(&mut self, f: &mut dyn FnMut(&Locator<'_>)) {
        // A form handed over is copied with its locator's text, which must end where the form
        // does, not where the piece does.
        self.locator_to(self.at(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::locate::Locate;
    use crate::tables::Tables;

    /// Everything a parse tells: per form its elements, values, unknown elements and positions
    /// (as the locator gives them), and the document's outcome.
    fn outcome(parser: &mut Parser<'_>, text: &str, piece: Option<usize>) -> (String, String) {
        let mut out = String::new();
        let mut on_record = |r: &mut Record, loc: &Locator<'_>| {
            use std::fmt::Write;
            let _ = write!(out, "form {} at {:?}:", r.number, loc.locate(r.offset));
            for e in &r.elems {
                let _ = write!(out, " {}={:?}@{:?}", e.node, r.value(e), loc.locate(e.offset));
            }
            for u in &r.unknown {
                let _ = write!(out, " ?{}@{:?}", r.str(u.name), loc.locate(u.offset));
            }
            out.push('\n');
        };
        let info = match piece {
            None => parser.parse(text, &mut on_record),
            Some(piece) => {
                let mut rest = text.as_bytes();
                let mut read = |buf: &mut [u8]| std::io::Read::read(&mut rest, buf);
                parse_pieces(parser, piece, &mut read, &mut on_record).unwrap()
            }
        };
        // A piece may hold less of the line after an error than the whole text does: the
        // quoted text may be shorter, never different (compared apart).
        let snippet = info.error.as_ref().map(|e| e.snippet.clone()).unwrap_or_default();
        let error = info.error.map(|e| (e.offset, e.problem, e.pos));
        let told = format!(
            "{out}root {:?} at {:?}, {} forms, error {:?}, doctype {:?}, stray {:?}",
            info.root,
            info.root_pos,
            info.forms,
            error,
            info.doctype.map(|d| d.0),
            info.stray.iter().map(|s| (&s.name, s.pos)).collect::<Vec<_>>()
        );
        (told, snippet)
    }

    const NS: &str = crate::parse::NAMESPACE;

    #[test]
    fn any_piece_size_gives_what_the_whole_text_gives() {
        let tables = Tables::embedded().unwrap();
        let mut parser = Parser::new(&tables);
        let form = |n: u32| {
            format!(
                "<Rinkohyo formVersion=\"2403\"><!-- 備考 <x> -->\n  <Header><ApplicationType>{n}</ApplicationType>\
                 <WrittenDate>2025-0&#54;-1<![CDATA[2]]></WrittenDate></Header>\n  <Patient><FamilyName>\u{feff}山田&amp;\
                 </FamilyName><GivenName>\u{feff}</GivenName><Fax>1</Fax></Patient><Items><Item code=\"HY\" value=\"3\"/></Items>\n</Rinkohyo>\n"
            )
        };
        let batch: String = (1..=3).map(form).collect();
        let texts = [
            format!("<?xml version=\"1.0\"?>\n<FormBatch xmlns=\"{NS}\" count=\"3\">\n{batch}<Other/></FormBatch>\n"),
            // Errors found at every place a piece may end.
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo formVersion=\"2403\"><Header></Patient></FormBatch>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo formVersion=\"2403\"><Header"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<!-- not closed"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}</FormBatch></FormBatch>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}</FormBatch>trailing"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}&undefined;</FormBatch>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<!DOCTYPE x></FormBatch>"),
            format!("\u{feff}<FormBatch xmlns=\"{NS}\"/>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo a=\"1\" a=\"2\"/></FormBatch>"),
            // What XML forbids and quick-xml lets through, after forms that are fine.
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo><Fax>a]]>b</Fax></Rinkohyo></FormBatch>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo><Fax>山\u{1}</Fax></Rinkohyo></FormBatch>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo><Fax>\u{FFFE}</Fax></Rinkohyo></FormBatch>"),
            format!("<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo a=\"1\"b=\"2\" xmlns:p=\"\"/></FormBatch>"),
            format!("<?xml version=\"1.0\"encoding=\"UTF-8\"?>\n<FormBatch xmlns=\"{NS}\">{batch}</FormBatch>"),
            // White space in a value between a child element and what is not a tag's start
            // (a processing instruction, a comment, a CDATA section) is the value's.
            format!(
                "<FormBatch xmlns=\"{NS}\">{batch}<Rinkohyo formVersion=\"2403\"><Patient><Fax>1<x/>  <?p?>2<x></x> \n \
                 <!-- c --> 3 <x/>\n  <![CDATA[4]]></Fax></Patient></Rinkohyo></FormBatch>"
            ),
            // Written with CR LF, and a value with line ends of both kinds and a lone CR.
            format!("<FormBatch xmlns=\"{NS}\">\n{batch}</FormBatch>\n")
                .replace('\n', "\r\n")
                .replace("<GivenName>\u{feff}</GivenName>", "<GivenName>花\r\n子\r郎\n</GivenName>"),
            // Written with lone CRs (classic Mac line ends), with an error on a later line.
            format!("<FormBatch xmlns=\"{NS}\">\n{batch}<Rinkohyo><Fax>a\n</Fax></Sex></FormBatch>\n")
                .replace('\n', "\r"),
        ];
        for text in &texts {
            let (whole, quoted) = outcome(&mut parser, text, None);
            for piece in [1, 2, 3, 5, 7, 16, 61, 200, 4096] {
                let (told, part) = outcome(&mut parser, text, Some(piece));
                assert_eq!(told, whole, "piece {piece} of {text}");
                assert!(quoted.starts_with(&part) && part.is_empty() == quoted.is_empty(), "{part:?} / {quoted:?}");
            }
        }
    }

    #[test]
    fn a_character_cut_by_the_end_leaves_the_text_before_it() {
        let tables = Tables::embedded().unwrap();
        let mut parser = Parser::new(&tables);
        let text = format!("<Rinkohyo xmlns=\"{NS}\" formVersion=\"2403\"><Header>山");
        let cut = &text.as_bytes()[..text.len() - 1];
        let mut rest = cut;
        let mut read = |buf: &mut [u8]| std::io::Read::read(&mut rest, buf);
        let info = parse_pieces(&mut parser, 5, &mut read, &mut |_, _| {}).unwrap();
        let whole = parser.parse(&text[..text.len() - 3], |_, _| {});
        assert_eq!(info.error, whole.error);
    }
}
