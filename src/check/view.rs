//! The record as the domain rules see it: values by field, only where the layout engine
//! found them present and valid. A value that failed its own check reads as missing here,
//! which is how "one cause, one finding" holds without each rule re-checking formats.

use crate::parse::{Elem, Record};
use crate::tables::cond::{Env, Var};
use crate::tables::layout::NodeId;
use crate::tables::{Field, FormKind, KindId};
use crate::text::date::{Date, YearMonth};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Absent,
    /// Present with an empty value (reads as absent).
    Empty,
    /// Present, but failed its own check.
    Invalid,
    Valid,
}

pub struct View<'r> {
    pub rec: &'r Record,
    pub kind: &'r FormKind,
    pub kind_id: KindId,
    pub version: usize,
    pub(crate) state: Vec<State>,
    /// Per node, index of its first element in `rec.elems`.
    pub(crate) first: Vec<u32>,
}

pub const NONE: u32 = u32::MAX;

impl<'r> View<'r> {
    pub fn elem(&self, node: NodeId) -> Option<&'r Elem> {
        match self.first[node as usize] {
            NONE => None,
            i => Some(&self.rec.elems[i as usize]),
        }
    }

    pub fn state(&self, node: NodeId) -> State {
        self.state[node as usize]
    }

    /// The valid value of a node.
    pub fn value(&self, node: NodeId) -> Option<&'r str> {
        if self.state(node) == State::Valid {
            self.elem(node).map(|e| self.rec.value(e))
        } else {
            None
        }
    }

    pub fn node_of(&self, f: Field) -> Option<NodeId> {
        self.kind.layout.field_node(f)
    }

    /// The valid value of a field.
    pub fn get(&self, f: Field) -> Option<&'r str> {
        self.value(self.node_of(f)?)
    }

    /// Where a field's element starts, when present (valid or not).
    pub fn offset(&self, f: Field) -> Option<usize> {
        self.elem(self.node_of(f)?).map(|e| e.offset)
    }

    pub fn path(&self, f: Field) -> &'r str {
        self.node_of(f).map_or("", |n| &self.kind.layout.node(n).path)
    }

    /// The field's label in the run's language.
    pub fn label(&self, f: Field, lang: crate::lang::Lang) -> &'r str {
        match self.node_of(f).and_then(|n| self.kind.layout.any_row(n)) {
            Some(row) => lang.pick(&row.name_ja, &row.label_en),
            None => f.key(),
        }
    }

    pub fn date(&self, f: Field) -> Option<Date> {
        self.get(f).and_then(Date::parse_iso)
    }

    pub fn year_month(&self, f: Field) -> Option<YearMonth> {
        self.get(f).and_then(YearMonth::parse_iso)
    }

    pub fn number(&self, f: Field) -> Option<u16> {
        self.get(f).and_then(|s| s.parse().ok())
    }

    pub fn version_code(&self) -> &'r str {
        &self.kind.versions[self.version].code
    }

    pub fn record(&self) -> u32 {
        self.rec.number
    }
}

impl Env for View<'_> {
    fn value(&self, var: Var) -> Option<&str> {
        match var {
            Var::FormVersion => Some(self.version_code()),
            Var::Node(n) => View::value(self, n),
        }
    }
}
