//! Disease-specific items (`items.tsv`): what `Items/Item` may hold for a disease.

use super::codes::CodeLists;
use super::diseases::{key_text, Diseases};
use super::forms::FormKind;
use super::tsv::{TableError, Tsv};
use super::types::Type;
use crate::text::date::Date;
use rustc_hash::FxHashMap as HashMap;

#[derive(Debug)]
pub struct ItemDef {
    pub code: String,
    pub name_ja: String,
    pub label_en: String,
    pub ty: Type,
    pub required: bool,
    /// The WrittenDates the definition applies to, inclusive; `None` is open-ended. Disease
    /// keys are renumbered (小慢, 2025-04-01), so a key's items are dated like the disease
    /// tables: the next renumbering is new rows, not a code change.
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

impl ItemDef {
    pub fn applies_on(&self, on: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= on) && self.valid_to.is_none_or(|t| on <= t)
    }

    fn overlaps(&self, other: &ItemDef) -> bool {
        let starts_before_other_ends = match (self.valid_from, other.valid_to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        };
        let ends_after_other_starts = match (self.valid_to, other.valid_from) {
            (Some(t), Some(f)) => f <= t,
            _ => true,
        };
        starts_before_other_ends && ends_after_other_starts
    }
}

/// Item definitions by (form kind index, disease key). The disease key is the 告示番号 for
/// 臨個票 (`6`) and `疾患群-告示番号` for 意見書 (`7-1`).
#[derive(Debug, Default)]
pub struct Items {
    /// Per form kind (its index), by disease key: looked up with the key as a `&str`, so a
    /// record's lookup allocates nothing.
    by_disease: Vec<HashMap<String, Vec<ItemDef>>>,
}

impl Items {
    /// `diseases` holds every kind's program (checked before).
    pub fn load(t: &Tsv<'_>, kinds: &[FormKind], lists: &CodeLists, diseases: &Diseases) -> Result<Items, TableError> {
        let c = |n| t.col(n);
        let (vf, vt) = (t.opt_col("valid_from"), t.opt_col("valid_to"));
        let (cf, cd, cc, cj, ce, ct, cs, cl, cr) = (
            c("form")?,
            c("disease")?,
            c("code")?,
            c("name_ja")?,
            c("label_en")?,
            c("type")?,
            c("size")?,
            c("codes")?,
            c("required")?,
        );
        let mut by_disease: Vec<HashMap<String, Vec<ItemDef>>> = kinds.iter().map(|_| HashMap::default()).collect();
        for row in &t.rows {
            let kind = kinds
                .iter()
                .position(|k| k.id == row.get(cf))
                .ok_or_else(|| t.err(row, cf, "not a form of forms.tsv"))?;
            // A record's key is written as `key_text` writes it: `06`, `+6` or a key the
            // program never had would be rows no form can ever meet.
            let disease = row.get(cd);
            let program = diseases.program(&kinds[kind].program).expect("every kind's program is loaded");
            let (g, n) = match disease.split_once('-') {
                Some((g, n)) => (g.parse::<u16>().ok(), n.parse::<u16>().ok()),
                None => (Some(0), disease.parse::<u16>().ok()),
            };
            let key = g.zip(n).filter(|&(g, n)| key_text(g, n) == disease && (g > 0) == program.grouped());
            let Some((g, n)) = key else {
                let want = if program.grouped() { "疾患群-告示番号 (7-1)" } else { "告示番号 (6)" };
                return Err(t.err(row, cd, format!("expected a {want}, written without leading zeros")));
            };
            if program.revisions.iter().all(|r| r.get(g, n).is_none()) {
                let msg = format!("{disease} is in no disease table of program {}", program.name);
                return Err(t.err(row, cd, msg));
            }
            let no_conditions = |name: &str| Err(format!("`{name}`: an item's range takes no condition"));
            let ty = Type::compile(row.get(ct), row.get(cs), row.get(cl), lists, &no_conditions)
                .map_err(|(col, m)| t.err(row, [ct, cs, cl][col], m))?;
            if matches!(ty, Type::Group | Type::Item) {
                return Err(t.err(row, ct, "an item holds a value: group and item are not item types"));
            }
            let required = match row.get(cr) {
                "" => false,
                "always" => true,
                other => return Err(t.err(row, cr, format!("`{other}`: use always or leave empty"))),
            };
            let date = |col: Option<usize>| match row.opt(col) {
                "" => Ok(None),
                s => Date::parse_iso(s).map(Some).ok_or_else(|| t.err(row, col.unwrap_or(0), "not a YYYY-MM-DD date")),
            };
            let (valid_from, valid_to) = (date(vf)?, date(vt)?);
            if let (Some(f), Some(to)) = (valid_from, valid_to) {
                if to < f {
                    return Err(t.err(row, vt.unwrap_or(0), "valid_to is before valid_from"));
                }
            }
            let code = row.get(cc);
            let def = ItemDef {
                code: code.to_owned(),
                name_ja: row.get(cj).to_owned(),
                label_en: row.get(ce).to_owned(),
                ty,
                required,
                valid_from,
                valid_to,
            };
            let defs = by_disease[kind].entry(disease.to_owned()).or_default();
            if code.is_empty() || defs.iter().any(|d| d.code == code && d.overlaps(&def)) {
                return Err(t.err(row, cc, "empty item code, or the same code for this disease on overlapping dates"));
            }
            defs.push(def);
        }
        Ok(Items { by_disease })
    }

    /// Every definition for a disease key, whatever its dates.
    pub fn for_disease(&self, kind: u8, key: &str) -> Option<&[ItemDef]> {
        self.by_disease.get(kind as usize)?.get(key).map(Vec::as_slice)
    }

    /// The definitions that apply to a form of `kind` for disease `key` written on `on`; empty
    /// when the table says nothing about that disease then.
    pub fn in_force(&self, kind: u8, key: &str, on: Date) -> Vec<&ItemDef> {
        self.for_disease(kind, key).unwrap_or(&[]).iter().filter(|d| d.applies_on(on)).collect()
    }
}
