//! M — findings about the check itself rather than the form: a file's findings were cut (at
//! `--max-findings`, or at the 100,000 a file keeps), or checking a file failed inside rinken. Neither is in RULES.md, whose
//! rules are about submissions; both need a stable ID so that reports and CI gates can name them.

use crate::finding::{Rule, Severity::*};
use crate::lang::Text;

pub static M001: Rule = Rule {
    id: "M001",
    severity: W,
    summary: Text {
        ja: "このファイルの指摘が --max-findings または 1 ファイル 100,000 件の上限で打ち切られた (打ち切った件数を示す)",
        en: "this file's findings were cut at --max-findings or at the limit of 100,000 per file (the message says how many were left out)",
    },
    why: Text {
        ja: "大量の指摘で報告が読めなくなるのを防ぎ、メモリ使用量を抑えるための上限です。summary.csv の件数は打ち切る前の数です。すべて見るには上限を外してください (100,000 件の上限は外せません。最初の指摘から直してください)。",
        en: "The cap keeps reports readable and memory bounded; summary.csv still counts every finding. Remove --max-findings to see more (the limit of 100,000 stays: fix the first findings first).",
    },
    bad: "--max-findings 100 on a file with 20,000 unknown elements",
    good: "(fix the first findings, then run again)",
};

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
