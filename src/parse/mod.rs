//! Parse: quick-xml events into record views.
//!
//! The parser walks the layout's path trie as it reads, so each element gets its node id the
//! moment its start tag is seen: no path strings are built per element, and an element the
//! layout does not know is recorded once, with its subtree skipped. Values go into a per-record
//! arena that is reused from form to form, so a batch of any size parses in constant memory.
//! Each finished form is handed to a callback and forgotten.

pub mod locate;
pub mod record;

use crate::lang::Lang;
use crate::tables::layout::NodeId;
use crate::tables::{KindId, Tables};
use crate::tr;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
pub use record::{Elem, ItemElem, Record, Unknown};
use std::collections::HashMap;

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

/// Why a file is not well-formed XML (F006).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlProblem {
    /// As quick-xml words it (for problems without a translation below).
    Syntax(String),
    /// `</found>` closes an element opened as `<expected>`.
    Mismatched {
        expected: String,
        found: String,
    },
    /// An end tag with no element open.
    UnmatchedEnd(String),
    /// Markup cut off by the end of the file: what was open, and what would close it.
    Cut {
        what: (&'static str, &'static str),
        closer: &'static str,
    },
    /// A malformed attribute (no `=`, no quotes, twice the same name).
    BadAttribute(String),
    Unclosed(String),
    UndefinedEntity(String),
    MultipleRoots,
    TextOutsideRoot,
    NoRoot,
}

impl XmlProblem {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            XmlProblem::Syntax(m) => tr!(lang, "XML の構文が正しくありません: {m}", "XML syntax error: {m}"),
            XmlProblem::Mismatched { expected, found } => tr!(
                lang,
                "終了タグ </{found}> がありますが、ここで閉じるべき要素は <{expected}> です。</{expected}> を書いてください (閉じ忘れか綴りの誤り)",
                "end tag </{found}> where <{expected}> must be closed; write </{expected}> (a missing or misspelt end tag)"
            ),
            XmlProblem::UnmatchedEnd(n) => tr!(
                lang,
                "開始タグのない終了タグ </{n}> があります",
                "end tag </{n}> without a start tag"
            ),
            XmlProblem::Cut { what, closer } => tr!(
                lang,
                "{}が閉じないままファイルが終わっています ({closer} がありません。途中で切れたファイル?)",
                "the file ends inside {} ({closer} is missing; a truncated file?)",
                lang.pick(what.0, what.1)
            ),
            XmlProblem::BadAttribute(m) => tr!(lang, "属性の書き方が正しくありません: {m}", "malformed attribute: {m}"),
            XmlProblem::Unclosed(n) => tr!(
                lang,
                "要素 <{n}> が閉じられないままファイルが終わっています (途中で切れたファイル?)。</{n}> が必要です",
                "the file ends while <{n}> is still open (a truncated file?); </{n}> is missing"
            ),
            XmlProblem::UndefinedEntity(e) => tr!(
                lang,
                "未定義の実体参照 &{e}; です。使えるのは &amp; &lt; &gt; &quot; &apos; と文字参照だけです",
                "undefined entity &{e};; only &amp; &lt; &gt; &quot; &apos; and character references are allowed"
            ),
            XmlProblem::MultipleRoots => lang
                .pick(
                    "ルート要素の後に別の要素があります。1 ファイルのルート要素は 1 つです (複数の様式は FormBatch にまとめます)",
                    "another element follows the root element; a file has one root (put several forms in a FormBatch)",
                )
                .into(),
            XmlProblem::TextOutsideRoot => {
                lang.pick("ルート要素の外に文字があります", "text outside the root element").into()
            }
            XmlProblem::NoRoot => lang.pick("ルート要素がありません", "no root element").into(),
        }
    }
}

impl XmlProblem {
    fn from_quick(e: &quick_xml::Error) -> XmlProblem {
        use quick_xml::errors::{IllFormedError as I, SyntaxError as S};
        use quick_xml::Error as Q;
        let cut = |what, closer| XmlProblem::Cut { what, closer };
        match e {
            Q::IllFormed(I::MismatchedEndTag { expected, found }) => {
                XmlProblem::Mismatched { expected: expected.clone(), found: found.clone() }
            }
            Q::IllFormed(I::UnmatchedEndTag(n)) => XmlProblem::UnmatchedEnd(n.clone()),
            Q::Syntax(S::UnclosedTag) => cut(("タグ", "a tag"), ">"),
            Q::Syntax(S::UnclosedComment) => cut(("コメント", "a comment"), "-->"),
            Q::Syntax(S::UnclosedCData) => cut(("CDATA", "CDATA"), "]]>"),
            Q::Syntax(S::UnclosedPI | S::UnclosedXmlDecl) => cut(("処理命令", "a processing instruction"), "?>"),
            Q::Syntax(S::UnclosedSingleQuotedAttributeValue) => cut(("属性値", "an attribute value"), "'"),
            Q::Syntax(S::UnclosedDoubleQuotedAttributeValue) => cut(("属性値", "an attribute value"), "\""),
            Q::InvalidAttr(a) => XmlProblem::BadAttribute(a.to_string()),
            other => XmlProblem::Syntax(other.to_string()),
        }
    }
}

fn attr_error(offset: usize, e: impl std::fmt::Display) -> XmlError {
    XmlError { offset, problem: XmlProblem::BadAttribute(e.to_string()) }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub offset: usize,
    pub problem: XmlProblem,
}

/// What the parse learnt about the file as a whole.
#[derive(Debug)]
pub struct DocInfo {
    pub root: Root,
    pub root_offset: usize,
    /// `count` attribute of a FormBatch, as written, with the root's offset.
    pub batch_count: Option<String>,
    /// Forms completely read.
    pub forms: u32,
    pub error: Option<XmlError>,
    /// Offset of a DOCTYPE (F007): the parse stops there, nothing is expanded.
    pub doctype: Option<usize>,
    /// Children of a FormBatch that are not forms: (name, offset).
    pub stray: Vec<(String, usize)>,
}

#[derive(Clone, Copy)]
enum Frame {
    Batch,
    /// The root element of a form.
    FormRoot,
    /// A known element; `collect`: its text is its value.
    Known {
        node: NodeId,
        elem: u32,
        collect: bool,
    },
    /// Inside something not looked at (unknown, duplicate group, stray batch child).
    Skip,
}

/// Reusable parser state (one per worker thread).
pub struct Parser<'t> {
    tables: &'t Tables,
    record: Record,
    stack: Vec<(Frame, usize)>,
    /// Namespace declarations in scope, innermost last: (depth, prefix). Empty prefix = default.
    ns: Vec<(usize, String)>,
    /// Per prefix, the URIs bound to it in scope, innermost last. Looking a prefix up is then
    /// one hash lookup however many declarations a hostile file stacks up (a scan of every
    /// binding per element made 50,000 declarations and 100,000 elements take seconds).
    bindings: HashMap<String, Vec<String>>,
    /// Per node: whether the current record has already seen it.
    seen: Vec<bool>,
}

fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'t> Parser<'t> {
    pub fn new(tables: &'t Tables) -> Parser<'t> {
        Parser {
            tables,
            record: Record::default(),
            stack: Vec::new(),
            ns: Vec::new(),
            bindings: HashMap::new(),
            seen: Vec::new(),
        }
    }

    /// Parses a whole document, calling `on_record` for every complete form.
    pub fn parse(&mut self, text: &str, mut on_record: impl FnMut(&Record)) -> DocInfo {
        let mut info = DocInfo {
            root: Root::None,
            root_offset: 0,
            batch_count: None,
            forms: 0,
            error: None,
            doctype: None,
            stray: Vec::new(),
        };
        self.stack.clear();
        self.ns.clear();
        self.bindings.clear();
        // The decoder has already taken off the byte-order mark: another U+FEFF here is a
        // character before the root element. quick-xml would skip it silently, and every
        // offset it gives would then be three bytes short of the markup it names.
        if text.starts_with('\u{feff}') {
            info.error = Some(XmlError { offset: 0, problem: XmlProblem::TextOutsideRoot });
            return info;
        }
        let mut reader = Reader::from_str(text);
        let mut root_closed = false;
        loop {
            let pos = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    info.error = Some(XmlError {
                        offset: reader.error_position() as usize,
                        problem: XmlProblem::from_quick(&e),
                    });
                    break;
                }
            };
            let result = match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    if root_closed {
                        Err(XmlError { offset: pos, problem: XmlProblem::MultipleRoots })
                    } else {
                        let r = self.start(e, pos, &mut info);
                        if r.is_ok() && empty {
                            root_closed = self.end(&mut on_record);
                        }
                        r
                    }
                }
                Event::End(_) => {
                    root_closed = self.end(&mut on_record);
                    Ok(())
                }
                Event::Text(t) => {
                    if self.stack.is_empty() {
                        if t.bytes().all(is_xml_ws) {
                            Ok(())
                        } else {
                            let skip = t.bytes().take_while(|&b| is_xml_ws(b)).count();
                            Err(XmlError { offset: pos + skip, problem: XmlProblem::TextOutsideRoot })
                        }
                    } else {
                        if self.collecting() {
                            let content = t.xml10_content();
                            self.record.text.push_str(&content);
                        }
                        Ok(())
                    }
                }
                Event::CData(c) => {
                    if self.stack.is_empty() {
                        Err(XmlError { offset: pos, problem: XmlProblem::TextOutsideRoot })
                    } else {
                        if self.collecting() {
                            self.record.text.push_str(&c);
                        }
                        Ok(())
                    }
                }
                Event::GeneralRef(r) => self.general_ref(&r, pos),
                Event::DocType(_) => {
                    info.doctype = Some(pos);
                    break;
                }
                Event::Eof => {
                    if let Some(open) = self.open_element_name(text) {
                        info.error = Some(XmlError { offset: text.len(), problem: XmlProblem::Unclosed(open) });
                    } else if info.root == Root::None {
                        info.error = Some(XmlError { offset: text.len(), problem: XmlProblem::NoRoot });
                    }
                    break;
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Ok(()),
            };
            if let Err(e) = result {
                info.error = Some(e);
                break;
            }
        }
        info
    }

    fn collecting(&self) -> bool {
        matches!(self.stack.last(), Some((Frame::Known { collect: true, .. }, _)))
    }

    /// The name of the innermost open element, re-read from the text at its start tag, so
    /// that the hot path keeps no names.
    fn open_element_name(&self, text: &str) -> Option<String> {
        let &(_, at) = self.stack.last()?;
        let tag = text.get(at..)?.strip_prefix('<')?;
        Some(tag.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').take(100).collect())
    }

    fn general_ref(&mut self, r: &quick_xml::events::BytesRef<'_>, pos: usize) -> Result<(), XmlError> {
        let ch = match r.resolve_char_ref() {
            Ok(Some(c)) => c,
            Ok(None) => match &**r {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                other => return Err(XmlError { offset: pos, problem: XmlProblem::UndefinedEntity(other.to_owned()) }),
            },
            Err(e) => return Err(XmlError { offset: pos, problem: XmlProblem::Syntax(e.to_string()) }),
        };
        if self.stack.is_empty() {
            return Err(XmlError { offset: pos, problem: XmlProblem::TextOutsideRoot });
        }
        if self.collecting() {
            self.record.text.push(ch);
        }
        Ok(())
    }

    /// Pushes namespace declarations of `e` and resolves its namespace.
    fn namespace_of(&mut self, e: &BytesStart<'_>, pos: usize) -> Result<Option<String>, XmlError> {
        let depth = self.stack.len();
        if e.len() > e.name().as_ref().len() {
            for attr in e.attributes() {
                let attr = attr.map_err(|err| attr_error(pos, err))?;
                let key: &str = attr.key.as_ref();
                let prefix = if key == "xmlns" {
                    ""
                } else if let Some(p) = key.strip_prefix("xmlns:") {
                    p
                } else {
                    continue;
                };
                let uri = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|err| attr_error(pos, err))?;
                self.ns.push((depth, prefix.to_owned()));
                self.bindings.entry(prefix.to_owned()).or_default().push(uri.into_owned());
            }
        }
        let name = e.name();
        let prefix = name.prefix().map_or("", |p| p.into_inner());
        Ok(self.resolve_prefix(prefix))
    }

    fn resolve_prefix(&self, prefix: &str) -> Option<String> {
        self.bindings.get(prefix).and_then(|uris| uris.last()).filter(|u| !u.is_empty()).cloned()
    }

    fn in_namespace(&mut self, e: &BytesStart<'_>, pos: usize) -> Result<bool, XmlError> {
        // Fast path: no attributes and no prefix means the namespace is inherited.
        if e.len() == e.name().as_ref().len() && e.name().prefix().is_none() {
            return Ok(self.bindings.get("").and_then(|uris| uris.last()).is_some_and(|u| u == NAMESPACE));
        }
        Ok(self.namespace_of(e, pos)?.as_deref() == Some(NAMESPACE))
    }

    fn attr(e: &BytesStart<'_>, name: &str, pos: usize) -> Result<Option<String>, XmlError> {
        for attr in e.attributes() {
            let attr = attr.map_err(|err| attr_error(pos, err))?;
            if <_ as AsRef<str>>::as_ref(&attr.key) == name {
                let v = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|err| attr_error(pos, err))?;
                return Ok(Some(v.into_owned()));
            }
        }
        Ok(None)
    }

    fn start_record(
        &mut self,
        kind: KindId,
        e: &BytesStart<'_>,
        pos: usize,
        info: &mut DocInfo,
    ) -> Result<(), XmlError> {
        info.forms += 1;
        self.record.reset(info.forms, kind, pos);
        if let Some(v) = Self::attr(e, "formVersion", pos)? {
            let v = v.trim();
            self.record.version = Some(self.record.push_str(v));
            self.record.version_index = self.tables.kind(kind).version_index(v);
        }
        let nodes = self.tables.kind(kind).layout.nodes.len();
        self.seen.clear();
        self.seen.resize(nodes, false);
        self.stack.push((Frame::FormRoot, pos));
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>, pos: usize, info: &mut DocInfo) -> Result<(), XmlError> {
        let parent = self.stack.last().map(|f| f.0);
        let local = e.local_name();
        let local: &str = local.as_ref();
        match parent {
            None => {
                let in_ns = self.in_namespace(e, pos)?;
                info.root_offset = pos;
                if in_ns && local == BATCH_ROOT {
                    info.root = Root::Batch;
                    info.batch_count = Self::attr(e, "count", pos)?;
                    self.stack.push((Frame::Batch, pos));
                    return Ok(());
                }
                if let Some(kind) = self.tables.kind_by_root(local.as_bytes()).filter(|_| in_ns) {
                    info.root = Root::Form(kind);
                    return self.start_record(kind, e, pos, info);
                }
                let prefix = e.name().prefix().map(|p| p.into_inner().to_owned()).unwrap_or_default();
                let namespace = self.resolve_prefix(&prefix);
                info.root =
                    Root::Other { name: String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned(), namespace };
                self.stack.push((Frame::Skip, pos));
                Ok(())
            }
            Some(Frame::Batch) => {
                let in_ns = self.in_namespace(e, pos)?;
                match self.tables.kind_by_root(local.as_bytes()).filter(|_| in_ns) {
                    Some(kind) => self.start_record(kind, e, pos, info),
                    None => {
                        info.stray.push((String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned(), pos));
                        self.stack.push((Frame::Skip, pos));
                        Ok(())
                    }
                }
            }
            Some(Frame::Skip) => {
                self.stack.push((Frame::Skip, pos));
                Ok(())
            }
            Some(Frame::FormRoot) => self.start_child(0, e, pos),
            Some(Frame::Known { node, .. }) => self.start_child(node, e, pos),
        }
    }

    fn start_child(&mut self, parent: NodeId, e: &BytesStart<'_>, pos: usize) -> Result<(), XmlError> {
        let local = e.local_name();
        let in_ns = self.in_namespace(e, pos)?;
        let layout = &self.tables.kind(self.record.kind).layout;
        let found = if in_ns { layout.child(parent, local.as_ref().as_bytes()) } else { None };
        let Some(node) = found else {
            let name = String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned();
            let name = self.record.push_str(&name);
            self.record.unknown.push(Unknown { parent, name, offset: pos });
            self.stack.push((Frame::Skip, pos));
            return Ok(());
        };
        let is_leaf = layout.node(node).children.is_empty();
        let repeated = std::mem::replace(&mut self.seen[node as usize], true);
        if Some(node) == layout.item_node {
            let code = Self::attr(e, "code", pos)?.map(|s| self.record.push_str(s.trim()));
            let value = Self::attr(e, "value", pos)?.map(|s| self.record.push_str(s.trim()));
            self.record.items.push(ItemElem { code, value, offset: pos });
            self.stack.push((Frame::Skip, pos));
            return Ok(());
        }
        let start = self.record.text.len() as u32;
        let elem = self.record.elems.len() as u32;
        self.record.elems.push(Elem { node, value: (start, start), offset: pos, repeated });
        // A repeated group is reported once (L004) and its contents are not read again.
        if repeated && !is_leaf {
            self.stack.push((Frame::Skip, pos));
        } else {
            self.stack.push((Frame::Known { node, elem, collect: is_leaf }, pos));
        }
        Ok(())
    }

    /// Closes the innermost element; returns true when that was the document's root.
    fn end(&mut self, on_record: &mut impl FnMut(&Record)) -> bool {
        let depth = self.stack.len();
        let frame = self.stack.pop().map(|f| f.0);
        while self.ns.last().is_some_and(|(d, _)| *d + 1 >= depth) {
            if let Some((_, prefix)) = self.ns.pop() {
                if let Some(uris) = self.bindings.get_mut(&prefix) {
                    uris.pop();
                }
            }
        }
        match frame {
            Some(Frame::Known { elem, collect: true, .. }) => {
                let e = &mut self.record.elems[elem as usize];
                let text = &self.record.text.as_bytes()[e.value.0 as usize..];
                let lead = text.iter().take_while(|&&b| is_xml_ws(b)).count();
                let trail = text[lead..].iter().rev().take_while(|&&b| is_xml_ws(b)).count();
                let end = self.record.text.len() - trail;
                e.value = (e.value.0 + lead as u32, end as u32);
            }
            Some(Frame::FormRoot) => on_record(&self.record),
            _ => {}
        }
        self.stack.is_empty()
    }
}

#[cfg(test)]
mod tests;
