//! Code lists (`codes.tsv`).

use super::tsv::{TableError, Tsv};
use crate::lang::Lang;

pub type ListId = u16;

#[derive(Debug, Default)]
pub struct CodeLists {
    lists: Vec<CodeList>,
}

#[derive(Debug)]
pub struct CodeList {
    pub name: String,
    pub entries: Vec<CodeEntry>,
}

#[derive(Debug)]
pub struct CodeEntry {
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
}

impl CodeLists {
    pub fn load(t: &Tsv<'_>) -> Result<CodeLists, TableError> {
        let (cl, cc, cj, ce) = (t.col("list")?, t.col("code")?, t.col("label_ja")?, t.col("label_en")?);
        let mut lists: Vec<CodeList> = Vec::new();
        for row in &t.rows {
            let (name, code) = (row.get(cl), row.get(cc));
            // The layout names a list in its `codes` cell, and the schema names a type after
            // it: a name that is no XML name (a NUL, a space) could be neither.
            if !crate::parse::names::is_ncname(name) {
                return Err(t.err(
                    row,
                    cl,
                    "a list name is an XML name (letters, digits, _ - .; not starting with a digit)",
                ));
            }
            // A value is compared as written: a code with a control character could never be met.
            if code.is_empty() || code.chars().any(char::is_control) {
                return Err(t.err(row, cc, "a code is non-empty, without control characters"));
            }
            let list = match lists.iter_mut().position(|l| l.name == name) {
                Some(i) => &mut lists[i],
                None => {
                    lists.push(CodeList { name: name.to_owned(), entries: Vec::new() });
                    lists.last_mut().expect("just pushed")
                }
            };
            if list.entries.iter().any(|e| e.code == code) {
                return Err(t.err(row, cc, format!("code {code} listed twice in {name}")));
            }
            list.entries.push(CodeEntry {
                code: code.to_owned(),
                label_ja: row.get(cj).to_owned(),
                label_en: row.get(ce).to_owned(),
            });
        }
        Ok(CodeLists { lists })
    }

    pub fn id(&self, name: &str) -> Option<ListId> {
        self.lists.iter().position(|l| l.name == name).map(|i| i as ListId)
    }

    pub fn get(&self, id: ListId) -> &CodeList {
        &self.lists[id as usize]
    }
}

impl CodeList {
    pub fn find(&self, code: &str) -> Option<&CodeEntry> {
        self.entries.iter().find(|e| e.code == code)
    }

    /// "1 新規, 2 更新" — for messages that say what would be right.
    pub fn describe(&self, lang: Lang) -> String {
        let mut s = String::new();
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&e.code);
            s.push(' ');
            s.push_str(lang.pick(&e.label_ja, &e.label_en));
        }
        s
    }
}
