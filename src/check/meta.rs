//! M — findings about the check itself rather than the form: a file's findings were cut (at
//! `--max-findings`, or at the [`MAX_KEPT_FINDINGS`] a file keeps), or checking a file failed
//! inside rinken. Neither is in RULES.md, whose rules are about submissions; both need a stable
//! ID so that reports and CI gates can name them.

use crate::finding::{Rule, Severity::*};
use crate::lang::Text;

/// The per-file cap, written once: M001's documentation quotes this text and
/// [`MAX_KEPT_FINDINGS`] is parsed from it, so the two cannot disagree.
macro_rules! max_kept {
    () => {
        "30,000"
    };
}

/// The per-file cap on the text of kept findings, in MiB, written once like [`max_kept!`].
macro_rules! max_kept_mib {
    () => {
        "16"
    };
}

/// [`MAX_KEPT_BYTES`] as the documentation and messages write it (MiB).
pub const MAX_KEPT_MIB_SHOWN: &str = max_kept_mib!();

/// A file keeps findings up to this many bytes, counting each finding's struct and its path,
/// value and message. 30,000 ordinary findings take about 10 MB; 30,000 that each quote a
/// long unknown name and value took 60 MB and more, twice while a large batch is checked on
/// two workers, and once more as the CSV report: past the memory a run may take.
pub const MAX_KEPT_BYTES: usize = parse_grouped(MAX_KEPT_MIB_SHOWN) << 20;

/// [`MAX_KEPT_FINDINGS`] as the documentation and messages write it.
pub const MAX_KEPT_SHOWN: &str = max_kept!();

/// A file keeps at most this many findings. A form with millions of unknown elements must not
/// take millions of findings' worth of memory; beyond this, findings are counted by rule (so
/// counts, status and exit code stay right) and an M001 says how many were not kept.
pub const MAX_KEPT_FINDINGS: usize = parse_grouped(MAX_KEPT_SHOWN);

/// `30,000` → 30000, at compile time (a non-digit other than `,` fails the build).
const fn parse_grouped(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        match b[i] {
            b',' => {}
            d @ b'0'..=b'9' => n = n * 10 + (d - b'0') as usize,
            _ => panic!("MAX_KEPT_SHOWN is digits and commas"),
        }
        i += 1;
    }
    n
}

pub static M001: Rule = Rule {
    id: "M001",
    severity: W,
    summary: Text {
        ja: concat!(
            "このファイルの指摘が --max-findings または 1 ファイル ",
            max_kept!(),
            " 件 (合計 ",
            max_kept_mib!(),
            " MiB) の上限で打ち切られた (打ち切った件数を示す)"
        ),
        en: concat!(
            "this file's findings were cut at --max-findings or at the limit of ",
            max_kept!(),
            " findings (",
            max_kept_mib!(),
            " MiB of them) per file (the message says how many were left out)"
        ),
    },
    why: Text {
        ja: concat!(
            "大量の指摘で報告が読めなくなるのを防ぎ、メモリ使用量を抑えるための上限です。summary.csv の件数は打ち切る前の数です。すべて見るには --max-findings を外してください (",
            max_kept!(),
            " 件の上限は外せません。最初の指摘から直してください)。"
        ),
        en: concat!(
            "The cap keeps reports readable and memory bounded; summary.csv still counts every finding. Remove --max-findings to see more (the limit of ",
            max_kept!(),
            " stays: fix the first findings first)."
        ),
    },
    bad: "--max-findings 100 on a file with 20,000 unknown elements",
    good: "(fix the first findings, then run again)",
};

/// M001's examples are prose: in Japanese for the Japanese catalogue (see `Rule::examples`).
pub const M001_EXAMPLES_JA: (&str, &str) =
    ("未知の要素が 20,000 個あるファイルに --max-findings 100", "(最初の指摘から直して、もう一度検査する)");

pub static M002: Rule = Rule {
    id: "M002",
    severity: E,
    summary: Text {
        ja: "このファイルの検査中に rinken の内部エラーが起きた (そのファイルは検査できていない)",
        en: "an internal error in rinken while checking this file (the file was not fully checked)",
    },
    why: Text {
        ja: "rinken の不具合です。他のファイルの検査は続けています。このファイルと rinken --version を添えて報告してください。",
        en: "A bug in rinken; the other files were still checked. Please report it with this file and rinken --version.",
    },
    bad: "(a file that triggers a bug)",
    good: "(fixed in a later rinken)",
};

/// M002's examples in Japanese.
pub const M002_EXAMPLES_JA: (&str, &str) = ("(rinken の不具合を起こすファイル)", "(新しい版の rinken で修正済み)");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_cap_is_the_cap() {
        assert_eq!(MAX_KEPT_FINDINGS, 30_000);
        let with_commas = |n: usize| {
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        let shown = with_commas(MAX_KEPT_FINDINGS);
        assert_eq!(shown, MAX_KEPT_SHOWN);
        for text in [M001.summary.ja, M001.summary.en, M001.why.ja, M001.why.en] {
            assert!(text.contains(&shown), "{text}");
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for doc in ["docs/decisions.md", "docs/reliability.md"] {
            let text = std::fs::read_to_string(root.join(doc)).unwrap();
            assert!(text.contains(&format!("{shown} findings")), "{doc} states another cap");
            assert!(!text.contains("100,000 findings"), "{doc} states another cap");
        }
    }
}
