//! The namespace declarations in scope while parsing.
//!
//! A hostile file can declare millions of prefixes, on one element or on a million siblings, so
//! this keeps no string per declaration: prefixes and URIs live in one arena that grows and
//! shrinks with the element stack, each declaration is a fixed-size record, and a table maps
//! each prefix in scope to its innermost declaration (which remembers the one it shadows). A
//! declaration costs about 25 bytes plus its text, and disappears with its element; looking a
//! prefix up is one hash lookup however many are in scope.

use hashbrown::HashTable;
use std::hash::BuildHasher;

const NONE: u32 = u32::MAX;

/// 20 bytes: a form may hold millions (the arena itself is limited to 4 GiB, far beyond any
/// file read whole or any form streamed).
struct Decl {
    /// Depth of the element that declares it (the stack's length before that element).
    depth: u32,
    /// The prefix is `arena[start..mid]`, the URI `arena[mid..end]`.
    start: u32,
    mid: u32,
    end: u32,
    /// The declaration of the same prefix that this one hides, or `NONE`.
    shadowed: u32,
}

impl Decl {
    fn prefix(&self) -> (u32, u32) {
        (self.start, self.mid)
    }
    fn uri(&self) -> (u32, u32) {
        (self.mid, self.end)
    }
}

pub struct Namespaces {
    arena: String,
    decls: Vec<Decl>,
    /// Index in `decls` of the innermost declaration of each prefix in scope.
    innermost: HashTable<u32>,
    /// The same for the empty prefix (the default namespace), kept out of the table: nearly
    /// every form declares it, and its lookups need no hashing.
    default: u32,
    /// Prefixes are written by whoever wrote the file: a keyed hash keeps crafted collisions
    /// from making lookups linear.
    hasher: std::hash::RandomState,
}

impl Default for Namespaces {
    fn default() -> Namespaces {
        Namespaces {
            arena: String::new(),
            decls: Vec::new(),
            innermost: HashTable::new(),
            default: NONE,
            hasher: std::hash::RandomState::new(),
        }
    }
}

impl Namespaces {
    pub fn clear(&mut self) {
        self.arena.clear();
        self.decls.clear();
        self.innermost.clear();
        self.default = NONE;
        // A file that declared millions keeps no memory for the next one.
        if self.decls.capacity() > 1 << 16 {
            *self = Namespaces::default();
        }
    }

    fn text(&self, span: (u32, u32)) -> &str {
        &self.arena[span.0 as usize..span.1 as usize]
    }

    fn find(&self, prefix: &str) -> Option<u32> {
        if prefix.is_empty() {
            return (self.default != NONE).then_some(self.default);
        }
        let hash = self.hasher.hash_one(prefix);
        self.innermost.find(hash, |&i| self.text(self.decls[i as usize].prefix()) == prefix).copied()
    }

    /// Declares `prefix` (empty: the default namespace) as `uri` on the element at `depth`.
    pub fn declare(&mut self, depth: usize, prefix: &str, uri: &str) {
        let at = |arena: &String| arena.len() as u32;
        let start = at(&self.arena);
        self.arena.push_str(prefix);
        let mid = at(&self.arena);
        self.arena.push_str(uri);
        let index = self.decls.len() as u32;
        let depth = u32::try_from(depth).unwrap_or(u32::MAX);
        if prefix.is_empty() {
            let shadowed = std::mem::replace(&mut self.default, index);
            self.decls.push(Decl { depth, start, mid, end: at(&self.arena), shadowed });
            return;
        }
        let hash = self.hasher.hash_one(prefix);
        let (arena, decls) = (&self.arena, &self.decls);
        let text = |i: u32| {
            let d = &decls[i as usize];
            &arena[d.start as usize..d.mid as usize]
        };
        let same = |&i: &u32| text(i) == prefix;
        let shadowed = match self.innermost.find_mut(hash, same) {
            Some(slot) => std::mem::replace(slot, index),
            None => {
                let hasher = &self.hasher;
                let key = |&i: &u32| hasher.hash_one(text(i));
                self.innermost.insert_unique(hash, index, key);
                NONE
            }
        };
        self.decls.push(Decl { depth, start, mid, end: at(&self.arena), shadowed });
    }

    /// Whether closing the element at `depth` takes declarations out of scope.
    pub fn any_at_or_below(&self, depth: usize) -> bool {
        self.decls.last().is_some_and(|d| d.depth as usize >= depth)
    }

    /// Ends the scope of the declarations of elements at `depth` or deeper.
    pub fn close(&mut self, depth: usize) {
        while self.any_at_or_below(depth) {
            let Some(d) = self.decls.pop() else { break };
            let index = self.decls.len() as u32;
            let prefix = &self.arena[d.start as usize..d.mid as usize];
            if prefix.is_empty() {
                self.default = d.shadowed;
                self.arena.truncate(d.start as usize);
                continue;
            }
            let hash = self.hasher.hash_one(prefix);
            if let Ok(slot) = self.innermost.find_entry(hash, |&i| i == index) {
                if d.shadowed == NONE {
                    slot.remove();
                } else {
                    *slot.into_mut() = d.shadowed;
                }
            }
            // Declarations are pushed and popped in stack order, so their text is the arena's end.
            self.arena.truncate(d.start as usize);
        }
    }

    /// The URI `prefix` is bound to, if any (an empty URI undeclares: no namespace).
    pub fn resolve(&self, prefix: &str) -> Option<&str> {
        let i = self.find(prefix)?;
        Some(self.text(self.decls[i as usize].uri())).filter(|u| !u.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::Namespaces;

    #[test]
    fn inner_declarations_shadow_outer_ones_until_their_element_closes() {
        let mut ns = Namespaces::default();
        ns.declare(0, "", "urn:a");
        ns.declare(0, "p", "urn:p");
        ns.declare(1, "", "urn:b");
        ns.declare(2, "p", "");
        assert_eq!((ns.resolve(""), ns.resolve("p"), ns.resolve("q")), (Some("urn:b"), None, None));
        ns.close(2);
        assert_eq!((ns.resolve(""), ns.resolve("p")), (Some("urn:b"), Some("urn:p")));
        ns.close(1);
        assert_eq!(ns.resolve(""), Some("urn:a"));
        assert!(!ns.any_at_or_below(1) && ns.any_at_or_below(0));
        ns.close(0);
        assert_eq!((ns.resolve(""), ns.resolve("p")), (None, None));
        assert!(ns.arena.is_empty() && ns.innermost.is_empty() && ns.default == super::NONE);
    }

    #[test]
    fn many_distinct_prefixes_leave_nothing_behind_once_closed() {
        let mut ns = Namespaces::default();
        ns.declare(0, "", "urn:root");
        for i in 0..100_000 {
            ns.declare(1, &format!("p{i}"), "u");
            ns.close(1);
        }
        // The default namespace is kept beside the table, not in it.
        assert_eq!((ns.decls.len(), ns.innermost.len()), (1, 0));
        assert_eq!(ns.resolve(""), Some("urn:root"));
    }
}
