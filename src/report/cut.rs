//! `--max-findings N`: a file's report keeps its first N findings and one M001 saying what was
//! left out. The counts in summary.csv and the exit status are taken before the cut, so a cut
//! never hides an error.

use crate::check::meta::M001;
use crate::finding::{Finding, Severity};
use crate::lang::Lang;
use crate::rules::RuleConfig;
use crate::tr;

/// Report order: record, line, column, rule, then element path.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.path.cmp(&b.path)));
}

/// Keeps the first `max` findings (already in report order) and adds M001 when any were cut.
pub fn cut(findings: &mut Vec<Finding>, max: usize, rules: &RuleConfig, lang: Lang) {
    if findings.len() <= max {
        return;
    }
    let rest = findings.split_off(max);
    let e = rest.iter().filter(|f| f.severity == Severity::E).count();
    let w = rest.len() - e;
    let Some(severity) = rules.severity(&M001) else { return };
    let message = tr!(
        lang,
        "指摘が多いため最初の {max} 件だけを示しました。残りのエラー {e} 件・警告 {w} 件は省略しています (summary.csv の件数には含まれます)。すべて見るには --max-findings を外してください",
        "only the first {max} findings are shown; {e} more E and {w} more W findings were left out (summary.csv counts them); remove --max-findings to see them all"
    );
    findings.push(Finding::new(&M001, severity, 0, "", (0, 0), &rest.len().to_string(), message));
    sort(findings);
}

/// Adds the M001 that says how many findings were counted but not kept (more than
/// `check::MAX_KEPT_FINDINGS`, or `check::MAX_KEPT_BYTES` of them, in one file).
pub fn not_kept(findings: &mut Vec<Finding>, errors: u64, warnings: u64, rules: &RuleConfig, lang: Lang) {
    // Counted first: this runs for every file, and looking a rule up is a search.
    if errors + warnings == 0 {
        return;
    }
    let Some(severity) = rules.severity(&M001) else { return };
    let (kept, mib, n) =
        (crate::check::meta::MAX_KEPT_SHOWN, crate::check::meta::MAX_KEPT_MIB_SHOWN, errors + warnings);
    let message = tr!(
        lang,
        "このファイルの指摘が上限 ({kept} 件または合計 {mib} MiB) を超えたため、ほかのエラー {errors} 件・警告 {warnings} 件は記録していません (summary.csv の件数には含まれます)。最初の指摘から直してください",
        "this file has more findings than it keeps ({kept}, or {mib} MiB of them); {errors} more E and {warnings} more W were counted but not kept (summary.csv counts them); fix the first ones first"
    );
    findings.push(Finding::new(&M001, severity, 0, "", (0, 0), &n.to_string(), message));
    sort(findings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::find;

    fn finding(record: u32, rule: &str, severity: Severity) -> Finding {
        Finding::new(find(rule).unwrap(), severity, record, "", (record, 1), "", String::new())
    }

    #[test]
    fn keeps_the_first_and_says_how_many_of_each_were_cut() {
        let mut v: Vec<Finding> =
            (1..=5).map(|i| finding(i, "L003", if i % 2 == 0 { Severity::W } else { Severity::E })).collect();
        cut(&mut v, 2, &RuleConfig::default(), Lang::En);
        let ids: Vec<(&str, u32)> = v.iter().map(|f| (f.rule.id, f.record)).collect();
        assert_eq!(ids, [("M001", 0), ("L003", 1), ("L003", 2)]);
        assert!(v[0].message.contains("2 more E and 1 more W"), "{}", v[0].message);
        let mut short = vec![finding(1, "L003", Severity::E)];
        cut(&mut short, 1, &RuleConfig::default(), Lang::En);
        assert_eq!(short.len(), 1, "nothing cut, no M001");
    }
}
