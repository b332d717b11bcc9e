//! `rinken.toml`: defaults for `rinken check`, per-rule severities and per-path ignores.
//!
//! Found upward from the working directory (the first `rinken.toml` on the way to the root), or
//! named with `--config`. Relative paths in it are relative to its own folder, so the same file
//! works from any subfolder. Unknown keys are errors: a misspelt key silently ignored would be
//! a rule silently not applied.

use crate::lang::Lang;
use crate::report::csv::CsvEncoding;
use crate::report::formats::Format;
use crate::run::FailOn;
use crate::selection::{Level, PathGlob, Prefix};
use crate::text::date::Date;
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "rinken.toml";

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    pub out: Option<PathBuf>,
    pub as_of: Option<AsOf>,
    pub tables: Option<PathBuf>,
    pub doctors: Option<PathBuf>,
    pub institutions: Option<PathBuf>,
    pub threads: Option<Threads>,
    pub lang: Option<Lang>,
    pub format: Option<Format>,
    pub csv_encoding: Option<CsvEncoding>,
    pub select: Option<Vec<Prefix>>,
    #[serde(default)]
    pub ignore: Vec<Prefix>,
    pub exit_zero: Option<bool>,
    pub max_findings: Option<NonZeroU32>,
    pub fail_on: Option<FailOn>,
    pub redact: Option<bool>,
    pub quiet: Option<bool>,
    pub progress: Option<bool>,
    pub baseline: Option<PathBuf>,
    #[serde(default)]
    pub severity: BTreeMap<Prefix, Level>,
    #[serde(default)]
    pub per_path_ignores: BTreeMap<PathGlob, Vec<Prefix>>,
}

/// `as-of` as a TOML date (`as-of = 2025-06-30`) or a string.
#[derive(Debug, Clone, Copy)]
pub struct AsOf(pub Date);

impl<'de> serde::Deserialize<'de> for AsOf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match toml::Value::deserialize(d)? {
            toml::Value::String(s) => s,
            toml::Value::Datetime(dt) => dt.to_string(),
            other => other.to_string(),
        };
        Date::parse_iso(&text)
            .map(AsOf)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a YYYY-MM-DD date (日付は YYYY-MM-DD)")))
    }
}

/// A configuration read from a file, its relative paths resolved against the file's folder.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub config: FileConfig,
}

/// The first `rinken.toml` in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

/// Where a byte offset of `text` is, 1-based.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads and checks a configuration file; the error names the file, line and column.
/// `threads`, 1 to [`crate::run::MAX_THREADS`] as on the command line.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(try_from = "u16")]
pub struct Threads(u16);

impl TryFrom<u16> for Threads {
    type Error = String;
    fn try_from(n: u16) -> Result<Threads, String> {
        let max = crate::run::MAX_THREADS;
        (1..=max).contains(&n).then_some(Threads(n)).ok_or_else(|| format!("threads is 1 to {max}, not {n}"))
    }
}

impl Threads {
    pub fn get(self) -> u16 {
        self.0
    }
}

pub fn load(path: &Path, lang: Lang) -> Result<Loaded, String> {
    let shown = path.display();
    let text = crate::input::load::read_side_text(path).map_err(|e| {
        let e = e.describe(lang);
        crate::tr!(lang, "設定ファイル {shown} を読めません: {e}", "cannot read the configuration file {shown}: {e}")
    })?;
    let mut config: FileConfig = toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| line_column(&text, s.start));
        let place = at.map(|(l, c)| format!("{shown}:{l}:{c}")).unwrap_or_else(|| shown.to_string());
        let what = e.message().trim_end();
        crate::tr!(
            lang,
            "設定ファイル {place} が正しくありません: {what}",
            "invalid configuration file {place}: {what}"
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    for p in [&mut config.out, &mut config.tables, &mut config.doctors, &mut config.institutions, &mut config.baseline]
        .into_iter()
        .flatten()
    {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    Ok(Loaded { path: path.to_path_buf(), config })
}

impl FileConfig {
    pub fn severity_list(&self) -> Vec<(Prefix, Level)> {
        self.severity.iter().map(|(p, l)| (p.clone(), *l)).collect()
    }

    pub fn path_ignore_list(&self) -> Vec<(PathGlob, Vec<Prefix>)> {
        self.per_path_ignores.iter().map(|(g, p)| (g.clone(), p.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path, Lang::En).map(|l| l.config)
    }

    #[test]
    fn reads_every_kind_of_value() {
        let c = parse(
            "as-of = 2025-06-30\nlang = \"en\"\nformat = \"sarif\"\nselect = [\"L\", \"d00\"]\nmax-findings = 5\n\
             fail-on = \"warning\"\n[severity]\nD006 = \"warning\"\n[per-path-ignores]\n\"old/**\" = [\"D006\"]\n",
        )
        .unwrap();
        assert_eq!(c.as_of.unwrap().0.to_string(), "2025-06-30");
        assert_eq!(c.lang, Some(Lang::En));
        assert_eq!(c.select.as_ref().unwrap().len(), 2);
        assert_eq!(c.severity_list()[0].1, Level::Warning);
        assert_eq!(c.per_path_ignores.len(), 1);
        assert_eq!(parse("as-of = \"2025-06-30\"").unwrap().as_of.unwrap().0.to_string(), "2025-06-30");
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let e = parse("lang = \"en\"\n\nselect = [\"L\", \"Z9\"]\n").unwrap_err();
        assert!(e.contains("rinken.toml:3:"), "{e}");
        assert!(e.contains("Z9"), "{e}");
        let e = parse("lnag = \"en\"\n").unwrap_err();
        assert!(e.contains("rinken.toml:1:1") && e.contains("lnag"), "{e}");
        let e = parse("[severity]\nD006 = \"warn\"\n").unwrap_err();
        assert!(e.contains(":2:8"), "{e}");
        assert!(parse("threads = 0").is_err());
        let e = parse("threads = 257").unwrap_err();
        assert!(e.contains(":1:11") && e.contains("threads is 1 to 256"), "{e}");
        assert_eq!(parse("threads = 256").unwrap().threads.unwrap().get(), 256);
        assert!(parse("as-of = 2025-02-30").is_err());
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "out = \"reports\"\ndoctors = \"/abs/doctors.csv\"\n").unwrap();
        let c = load(&path, Lang::Ja).unwrap().config;
        assert_eq!(c.out.unwrap(), dir.path().join("reports"));
        assert_eq!(c.doctors.unwrap(), PathBuf::from("/abs/doctors.csv"));
    }

    #[test]
    fn discovery_walks_up_to_the_nearest_file() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.path().join("a").join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep), Some(dir.path().join("a").join(FILE_NAME)));
        std::fs::write(deep.join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep), Some(deep.join(FILE_NAME)));
    }
}
