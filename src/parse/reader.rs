//! quick-xml's borrowing reader, with the commonest events cut here.
//!
//! A quick-xml 0.42 reader over a `&str` checks the UTF-8 of every event again: its source
//! for `&[u8]` cannot tell a reader made from a `str` from one made from bytes. That was 13 %
//! of a worker's instructions (docs/performance.md), for text the decoder had already checked
//! once. Start, empty and end tags, and text up to the next tag, make nearly all of a form;
//! they begin and end at ASCII bytes, so a `str` sliced there is a `str`. They are cut here
//! with quick-xml's own [`ElementParser`] and event constructors into the very events its
//! reader would give. Everything else (the declaration, comments, CDATA, processing
//! instructions, DOCTYPE, references, whatever is not closed, the end) is left to quick-xml,
//! at a point where its state is the one it would have been in had it read everything itself.

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::parser::{ElementParser, Parser as _};
use quick_xml::utils::{is_whitespace, name_len};
use quick_xml::Reader;

/// A reader over text in memory. Offsets are from the start of that text.
pub(super) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    /// Bytes read here or passed over, which quick-xml's offsets lack.
    own: usize,
    /// quick-xml is between events in its `InsideText` state, so what it would read next is
    /// exactly what is left of its input: an event taken from there here leaves it as it was,
    /// as though it had read the event itself. It is in that state after every tag, comment,
    /// CDATA section, processing instruction or reference it gives, and after every event
    /// taken here; after text, an error or the end it may not be, and reads on its own until
    /// it gives one of those.
    in_text: bool,
    /// The last event was a start, empty or end tag ([`XmlReader::pass_blank`]).
    after_tag: bool,
    /// Where the last error was, as quick-xml gives it plus what was taken here before it.
    error_at: usize,
}

impl<'a> XmlReader<'a> {
    /// End tags are matched by the parser, not by quick-xml: a text read in pieces gets a
    /// reader per piece, which would not know the elements opened before it, and whole texts
    /// are checked the same way so that both find the same errors.
    pub fn new(text: &'a str) -> XmlReader<'a> {
        XmlReader { reader: quick_xml_reader(text), text, own: 0, in_text: false, after_tag: false, error_at: 0 }
    }

    /// The next event.
    #[inline]
    pub fn read_event(&mut self) -> quick_xml::Result<Event<'a>> {
        let event = match self.in_text.then(|| self.cut()).flatten() {
            Some(event) => Ok(event),
            None => {
                let event = self.reader.read_event();
                if event.is_err() {
                    self.error_at = self.own + self.reader.error_position() as usize;
                }
                self.in_text = matches!(
                    event,
                    Ok(Event::Start(_)
                        | Event::End(_)
                        | Event::Empty(_)
                        | Event::Decl(_)
                        | Event::PI(_)
                        | Event::Comment(_)
                        | Event::CData(_)
                        | Event::DocType(_)
                        | Event::GeneralRef(_))
                );
                event
            }
        };
        self.after_tag = matches!(event, Ok(Event::Start(_) | Event::End(_) | Event::Empty(_)));
        event
    }

    /// Offset just past the last event.
    #[inline]
    pub fn position(&self) -> usize {
        self.own + self.reader.buffer_position() as usize
    }

    /// Offset of the last error (0 before any).
    pub fn error_position(&self) -> usize {
        self.error_at
    }

    /// What is left to read.
    #[inline]
    fn rest(&self) -> &'a [u8] {
        self.reader.get_ref()
    }

    /// Takes the next `len` bytes away from quick-xml, which then reads on after them.
    #[inline]
    fn take(&mut self, len: usize) {
        let rest = self.rest();
        *self.reader.get_mut() = &rest[len..];
        self.own += len;
    }

    /// The next `len` bytes from `skip` on, as text.
    #[inline]
    fn str_at(&self, skip: usize, len: usize) -> &'a str {
        let at = self.text.len() - self.rest().len() + skip;
        &self.text[at..at + len]
    }

    /// The next event if it is a start, empty or end tag, or text followed by a tag or a
    /// reference, as quick-xml's reader would give it (`read_until_close`, `emit_start`,
    /// `emit_end` and `read_text` in its reader); `None` leaves it to quick-xml.
    #[inline]
    fn cut(&mut self) -> Option<Event<'a>> {
        let rest = self.rest();
        let (event, len) = match *rest.first()? {
            b'<' => {
                if matches!(rest.get(1)?, b'!' | b'?') {
                    return None;
                }
                let (close, name_end) = tag_end(rest)?;
                let event = if rest[1] == b'/' {
                    // As `trim_markup_names_in_closing_tags`, on by default, has it.
                    let name = &rest[2..close];
                    let len = if name_end == close {
                        name.len()
                    } else {
                        name.iter().rposition(|&b| !is_whitespace(b)).map_or(name.len(), |p| p + 1)
                    };
                    Event::End(BytesEnd::new(self.str_at(2, len)))
                } else if rest[close - 1] == b'/' {
                    // `<a/>`, not `<>` (close is past the `<`).
                    Event::Empty(BytesStart::from_content(self.str_at(1, close - 2), name_end.min(close - 1) - 1))
                } else {
                    Event::Start(BytesStart::from_content(self.str_at(1, close - 1), name_end - 1))
                };
                (event, close + 1)
            }
            b'&' => return None,
            _ => {
                // Text up to the end is quick-xml's: it ends the reading.
                let end = text_end(rest)?;
                (Event::Text(BytesText::from_escaped(self.str_at(0, end))), end)
            }
        };
        self.take(len);
        Some(event)
    }

    /// Passes over the white space between a tag and the next one, which would otherwise be
    /// a text event of its own: a third of a form's events, each read and matched for
    /// nothing. Only after a start, end or empty tag, and only when the parser says no text
    /// here is part of a value (the innermost open element is not one whose value is read),
    /// so what it passes over is white space nothing reads: whether it is passed over or read,
    /// and so where a piece of a streamed text ends, changes nothing but the work.
    #[inline]
    pub fn pass_blank(&mut self) {
        if !self.after_tag {
            return;
        }
        let rest = self.rest();
        let n = rest.iter().position(|&b| !super::is_xml_ws(b)).unwrap_or(rest.len());
        if n > 0 && rest.get(n) == Some(&b'<') {
            self.take(n);
        }
    }
}

/// quick-xml's reader over `text`, as [`XmlReader`] hands it what it does not cut.
fn quick_xml_reader(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    // Expanded empty elements are the only events quick-xml allocates; the parser relies on
    // events owning nothing (it does not drop them).
    config.expand_empty_elements = false;
    reader
}

/// Where the tag at the start of `rest` ends (its `>`, as [`ElementParser`] finds it) and
/// where its name ends (at the first white space, or the `>`), if it ends.
#[inline]
fn tag_end(rest: &[u8]) -> Option<(usize, usize)> {
    // Names are short and most tags have no attributes: a plain loop over the name costs less
    // than setting up a vector search, and finds the name's end on the way.
    for (i, &b) in rest.iter().enumerate().skip(1) {
        match b {
            b'>' => return Some((i, i)),
            b if is_whitespace(b) => return Some((i + ElementParser::Outside.feed(&rest[i..])?, i)),
            b'"' | b'\'' => {
                let close = ElementParser::Outside.feed(rest)?;
                return Some((close, 1 + name_len(&rest[1..close])));
            }
            _ => {}
        }
    }
    None
}

/// Where text at the start of `rest` ends: at the next `<` or `&`, if there is one.
#[inline]
fn text_end(rest: &[u8]) -> Option<usize> {
    // A plain loop over the first bytes, as for tags, cost more than it saved here.
    memchr::memchr2(b'<', b'&', rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event with the position after it and the last error's, to the end or the 200th.
    fn events(mut next: impl FnMut() -> (String, usize, usize)) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for _ in 0..200 {
            let (event, at, error_at) = next();
            let end = event == "Ok(Eof)";
            out.push((event, at, error_at));
            if end {
                break;
            }
        }
        out
    }

    fn quick_xml_alone(text: &str) -> Vec<(String, usize, usize)> {
        let mut r = quick_xml_reader(text);
        events(|| {
            let e = match r.read_event() {
                Ok(e) => format!("{:?}", Ok::<_, ()>(e)),
                Err(e) => format!("Err({e:?})"),
            };
            (e, r.buffer_position() as usize, r.error_position() as usize)
        })
    }

    fn cut_here(text: &str) -> Vec<(String, usize, usize)> {
        let mut r = XmlReader::new(text);
        events(|| {
            let e = match r.read_event() {
                Ok(e) => format!("{:?}", Ok::<_, ()>(e)),
                Err(e) => format!("Err({e:?})"),
            };
            (e, r.position(), r.error_position())
        })
    }

    #[test]
    fn events_are_quick_xmls_own_for_every_text_and_every_cut() {
        let texts = [
            "<?xml version=\"1.0\"?>\n<a x=\"1>2\" y='a\"b'>text &amp; more<b/><c\t/>\r\n<d></d ></a>",
            "\u{feff}<r><!-- c --><![CDATA[<x>]]><?pi x?><e>v&#x41;w&lt;</e><f a=\"1\"/></r>",
            "<r>&amp;&bad<x>&;</x>a & b<y/>t</r>tail",
            "<><//></><a/><a /><a/ ><x:y xmlns:x='u'>é漢字</x:y><!DOCTYPE r><",
            "<r><a x=\"unclosed></r>",
            "<r><a x='unclosed></r>",
            "  \n<r>\n  <s>1</s>\n  <t>2</t>\n</r>\n",
            "<r></r\n\t><q>&</q>",
        ];
        for text in texts {
            // A prefix stands for a piece of a text that ends anywhere, as a streamed one does.
            for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let piece = &text[..end];
                assert_eq!(cut_here(piece), quick_xml_alone(piece), "{piece:?}");
            }
        }
    }

    #[test]
    fn events_are_quick_xmls_own_for_random_texts() {
        let atoms = [
            "<", ">", "/", "a", "b", " ", "\"", "'", "&", ";", "!", "?", "-", "--", "[", "]", "CDATA", "=", "\r\n",
            "é", "\u{feff}", "amp", "<a>", "</a>", "<b/>", "<!--", "-->", "<?", "?>", "</a \n>",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..3000 {
            let len = next() % 24;
            let text: String = (0..len).map(|_| atoms[next() % atoms.len()]).collect();
            assert_eq!(cut_here(&text), quick_xml_alone(&text), "{text:?}");
        }
    }
}
