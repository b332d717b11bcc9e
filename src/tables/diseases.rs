//! Versioned disease tables (`diseases/{program}_{YYYY-MM-DD}.tsv`) and renames
//! (`diseases/{program}_renames.tsv`).
//!
//! Each file is the table in force from the date in its name until the next file's date, so
//! the next revision of the 告示 is a data change: add `shoman_2026-04-01.tsv`. A form is
//! checked against the table in force on its WrittenDate; a form written before the first
//! table's date is checked against the first table (whose rows may carry their own
//! `valid_from`, as the 指定難病 table does).

use super::tsv::{Row, TableError, Tsv};
use crate::text::date::Date;
use crate::text::normalize::normalize_name;
use rustc_hash::FxHashMap as HashMap;

#[derive(Debug, Default)]
pub struct Diseases {
    pub programs: Vec<Program>,
}

#[derive(Debug)]
pub struct Program {
    pub name: String,
    /// Sorted by start date.
    pub revisions: Vec<Revision>,
    pub renames: Vec<Rename>,
}

#[derive(Debug)]
pub struct Revision {
    pub start: Date,
    pub file: String,
    /// Whether the table has a `group_no` column (its keys are `group-no`).
    pub grouped: bool,
    pub entries: Vec<Entry>,
    by_key: HashMap<(u16, u16), usize>,
    by_name: HashMap<String, Vec<usize>>,
}

#[derive(Debug)]
pub struct Entry {
    /// 疾患群; 0 for programs without groups (指定難病).
    pub group: u16,
    pub no: u16,
    pub name: String,
    /// `name` normalised for comparison, computed once at load.
    pub norm: String,
    pub valid_from: Option<Date>,
    /// Newly designated by this revision.
    pub added: bool,
}

#[derive(Debug)]
pub struct Rename {
    pub group: u16,
    pub no_before: u16,
    pub no_after: u16,
    pub old_name: String,
    pub new_name: String,
    pub old_norm: String,
    pub effective_from: Date,
}

/// A disease key for messages: `11-41` with a group, `6` without.
pub fn key_text(group: u16, no: u16) -> String {
    if group == 0 {
        no.to_string()
    } else {
        format!("{group}-{no}")
    }
}

impl Entry {
    pub fn key_text(&self) -> String {
        key_text(self.group, self.no)
    }
}

impl Revision {
    pub fn get(&self, group: u16, no: u16) -> Option<&Entry> {
        self.by_key.get(&(group, no)).map(|&i| &self.entries[i])
    }

    /// Entries whose normalised name is `norm`.
    pub fn by_name<'a>(&'a self, norm: &str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.by_name.get(norm).into_iter().flatten().map(|&i| &self.entries[i])
    }

    fn load(t: &Tsv<'_>, start: Date) -> Result<Revision, TableError> {
        let (cno, cname) = (t.col("kokuji_no")?, t.col("disease_name")?);
        let (cgroup, cfrom, cadded) = (t.opt_col("group_no"), t.opt_col("valid_from"), t.opt_col_prefixed("added")?);
        let mut rev = Revision {
            start,
            file: t.file.clone(),
            grouped: cgroup.is_some(),
            entries: Vec::new(),
            by_key: HashMap::default(),
            by_name: HashMap::default(),
        };
        for row in &t.rows {
            let num = |col: usize| positive(t, row, col);
            let group = match cgroup {
                Some(c) => num(c)?,
                None => 0,
            };
            let no = num(cno)?;
            let name = row.get(cname);
            if name.is_empty() {
                return Err(t.err(row, cname, "empty disease name"));
            }
            let valid_from = match cfrom.map(|c| (c, row.get(c))) {
                None | Some((_, "")) => None,
                Some((c, s)) => Some(Date::parse_iso(s).ok_or_else(|| t.err(row, c, "not a YYYY-MM-DD date"))?),
            };
            // A typo here would silently turn C002 into C003: only 1, 0 or empty are read.
            let added = match row.opt(cadded) {
                "1" => true,
                "0" | "" => false,
                _ => return Err(t.err(row, cadded.unwrap_or(0), "not 1 (added by this revision), 0 or empty")),
            };
            let i = rev.entries.len();
            if rev.by_key.insert((group, no), i).is_some() {
                return Err(t.err(row, cno, format!("key {} listed twice", key_text(group, no))));
            }
            let norm = normalize_name(name);
            rev.by_name.entry(norm.clone()).or_default().push(i);
            rev.entries.push(Entry { group, no, name: name.to_owned(), norm, valid_from, added });
        }
        Ok(rev)
    }
}

impl Program {
    /// Whether diseases are numbered within groups (小慢's 疾患群): its forms then need a group.
    pub fn grouped(&self) -> bool {
        self.revisions[0].grouped
    }

    /// The revision in force on `on` and its index.
    pub fn in_force(&self, on: Date) -> (usize, &Revision) {
        let i = self.revisions.iter().rposition(|r| r.start <= on).unwrap_or(0);
        (i, &self.revisions[i])
    }
}

impl Diseases {
    /// `files`: (file name relative to the table root, parsed table), for every file under
    /// `diseases/`.
    pub fn load(files: &[(String, Tsv<'_>)]) -> Result<Diseases, TableError> {
        let mut programs: Vec<Program> = Vec::new();
        let mut renames: Vec<(&str, &Tsv<'_>)> = Vec::new();
        for (name, t) in files {
            let stem = name.trim_start_matches("diseases/").trim_end_matches(".tsv");
            let Some((program, suffix)) = stem.rsplit_once('_') else {
                return Err(bad_name(&t.file));
            };
            if suffix == "renames" {
                renames.push((program, t));
                continue;
            }
            let start = Date::parse_iso(suffix).ok_or_else(|| bad_name(&t.file))?;
            let rev = Revision::load(t, start)?;
            match programs.iter_mut().find(|p| p.name == program) {
                Some(p) => p.revisions.push(rev),
                None => programs.push(Program { name: program.to_owned(), revisions: vec![rev], renames: Vec::new() }),
            }
        }
        for p in &mut programs {
            p.revisions.sort_by_key(|r| r.start);
            // One revision with groups and one without would give one form's disease keys two
            // meanings, depending on its WrittenDate.
            if let Some(odd) = p.revisions.iter().find(|r| r.grouped != p.grouped()) {
                let first = &p.revisions[0].file;
                return Err(TableError {
                    file: odd.file.clone(),
                    line: 0,
                    column: 0,
                    message: format!(
                        "{} a group_no column, unlike {first}: every table of program {} numbers diseases the same way",
                        if odd.grouped { "has" } else { "lacks" },
                        p.name
                    ),
                });
            }
        }
        for (program, t) in renames {
            let p = programs.iter_mut().find(|p| p.name == program).ok_or_else(|| TableError {
                file: t.file.clone(),
                line: 0,
                column: 0,
                message: format!("renames for `{program}`, which has no disease table"),
            })?;
            let (cg, cb, ca, co, cn, cf) = (
                t.opt_col("group_no"),
                t.col("kokuji_no_before")?,
                t.col("kokuji_no_after")?,
                t.col("old_name")?,
                t.col("new_name")?,
                t.col("effective_from")?,
            );
            if cg.is_some() != p.grouped() {
                let (want, tables) = if p.grouped() { ("needs", "have") } else { ("takes no", "have none") };
                return Err(TableError {
                    file: t.file.clone(),
                    line: 0,
                    column: 0,
                    message: format!("{want} a group_no column: the disease tables of program {program} {tables}"),
                });
            }
            for row in &t.rows {
                let num = |c: usize| positive(t, row, c);
                let rename = Rename {
                    group: match cg {
                        Some(c) => num(c)?,
                        None => 0,
                    },
                    no_before: num(cb)?,
                    no_after: num(ca)?,
                    old_name: row.get(co).to_owned(),
                    new_name: row.get(cn).to_owned(),
                    old_norm: normalize_name(row.get(co)),
                    effective_from: Date::parse_iso(row.get(cf))
                        .ok_or_else(|| t.err(row, cf, "not a YYYY-MM-DD date"))?,
                };
                // The warning names the new key and name: they must be the table's, or the fix
                // it proposes would itself be reported.
                let (_, rev) = p.in_force(rename.effective_from);
                let key = key_text(rename.group, rename.no_after);
                match rev.get(rename.group, rename.no_after) {
                    None => {
                        let msg =
                            format!("{key} is not a disease of {} (in force on {})", rev.file, rename.effective_from);
                        return Err(t.err(row, ca, msg));
                    }
                    Some(e) if e.norm != normalize_name(&rename.new_name) => {
                        let msg = format!("{key} is named {} in {}", e.name, rev.file);
                        return Err(t.err(row, cn, msg));
                    }
                    Some(_) => p.renames.push(rename),
                }
            }
        }
        Ok(Diseases { programs })
    }

    pub fn program(&self, name: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.name == name)
    }
}

/// A 疾患群 or 告示番号 cell.
fn positive(t: &Tsv<'_>, row: &Row<'_>, col: usize) -> Result<u16, TableError> {
    row.get(col).parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| t.err(row, col, "not a positive number"))
}

fn bad_name(name: &str) -> TableError {
    TableError {
        file: name.to_owned(),
        line: 0,
        column: 0,
        message: "disease tables are named {program}_{YYYY-MM-DD}.tsv (the first day in force) \
                  or {program}_renames.tsv"
            .into(),
    }
}
