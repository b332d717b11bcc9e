//! The record view: one form's elements with their layout node, value and position.

use crate::tables::layout::NodeId;
use crate::tables::KindId;

/// A known element of the layout.
#[derive(Debug, Clone, Copy)]
pub struct Elem {
    pub node: NodeId,
    /// Value: a range of [`Record::text`], trimmed of XML whitespace.
    pub value: (u32, u32),
    /// Byte offset of its start tag.
    pub offset: usize,
    /// Not the first element of this node in the record (a duplicate).
    pub repeated: bool,
}

/// An element the layout does not know, reported once (its own children are not looked at).
#[derive(Debug, Clone, Copy)]
pub struct Unknown {
    pub parent: NodeId,
    pub name: (u32, u32),
    /// Its namespace URI when that is not the format's (an empty range: no namespace), so that
    /// a known name in the wrong namespace is told about the namespace, not its name.
    pub namespace: Option<(u32, u32)>,
    pub offset: usize,
}

/// A disease-specific `Items/Item`, with its `code` and `value` attributes.
#[derive(Debug, Clone, Copy)]
pub struct ItemElem {
    pub code: Option<(u32, u32)>,
    pub value: Option<(u32, u32)>,
    pub offset: usize,
}

/// One form. Buffers are reused from record to record.
#[derive(Debug, Default)]
pub struct Record {
    /// 1-based number in the file.
    pub number: u32,
    pub kind: KindId,
    /// The `formVersion` attribute as written, if any.
    pub version: Option<(u32, u32)>,
    /// Index into the kind's versions, when `formVersion` is known.
    pub version_index: Option<usize>,
    pub offset: usize,
    pub elems: Vec<Elem>,
    pub unknown: Vec<Unknown>,
    pub items: Vec<ItemElem>,
    /// Arena holding values and names.
    pub text: String,
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
        self.items.clear();
        self.text.clear();
    }

    pub fn str(&self, r: (u32, u32)) -> &str {
        &self.text[r.0 as usize..r.1 as usize]
    }

    pub fn value(&self, e: &Elem) -> &str {
        self.str(e.value)
    }

    pub fn version_str(&self) -> Option<&str> {
        self.version.map(|r| self.str(r))
    }

    pub(crate) fn push_str(&mut self, s: &str) -> (u32, u32) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        (start, self.text.len() as u32)
    }
}
