//! The rule catalogue: every rule of RULES.md, in ID order. Each rule is declared next to the
//! code that checks it; this list is what `rinken rules`, the configuration and the report
//! formats see.

use crate::check::{batch::*, dates::*, disease::*, doctor::*, file::*, ident::*, layout::rules::*, meta::*};
use crate::finding::{Rule, Severity};
use crate::lang::{Lang, Text};

pub static ALL: &[&Rule] = &[
    &F001, &F002, &F003, &F004, &F005, &F006, &F007, &F008, &F009, &F010, &F011, &F012, //
    &L001, &L002, &L003, &L004, &L005, &L006, &L007, &L008, &L009, &L010, &L011, &L012, &L013, &L014, //
    &C001, &C002, &C003, &C004, //
    &D001, &D002, &D003, &D004, &D005, &D006, &D007, //
    &I001, &I002, &I003, &I004, &I005, &I006, //
    &P001, &P002, &P003, &P004, &P005, //
    &B001, &B002, //
    &M001, &M002,
];

/// Rules whose finding says that a file, or a form, was not checked (wholly or past a point):
/// it could not be read (F001), was empty (F002), could not be decoded (F004), stopped being XML
/// (F006), declared entities (F007), is no known form (F008), is a form version that cannot be
/// checked (F012), or rinken failed on it (M002). Without them a file nobody checked would read
/// `ok`, so no selection, configuration, per-path ignore or baseline switches them off; their
/// severity can still be changed.
pub static ALWAYS_ON: &[&Rule] = &[&F001, &F002, &F004, &F006, &F007, &F008, &F012, &M002];

/// What `rinken rule` and the catalogue say about a rule of [`ALWAYS_ON`].
pub const ALWAYS_ON_NOTE: Text = Text {
    ja: "この規則は --select・--ignore・設定ファイル・ベースラインでは外せません。ファイル (または様式) を検査できなかったことを示すので、外すと検査していないファイルが ok と報告されるためです (重大度は変えられます)。",
    en: "This rule cannot be switched off by --select, --ignore, the configuration or a baseline: it says that the file (or form) was not checked, and without it a file nobody checked would be reported ok (its severity can be changed).",
};

impl Rule {
    /// Whether this rule is one of [`ALWAYS_ON`].
    pub fn always_on(&self) -> bool {
        ALWAYS_ON.iter().any(|r| r.id == self.id)
    }
}

/// Japanese versions of the examples written as prose rather than as a fragment of a form.
/// `Rule::bad` and `good` are otherwise the same in every language (XML, values, file names).
static PROSE_EXAMPLES_JA: &[(&Rule, (&str, &str))] = &[
    (&F002, F002_EXAMPLES_JA),
    (&F007, F007_EXAMPLES_JA),
    (&F011, F011_EXAMPLES_JA),
    (&L001, L001_EXAMPLES_JA),
    (&L006, L006_EXAMPLES_JA),
    (&L013, L013_EXAMPLES_JA),
    (&C002, C002_EXAMPLES_JA),
    (&D003, D003_EXAMPLES_JA),
    (&D004, D004_EXAMPLES_JA),
    (&D005, D005_EXAMPLES_JA),
    (&D006, D006_EXAMPLES_JA),
    (&I004, I004_EXAMPLES_JA),
    (&I006, I006_EXAMPLES_JA),
    (&P001, P001_EXAMPLES_JA),
    (&P002, P002_EXAMPLES_JA),
    (&P003, P003_EXAMPLES_JA),
    (&P004, P004_EXAMPLES_JA),
    (&P005, P005_EXAMPLES_JA),
    (&B001, B001_EXAMPLES_JA),
    (&B002, B002_EXAMPLES_JA),
    (&M001, M001_EXAMPLES_JA),
    (&M002, M002_EXAMPLES_JA),
];

impl Rule {
    /// The bad and the fixed example, in `lang` where they are prose.
    pub fn examples(&self, lang: Lang) -> (&'static str, &'static str) {
        let ja = PROSE_EXAMPLES_JA.iter().find(|(r, _)| r.id == self.id).map(|(_, e)| *e);
        match (lang, ja) {
            (Lang::Ja, Some(e)) => e,
            _ => (self.bad, self.good),
        }
    }
}

/// The rule with this ID (case-insensitive).
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Where `rule` is in [`ALL`]. Rules are statics (and not `Clone`), so their addresses tell them
/// apart without comparing IDs; the ID is only a fallback, for a rule that would not be one.
fn index(rule: &Rule) -> usize {
    ALL.iter()
        .position(|r| std::ptr::eq(*r, rule))
        .or_else(|| ALL.iter().position(|r| r.id == rule.id))
        .expect("every rule is in ALL")
}

/// Which rules run, and at what severity: the catalogue's defaults, changed by `--select`,
/// `--ignore` and the configuration file.
#[derive(Debug, Clone)]
pub struct RuleConfig {
    severity: Vec<Option<Severity>>,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig { severity: ALL.iter().map(|r| Some(r.severity)).collect() }
    }
}

impl RuleConfig {
    /// The effective severity of a rule, or `None` when it is switched off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        self.severity[index(rule)]
    }

    pub fn set(&mut self, rule: &Rule, severity: Option<Severity>) {
        self.severity[index(rule)] = severity;
    }

    /// Rules whose ID starts with `prefix` (an ID, or a family such as `L` or `D00`).
    pub fn matching(prefix: &str) -> Vec<&'static Rule> {
        let p = prefix.to_ascii_uppercase();
        ALL.iter().copied().filter(|r| r.id.starts_with(&p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_unique_and_documented() {
        let order = |id: &str| ("FLCDIPBM".find(&id[..1]).unwrap(), id[1..].to_owned());
        for w in ALL.windows(2) {
            assert!(order(w[0].id) < order(w[1].id), "{} then {}", w[0].id, w[1].id);
        }
        for r in ALL {
            assert_eq!(r.id.len(), 4);
            for text in [r.summary.ja, r.summary.en, r.why.ja, r.why.en, r.bad, r.good] {
                assert!(!text.trim().is_empty(), "{} has empty documentation", r.id);
            }
        }
        assert_eq!(ALL.len(), 52, "50 of RULES.md and 2 meta rules");
    }

    #[test]
    fn japanese_examples_have_no_english_prose() {
        // What may stay in Latin letters: markup, attribute values, option and column names.
        let english = ["with", "for", "by", "of", "a", "an", "the", "written", "not", "in", "on", "no", "or", "bytes"];
        for r in ALL {
            let (bad, good) = r.examples(Lang::Ja);
            for text in [bad, good] {
                let mut plain = String::new();
                let mut depth = 0;
                for c in text.chars() {
                    match c {
                        '<' => depth += 1,
                        '>' => depth -= 1,
                        _ if depth == 0 => plain.push(c),
                        _ => {}
                    }
                }
                let words = plain.split(|c: char| !c.is_ascii_alphabetic());
                for w in words.filter(|w| !w.is_empty()) {
                    assert!(!english.contains(&w), "{}: `{w}` in the Japanese example `{text}`", r.id);
                }
            }
        }
    }

    #[test]
    fn prefixes_select_families() {
        assert_eq!(RuleConfig::matching("l").len(), 14);
        assert_eq!(RuleConfig::matching("D00").len(), 7);
        assert_eq!(RuleConfig::matching("F001").len(), 1);
        assert!(find("c003").is_some());
    }
}
