//! Form kinds (`forms.tsv`) and their known versions (`form-versions.tsv`).

use super::layout::{is_element_name, Layout};
use super::tsv::{TableError, Tsv};
use crate::refdata::roster::KINDS;
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
            (Some(l), None) if l.is_ascii_uppercase() && l != 'B' && kinds.iter().all(|k| k.letter != l) => l,
            _ => {
                return Err(forms.err(row, cl, "one upper-case letter other than B (B is a batch), not another form's"))
            }
        };
        // A second form with the same root would never be recognised; a root that is no XML
        // name, never at all.
        let root = row.get(cr);
        if !is_element_name(root) || kinds.iter().any(|k| k.root == root) {
            return Err(forms.err(row, cr, "an XML element name without a prefix, not another form's"));
        }
        let houbetsu = row.get(ch);
        if !(houbetsu.is_empty() || houbetsu.len() == 2 && houbetsu.bytes().all(|b| b.is_ascii_digit())) {
            return Err(forms.err(row, ch, "two digits (法別番号), or empty when the form has no payer number"));
        }
        let doctor_kinds: Vec<String> =
            row.get(cd).split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
        if doctor_kinds.is_empty() || !doctor_kinds.iter().all(|d| KINDS.contains(&d.as_str())) {
            let kinds = KINDS.join(", ");
            return Err(forms.err(row, cd, format!("one or more of {kinds}, separated by commas")));
        }
        kinds.push(FormKind {
            id: id.to_owned(),
            root: root.to_owned(),
            letter,
            name_ja: row.get(cj).to_owned(),
            name_en: row.get(ce).to_owned(),
            program: row.get(cp).to_owned(),
            houbetsu: houbetsu.to_owned(),
            doctor_kinds,
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
        let (in_use_from, written_until) = (date(vfrom)?, date(vuntil)?);
        if let (Some(from), Some(until)) = (in_use_from, written_until) {
            if from > until {
                return Err(versions.err(row, vuntil, "before in_use_from"));
            }
        }
        kind.versions.push(FormVersion {
            code: code.to_owned(),
            name_ja: row.get(vj).to_owned(),
            name_en: row.get(ve).to_owned(),
            in_use_from,
            written_until,
        });
    }
    Ok(kinds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMS: &str = "form\troot\tletter\tname_ja\tname_en\tprogram\thoubetsu\tdoctor_kinds\n\
        rinkohyo\tRinkohyo\tR\t臨\tr\tnanbyo\t54\tnanbyo,kyoryoku\n";
    const VERSIONS: &str = "form\tversion\tname_ja\tname_en\tin_use_from\twritten_until\n\
        rinkohyo\t2403\tx\tx\t2024-04-01\t\n";

    fn load(forms: &str, versions: &str) -> Result<Vec<FormKind>, TableError> {
        load_kinds(&Tsv::parse("forms.tsv", forms.as_bytes())?, &Tsv::parse("form-versions.tsv", versions.as_bytes())?)
    }

    #[test]
    fn cells_a_check_would_misread_are_table_errors() {
        assert_eq!(load(FORMS, VERSIONS).unwrap()[0].doctor_kinds, ["nanbyo", "kyoryoku"]);
        let second = |cells: &str| format!("{FORMS}{cells}\n");
        for (forms, column, what) in [
            (second("ikensho\tRinkohyo\tS\t意\ti\tshoman\t52\tshoman"), 2, "duplicate root"),
            (second("ikensho\t\tS\t意\ti\tshoman\t52\tshoman"), 2, "empty root"),
            (second("ikensho\tIken sho\tS\t意\ti\tshoman\t52\tshoman"), 2, "root with a space"),
            (second("ikensho\tIkensho\tR\t意\ti\tshoman\t52\tshoman"), 3, "duplicate letter"),
            (second("ikensho\tIkensho\tS\t意\ti\tshoman\t5\tshoman"), 7, "one-digit houbetsu"),
            (second("ikensho\tIkensho\tS\t意\ti\tshoman\tab\tshoman"), 7, "houbetsu not digits"),
            (second("ikensho\tIkensho\tS\t意\ti\tshoman\t52\tbogus"), 8, "unknown doctor kind"),
            (second("ikensho\tIkensho\tS\t意\ti\tshoman\t52\t"), 8, "no doctor kind"),
        ] {
            let e = load(&forms, VERSIONS).err().unwrap_or_else(|| panic!("{what} accepted"));
            assert_eq!((e.line, e.column), (3, column), "{what}: {e}");
        }
        assert!(load(&second("ikensho\tIkensho\tS\t意\ti\tshoman\t\tshoman"), VERSIONS).is_ok(), "no payer number");
        let late = "form\tversion\tname_ja\tname_en\tin_use_from\twritten_until\n\
            rinkohyo\t2403\tx\tx\t2024-04-01\t2024-03-31\n";
        let e = load(FORMS, late).unwrap_err();
        assert!((e.line, e.column) == (2, 6) && e.message.contains("before in_use_from"), "{e}");
    }
}
