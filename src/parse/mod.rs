//! Parse: quick-xml events into record views.
//!
//! The parser walks the layout's path trie as it reads, so each element gets its node id the
//! moment its start tag is seen: no path strings are built per element, and an element the
//! layout does not know is recorded once, with its subtree skipped. Values go into a per-record
//! arena that is reused from form to form, so a batch of any size parses in constant memory.
//! Each finished form is handed to a callback and forgotten.

mod attrs;
mod decl;
mod forbidden;
pub mod locate;
pub(crate) mod names;
mod namespaces;
pub mod pieces;
mod problem;
mod reader;
pub mod record;
mod root_tag;
mod source;

use crate::input::decode::char_count;
use crate::tables::layout::{same_name, NodeId};
use crate::tables::{KindId, Tables};
use locate::{Locate, Locator};
use problem::{attr_error, value_error, Failure};
pub use problem::{XmlError, XmlProblem};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
pub use record::{Elem, ItemElem, Record, Span, Unknown, MAX_KEPT_UNKNOWN, MAX_KEPT_VALUE};
pub use source::{Source, TextSource};
use std::borrow::Cow;

/// The namespace of every element of the format.
pub const NAMESPACE: &str = "urn:rinken:nanbyo-shoman:1";
/// The root element of a file holding several forms.
pub const BATCH_ROOT: &str = "FormBatch";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// No root element was read.
    None,
    Form(KindId),
    Batch,
    /// Something else (F008): its name and namespace.
    Other {
        name: String,
        namespace: Option<String>,
    },
}

/// What the parse learnt about the file as a whole.
#[derive(Debug)]
pub struct DocInfo {
    pub root: Root,
    /// Line and column of the root element.
    pub root_pos: (u32, u32),
    /// `count` attribute of a FormBatch, as written, with the root's offset.
    pub batch_count: Option<String>,
    /// Forms begun: a form cut by an XML error counts, because its record is checked up to the
    /// error and the summary's `records` should show it.
    pub forms: u32,
    pub error: Option<XmlError>,
    /// Where a DOCTYPE is (F007), and its text: the parse stops there, nothing is expanded.
    pub doctype: Option<((u32, u32), String)>,
    /// Children of a FormBatch that are not forms.
    pub stray: Vec<Stray>,
}

/// A child of a FormBatch that is not a form.
#[derive(Debug)]
pub struct Stray {
    pub name: String,
    pub pos: (u32, u32),
    /// For a form's name in another namespace (or none: empty), that namespace: the element is
    /// a form in the wrong namespace rather than something else.
    pub foreign: Option<String>,
}

/// A document being parsed in pieces: what [`Parser::feed`] carries from one piece to the next.
pub struct Progress {
    pub info: DocInfo,
    root_closed: bool,
    /// The first piece has been looked at (for a byte-order mark in the text).
    started: bool,
}

/// What an event asks the loop to do once the event itself is gone.
enum Step {
    Continue,
    /// An element opened that needs a position or a mark (root, form, stray batch child);
    /// `close`: it was empty and is closed too.
    Opened {
        what: Opened,
        close: bool,
    },
    Close,
    Stop,
}

/// What kind of element a start tag opened.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opened {
    Plain,
    Root,
    Form,
    RootForm,
    Stray,
}

/// An open element's name, for matching its end tag.
#[derive(Clone, Copy)]
enum OpenName {
    /// Written as the layout names this node.
    Node(NodeId),
    /// Written otherwise: its bytes are `names[start..]`.
    Bytes(usize),
}

#[derive(Clone, Copy)]
enum Frame {
    Batch,
    /// The root element of a form.
    FormRoot,
    /// A known element; `collect`: its text is its value.
    Known {
        node: NodeId,
        elem: usize,
        collect: bool,
    },
    /// Inside something not looked at (unknown, duplicate group, stray batch child).
    Skip,
}

/// The attributes the format gives meaning to, as [`Parser::read_attributes`] found them (the
/// first of each; a repeated one is F006 before anyone looks).
#[derive(Default)]
struct Wanted<'e> {
    form_version: Option<Attribute<'e>>,
    count: Option<Attribute<'e>>,
    code: Option<Attribute<'e>>,
    value: Option<Attribute<'e>>,
}

/// An attribute's value as XML 1.0 normalises it; a bad reference in it is F006 at `pos`.
fn attr_value<'a>(attr: &'a Attribute<'_>, pos: usize) -> Result<Cow<'a, str>, Failure> {
    attr.normalized_value(XmlVersion::Implicit1_0).map_err(|err| value_error(pos, err))
}

/// Reusable parser state (one per worker thread).
pub struct Parser<'t> {
    tables: &'t Tables,
    record: Record,
    stack: Vec<(Frame, usize)>,
    /// Namespace declarations in scope. Looking a prefix up is one hash lookup however many
    /// declarations a hostile file stacks up (a scan of every binding per element made 50,000
    /// declarations and 100,000 elements take seconds).
    ns: namespaces::Namespaces,
    /// Names of the open elements (start tags only), innermost last; those not named as their
    /// node keep their bytes in `names`, one after the other.
    open: Vec<OpenName>,
    names: Vec<u8>,
    /// The last start tag named its element as the layout does (see [`OpenName::Node`]).
    as_layout: bool,
    /// Per node: whether the current record has already seen it.
    seen: Vec<bool>,
    /// The default namespace in scope is ours: the answer for almost every element, kept
    /// up to date as bindings come and go so that elements need not look it up.
    default_ours: bool,
    /// Characters of the value being collected beyond [`MAX_KEPT_VALUE`], and how many of
    /// them are trailing XML whitespace (not part of the value).
    dropped: usize,
    dropped_ws: usize,
    /// The element of the current form opened or closed last, for [`Layout::child_after`]'s
    /// guess at the next one.
    ///
    /// [`Layout::child_after`]: crate::tables::layout::Layout::child_after
    prev: NodeId,
    /// The last root start tags read, for the next files' ([`root_tag`]).
    root_tags: root_tag::RootTags,
}

/// A qualified name's prefix ("" for none) and local part. Tag names are short: a plain loop
/// beats memchr's set-up.
fn split_prefix(raw: &str) -> (&str, &str) {
    match raw.bytes().position(|b| b == b':') {
        Some(i) => (&raw[..i], &raw[i + 1..]),
        None => ("", raw),
    }
}

pub(crate) fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What a value keeps of text added to it when `kept` bytes are kept already: leading white
/// space is not part of a value, so none is kept before its first other character.
fn kept_part(s: &str, kept: usize) -> &str {
    if kept == 0 {
        &s[s.bytes().take_while(|&b| is_xml_ws(b)).count()..]
    } else {
        s
    }
}

impl<'t> Parser<'t> {
    pub fn new(tables: &'t Tables) -> Parser<'t> {
        Parser {
            tables,
            record: Record::default(),
            stack: Vec::new(),
            ns: namespaces::Namespaces::default(),
            open: Vec::new(),
            names: Vec::new(),
            as_layout: false,
            seen: Vec::new(),
            default_ours: false,
            dropped: 0,
            dropped_ws: 0,
            prev: 0,
            root_tags: root_tag::RootTags::default(),
        }
    }

    /// Parses a whole document in memory, calling `on_record` for every complete form.
    pub fn parse(&mut self, text: &str, on_record: impl FnMut(&mut Record, &Locator<'_>)) -> DocInfo {
        self.run(&mut TextSource::new(text), on_record)
    }

    /// Parses from any source, calling `on_record` for every complete form with a locator
    /// for its offsets.
    pub fn run<'i, S: Source<'i>>(
        &mut self,
        src: &mut S,
        mut on_record: impl FnMut(&mut Record, &Locator<'_>),
    ) -> DocInfo {
        let mut progress = self.begin();
        let more = self.feed(&mut progress, src, &mut on_record);
        debug_assert!(more.is_none(), "a source that is not cut short asked for more");
        progress.info
    }

    /// Starts a document that will come in pieces ([`Parser::feed`]).
    pub fn begin(&mut self) -> Progress {
        self.stack.clear();
        self.ns.clear();
        self.open.clear();
        self.names.clear();
        self.default_ours = false;
        Progress {
            info: DocInfo {
                root: Root::None,
                root_pos: (0, 0),
                batch_count: None,
                forms: 0,
                error: None,
                doctype: None,
                stray: Vec::new(),
            },
            root_closed: false,
            started: false,
        }
    }

    /// Starts a text that holds forms from inside a FormBatch whose root start tag was read
    /// elsewhere (`check::split`): the root, at `root_offset`, declares our namespace as the
    /// default and nothing else, `forms_before` forms came before, and the root's end tag is
    /// not expected. Feeding one form's text then parses it as it would be parsed in place.
    pub fn begin_in_batch(&mut self, forms_before: u32, root_offset: usize) -> Progress {
        let mut progress = self.begin();
        self.ns.declare(0, "", NAMESPACE);
        self.refresh_default();
        self.stack.push((Frame::Batch, root_offset));
        progress.info.root = Root::Batch;
        progress.info.forms = forms_before;
        progress.started = true;
        progress
    }

    /// Parses what `src` holds. `None`: the document is over (or stopped at an error); its
    /// [`Progress::info`] is final. `Some(at)`: the source ended inside the event at offset `at`
    /// before the document did ([`Source::is_cut`]); feed a source holding more of the text
    /// from `at` on.
    pub fn feed<'i, S: Source<'i>>(
        &mut self,
        progress: &mut Progress,
        src: &mut S,
        on_record: &mut (impl FnMut(&mut Record, &Locator<'_>) + ?Sized),
    ) -> Option<usize> {
        let Progress { info, root_closed, started } = progress;
        let position = |src: &mut S, offset: usize| {
            let mut at = (0, 0);
            src.with_locator(&mut |l| at = l.locate(offset));
            at
        };
        // Position and quoted text, for the few places that quote the source.
        let quote = |src: &mut S, offset: usize| {
            let mut at = ((0, 0), String::new());
            src.with_locator(&mut |l| at = (l.locate(offset), l.snippet(offset)));
            at
        };
        if !std::mem::replace(started, true) && src.leads_with_bom() {
            let mut e = XmlError::at(0, XmlProblem::TextOutsideRoot);
            (e.pos, e.snippet) = quote(src, 0);
            info.error = Some(*e);
            return None;
        }
        loop {
            // A borrowing reader's events own nothing (empty elements are not expanded, the one
            // case where quick-xml allocates an event), so only an error is dropped: the drop glue
            // of every event was an out-of-line call, 1 % of the worker's instructions.
            let event = std::mem::ManuallyDrop::new(src.next_event(!self.collecting()));
            let pos = src.event_start();
            if src.is_cut(&event) {
                drop(std::mem::ManuallyDrop::into_inner(event));
                return Some(pos);
            }
            if src.suspect() {
                let text = matches!(&*event, Ok(Event::Text(_)));
                let bytes = src.event_bytes();
                let mut found = forbidden::first_in(bytes, text, false);
                if let Some((_, forbidden::Forbidden::Char(_))) = found {
                    let content = match &*event {
                        Ok(Event::Text(t)) => Some(&**t),
                        Ok(Event::CData(c)) => Some(&**c),
                        _ => None,
                    };
                    if content.is_some_and(|c| self.keeps_all_of(c)) {
                        found = forbidden::first_in(bytes, text, true);
                    }
                }
                if let Some((at, what)) = found {
                    drop(std::mem::ManuallyDrop::into_inner(event));
                    let problem = match what {
                        forbidden::Forbidden::Char(c) => XmlProblem::ForbiddenChar(c),
                        forbidden::Forbidden::CdataEnd => XmlProblem::CdataEndInText,
                    };
                    let mut e = XmlError::at(pos + at, problem);
                    (e.pos, e.snippet) = quote(src, e.offset);
                    info.error = Some(*e);
                    return None;
                }
            }
            // Matched where it lies: moving the event out of the result copied it in a way that
            // stalled every event (a 16-byte load across two 8-byte stores).
            let step = match &*event {
                Err(e) => Err(XmlError::at(src.error_position(), XmlProblem::from_quick(e))),
                Ok(event) => match event {
                    Event::Start(e) | Event::Empty(e) => {
                        if *root_closed {
                            Err(XmlError::at(pos, XmlProblem::MultipleRoots))
                        } else {
                            let close = matches!(event, Event::Empty(_));
                            let opened = self.start(e, pos, info);
                            if !close && opened.is_ok() {
                                self.open_name(e.name().as_ref().as_bytes());
                            }
                            opened.map(|what| match (what, close) {
                                (Opened::Plain, false) => Step::Continue,
                                (Opened::Plain, true) => Step::Close,
                                (what, close) => Step::Opened { what, close },
                            })
                        }
                    }
                    Event::End(e) => self.close_name(e.name().as_ref().as_bytes(), pos).map(|_| Step::Close),
                    Event::Text(t) => {
                        if self.stack.is_empty() {
                            match t.bytes().position(|b| !is_xml_ws(b)) {
                                None => Ok(Step::Continue),
                                Some(skip) => {
                                    // Words before any element: not XML at all. A stray space
                                    // (全角空白, a no-break space) is only text out of place.
                                    let word = t[skip..].chars().next().is_some_and(|c| !c.is_whitespace());
                                    let problem = match info.root == Root::None && word {
                                        true => XmlProblem::NotXml,
                                        false => XmlProblem::TextOutsideRoot,
                                    };
                                    Err(XmlError::at(pos + skip, problem))
                                }
                            }
                        } else {
                            if self.collecting() {
                                self.collect_xml10(t, src.may_hold_cr(), || t.xml10_content());
                            }
                            Ok(Step::Continue)
                        }
                    }
                    Event::CData(c) => {
                        if self.stack.is_empty() {
                            Err(XmlError::at(pos, XmlProblem::TextOutsideRoot))
                        } else {
                            if self.collecting() {
                                self.collect_xml10(c, src.may_hold_cr(), || c.xml10_content());
                            }
                            Ok(Step::Continue)
                        }
                    }
                    Event::GeneralRef(r) => self.general_ref(r, pos).map(|_| Step::Continue),
                    Event::DocType(_) => {
                        // Located below, once the event no longer holds the source.
                        info.doctype = Some(((0, 0), String::new()));
                        Ok(Step::Stop)
                    }
                    Event::Eof => {
                        let end = src.end();
                        let info = &*info;
                        if let Some(open) = self.open_element_name() {
                            Err(XmlError::at(end, XmlProblem::Unclosed(open)))
                        } else if info.root == Root::None {
                            Err(XmlError::at(end, XmlProblem::NoRoot))
                        } else {
                            Ok(Step::Stop)
                        }
                    }
                    // Read by its own grammar, once a file, not by quick-xml's parse of its
                    // attributes, which lets `version="1.0"encoding="UTF-8"` through.
                    Event::Decl(d) => match (pos, decl::fault(d.as_ref())) {
                        (0, None) => Ok(Step::Continue),
                        (0, Some((_, decl::DeclFault::NoVersion))) => {
                            Err(XmlError::at(pos, XmlProblem::DeclWithoutVersion))
                        }
                        (0, Some((at, fault))) => Err(XmlError::at(pos + 2 + at, XmlProblem::BadDecl(fault))),
                        _ => Err(XmlError::at(pos, XmlProblem::misplaced_decl(info))),
                    },
                    Event::PI(p) => match p.target() {
                        t if names::is_pi_target(t) => Ok(Step::Continue),
                        "xml" if pos == 0 => Err(XmlError::at(pos, XmlProblem::DeclWithoutVersion)),
                        t if t.eq_ignore_ascii_case("xml") && pos > 0 => {
                            Err(XmlError::at(pos, XmlProblem::misplaced_decl(info)))
                        }
                        t => Err(XmlError::at(pos, XmlProblem::BadPiTarget(t.to_owned()))),
                    },
                    Event::Comment(c) => {
                        let text = c.as_ref().as_bytes();
                        if text.ends_with(b"-") || memchr::memmem::find(text, b"--").is_some() {
                            Err(XmlError::at(pos, XmlProblem::DoubleHyphen))
                        } else {
                            Ok(Step::Continue)
                        }
                    }
                },
            };
            if event.is_err() {
                drop(std::mem::ManuallyDrop::into_inner(event));
            }
            // The event is gone: the source may be used again.
            let step = match step {
                Ok(Step::Opened { what, close }) => {
                    if matches!(what, Opened::Form | Opened::RootForm) {
                        src.form_starts(pos);
                    }
                    if matches!(what, Opened::Root | Opened::RootForm) {
                        info.root_pos = position(src, pos);
                    }
                    if what == Opened::Stray {
                        info.stray.last_mut().expect("just pushed").pos = position(src, pos);
                    }
                    Ok(if close { Step::Close } else { Step::Continue })
                }
                other => other,
            };
            match step {
                Ok(Step::Continue) | Ok(Step::Opened { .. }) => {}
                Ok(Step::Close) => {
                    let (closed_form, now_empty) = self.end();
                    if closed_form {
                        src.with_form_locator(&mut |l| on_record(&mut self.record, l));
                    }
                    *root_closed = now_empty;
                }
                Ok(Step::Stop) => {
                    if info.doctype.is_some() {
                        info.doctype = Some(quote(src, pos));
                    }
                    return None;
                }
                Err(mut e) => {
                    (e.pos, e.snippet) = quote(src, e.offset);
                    info.error = Some(*e);
                    return None;
                }
            }
        }
    }

    /// Remembers the name of the element a start tag just opened, for its end tag: as its
    /// node when the tag named it as the layout does (no copy), else as written.
    fn open_name(&mut self, name: &[u8]) {
        let open = match self.stack.last() {
            Some(&(Frame::Known { node, .. }, _)) if self.as_layout => OpenName::Node(node),
            _ => {
                let start = self.names.len();
                self.names.extend_from_slice(name);
                OpenName::Bytes(start)
            }
        };
        self.open.push(open);
    }

    /// The name of an open element, as its start tag wrote it.
    fn open_name_bytes(&self, open: OpenName) -> &[u8] {
        match open {
            OpenName::Node(node) => self.tables.kind(self.record.kind).layout.node(node).name.as_bytes(),
            OpenName::Bytes(start) => &self.names[start..],
        }
    }

    /// Checks an end tag against the element it closes. The parser does this rather than
    /// quick-xml because a document read in pieces ([`Parser::feed`]) gets a new reader for
    /// each piece, which would not know the elements opened before it.
    #[inline(always)]
    fn close_name(&mut self, name: &[u8], pos: usize) -> Result<(), Failure> {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let Some(&top) = self.open.last() else {
            return Err(XmlError::at(pos, XmlProblem::UnmatchedEnd(text(name))));
        };
        let open = self.open_name_bytes(top);
        if !same_name(open, name) {
            let found = text(name);
            let problem = if found.contains('<') {
                // `</Address` and, after a line break, the next tag: quick-xml reads the name up
                // to the next `>`; the writer forgot the `>`.
                let name = found.split(|c: char| c.is_whitespace() || c == '<').next().unwrap_or_default();
                XmlProblem::EndTagUnclosed(name.to_owned())
            } else {
                XmlProblem::Mismatched { expected: text(open), found }
            };
            return Err(XmlError::at(pos, problem));
        }
        self.open.pop();
        if let OpenName::Bytes(start) = top {
            self.names.truncate(start);
        }
        Ok(())
    }

    fn collecting(&self) -> bool {
        matches!(self.stack.last(), Some((Frame::Known { collect: true, .. }, _)))
    }

    /// Whether the text or CDATA `content` of the value being read would all be kept, so that
    /// the value's rule (L010) sees every character in it. Past [`MAX_KEPT_VALUE`] nothing
    /// would, and a character XML forbids is then the document's error (F006) instead. The
    /// length is what [`Self::collect`] would keep: leading white space of a value is not kept,
    /// and a CR LF is kept as one LF.
    fn keeps_all_of(&self, content: &str) -> bool {
        let Some(&(Frame::Known { elem, collect: true, .. }, _)) = self.stack.last() else { return false };
        let kept = self.record.text.len() - self.record.elems[elem].value.0;
        let s = kept_part(content, kept);
        self.dropped == 0 && kept + s.len() - s.matches("\r\n").count() <= MAX_KEPT_VALUE
    }

    /// [`Self::collect`]s the text or CDATA `raw` with its line ends as XML 1.0 §2.11 has them
    /// (before parsing: in CDATA too), from `normalised` only where there is a CR. Values are
    /// short: a plain loop finds none sooner than memchr's set-up.
    #[inline(always)]
    fn collect_xml10<'c>(&mut self, raw: &str, may_hold_cr: bool, normalised: impl FnOnce() -> Cow<'c, str>) {
        if may_hold_cr && raw.bytes().any(|b| b == b'\r') {
            self.collect(&normalised());
        } else {
            self.collect(raw);
        }
    }

    /// Adds text to the value being collected, up to [`MAX_KEPT_VALUE`] bytes; beyond that
    /// only its characters are counted. Leading whitespace is not part of the value and is
    /// never kept, so that it cannot take the room of the value itself.
    #[inline(always)]
    fn collect(&mut self, s: &str) {
        let Some(&(Frame::Known { elem, .. }, _)) = self.stack.last() else { return };
        let kept = self.record.text.len() - self.record.elems[elem].value.0;
        let s = kept_part(s, kept);
        if self.dropped == 0 && kept + s.len() <= MAX_KEPT_VALUE {
            self.record.text.push_str(s);
            return;
        }
        let fits =
            if self.dropped == 0 { record::floor_char_boundary(s, MAX_KEPT_VALUE.saturating_sub(kept)) } else { 0 };
        self.record.text.push_str(&s[..fits]);
        let rest = &s.as_bytes()[fits..];
        if rest.is_empty() {
            return;
        }
        self.dropped += char_count(rest);
        // XML whitespace is ASCII: bytes and characters are the same count.
        match rest.iter().rposition(|&b| !is_xml_ws(b)) {
            Some(last) => self.dropped_ws = rest.len() - last - 1,
            None => self.dropped_ws += rest.len(),
        }
    }

    /// The name of the innermost open element, as its start tag wrote it, for "unclosed"
    /// messages (at most 60 characters: a hostile name can be megabytes long).
    fn open_element_name(&self) -> Option<String> {
        let open = self.open_name_bytes(*self.open.last()?);
        Some(String::from_utf8_lossy(open).chars().take(60).collect())
    }

    fn general_ref(&mut self, r: &quick_xml::events::BytesRef<'_>, pos: usize) -> Result<(), Failure> {
        // XML 1.0's Char: a reference to anything else (`&#1;`, `&#xFFFE;`) is not well-formed.
        use forbidden::is_xml_char;
        let bad_ref = || XmlError::at(pos, XmlProblem::BadCharRef(r.to_string()));
        let ch = match r.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => c,
            Ok(Some(_)) | Err(_) => return Err(bad_ref()),
            Ok(None) => match &**r {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                other => return Err(XmlError::at(pos, XmlProblem::UndefinedEntity(other.to_owned()))),
            },
        };
        if self.stack.is_empty() {
            return Err(XmlError::at(pos, XmlProblem::TextOutsideRoot));
        }
        if self.collecting() {
            self.collect(ch.encode_utf8(&mut [0; 4]));
        }
        Ok(())
    }

    /// Reads every attribute of `e` once: a malformed or repeated one is F006 wherever it is,
    /// namespace declarations go into scope at this element's depth, and the attributes the
    /// format gives meaning to are kept for the caller. quick-xml allocates for its duplicate
    /// check on every `attributes()`, and the root was once read three times.
    /// `decls`, if given, gets each namespace declaration made.
    fn read_attributes<'e>(
        &mut self,
        e: &'e BytesStart<'_>,
        pos: usize,
        wanted: &mut Wanted<'e>,
        mut decls: Option<&mut Vec<(String, String)>>,
    ) -> Result<(), Failure> {
        let depth = self.stack.len();
        let content: &str = e;
        let (mut declared, mut prefixed) = (false, false);
        for attr in e.attributes() {
            let attr = attr.map_err(|err| attr_error(pos, content, err))?;
            let key: &str = attr.key.as_ref();
            // Where the attribute starts in the file: its key lies in the tag's own text.
            let start = key.as_ptr() as usize - content.as_ptr() as usize;
            let at = pos + 1 + start;
            if !is_xml_ws(content.as_bytes()[start - 1]) {
                return Err(XmlError::at(at, XmlProblem::AttrNoSpace(key.to_owned())));
            }
            if let Some((_, problem)) = attrs::value_problem(key, &attr.value) {
                return Err(XmlError::at(at, problem));
            }
            let slot = match key {
                "formVersion" => &mut wanted.form_version,
                "count" => &mut wanted.count,
                "code" => &mut wanted.code,
                "value" => &mut wanted.value,
                _ => {
                    // The names above are names; any other is looked at.
                    if !names::is_qname(key) {
                        return Err(XmlError::at(at, XmlProblem::AttrBadName(key.to_owned())));
                    }
                    let prefix = if key == "xmlns" { Some("") } else { key.strip_prefix("xmlns:") };
                    if let Some(prefix) = prefix {
                        let uri = attr_value(&attr, pos)?;
                        if let Some(problem) = attrs::binding_problem(prefix, &uri) {
                            return Err(XmlError::at(at, problem));
                        }
                        self.ns.declare(depth, prefix, &uri);
                        declared = true;
                        if let Some(decls) = decls.as_deref_mut() {
                            decls.push((prefix.to_owned(), uri.into_owned()));
                        }
                    } else {
                        prefixed |= key.bytes().any(|b| b == b':');
                    }
                    continue;
                }
            };
            slot.get_or_insert(attr);
        }
        if declared {
            self.refresh_default();
        }
        if prefixed {
            self.check_prefixed_attributes(e, pos)?;
        }
        Ok(())
    }

    /// The root's attributes: given again from [`root_tag`] when the tag is one of the last
    /// root tags read without an error, else read.
    fn root_attributes<'e>(
        &mut self,
        e: &'e BytesStart<'_>,
        pos: usize,
        wanted: &mut Wanted<'e>,
    ) -> Result<(), Failure> {
        let text: &'e str = e;
        if let Some(kept) = self.root_tags.find(text) {
            for (prefix, uri) in &kept.decls {
                self.ns.declare(0, prefix, uri);
            }
            let declared = !kept.decls.is_empty();
            let [form_version, count, code, value] = kept.attributes(text);
            *wanted = Wanted { form_version, count, code, value };
            if declared {
                self.refresh_default();
            }
            return Ok(());
        }
        let mut decls = Vec::new();
        self.read_attributes(e, pos, wanted, Some(&mut decls))?;
        let found = [&wanted.form_version, &wanted.count, &wanted.code, &wanted.value].map(Option::as_ref);
        self.root_tags.keep(text, decls, found);
        Ok(())
    }

    /// F006 for a prefixed attribute whose prefix nothing declares, or that names the same
    /// attribute as another once prefixes are resolved (`p:a` and `q:a` with `p` and `q` bound
    /// to one namespace). Run after the tag's own declarations are in scope, as they apply to
    /// the attributes before them too.
    #[cold]
    fn check_prefixed_attributes(&self, e: &BytesStart<'_>, pos: usize) -> Result<(), Failure> {
        let content: &str = e;
        let mut seen = rustc_hash::FxHashSet::default();
        for attr in e.attributes().flatten() {
            let key: &str = attr.key.0;
            let (prefix, local) = split_prefix(key);
            if prefix.is_empty() || prefix == "xmlns" {
                continue;
            }
            let at = pos + 1 + (key.as_ptr() as usize - content.as_ptr() as usize);
            let uri = match prefix {
                "xml" => "http://www.w3.org/XML/1998/namespace",
                p => self.ns.resolve(p).ok_or_else(|| XmlError::at(at, XmlProblem::UnboundPrefix(p.to_owned())))?,
            };
            if !seen.insert((uri, local)) {
                return Err(XmlError::at(at, XmlProblem::AttrTwice(key.to_owned())));
            }
        }
        Ok(())
    }

    /// F006 for a name that is no XML name, or whose prefix nothing declares. Only names the
    /// layout does not know come here: the layout's own are valid and unprefixed.
    fn check_name(&self, raw: &str, pos: usize) -> Result<(), Failure> {
        if !names::is_qname(raw) {
            return Err(XmlError::at(pos, XmlProblem::BadName(raw.to_owned())));
        }
        match split_prefix(raw).0 {
            "" | "xml" => Ok(()),
            prefix if self.ns.resolve(prefix).is_some() => Ok(()),
            prefix => Err(XmlError::at(pos, XmlProblem::UnboundPrefix(prefix.to_owned()))),
        }
    }

    fn refresh_default(&mut self) {
        self.default_ours = self.ns.resolve("") == Some(NAMESPACE);
    }

    /// Whether an element whose name has `prefix` is in our namespace (its own declarations
    /// are in scope: [`Parser::read_attributes`] read them).
    #[inline]
    fn in_namespace(&self, prefix: &str) -> bool {
        if prefix.is_empty() {
            self.default_ours
        } else {
            self.ns.resolve(prefix) == Some(NAMESPACE)
        }
    }

    fn start_record(
        &mut self,
        kind: KindId,
        form_version: Option<&Attribute<'_>>,
        pos: usize,
        info: &mut DocInfo,
    ) -> Result<Opened, Failure> {
        info.forms += 1;
        self.record.reset(info.forms, kind, pos);
        if let Some(attr) = form_version {
            let v = attr_value(attr, pos)?;
            let v = v.trim();
            self.record.version = Some(self.record.push_str(v));
            self.record.version_index = self.tables.kind(kind).version_index(v);
        }
        let nodes = self.tables.kind(kind).layout.nodes.len();
        self.seen.clear();
        self.seen.resize(nodes, false);
        self.prev = 0;
        self.stack.push((Frame::FormRoot, pos));
        Ok(Opened::Form)
    }

    // What runs for every element (start, start_child, close_name, end, collect) is inlined
    // into the event loop: as calls, saving and restoring registers cost 3 % of a file's check.
    #[inline(always)]
    fn start(&mut self, e: &BytesStart<'_>, pos: usize, info: &mut DocInfo) -> Result<Opened, Failure> {
        let parent = self.stack.last().map(|f| f.0);
        let name = e.name();
        let raw: &str = name.as_ref();
        // Almost no element has attributes: those that do are read whole, once.
        let mut wanted = Wanted::default();
        if e.len() > raw.len() {
            if parent.is_none() {
                self.root_attributes(e, pos, &mut wanted)?;
            } else {
                self.read_attributes(e, pos, &mut wanted, None)?;
            }
        }
        let parent = match parent {
            Some(Frame::FormRoot) => 0,
            Some(Frame::Known { node, .. }) => node,
            Some(Frame::Skip) => {
                self.check_name(raw, pos)?;
                self.stack.push((Frame::Skip, pos));
                return Ok(Opened::Plain);
            }
            None | Some(Frame::Batch) => return self.start_outer(parent.is_none(), raw, pos, info, &wanted),
        };
        self.start_child(parent, raw, pos, &wanted).map(|_| Opened::Plain)
    }

    /// The root element, or a child of a FormBatch.
    fn start_outer(
        &mut self,
        root: bool,
        raw: &str,
        pos: usize,
        info: &mut DocInfo,
        wanted: &Wanted<'_>,
    ) -> Result<Opened, Failure> {
        let (prefix, local) = split_prefix(raw);
        let in_ns = self.in_namespace(prefix);
        let kind = self.tables.kind_by_root(local.as_bytes()).filter(|_| in_ns);
        // Our roots are names (forms.tsv says so): only another one is looked at.
        if kind.is_none() && !(in_ns && local == BATCH_ROOT) {
            self.check_name(raw, pos)?;
        }
        if root {
            if in_ns && local == BATCH_ROOT {
                info.root = Root::Batch;
                info.batch_count =
                    wanted.count.as_ref().map(|a| attr_value(a, pos).map(Cow::into_owned)).transpose()?;
                self.stack.push((Frame::Batch, pos));
                return Ok(Opened::Root);
            }
            if let Some(kind) = kind {
                info.root = Root::Form(kind);
                return self.start_record(kind, wanted.form_version.as_ref(), pos, info).map(|_| Opened::RootForm);
            }
            let namespace = self.ns.resolve(prefix).map(str::to_owned);
            info.root = Root::Other { name: raw.to_owned(), namespace };
            self.stack.push((Frame::Skip, pos));
            return Ok(Opened::Root);
        }
        match kind {
            Some(kind) => self.start_record(kind, wanted.form_version.as_ref(), pos, info),
            None => {
                let foreign = self
                    .tables
                    .kind_by_root(local.as_bytes())
                    .map(|_| self.ns.resolve(prefix).unwrap_or_default().to_owned());
                info.stray.push(Stray { name: raw.to_owned(), pos: (0, 0), foreign });
                self.stack.push((Frame::Skip, pos));
                Ok(Opened::Stray)
            }
        }
    }

    #[inline(always)]
    fn start_child(&mut self, parent: NodeId, raw: &str, pos: usize, wanted: &Wanted<'_>) -> Result<(), Failure> {
        let layout = &self.tables.kind(self.record.kind).layout;
        // Names in the layout have no prefix, so a name found as written is unprefixed and, with
        // our namespace the default, ours: the prefix need not be looked for.
        let direct = if self.default_ours { layout.child_after(parent, self.prev, raw.as_bytes()) } else { None };
        self.as_layout = direct.is_some();
        let (found, prefix, in_ns) = match direct {
            Some(node) => (Some(node), "", true),
            None => {
                self.check_name(raw, pos)?;
                let (prefix, local) = split_prefix(raw);
                let in_ns = self.in_namespace(prefix);
                // An unprefixed name in our default namespace was looked up above.
                let found = if in_ns && !prefix.is_empty() {
                    layout.child_after(parent, self.prev, local.as_bytes())
                } else {
                    None
                };
                (found, prefix, in_ns)
            }
        };
        let Some(node) = found else {
            if self.record.unknown.len() >= MAX_KEPT_UNKNOWN {
                self.record.count_unknown(parent);
                self.stack.push((Frame::Skip, pos));
                return Ok(());
            }
            // Inside a leaf, the value read so far is the end of the text: it moves after the
            // name, which would otherwise become part of it (`<Sex>1<Foo/></Sex>` read "1Foo").
            let leaf = match self.stack.last() {
                Some(&(Frame::Known { elem, collect: true, .. }, _)) => Some(elem),
                _ => None,
            };
            let so_far = leaf.map(|elem| self.record.text.split_off(self.record.elems[elem].value.0));
            let name = self.record.push_str(raw);
            // The element's own declarations are in scope here: `read_attributes` pushed them.
            let namespace = (!in_ns).then(|| {
                let uri = self.ns.resolve(prefix).unwrap_or_default();
                self.record.push_str(uri)
            });
            if let (Some(elem), Some(so_far)) = (leaf, so_far) {
                self.record.elems[elem].value.0 = self.record.text.len();
                self.record.text.push_str(&so_far);
            }
            self.record.unknown.push(Unknown { parent, name, namespace, offset: pos });
            self.stack.push((Frame::Skip, pos));
            return Ok(());
        };
        self.prev = node;
        let is_leaf = layout.node(node).children.is_empty();
        let repeated = std::mem::replace(&mut self.seen[node as usize], true);
        if Some(node) == layout.item_node {
            let (mut code, mut value) = (None, None);
            for (attr, slot) in [(&wanted.code, &mut code), (&wanted.value, &mut value)] {
                if let Some(attr) = attr {
                    *slot = Some(self.record.push_str(attr_value(attr, pos)?.trim()));
                }
            }
            self.record.items.push(ItemElem { code, value, offset: pos });
            self.stack.push((Frame::Skip, pos));
            return Ok(());
        }
        let start = self.record.text.len();
        let elem = self.record.elems.len();
        self.record.elems.push(Elem { node, value: (start, start), offset: pos, repeated });
        // A repeated group is reported once (L004) and its contents are not read again.
        if repeated && !is_leaf {
            self.stack.push((Frame::Skip, pos));
        } else {
            (self.dropped, self.dropped_ws) = (0, 0);
            self.stack.push((Frame::Known { node, elem, collect: is_leaf }, pos));
        }
        Ok(())
    }

    /// Closes the innermost element; returns whether that completed a form, and whether it was
    /// the document's root.
    #[inline(always)]
    fn end(&mut self) -> (bool, bool) {
        let depth = self.stack.len();
        let frame = self.stack.pop().map(|f| f.0);
        // The closed element was pushed at depth - 1: its declarations go out of scope.
        if self.ns.any_at_or_below(depth.saturating_sub(1)) {
            self.ns.close(depth.saturating_sub(1));
            self.refresh_default();
        }
        if let Some(Frame::Known { node, .. }) = frame {
            self.prev = node;
        }
        match frame {
            Some(Frame::Known { elem, collect: true, .. }) => {
                let e = &mut self.record.elems[elem];
                let text = &self.record.text.as_bytes()[e.value.0..];
                let lead = text.iter().take_while(|&&b| is_xml_ws(b)).count();
                let cut = self.dropped > self.dropped_ws;
                // When the value goes on past what is kept, its trailing whitespace is there.
                let trail = if cut { 0 } else { text[lead..].iter().rev().take_while(|&&b| is_xml_ws(b)).count() };
                let end = self.record.text.len() - trail;
                let kept_chars = if cut { char_count(&text[lead..]) } else { 0 };
                e.value = (e.value.0 + lead, end);
                if cut {
                    self.record.long.push((e.value, kept_chars + self.dropped - self.dropped_ws));
                }
                (self.dropped, self.dropped_ws) = (0, 0);
            }
            Some(Frame::FormRoot) => return (true, self.stack.is_empty()),
            _ => {}
        }
        (false, self.stack.is_empty())
    }
}

#[cfg(test)]
mod tests;
