//! Code tables and layout: what a valid form looks like, as data.
//!
//! Every file under `code-tables/` is embedded at build time. `--tables DIR` overlays a
//! directory on top of them, file by file: a file in DIR replaces the embedded file of the
//! same relative name, and new files (say `diseases/shoman_2026-04-01.tsv`) are added. So a
//! vendor edits only the file they need; `rinken tables export DIR` writes the embedded set
//! out as a starting point.

pub mod codes;
pub mod cond;
pub mod diseases;
pub mod fields;
pub mod forms;
pub mod items;
pub mod layout;
pub mod tsv;
pub mod types;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

pub use fields::Field;
pub use forms::{FormKind, KindId};
pub use tsv::TableError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_tables.rs"));
}

/// The table files of a run: embedded, with an optional directory laid over them.
pub struct TableFiles {
    files: BTreeMap<String, (String, Cow<'static, [u8]>)>,
}

impl TableFiles {
    pub fn embedded() -> TableFiles {
        let files = embedded::FILES
            .iter()
            .map(|(name, bytes)| (name.to_string(), (format!("(embedded) {name}"), Cow::Borrowed(*bytes))))
            .collect();
        TableFiles { files }
    }

    /// Lays the `.tsv` files found under `dir` over the current set: each file replaces the one
    /// of the same name and the others stay, so that a vendor can ship only an edited
    /// `layout.tsv`, and the next disease revision is one new file. Links are followed. A `.tsv`
    /// rinken would not read (`Layout.tsv`, `layout_v2.tsv`, a copy in a subfolder) is an error
    /// rather than an edit silently left out, and so is a table name that is not a file; hidden
    /// names are skipped.
    pub fn overlay(&mut self, dir: &Path) -> Result<(), TableError> {
        let err = |path: &Path, e: &dyn std::fmt::Display| TableError {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: e.to_string(),
        };
        if !dir.is_dir() {
            return Err(err(dir, &"not a directory"));
        }
        // Hidden names (`.git`, the `._layout.tsv` a Mac leaves on a USB stick) are not edits.
        let shown = |e: &walkdir::DirEntry| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
        for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(shown) {
            let entry = match entry {
                Ok(entry) => entry,
                // A dangling link or an unreadable entry matters only if it could be a table.
                Err(e) if e.path().and_then(Path::extension).is_some_and(|x| !x.eq_ignore_ascii_case("tsv")) => {
                    continue
                }
                Err(e) => return Err(err(e.path().unwrap_or(dir), &e)),
            };
            let path = entry.path();
            if path.extension().is_none_or(|e| !e.eq_ignore_ascii_case("tsv")) {
                continue;
            }
            let rel = path.strip_prefix(dir).expect("walked under dir");
            let name = rel.to_string_lossy().replace('\\', "/");
            if !is_table_name(&name) {
                if entry.file_type().is_dir() {
                    continue;
                }
                return Err(err(path, &UNKNOWN_TABLE));
            }
            if !entry.file_type().is_file() {
                return Err(err(path, &"a table must be a file (this is a folder or a special file)"));
            }
            let bytes = std::fs::read(path).map_err(|e| err(path, &e))?;
            self.files.insert(name, (path.display().to_string(), Cow::Owned(bytes)));
        }
        Ok(())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(|(_, b)| &**b)
    }

    fn tsv(&self, name: &str) -> Result<tsv::Tsv<'_>, TableError> {
        let (origin, bytes) = self.files.get(name).ok_or_else(|| TableError {
            file: name.to_owned(),
            line: 0,
            column: 0,
            message: "missing table".into(),
        })?;
        tsv::Tsv::parse(origin, bytes)
    }
}

const UNKNOWN_TABLE: &str = "not a table rinken reads, so it would be left out: a file replaces the \
    embedded file of the same name (see `rinken tables export`), and disease tables are added as \
    diseases/{program}_{YYYY-MM-DD}.tsv or diseases/{program}_renames.tsv";

/// A name `overlay` takes: an embedded table's, or a disease table's (one level below
/// `diseases/`; `Diseases::load` checks the rest of the name).
fn is_table_name(name: &str) -> bool {
    embedded::FILES.iter().any(|(n, _)| *n == name)
        || name.strip_prefix("diseases/").is_some_and(|f| !f.contains('/') && f.ends_with(".tsv"))
}

/// Prefectures (JIS X 0401), indexed by their number 1–47.
#[derive(Debug, Default)]
pub struct Prefectures {
    by_number: Vec<Option<Prefecture>>,
}

#[derive(Debug)]
pub struct Prefecture {
    pub name_ja: String,
    pub name_en: String,
    /// Whether a 医療機関コード's check digit covers only 郡市区 + 番号 (`GGNNNN`, the legacy
    /// rule of 埼玉・千葉・東京・神奈川) rather than the whole body (`PPTGGNNNN`).
    pub legacy_check_digit: bool,
}

impl Prefectures {
    /// The prefecture numbered `n` (`13` → 東京都).
    pub fn get(&self, n: u8) -> Option<&Prefecture> {
        self.by_number.get(usize::from(n)).and_then(Option::as_ref)
    }

    /// The prefecture a 医療機関コード's first two digits name, alternates (number + 50)
    /// included; `None` when they name none.
    pub fn of_institution(&self, pp: u8) -> Option<&Prefecture> {
        self.get(pp).or_else(|| pp.checked_sub(50).and_then(|n| self.get(n)))
    }

    fn load(t: &tsv::Tsv<'_>) -> Result<Prefectures, TableError> {
        let (pc, pn, pr, pb) = (t.col("code")?, t.col("name")?, t.col("romaji")?, t.col("check_digit_body")?);
        let mut by_number: Vec<Option<Prefecture>> = (0..50).map(|_| None).collect();
        for row in &t.rows {
            let code = row.get(pc);
            let n = match code.parse::<u8>() {
                Ok(n @ 1..=49) if code.len() == 2 => usize::from(n),
                _ => return Err(t.err(row, pc, "a prefecture number is two digits, 01–49")),
            };
            if by_number[n].is_some() {
                return Err(t.err(row, pc, "listed twice"));
            }
            let legacy_check_digit = match row.get(pb) {
                "PPTGGNNNN" => false,
                "GGNNNN" => true,
                _ => return Err(t.err(row, pb, "check_digit_body is PPTGGNNNN or GGNNNN")),
            };
            let romaji = row.get(pr);
            let mut name_en = romaji.to_owned();
            if let Some(first) = name_en.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            by_number[n] = Some(Prefecture { name_ja: row.get(pn).to_owned(), name_en, legacy_check_digit });
        }
        Ok(Prefectures { by_number })
    }
}

/// Everything the checks consult, loaded once per run and shared by all threads.
#[derive(Debug)]
pub struct Tables {
    pub kinds: Vec<FormKind>,
    pub codes: codes::CodeLists,
    pub items: items::Items,
    pub diseases: diseases::Diseases,
    pub prefectures: Prefectures,
}

impl Tables {
    pub fn embedded() -> Result<Tables, TableError> {
        Tables::load(&TableFiles::embedded())
    }

    /// Embedded tables, overlaid with `dir` when given.
    pub fn with_overlay(dir: Option<&Path>) -> Result<Tables, TableError> {
        let mut files = TableFiles::embedded();
        if let Some(dir) = dir {
            files.overlay(dir)?;
        }
        Tables::load(&files)
    }

    pub fn load(files: &TableFiles) -> Result<Tables, TableError> {
        let codes = codes::CodeLists::load(&files.tsv("codes.tsv")?)?;
        let forms_tsv = files.tsv("forms.tsv")?;
        let mut kinds = forms::load_kinds(&forms_tsv, &files.tsv("form-versions.tsv")?)?;
        let layout_tsv = files.tsv("layout.tsv")?;
        layout::load_layouts(&layout_tsv, &mut kinds, &codes)?;
        let disease_files = files
            .names()
            .filter(|n| n.starts_with("diseases/") && n.ends_with(".tsv"))
            .map(|n| Ok((n.to_owned(), files.tsv(n)?)))
            .collect::<Result<Vec<_>, TableError>>()?;
        let diseases = diseases::Diseases::load(&disease_files)?;
        let (cform, cprogram) = (forms_tsv.col("form")?, forms_tsv.col("program")?);
        for (k, row) in kinds.iter().zip(&forms_tsv.rows) {
            debug_assert_eq!(row.get(cform), k.id, "one kind per row, in order");
            let Some(program) = diseases.program(&k.program) else {
                let msg = format!("`{}` has no disease table diseases/{}_YYYY-MM-DD.tsv", k.program, k.program);
                return Err(forms_tsv.err(row, cprogram, msg));
            };
            if let Some(message) = layout::missing_field(k, program.grouped()) {
                return Err(TableError { file: layout_tsv.file.clone(), line: 0, column: 0, message });
            }
        }
        let items = items::Items::load(&files.tsv("items.tsv")?, &kinds, &codes, &diseases)?;
        let prefectures = Prefectures::load(&files.tsv("prefectures.tsv")?)?;
        Ok(Tables { kinds, codes, items, diseases, prefectures })
    }

    pub fn kind_by_root(&self, name: &[u8]) -> Option<KindId> {
        self.kinds.iter().position(|k| k.root.as_bytes() == name).map(|i| i as KindId)
    }

    pub fn kind(&self, id: KindId) -> &FormKind {
        &self.kinds[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revisions(t: &Tables, program: &str) -> Vec<String> {
        t.diseases.program(program).unwrap().revisions.iter().map(|r| r.start.to_string()).collect()
    }

    #[test]
    fn a_directory_replaces_files_by_name_and_keeps_the_others() {
        let files = TableFiles::embedded();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("diseases")).unwrap();
        let current = std::str::from_utf8(files.bytes("diseases/shoman_2025-04-01.tsv").unwrap()).unwrap();
        let renamed = current.replace("\t1\t1型糖尿病\t", "\t1\tインスリン依存性糖尿病\t");
        std::fs::write(dir.path().join("diseases/shoman_2025-04-01.tsv"), renamed).unwrap();
        std::fs::write(dir.path().join("diseases/shoman_2026-04-01.tsv"), current).unwrap();
        let t = Tables::with_overlay(Some(dir.path())).unwrap();
        assert_eq!(revisions(&t, "shoman"), ["2021-11-01", "2025-04-01", "2026-04-01"]);
        let program = t.diseases.program("shoman").unwrap();
        assert_eq!(program.revisions[1].get(7, 1).unwrap().name, "インスリン依存性糖尿病", "replaced by name");
        assert_eq!(program.revisions[2].get(7, 1).unwrap().name, "1型糖尿病", "added");
    }

    /// Loads the embedded tables with `name` replaced by `edit` of it (or added, when new).
    fn edited(name: &str, edit: impl Fn(&str) -> String) -> Result<Tables, TableError> {
        edited_all(&[(name, &edit)])
    }

    /// A table's name and the edit made to it.
    type NamedEdit<'a> = (&'a str, &'a dyn Fn(&str) -> String);

    /// [`edited`] for several files at once.
    fn edited_all(edits: &[NamedEdit<'_>]) -> Result<Tables, TableError> {
        let mut files = TableFiles::embedded();
        for (name, edit) in edits {
            let text = files.bytes(name).map_or(String::new(), |b| String::from_utf8(b.to_vec()).unwrap());
            let changed = edit(&text);
            assert_ne!(changed, text, "the edit of {name} changed nothing");
            files.files.insert(name.to_string(), (format!("vendor/{name}"), Cow::Owned(changed.into_bytes())));
        }
        Tables::load(&files)
    }

    #[test]
    fn table_edits_that_would_silence_a_rule_are_errors() {
        let written = "rinkohyo,ikensho\t*\tHeader/WrittenDate\t記載年月日\tDate written\tdate\t\t\t\twritten_date";
        let group = "ikensho\t*\tHeader/Disease/Group\t疾患群\tDisease group\tint\t1..16\t\t\tdisease_group";
        let address = "Patient/Address\t住所\tAddress\ttext\t100\t\t\taddress";
        let shoman = "diseases/shoman_renames.tsv";
        let layout = |from: &'static str, to: String| move |t: &str| t.replacen(from, &to, 1);
        type Edit = Box<dyn Fn(&str) -> String>;
        let cases: Vec<(&str, Edit, &str)> = vec![
            (
                "layout.tsv",
                Box::new(layout(written, written.replace("written_date", ""))),
                "needs a row with field written_date",
            ),
            (
                "layout.tsv",
                Box::new(layout(written, written.replace("date\t", "text\t10"))),
                "read as one value of type date, not text",
            ),
            (
                "layout.tsv",
                Box::new(layout(address, address.replace("\t\taddress", "\tn\taddress"))),
                "not a repeated text",
            ),
            (
                "layout.tsv",
                Box::new(layout(group, group.replace("disease_group", ""))),
                "program shoman numbers its diseases within groups",
            ),
            (
                "layout.tsv",
                Box::new(layout(group, group.replacen("ikensho", "rinkohyo,ikensho", 1))),
                "program nanbyo numbers its diseases without groups",
            ),
            (
                "layout.tsv",
                Box::new(|t: &str| t.replacen("\tpayer_no\t", "\t\t", 1)),
                "forms.tsv gives it the 法別番号",
            ),
            (
                "layout.tsv",
                Box::new(|t: &str| {
                    format!("{t}rinkohyo\t*\tAuthor/ApplicationType\t区分\tKind\tcode\t\tAPP_R\t\t\t\t\n")
                }),
                "`ApplicationType` could be any of Header/ApplicationType, Author/ApplicationType: write the full path",
            ),
            (
                "items.tsv",
                Box::new(|t: &str| t.replacen("rinkohyo\t6\tHY", "rinkohyo\t06\tHY", 1)),
                "without leading zeros",
            ),
            (
                "items.tsv",
                Box::new(|t: &str| t.replacen("rinkohyo\t6\tHY", "rinkohyo\t7-1\tHY", 1)),
                "expected a 告示番号 (6)",
            ),
            (
                "items.tsv",
                Box::new(|t: &str| t.replacen("rinkohyo\t6\tHY", "rinkohyo\t349\tHY", 1)),
                "349 is in no disease table of program nanbyo",
            ),
            ("codes.tsv", Box::new(|t: &str| t.replacen("SEX\t", "SEX\0\t", 1)), "a list name is an XML name"),
            (shoman, Box::new(|t: &str| t.replacen("\t34\t36\t", "\t34\t936\t", 1)), "11-936 is not a disease of"),
            (
                shoman,
                Box::new(|t: &str| t.replacen("\t先天性大脳白質形成不全病\t", "\t先天性大脳白質不全病\t", 1)),
                "11-4 is named 先天性大脳白質形成不全病",
            ),
            (
                shoman,
                Box::new(|t: &str| {
                    t.lines().map(|l| l.split_once('\t').map_or(l, |(_, rest)| rest).to_owned() + "\n").collect()
                }),
                "needs a group_no column",
            ),
            (
                "forms.tsv",
                Box::new(|t: &str| t.replacen("\tshoman\t52", "\tshoma\t52", 1)),
                "`shoma` has no disease table",
            ),
            (
                "diseases/shoman_2026-04-01.tsv",
                Box::new(|_: &str| "kokuji_no\tdisease_name\n1\t悪性リンパ腫\n".to_owned()),
                "lacks a group_no column, unlike",
            ),
            (
                "diseases/shoman-2026.tsv",
                Box::new(|_: &str| "kokuji_no\tdisease_name\n".to_owned()),
                "disease tables are named",
            ),
        ];
        for (name, edit, want) in cases {
            let e = edited(name, edit).err().unwrap_or_else(|| panic!("{name}: accepted, wanted {want}"));
            assert!(e.message.contains(want), "{name}: wanted {want}, got {e}");
            assert!(e.file.starts_with("vendor/"), "{name}: {e} names the file as given");
        }
        // A form without a 法別番号 may have no payer number; a version without any row is an
        // error, one without a field's element is not (the 1703 臨個票 has no DiagnosisDate).
        let no_payer = |t: &str| t.replacen("\tshoman\t52\t", "\tshoman\t\t", 1);
        let drop_payer =
            |t: &str| t.replacen("rinkohyo,ikensho\t*\tPatient/PublicPayerNo", "rinkohyo\t*\tPatient/PublicPayerNo", 1);
        assert!(edited_all(&[("forms.tsv", &no_payer), ("layout.tsv", &drop_payer)]).is_ok());
        let new_kind = |t: &str| format!("{t}extra\tExtra\tX\tx\tx\tnanbyo\t\tnanbyo\n");
        let new_version = |t: &str| format!("{t}extra\t1\tx\tx\t\t\n");
        let e = edited_all(&[("forms.tsv", &new_kind), ("form-versions.tsv", &new_version)]).unwrap_err();
        assert!(e.message.contains("form extra version 1 has no rows"), "{e}");
        let diag = "rinkohyo\t*\tHeader/DiagnosisDate";
        assert!(edited("layout.tsv", |t| t.replacen(diag, "rinkohyo\t2309,2403\tHeader/DiagnosisDate", 1)).is_ok());
        // An optional field may go, and a full path settles an ambiguous name.
        assert!(edited("layout.tsv", |t| t.replacen("\tventilator_start\t", "\t\t", 1)).is_ok());
        let both = |t: &str| {
            let t = t.replace("ApplicationType=", "Header/ApplicationType=");
            format!("{t}rinkohyo\t*\tAuthor/ApplicationType\t区分\tKind\tcode\t\tAPP_R\t\t\t\t\n")
        };
        assert!(edited("layout.tsv", both).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn linked_tables_are_read_and_tables_that_would_be_left_out_are_errors() {
        let files = TableFiles::embedded();
        let layout = std::str::from_utf8(files.bytes("layout.tsv").unwrap()).unwrap();
        let edited =
            layout.replace("Patient/Address\t住所\tAddress\ttext\t100", "Patient/Address\t住所\tAddress\ttext\t4321");
        assert_ne!(edited, layout);
        let store = tempfile::tempdir().unwrap();
        std::fs::write(store.path().join("layout.tsv"), &edited).unwrap();
        let size = |t: &Tables| {
            let kind = t.kind(t.kind_by_root(b"Rinkohyo").unwrap());
            format!("{:?}", kind.layout.rows).contains("4321")
        };

        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(store.path().join("layout.tsv"), dir.path().join("layout.tsv")).unwrap();
        std::fs::write(dir.path().join("README.md"), "notes").unwrap();
        std::os::unix::fs::symlink("/nonexistent", dir.path().join("old-notes.md")).unwrap();
        std::fs::write(dir.path().join("._layout.tsv"), [0u8, 5, 22, 7]).unwrap();
        let t = Tables::with_overlay(Some(dir.path())).unwrap();
        assert!(size(&t), "the linked layout is read");
        assert!(!size(&Tables::embedded().unwrap()));

        for name in [
            "Layout.tsv",
            "layout.TSV",
            "layout_v2.tsv",
            "code-tables/layout.tsv",
            "diseases/sub/shoman_2026-04-01.tsv",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &edited).unwrap();
            let e = Tables::with_overlay(Some(dir.path())).err().unwrap_or_else(|| panic!("{name} accepted"));
            assert!(e.file.ends_with(name) && e.message.contains("not a table rinken reads"), "{name}: {e}");
        }
        for make in [
            |p: &Path| std::fs::create_dir(p).unwrap(),
            |p: &Path| std::os::unix::fs::symlink("/nonexistent/layout.tsv", p).unwrap(),
        ] {
            let dir = tempfile::tempdir().unwrap();
            make(&dir.path().join("layout.tsv"));
            let e = Tables::with_overlay(Some(dir.path())).expect_err("not a file");
            assert!(e.file.ends_with("layout.tsv"), "{e}");
        }
    }
}
