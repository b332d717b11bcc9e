//! Which rules run, at what severity, and where: `--select`/`--ignore` with ruff's semantics,
//! the configuration's `[severity]` overrides and its `[per-path-ignores]`.

use crate::finding::{Rule, Severity};
use crate::input::walk::rel_string;
use crate::input::Input;
use crate::rules::{RuleConfig, ALL};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Component, Path, PathBuf};

/// A rule ID or a family prefix (`L`, `D00`, `C003`), or `ALL`; known to match at least one rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Prefix(String);

impl Prefix {
    pub fn parse(s: &str) -> Result<Prefix, String> {
        let p = s.trim().to_ascii_uppercase();
        if p == "ALL" || !RuleConfig::matching(&p).is_empty() {
            Ok(Prefix(p))
        } else {
            Err(format!("`{s}` は規則 ID でも接頭辞でもありません / is not a rule ID or prefix (e.g. L, D00, C003)"))
        }
    }

    pub fn rules(&self) -> Vec<&'static Rule> {
        if self.0 == "ALL" {
            ALL.to_vec()
        } else {
            RuleConfig::matching(&self.0)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Prefix {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Prefix::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `--select a,b` / `--ignore a,b` on the command line: comma-separated prefixes.
pub fn parse_list(s: &str) -> Result<Vec<Prefix>, String> {
    s.split(',').filter(|p| !p.trim().is_empty()).map(Prefix::parse).collect()
}

/// One source of selection (the configuration file, then the command line). A `select`
/// replaces what the sources before chose; an `ignore` removes from it.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub select: Option<Vec<Prefix>>,
    pub ignore: Vec<Prefix>,
}

/// A `[severity]` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// The run's rule configuration: every rule on at its catalogue severity, then each layer in
/// order, then the severity overrides, the longest (most specific) prefix winning. The rules
/// of [`crate::rules::ALWAYS_ON`] stay on whatever the layers and `"off"` say.
pub fn rule_config(layers: &[Layer], severity: &[(Prefix, Level)]) -> RuleConfig {
    let mut on: Vec<&'static Rule> = ALL.to_vec();
    for layer in layers {
        if let Some(select) = &layer.select {
            on = ALL.iter().copied().filter(|r| select.iter().any(|p| p.rules().contains(r))).collect();
        }
        on.retain(|r| !layer.ignore.iter().any(|p| p.rules().contains(r)));
    }
    let mut by_length: Vec<&(Prefix, Level)> = severity.iter().collect();
    by_length.sort_by_key(|(p, _)| if p.0 == "ALL" { 0 } else { p.0.len() });
    let mut config = RuleConfig::default();
    for rule in ALL.iter().copied() {
        let always = rule.always_on();
        let mut sev = (always || on.contains(&rule)).then_some(rule.severity);
        if sev.is_some() {
            for (_, level) in by_length.iter().filter(|(p, _)| p.rules().contains(&rule)) {
                sev = match level {
                    Level::Error => Some(Severity::E),
                    Level::Warning => Some(Severity::W),
                    Level::Off if always => sev,
                    Level::Off => None,
                };
            }
        }
        config.set(rule, sev);
    }
    config
}

/// A glob of `[per-path-ignores]`, checked when the configuration is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathGlob(String);

impl<'de> serde::Deserialize<'de> for PathGlob {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Glob::new(&s).map_err(|e| serde::de::Error::custom(format!("glob `{s}`: {e}")))?;
        Ok(PathGlob(s))
    }
}

/// Rules switched off for the inputs whose path matches a glob (never one of
/// [`crate::rules::ALWAYS_ON`]).
#[derive(Debug, Clone, Default)]
pub struct PathIgnores {
    set: GlobSet,
    rules: Vec<Vec<&'static str>>,
    /// The folder of the configuration file, absolute: globs also match paths relative to it,
    /// so `"old/**"` holds however the PATH is spelt (`old`, `./old`, `$PWD/old`, `../old`).
    base: Option<PathBuf>,
}

impl PathIgnores {
    /// `base`: the folder holding the configuration file the globs come from.
    pub fn new(entries: &[(PathGlob, Vec<Prefix>)], base: Option<&Path>) -> PathIgnores {
        let mut builder = GlobSetBuilder::new();
        let mut rules = Vec::new();
        for (glob, prefixes) in entries {
            builder.add(Glob::new(&glob.0).expect("validated when read"));
            rules.push(prefixes.iter().flat_map(|p| p.rules()).filter(|r| !r.always_on()).map(|r| r.id).collect());
        }
        // `--config rinken.toml` has the empty path as its folder.
        let base = base.map(|b| if b.as_os_str().is_empty() { Path::new(".") } else { b }).and_then(absolute);
        PathIgnores { set: builder.build().expect("globs validated when read"), rules, base }
    }

    /// The IDs ignored for an input, matched on its display path (as given, and without `.`
    /// and `..` segments), on its path relative to the PATH argument it was found under, and
    /// on its path relative to the configuration file's folder.
    pub fn ignored(&self, input: &Input) -> Vec<&'static str> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        let mut hits = self.set.matches(input.display());
        hits.extend(self.set.matches(input.rel()));
        hits.extend(self.set.matches(rel_string(&lexical(Path::new(input.display())))));
        let from_base = self.base.as_ref().and_then(|b| Some(absolute(input.path())?.strip_prefix(b).ok()?.to_owned()));
        if let Some(p) = from_base {
            hits.extend(self.set.matches(rel_string(&p)));
        }
        hits.sort_unstable();
        hits.dedup();
        hits.iter().flat_map(|&i| self.rules[i].iter().copied()).collect()
    }
}

/// `path` without `.` segments and with `..` taken back where it can be: a comparison of
/// spellings, not of files (links are not followed).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn absolute(path: &Path) -> Option<PathBuf> {
    Some(lexical(&std::path::absolute(path).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::find;

    fn p(s: &str) -> Prefix {
        Prefix::parse(s).unwrap()
    }

    #[test]
    fn select_replaces_and_ignore_removes_layer_by_layer() {
        let file = Layer { select: Some(vec![p("D")]), ignore: vec![p("D007")] };
        let cli = Layer { select: None, ignore: vec![p("D001")] };
        let c = rule_config(&[file, cli], &[]);
        let on: Vec<&str> = ALL.iter().filter(|r| c.severity(r).is_some()).map(|r| r.id).collect();
        assert_eq!(
            on,
            ["F001", "F002", "F004", "F006", "F007", "F008", "F012", "D002", "D003", "D004", "D005", "D006", "M002"]
        );
        let cli = Layer { select: Some(vec![p("l00"), p("F001")]), ignore: vec![] };
        let c = rule_config(&[Layer { select: Some(vec![p("D")]), ignore: vec![] }, cli], &[]);
        assert!(c.severity(find("L009").unwrap()).is_some() && c.severity(find("F001").unwrap()).is_some());
        assert!(c.severity(find("D001").unwrap()).is_none(), "a later select replaces an earlier one");
    }

    #[test]
    fn the_most_specific_severity_override_wins() {
        let c = rule_config(&[], &[(p("D006"), Level::Warning), (p("D"), Level::Off), (p("L"), Level::Warning)]);
        assert_eq!(c.severity(find("D006").unwrap()), Some(Severity::W));
        assert_eq!(c.severity(find("D001").unwrap()), None);
        assert_eq!(c.severity(find("L001").unwrap()), Some(Severity::W));
        assert_eq!(c.severity(find("F001").unwrap()), Some(Severity::E));
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(Prefix::parse("Z9").is_err());
        assert!(parse_list("L,D006, f0").is_ok());
        assert!(parse_list("L,X").unwrap_err().contains("`X`"));
    }

    #[test]
    fn per_path_ignores_match_display_or_relative_path() {
        let ig = PathIgnores::new(
            &[
                (PathGlob("old/**".into()), vec![p("D006"), p("F009")]),
                (PathGlob("**/*_test.xml".into()), vec![p("L")]),
            ],
            None,
        );
        assert_eq!(ig.ignored(&input("in/old/a.xml", "old/a.xml")), ["D006", "F009"]);
        assert!(ig.ignored(&input("in/new/a.xml", "new/a.xml")).is_empty());
        assert_eq!(ig.ignored(&input("x/y_test.xml", "y_test.xml")).len(), 14);
    }

    fn input<'a>(display: &'a str, rel: &'a str) -> Input<'a> {
        Input::new(std::path::Path::new(display), display, rel)
    }

    #[test]
    fn globs_hold_however_the_path_is_spelt() {
        let base = std::env::current_dir().unwrap();
        let ig = PathIgnores::new(&[(PathGlob("old/**".into()), vec![p("D006")])], Some(&base));
        // `rinken check ./old`, `$PWD/old`, and from a subfolder `../old`.
        assert_eq!(ig.ignored(&input("./old/a.xml", "a.xml")), ["D006"]);
        let abs = base.join("old/a.xml").to_string_lossy().into_owned();
        assert_eq!(ig.ignored(&input(&abs, "a.xml")), ["D006"]);
        assert_eq!(ig.ignored(&input("sub/../old/a.xml", "a.xml")), ["D006"]);
        assert!(ig.ignored(&input("./new/a.xml", "a.xml")).is_empty());
        assert_eq!(lexical(Path::new("./a/./b/../c.xml")), Path::new("a/c.xml"));
        assert_eq!(lexical(Path::new("../a.xml")), Path::new("../a.xml"));
    }

    #[test]
    fn rules_that_say_a_file_was_not_checked_cannot_be_switched_off() {
        let cli = Layer { select: Some(vec![p("L")]), ignore: vec![p("F"), p("M")] };
        let c = rule_config(&[cli], &[(p("F006"), Level::Off), (p("F012"), Level::Warning), (p("M"), Level::Off)]);
        for id in ["F001", "F002", "F004", "F006", "F007", "F008", "M002"] {
            assert_eq!(c.severity(find(id).unwrap()), Some(Severity::E), "{id}");
        }
        assert_eq!(c.severity(find("F012").unwrap()), Some(Severity::W), "their severity can change");
        for id in ["F003", "F005", "F009", "M001", "D001"] {
            assert_eq!(c.severity(find(id).unwrap()), None, "{id}");
        }
        let ig = PathIgnores::new(&[(PathGlob("**".into()), vec![p("F"), p("M")])], None);
        assert_eq!(ig.ignored(&input("a.xml", "a.xml")), ["F003", "F005", "F009", "F010", "F011", "M001"]);
    }
}
