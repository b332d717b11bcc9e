//! P — designated doctors, against the roster given with `--doctors` (silent without one).

use super::view::View;
use super::Sink;
use crate::finding::{Rule, Severity::*};
use crate::lang::Text;
use crate::refdata::roster::RosterRow;
use crate::tables::Field;
use crate::text::normalize::normalize_name;
use crate::tr;

pub static P001: Rule = Rule {
    id: "P001",
    severity: E,
    summary: Text { ja: "指定医番号が名簿にない", en: "DoctorNo not in the roster" },
    why: Text {
        ja: "指定医でない医師の様式は受け付けられません。番号の打ち間違いも確認してください。",
        en: "Forms by doctors who are not designated are refused; also check for a mistyped number.",
    },
    bad: "<DoctorNo>S26-009999</DoctorNo> (not in the roster)",
    good: "<DoctorNo>S26-000101</DoctorNo>",
};

/// P001's examples in Japanese (see `Rule::examples`).
pub const P001_EXAMPLES_JA: (&str, &str) =
    ("<DoctorNo>S26-009999</DoctorNo> (名簿にない)", "<DoctorNo>S26-000101</DoctorNo>");

pub static P002: Rule = Rule {
    id: "P002",
    severity: E,
    summary: Text {
        ja: "その制度の指定医でない (意見書は小慢指定医、臨個票は難病指定医か協力難病指定医)",
        en: "the doctor is not designated for this programme (意見書 needs shoman; 臨個票 needs nanbyo or kyoryoku)",
    },
    why: Text {
        ja: "難病指定医は小慢の医療意見書を書けず、小慢指定医は臨床調査個人票を書けません。",
        en: "A 難病 designated doctor may not write a 小慢 意見書, nor a 小慢 doctor a 臨個票.",
    },
    bad: "an 意見書 by a doctor designated only as nanbyo",
    good: "an 意見書 by a doctor designated as shoman",
};

/// P002's examples in Japanese (see `Rule::examples`).
pub const P002_EXAMPLES_JA: (&str, &str) =
    ("難病指定医 (nanbyo) だけの医師が書いた意見書", "小慢指定医 (shoman) の医師が書いた意見書");

pub static P003: Rule = Rule {
    id: "P003",
    severity: E,
    summary: Text {
        ja: "協力難病指定医が新規の臨個票を書いた", en: "a 協力難病指定医 wrote a 新規 臨個票"
    },
    why: Text {
        ja: "協力難病指定医が書けるのは更新の臨床調査個人票だけです。新規は難病指定医が書きます。",
        en: "A 協力難病指定医 may write only renewal forms; new applications need a 難病指定医.",
    },
    bad: "<ApplicationType>1</ApplicationType> by a kyoryoku doctor",
    good: "<ApplicationType>2</ApplicationType> by a kyoryoku doctor",
};

/// P003's examples in Japanese (see `Rule::examples`).
pub const P003_EXAMPLES_JA: (&str, &str) = (
    "協力難病指定医 (kyoryoku) が書いた <ApplicationType>1</ApplicationType>",
    "協力難病指定医 (kyoryoku) が書いた <ApplicationType>2</ApplicationType>",
);

pub static P004: Rule = Rule {
    id: "P004",
    severity: E,
    summary: Text { ja: "記載日が指定の有効期間外", en: "WrittenDate outside the designation period" },
    why: Text {
        ja: "指定は 5 年ごとの更新制です。期間外に書かれた様式は受け付けられません。",
        en: "Designations last 5 years; forms written outside the period are refused.",
    },
    bad: "written 2025-06-20 by a doctor designated until 2024-03-31",
    good: "written within valid_from … valid_to",
};

/// P004's examples in Japanese (see `Rule::examples`).
pub const P004_EXAMPLES_JA: (&str, &str) =
    ("指定期間が 2024-03-31 までの医師が 2025-06-20 に記載", "valid_from … valid_to の期間内に記載");

pub static P005: Rule = Rule {
    id: "P005",
    severity: W,
    summary: Text { ja: "医師氏名が名簿の氏名と違う (正規化して比較)", en: "DoctorName differs from the roster name (after normalisation)" },
    why: Text { ja: "番号か氏名のどちらかが誤っているかもしれません。旧姓や字体の違いのこともあるため警告です。", en: "Either the number or the name may be wrong; it may also be a maiden name or a variant, so this is a warning." },
    bad: "<DoctorName>伊藤由美</DoctorName> (roster: 伊藤由紀)",
    good: "<DoctorName>伊藤由紀</DoctorName>",
};

/// P005's examples in Japanese (see `Rule::examples`).
pub const P005_EXAMPLES_JA: (&str, &str) =
    ("<DoctorName>伊藤由美</DoctorName> (名簿: 伊藤由紀)", "<DoctorName>伊藤由紀</DoctorName>");

pub fn check(sink: &mut Sink<'_>, view: &View<'_>) {
    let Some(roster) = sink.ctx.roster else { return };
    let Some(no) = view.get(Field::DoctorNo) else { return };
    let lang = sink.lang();
    let (record, path, at) = (view.record(), view.path(Field::DoctorNo), view.offset(Field::DoctorNo));
    let rows = roster.rows(no);
    if rows.is_empty() {
        let msg = tr!(
            lang,
            "指定医番号 {no} は指定医名簿にありません。番号を確認してください",
            "designated-doctor number {no} is not in the roster; check the number"
        );
        sink.emit(&P001, record, path, at, no, msg);
        return;
    }
    let allowed: Vec<&RosterRow> = rows.iter().filter(|r| view.kind.doctor_kinds.contains(&r.kind)).collect();
    let form = lang.pick(&view.kind.name_ja, &view.kind.name_en);
    if allowed.is_empty() {
        let has: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
        let (has, needs) = (has.join(", "), view.kind.doctor_kinds.join(" / "));
        let msg = tr!(
            lang,
            "指定医 {no} の指定は {has} で、{form}を書けません ({form}には {needs} の指定が必要です)",
            "doctor {no} is designated as {has} and may not write a {form} (it needs {needs})"
        );
        sink.emit(&P002, record, path, at, no, msg);
        return;
    }
    if let Some(written) = view.date(Field::WrittenDate) {
        let in_period: Vec<&&RosterRow> =
            allowed.iter().filter(|r| r.valid_from <= written && written <= r.valid_to).collect();
        if in_period.is_empty() {
            let periods: Vec<String> = allowed.iter().map(|r| format!("{}〜{}", r.valid_from, r.valid_to)).collect();
            let periods = periods.join(", ");
            let msg = tr!(
                lang,
                "記載年月日 {written} は指定医 {no} の指定期間 ({periods}) の外です",
                "the WrittenDate {written} is outside the designation of doctor {no} ({periods})"
            );
            sink.emit(
                &P004,
                record,
                view.path(Field::WrittenDate),
                view.offset(Field::WrittenDate),
                &written.to_string(),
                msg,
            );
        } else if view.kind.program == "nanbyo"
            && view.get(Field::AppType) == Some("1")
            && in_period.iter().all(|r| r.kind == "kyoryoku")
        {
            let msg = tr!(lang, "指定医 {no} は協力難病指定医で、新規 (申請区分 1) の{form}は書けません。更新 (2) だけを書けます", "doctor {no} is a cooperating designated doctor (協力難病指定医) and may not write a new (ApplicationType 1) {form}, only renewals (2)", form = lang.pick(&view.kind.name_ja, &view.kind.name_en));
            sink.emit(&P003, record, view.path(Field::AppType), view.offset(Field::AppType), "1", msg);
        }
    }
    if let Some(name) = view.get(Field::DoctorName) {
        let norm = normalize_name(name);
        if !rows.iter().any(|r| r.name_norm == norm) {
            let listed = &rows[0].name;
            let msg = tr!(lang, "医師氏名「{name}」が指定医名簿の氏名「{listed}」 ({no}) と違います。番号か氏名を確認してください", "the doctor name \"{name}\" differs from the roster's \"{listed}\" ({no}); check the number or the name");
            sink.emit(&P005, record, view.path(Field::DoctorName), view.offset(Field::DoctorName), name, msg);
        }
    }
}
