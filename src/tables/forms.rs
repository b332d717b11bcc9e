//! Form kinds (`forms.tsv`) and their known versions (`form-versions.tsv`).

use super::layout::Layout;
use super::tsv::{TableError, Tsv};
use crate::text::date::Date;

pub type KindId = u8;

#[derive(Debug)]
pub struct FormKind {
    /// `rinkohyo`, `ikensho`: the name used in the tables and in `summary.csv`.
    pub id: String,
    /// Root element name.
    pub root: String,
    /// First letter of a file name holding one form of this kind.
    pub letter: char,
    pub name_ja: String,
    pub name_en: String,
    /// `nanbyo` or `shoman`: which disease tables apply.
    pub program: String,
    /// 法別番号 a 公費負担者番号 must start with.
    pub houbetsu: String,
    /// Roster kinds allowed to write this form.
    pub doctor_kinds: Vec<String>,
    pub versions: Vec<FormVersion>,
    pub layout: Layout,
}

#[derive(Debug)]
pub struct FormVersion {
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub in_use_from: Option<Date>,
    pub written_until: Option<Date>,
}

impl FormKind {
    pub fn version_index(&self, code: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.code == code)
    }

    pub fn version_list(&self) -> String {
        self.versions.iter().map(|v| v.code.as_str()).collect::<Vec<_>>().join(", ")
    }
}

pub fn load_kinds(forms: &Tsv<'_>, versions: &Tsv<'_>) -> Result<Vec<FormKind>, TableError> {
    let c = |n| forms.col(n);
    let (cf, cr, cl, cj, ce, cp, ch, cd) = (
        c("form")?,
        c("root")?,
        c("letter")?,
        c("name_ja")?,
        c("name_en")?,
        c("program")?,
        c("houbetsu")?,
        c("doctor_kinds")?,
    );
    let mut kinds: Vec<FormKind> = Vec::new();
    for row in &forms.rows {
        let id = row.get(cf);
        if id.is_empty() || kinds.iter().any(|k| k.id == id) {
            return Err(forms.err(row, cf, "empty or duplicate form name"));
        }
        let mut letters = row.get(cl).chars();
        let letter = match (letters.next(), letters.next()) {
            (Some(l), None) if l.is_ascii_uppercase() && l != 'B' => l,
            _ => return Err(forms.err(row, cl, "one upper-case letter other than B (B is a batch)")),
        };
        kinds.push(FormKind {
            id: id.to_owned(),
            root: row.get(cr).to_owned(),
            letter,
            name_ja: row.get(cj).to_owned(),
            name_en: row.get(ce).to_owned(),
            program: row.get(cp).to_owned(),
            houbetsu: row.get(ch).to_owned(),
            doctor_kinds: row.get(cd).split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            versions: Vec::new(),
            layout: Layout::default(),
        });
    }
    if kinds.len() > KindId::MAX as usize {
        return Err(TableError { file: forms.file.clone(), line: 0, column: 0, message: "too many form kinds".into() });
    }
    let v = |n| versions.col(n);
    let (vf, vv, vj, ve, vfrom, vuntil) =
        (v("form")?, v("version")?, v("name_ja")?, v("name_en")?, v("in_use_from")?, v("written_until")?);
    for row in &versions.rows {
        let kind = kinds
            .iter_mut()
            .find(|k| k.id == row.get(vf))
            .ok_or_else(|| versions.err(row, vf, "not a form of forms.tsv"))?;
        let date = |col: usize| -> Result<Option<Date>, TableError> {
            match row.get(col) {
                "" => Ok(None),
                s => Date::parse_iso(s).map(Some).ok_or_else(|| versions.err(row, col, "not a YYYY-MM-DD date")),
            }
        };
        let code = row.get(vv);
        if code.is_empty() || kind.versions.iter().any(|x| x.code == code) {
            return Err(versions.err(row, vv, "empty or duplicate version"));
        }
        kind.versions.push(FormVersion {
            code: code.to_owned(),
            name_ja: row.get(vj).to_owned(),
            name_en: row.get(ve).to_owned(),
            in_use_from: date(vfrom)?,
            written_until: date(vuntil)?,
        });
    }
    Ok(kinds)
}
