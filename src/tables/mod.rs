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

    /// Lays the `.tsv` files found under `dir` over the current set.
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
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| err(dir, &e))?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "tsv") {
                continue;
            }
            let rel = path.strip_prefix(dir).expect("walked under dir");
            let name = rel.to_string_lossy().replace('\\', "/");
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

/// Prefectures (JIS X 0401), by two-digit code.
#[derive(Debug, Default)]
pub struct Prefectures {
    names: BTreeMap<String, (String, String)>,
}

impl Prefectures {
    /// The name of a prefecture code, `01`–`47`.
    pub fn name(&self, code: &str) -> Option<(&str, &str)> {
        self.names.get(code).map(|(ja, en)| (ja.as_str(), en.as_str()))
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
        let mut kinds = forms::load_kinds(&files.tsv("forms.tsv")?, &files.tsv("form-versions.tsv")?)?;
        layout::load_layouts(&files.tsv("layout.tsv")?, &mut kinds, &codes)?;
        let items = items::Items::load(&files.tsv("items.tsv")?, &kinds, &codes)?;
        let disease_files = files
            .names()
            .filter(|n| n.starts_with("diseases/") && n.ends_with(".tsv"))
            .map(|n| Ok((n.to_owned(), files.tsv(n)?)))
            .collect::<Result<Vec<_>, TableError>>()?;
        let diseases = diseases::Diseases::load(&disease_files)?;
        for k in &kinds {
            if diseases.program(&k.program).is_none() {
                return Err(TableError {
                    file: "forms.tsv".into(),
                    line: 0,
                    column: 0,
                    message: format!(
                        "form {} uses program `{}`, which has no diseases/{}_YYYY-MM-DD.tsv",
                        k.id, k.program, k.program
                    ),
                });
            }
        }
        let pt = files.tsv("prefectures.tsv")?;
        let (pc, pn, pr) = (pt.col("code")?, pt.col("name")?, pt.col("romaji")?);
        let mut prefectures = Prefectures::default();
        for row in &pt.rows {
            prefectures.names.insert(row.get(pc).to_owned(), (row.get(pn).to_owned(), row.get(pr).to_owned()));
        }
        Ok(Tables { kinds, codes, items, diseases, prefectures })
    }

    pub fn kind_by_root(&self, name: &[u8]) -> Option<KindId> {
        self.kinds.iter().position(|k| k.root.as_bytes() == name).map(|i| i as KindId)
    }

    pub fn kind(&self, id: KindId) -> &FormKind {
        &self.kinds[id as usize]
    }
}
