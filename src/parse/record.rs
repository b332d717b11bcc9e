//! The record view: one form's elements with their layout node, value and position.

use crate::tables::layout::NodeId;
use crate::tables::KindId;

/// A range of [`Record::text`]. Offsets are `usize`: a form streamed from a file of any size
/// cannot make them wrap.
pub type Span = (usize, usize);

/// How much of one value (text, attribute, element name) a record keeps, in bytes. Values are
/// checked against lengths far below (the layout's longest text is a few thousand characters),
/// and a value of gigabytes then costs no more memory than this; its length in characters is
/// kept beside it ([`Record::full_chars`]) so that a length rule reports the real one.
pub const MAX_KEPT_VALUE: usize = 64 << 10;

/// Unknown elements a record keeps one by one: as many as a file keeps findings.
pub const MAX_KEPT_UNKNOWN: usize = crate::check::MAX_KEPT_FINDINGS;

/// A known element of the layout.
#[derive(Debug, Clone, Copy)]
pub struct Elem {
    pub node: NodeId,
    /// Value: a range of [`Record::text`], trimmed of XML whitespace.
    pub value: Span,
    /// Byte offset of its start tag.
    pub offset: usize,
    /// Not the first element of this node in the record (a duplicate).
    pub repeated: bool,
}

/// An element the layout does not know, reported once (its own children are not looked at).
#[derive(Debug, Clone, Copy)]
pub struct Unknown {
    pub parent: NodeId,
    pub name: Span,
    /// Its namespace URI when that is not the format's (an empty range: no namespace), so that
    /// a known name in the wrong namespace is told about the namespace, not its name.
    pub namespace: Option<Span>,
    pub offset: usize,
}

/// A disease-specific `Items/Item`, with its `code` and `value` attributes.
#[derive(Debug, Clone, Copy)]
pub struct ItemElem {
    pub code: Option<Span>,
    pub value: Option<Span>,
    pub offset: usize,
}

/// One form. Buffers are reused from record to record.
#[derive(Debug, Default)]
pub struct Record {
    /// 1-based number in the file.
    pub number: u32,
    pub kind: KindId,
    /// The `formVersion` attribute as written, if any.
    pub version: Option<Span>,
    /// Index into the kind's versions, when `formVersion` is known.
    pub version_index: Option<usize>,
    pub offset: usize,
    pub elems: Vec<Elem>,
    /// The first [`MAX_KEPT_UNKNOWN`] unknown elements; the rest are only counted, per parent,
    /// in `unknown_more`, so that a form of millions of unknown elements holds no more than a
    /// file's findings could ever show.
    pub unknown: Vec<Unknown>,
    /// (parent, count) of unknown elements beyond [`MAX_KEPT_UNKNOWN`].
    pub unknown_more: Vec<(NodeId, u64)>,
    pub items: Vec<ItemElem>,
    /// Arena holding values and names.
    pub text: String,
    /// Values cut at [`MAX_KEPT_VALUE`]: the kept part, and the length of the whole value in
    /// characters. Few or none per form.
    pub long: Vec<(Span, usize)>,
}

impl Record {
    pub(crate) fn reset(&mut self, number: u32, kind: KindId, offset: usize) {
        self.number = number;
        self.kind = kind;
        self.version = None;
        self.version_index = None;
        self.offset = offset;
        self.elems.clear();
        self.unknown.clear();
        self.unknown_more.clear();
        self.items.clear();
        self.text.clear();
        self.long.clear();
    }

    pub fn str(&self, r: Span) -> &str {
        &self.text[r.0..r.1]
    }

    /// The length in characters of a value longer than the record keeps (`None`: the span is
    /// the whole value).
    pub fn full_chars(&self, r: Span) -> Option<usize> {
        self.long.iter().find(|(kept, _)| *kept == r).map(|&(_, n)| n)
    }

    /// Counts an unknown element beyond those kept.
    pub(crate) fn count_unknown(&mut self, parent: NodeId) {
        match self.unknown_more.iter_mut().find(|(p, _)| *p == parent) {
            Some((_, n)) => *n += 1,
            None => self.unknown_more.push((parent, 1)),
        }
    }

    pub fn value(&self, e: &Elem) -> &str {
        self.str(e.value)
    }

    pub fn version_str(&self) -> Option<&str> {
        self.version.map(|r| self.str(r))
    }

    /// Keeps a value, or its first [`MAX_KEPT_VALUE`] bytes (whole characters).
    pub(crate) fn push_str(&mut self, s: &str) -> Span {
        let start = self.text.len();
        let kept = floor_char_boundary(s, MAX_KEPT_VALUE);
        self.text.push_str(&s[..kept]);
        let span = (start, self.text.len());
        if kept < s.len() {
            self.long.push((span, s.chars().count()));
        }
        span
    }
}

/// The largest char boundary of `s` at or below `at`.
pub(crate) fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}
