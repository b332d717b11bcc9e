//! Disease-specific items (`items.tsv`): what `Items/Item` may hold for a disease.

use super::codes::CodeLists;
use super::forms::FormKind;
use super::tsv::{TableError, Tsv};
use super::types::Type;
use std::collections::HashMap;

#[derive(Debug)]
pub struct ItemDef {
    pub code: String,
    pub name_ja: String,
    pub label_en: String,
    pub ty: Type,
    pub required: bool,
}

/// Item definitions by (form kind index, disease key). The disease key is the 告示番号 for
/// 臨個票 (`6`) and `疾患群-告示番号` for 意見書 (`7-1`).
#[derive(Debug, Default)]
pub struct Items {
    by_disease: HashMap<(u8, String), Vec<ItemDef>>,
}

impl Items {
    pub fn load(t: &Tsv<'_>, kinds: &[FormKind], lists: &CodeLists) -> Result<Items, TableError> {
        let c = |n| t.col(n);
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
        let mut by_disease: HashMap<(u8, String), Vec<ItemDef>> = HashMap::new();
        for row in &t.rows {
            let kind = kinds
                .iter()
                .position(|k| k.id == row.get(cf))
                .ok_or_else(|| t.err(row, cf, "not a form of forms.tsv"))?;
            let disease = row.get(cd);
            let key_ok = match disease.split_once('-') {
                Some((g, n)) => g.parse::<u16>().is_ok() && n.parse::<u16>().is_ok(),
                None => disease.parse::<u16>().is_ok(),
            };
            if !key_ok {
                return Err(t.err(row, cd, "expected a 告示番号 (6) or 疾患群-告示番号 (7-1)"));
            }
            let no_conditions = |_: &str| None;
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
            let code = row.get(cc);
            let defs = by_disease.entry((kind as u8, disease.to_owned())).or_default();
            if code.is_empty() || defs.iter().any(|d| d.code == code) {
                return Err(t.err(row, cc, "empty or duplicate item code for this disease"));
            }
            defs.push(ItemDef {
                code: code.to_owned(),
                name_ja: row.get(cj).to_owned(),
                label_en: row.get(ce).to_owned(),
                ty,
                required,
            });
        }
        Ok(Items { by_disease })
    }

    pub fn for_disease(&self, kind: u8, key: &str) -> Option<&[ItemDef]> {
        self.by_disease.get(&(kind, key.to_owned())).map(Vec::as_slice)
    }
}
