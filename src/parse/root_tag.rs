//! What reading the root's attributes gave, kept for the next file with the same root tag.
//!
//! A vendor's export starts nearly every file with one of a few root start tags (the kind, the
//! namespace declaration and the form version), and reading a tag's attributes cost about
//! 2,400 instructions a file, 3.5 % of a worker's (callgrind, twelfth session): quick-xml's
//! attribute iterator and its duplicate check, the checks of each name and value, the
//! normalised value of the declaration. What that reading does depends on the tag's text alone
//! (at the root no declaration is in scope yet), so for a tag byte for byte the same as one of
//! the last [`KEPT`] read without an error, the same declarations are made again and the same
//! attributes handed back, sliced from the new tag. Any other tag is read in full.

use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;
use std::borrow::Cow;
use std::ops::Range;

/// The attributes the format gives meaning to, as places in the tag's text: the key and the
/// raw value of each.
pub(super) type Places = [Option<(Range<usize>, Range<usize>)>; 4];

/// Root tags kept: the generated corpus, files of both kinds in path order, has five common
/// ones.
pub(super) const KEPT: usize = 8;

/// The last [`KEPT`] root tags read without an error, each kept in turn.
#[derive(Default)]
pub(super) struct RootTags {
    kept: Vec<RootTag>,
    next: usize,
}

impl RootTags {
    /// The tag kept whose text is `text`.
    pub fn find(&self, text: &str) -> Option<&RootTag> {
        self.kept.iter().find(|t| t.text == text)
    }

    /// Keeps what reading `text` gave (see [`RootTag::keep`]), in the place of the oldest.
    pub fn keep(&mut self, text: &str, decls: Vec<(String, String)>, found: [Option<&Attribute<'_>>; 4]) {
        if self.kept.len() < KEPT {
            self.kept.push(RootTag::default());
        }
        let at = self.next % self.kept.len();
        self.next = at + 1;
        self.kept[at].keep(text, decls, found);
    }
}

#[derive(Default)]
pub(super) struct RootTag {
    /// The tag's text (name and attributes), empty when nothing is kept.
    text: String,
    /// The declarations it made: prefix ("" for the default namespace) and URI.
    pub decls: Vec<(String, String)>,
    places: Places,
}

impl RootTag {
    /// Keeps what reading `text` gave: `decls` made, and `found` the wanted attributes, in the
    /// order of [`Places`]. An attribute whose key or value is not a slice of `text` keeps
    /// nothing.
    pub fn keep(&mut self, text: &str, decls: Vec<(String, String)>, found: [Option<&Attribute<'_>>; 4]) {
        self.text.clear();
        let mut places: Places = Default::default();
        for (place, attr) in places.iter_mut().zip(found) {
            let Some(attr) = attr else { continue };
            let Cow::Borrowed(value) = &attr.value else { return };
            match (within(text, attr.key.0), within(text, value)) {
                (Some(key), Some(value)) => *place = Some((key, value)),
                _ => return,
            }
        }
        self.text.push_str(text);
        self.decls = decls;
        self.places = places;
    }

    /// The wanted attributes of `text`, the tag kept.
    pub fn attributes<'e>(&self, text: &'e str) -> [Option<Attribute<'e>>; 4] {
        self.places.clone().map(|place| {
            place.map(|(key, value)| Attribute { key: QName(&text[key]), value: Cow::Borrowed(&text[value]) })
        })
    }
}

/// Where `part` lies in `text`, if it is a slice of it.
fn within(text: &str, part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (start + part.len() <= text.len()).then(|| start..start + part.len())
}
