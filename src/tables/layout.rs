//! The element layout of each form kind (`layout.tsv`), compiled into a path trie whose node
//! ids the parser assigns while reading, and rows the layout engine checks.

use super::codes::CodeLists;
use super::cond::{Cond, Var};
use super::fields::{Field, On};
use super::forms::FormKind;
use super::tsv::{TableError, Tsv};
use super::types::Type;

pub type NodeId = u16;
pub type RowId = u16;

/// A position in the element tree of a form kind; node 0 is the form root.
#[derive(Debug)]
pub struct Node {
    pub name: Box<str>,
    /// Path under the root, e.g. `Header/WrittenDate` (empty for the root).
    pub path: Box<str>,
    pub parent: NodeId,
    pub children: Vec<NodeId>,
    /// The next child of the same parent in the layout's order; 0 for none (the root is no
    /// one's sibling).
    pub next: NodeId,
}

/// Whether `s` is an element name as the tables write one: an XML name without a prefix, as
/// the parser checks names it does not know (so a layout cannot name `2ndOpinion`, which no
/// well-formed file could hold).
pub fn is_element_name(s: &str) -> bool {
    crate::parse::names::is_ncname(s)
}

/// Whether two element names are the same bytes. Names are short: two overlapping word
/// compares settle most of them without a call to memcmp.
#[inline]
pub fn same_name(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"));
    match n {
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a == b,
    }
}

#[derive(Debug)]
pub struct Row {
    pub node: NodeId,
    pub name_ja: String,
    pub label_en: String,
    pub ty: Type,
    /// May occur more than once.
    pub repeat: bool,
    pub field: Option<Field>,
    pub required: Option<Cond>,
    pub absent: Option<Cond>,
    /// Line in layout.tsv, for messages about the table itself.
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Layout {
    pub nodes: Vec<Node>,
    pub rows: Vec<Row>,
    /// `row_for[version][node]`: the row that applies to a node in a form version.
    row_for: Vec<Vec<Option<RowId>>>,
    field_node: Vec<Option<NodeId>>,
    /// The node of disease-specific items (type `item`), whose attributes the parser reads.
    pub item_node: Option<NodeId>,
}

impl Layout {
    pub fn child(&self, parent: NodeId, name: &[u8]) -> Option<NodeId> {
        self.nodes[parent as usize]
            .children
            .iter()
            .copied()
            .find(|&c| same_name(self.nodes[c as usize].name.as_bytes(), name))
    }

    /// [`Layout::child`], trying first the child that follows `prev` (the element before this
    /// one, or 0) in the layout's order: forms are written in that order, so the guess saves
    /// a search of the siblings for almost every element.
    #[inline(always)]
    pub fn child_after(&self, parent: NodeId, prev: NodeId, name: &[u8]) -> Option<NodeId> {
        let p = &self.nodes[prev as usize];
        let guess = if prev != 0 && p.parent == parent {
            p.next
        } else {
            self.nodes[parent as usize].children.first().copied().unwrap_or(0)
        };
        if guess != 0 && same_name(self.nodes[guess as usize].name.as_bytes(), name) {
            return Some(guess);
        }
        self.child(parent, name)
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn row_for(&self, version: usize, node: NodeId) -> Option<&Row> {
        self.row_for[version][node as usize].map(|r| &self.rows[r as usize])
    }

    /// Any row of the node, whatever the version (for labels of elements out of place).
    pub fn any_row(&self, node: NodeId) -> Option<&Row> {
        self.rows.iter().find(|r| r.node == node)
    }

    pub fn field_node(&self, f: Field) -> Option<NodeId> {
        self.field_node[f.index()]
    }

    /// Every element name known anywhere in this layout (for "did you mean").
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().skip(1).map(|n| &*n.name)
    }

    fn add_path(&mut self, path: &str) -> Result<NodeId, String> {
        let mut at: NodeId = 0;
        for seg in path.split('/') {
            if !is_element_name(seg) {
                return Err(format!("`{path}` is not an element path like Header/WrittenDate"));
            }
            at = match self.child(at, seg.as_bytes()) {
                Some(c) => c,
                None => {
                    let id = self.nodes.len();
                    if id > NodeId::MAX as usize - 1 {
                        return Err("too many elements".into());
                    }
                    let parent_path = &self.nodes[at as usize].path;
                    let path = if parent_path.is_empty() { seg.to_owned() } else { format!("{parent_path}/{seg}") };
                    self.nodes.push(Node {
                        name: seg.into(),
                        path: path.into(),
                        parent: at,
                        children: Vec::new(),
                        next: 0,
                    });
                    if let Some(&last) = self.nodes[at as usize].children.last() {
                        self.nodes[last as usize].next = id as NodeId;
                    }
                    self.nodes[at as usize].children.push(id as NodeId);
                    id as NodeId
                }
            };
        }
        Ok(at)
    }

    /// Resolves a condition NAME: a full path, or the last segment of exactly one path.
    fn resolve(&self, name: &str) -> Result<Var, String> {
        if let Some(n) = self.nodes.iter().position(|n| &*n.path == name) {
            return Ok(Var::Node(n as NodeId));
        }
        let hits: Vec<_> = self.nodes.iter().enumerate().filter(|(_, n)| &*n.name == name).collect();
        match hits[..] {
            [(i, _)] => Ok(Var::Node(i as NodeId)),
            [] => Err(format!("unknown element `{name}`")),
            _ => {
                let paths: Vec<&str> = hits.iter().map(|(_, n)| &*n.path).collect();
                Err(format!("`{name}` could be any of {}: write the full path", paths.join(", ")))
            }
        }
    }
}

/// Fills in the layout of every kind from `layout.tsv`.
pub fn load_layouts(t: &Tsv<'_>, kinds: &mut [FormKind], lists: &CodeLists) -> Result<(), TableError> {
    let c = |n| t.col(n);
    let (cform, cver, cpath, cja, cen, ctype, csize, ccodes, coccurs, cfield, creq, cabs) = (
        c("form")?,
        c("versions")?,
        c("path")?,
        c("name_ja")?,
        c("label_en")?,
        c("type")?,
        c("size")?,
        c("codes")?,
        c("occurs")?,
        c("field")?,
        c("required")?,
        c("absent")?,
    );
    for kind in kinds.iter_mut() {
        kind.layout = Layout::default();
        kind.layout.nodes.push(Node {
            name: kind.root.clone().into(),
            path: "".into(),
            parent: 0,
            children: Vec::new(),
            next: 0,
        });
    }
    // Two passes: paths first, so that conditions may name elements defined further down.
    let mut rows_of_kind: Vec<Vec<(usize, Vec<usize>)>> = kinds.iter().map(|_| Vec::new()).collect();
    for (ri, row) in t.rows.iter().enumerate() {
        let forms: Vec<&str> = row.get(cform).split(',').map(str::trim).collect();
        for f in forms {
            let ki = kinds
                .iter()
                .position(|k| k.id == f)
                .ok_or_else(|| t.err(row, cform, format!("`{f}` is not a form of forms.tsv")))?;
            let kind = &mut kinds[ki];
            kind.layout.add_path(row.get(cpath)).map_err(|m| t.err(row, cpath, m))?;
            let versions = match row.get(cver) {
                "" | "*" => (0..kind.versions.len()).collect(),
                list => list
                    .split(',')
                    .map(|v| {
                        kind.version_index(v.trim()).ok_or_else(|| {
                            t.err(row, cver, format!("`{v}` is not a version of {f} (form-versions.tsv)"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            };
            rows_of_kind[ki].push((ri, versions));
        }
    }
    for (ki, kind) in kinds.iter_mut().enumerate() {
        let layout = &mut kind.layout;
        layout.row_for = vec![vec![None; layout.nodes.len()]; kind.versions.len()];
        layout.field_node = vec![None; Field::COUNT];
        for (ri, versions) in &rows_of_kind[ki] {
            let row = &t.rows[*ri];
            let node = layout.add_path(row.get(cpath)).map_err(|m| t.err(row, cpath, m))?;
            let resolve = |n: &str| layout.resolve(n);
            let ty = Type::compile(row.get(ctype), row.get(csize), row.get(ccodes), lists, &resolve)
                .map_err(|(col, m)| t.err(row, [ctype, csize, ccodes][col], m))?;
            let cond = |col: usize| -> Result<Option<Cond>, TableError> {
                match row.get(col) {
                    "" => Ok(None),
                    "always" => Ok(Some(Cond::always())),
                    src => Cond::parse(src, &resolve).map(Some).map_err(|m| t.err(row, col, m)),
                }
            };
            let (required, absent) = (cond(creq)?, cond(cabs)?);
            let repeat = match row.get(coccurs) {
                "" | "1" => false,
                "n" => true,
                other => return Err(t.err(row, coccurs, format!("`{other}`: use 1 or n"))),
            };
            let field = match row.get(cfield) {
                "" => None,
                key => Some(Field::from_key(key).ok_or_else(|| {
                    let known: Vec<_> = Field::ALL.iter().map(|f| f.key()).collect();
                    t.err(row, cfield, format!("unknown field `{key}` (known: {})", known.join(", ")))
                })?),
            };
            if node == 0 {
                return Err(t.err(row, cpath, "the root itself has no row"));
            }
            let parent = layout.nodes[node as usize].parent;
            let rid = layout.rows.len() as RowId;
            for &v in versions {
                if parent != 0
                    && layout.row_for[v][parent as usize].is_none_or(|p| !layout.rows[p as usize].ty.is_group())
                {
                    return Err(t.err(
                        row,
                        cpath,
                        format!(
                            "its parent `{}` needs a row of type group for version {}, listed before it",
                            layout.nodes[parent as usize].path, kind.versions[v].code
                        ),
                    ));
                }
                let slot = &mut layout.row_for[v][node as usize];
                if slot.is_some() {
                    return Err(t.err(
                        row,
                        cpath,
                        format!("a second row for {} in version {}", row.get(cpath), kind.versions[v].code),
                    ));
                }
                *slot = Some(rid);
            }
            if ty == Type::Item {
                match layout.item_node {
                    Some(n) if n != node => return Err(t.err(row, ctype, "only one element may be of type item")),
                    _ => layout.item_node = Some(node),
                }
            }
            if let Some(f) = field {
                if ty.name() != f.type_name() || repeat {
                    let msg = format!(
                        "field {} is read as one value of type {}, not {}{}",
                        f.key(),
                        f.type_name(),
                        if repeat { "a repeated " } else { "" },
                        ty.name()
                    );
                    return Err(t.err(row, cfield, msg));
                }
                match layout.field_node[f.index()] {
                    Some(n) if n != node => {
                        return Err(t.err(row, cfield, format!("field {} is already on another element", f.key())))
                    }
                    _ => layout.field_node[f.index()] = Some(node),
                }
            }
            layout.rows.push(Row {
                node,
                name_ja: row.get(cja).to_owned(),
                label_en: row.get(cen).to_owned(),
                ty,
                repeat,
                field,
                required,
                absent,
                line: row.line,
            });
        }
    }
    Ok(())
}

/// What `kind`'s layout lacks, if anything: an element for each field its rules read (see
/// `fields::On`; `grouped` says whether its program numbers diseases within groups), and a
/// row at all in each of its versions. A field's element may be missing from some versions
/// (the 1703 臨個票 has no DiagnosisDate): its rules have nothing to read there.
pub fn missing_field(kind: &FormKind, grouped: bool) -> Option<String> {
    let layout = &kind.layout;
    if let Some(v) = layout.row_for.iter().position(|rows| rows.iter().all(Option::is_none)) {
        return Some(format!("form {} version {} has no rows in layout.tsv", kind.id, kind.versions[v].code));
    }
    Field::ALL.iter().find_map(|&f| {
        let want = match f.on() {
            On::Every => true,
            On::Grouped => grouped,
            On::Payer if !kind.houbetsu.is_empty() => true,
            On::Payer | On::Optional => return None,
        };
        (layout.field_node(f).is_some() != want).then(|| match (want, f.on()) {
            (true, On::Grouped) => format!(
                "form {} needs a row with field {}: program {} numbers its diseases within groups",
                kind.id,
                f.key(),
                kind.program
            ),
            (true, On::Payer) => format!(
                "form {} needs a row with field {}: forms.tsv gives it the 法別番号 {}",
                kind.id,
                f.key(),
                kind.houbetsu
            ),
            (true, _) => format!(
                "form {} needs a row with field {}: the rules that read it would otherwise stay silent",
                kind.id,
                f.key()
            ),
            (false, _) => format!(
                "form {} has a row with field {}, but program {} numbers its diseases without groups",
                kind.id,
                f.key(),
                kind.program
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::same_name;

    #[test]
    fn same_name_agrees_with_slice_equality_at_every_length() {
        for n in 0..40 {
            let a: Vec<u8> = (0..n).map(|i| b'A' + (i % 26) as u8).collect();
            assert!(same_name(&a, &a.clone()), "length {n}");
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 0x20;
                assert!(!same_name(&a, &b), "length {n}, byte {i} differs");
            }
            assert!(!same_name(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }
}
