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

/// Per-node buffers given back by one record's check for the next one on the same thread:
/// allocating and zeroing four of them per record was a tenth of a record's allocations.
#[derive(Default)]
struct Spare {
    states: Vec<Vec<State>>,
    firsts: Vec<Vec<u32>>,
    flags: Vec<Vec<bool>>,
}

thread_local! {
    static SPARE: std::cell::RefCell<Spare> = std::cell::RefCell::default();
}

/// `n` copies of `fill`, in a buffer taken from `pick`'s pool when there is one.
fn filled<T: Copy>(pick: fn(&mut Spare) -> &mut Vec<Vec<T>>, n: usize, fill: T) -> Vec<T> {
    let mut v = SPARE.with(|s| pick(&mut s.borrow_mut()).pop()).unwrap_or_default();
    v.clear();
    v.resize(n, fill);
    v
}

/// Gives a buffer back to `pick`'s pool (a record needs at most two of a kind).
fn give_back<T>(pick: fn(&mut Spare) -> &mut Vec<Vec<T>>, v: Vec<T>) {
    SPARE.with(|s| {
        let mut s = s.borrow_mut();
        let pool = pick(&mut s);
        if pool.len() < 2 {
            pool.push(v);
        }
    });
}

/// A per-node flag buffer, all false; give it back with [`recycle_flags`].
pub(crate) fn node_flags(n: usize) -> Vec<bool> {
    filled(|s| &mut s.flags, n, false)
}

pub(crate) fn recycle_flags(v: Vec<bool>) {
    give_back(|s| &mut s.flags, v);
}

impl Drop for View<'_> {
    fn drop(&mut self) {
        give_back(|s| &mut s.states, std::mem::take(&mut self.state));
        give_back(|s| &mut s.firsts, std::mem::take(&mut self.first));
    }
}

impl<'r> View<'r> {
    /// A view of `rec` with every node absent, for the layout engine to fill in.
    pub(crate) fn new(rec: &'r Record, kind: &'r FormKind, version: usize, nodes: usize) -> View<'r> {
        View {
            rec,
            kind,
            kind_id: rec.kind,
            version,
            state: filled(|s| &mut s.states, nodes, State::Absent),
            first: filled(|s| &mut s.firsts, nodes, NONE),
        }
    }

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
