//! D — dates, ages and form versions.

use super::view::View;
use super::Sink;
use crate::finding::{Rule, Severity::*};
use crate::lang::Text;
use crate::tables::Field;
use crate::text::date::{Date, YearMonth};
use crate::tr;

pub static D001: Rule = Rule {
    id: "D001",
    severity: E,
    summary: Text {
        ja: "日付の順序が逆: 生年月日 ≤ 発症年月 (月単位) ≤ 診断年月日 ≤ 記載年月日、生年月日 ≤ 人工呼吸器開始日 ≤ 記載年月日",
        en: "dates out of order: BirthDate ≤ OnsetYearMonth (by month) ≤ DiagnosisDate ≤ WrittenDate; BirthDate ≤ VentilatorStartDate ≤ WrittenDate",
    },
    why: Text {
        ja: "順序の合わない日付は、どれかが入力誤りです。前の日付より早い方の要素を報告します。発症年月は月単位でしか比べないので、同じ月の生年月日と診断年月日は日単位で比べます。",
        en: "Dates out of order mean one of them is mistyped. The element earlier than its predecessor is reported. OnsetYearMonth orders the others only by month, so a BirthDate and a DiagnosisDate in its month are still compared by day.",
    },
    bad: "<BirthDate>2015-04-01</BirthDate> … <OnsetYearMonth>2014-12</OnsetYearMonth>",
    good: "<OnsetYearMonth>2015-12</OnsetYearMonth>",
};

pub static D002: Rule = Rule {
    id: "D002",
    severity: E,
    summary: Text { ja: "--as-of (今日) より後の日付", en: "a date after --as-of (today)" },
    why: Text { ja: "未来の日付は入力誤りです。", en: "A date in the future is a typing mistake." },
    bad: "<WrittenDate>2099-01-01</WrittenDate>",
    good: "<WrittenDate>2025-06-10</WrittenDate>",
};

pub static D003: Rule = Rule {
    id: "D003",
    severity: E,
    summary: Text { ja: "記載日に 18 歳以上の患者の意見書 新規 (18 歳以降は新規申請できない)", en: "意見書 新規 for a patient aged 18 or more on WrittenDate (no new application after 18)" },
    why: Text {
        ja: "小児慢性特定疾病の新規申請は 18 歳未満に限られます (継続は 20 歳未満まで)。18 歳以上の方は指定難病の制度を確認してください。",
        en: "New pediatric chronic disease applications are for patients under 18 (continuations until 20). From 18, see the designated intractable disease programme.",
    },
    bad: "<ApplicationType>1</ApplicationType>, born 2007-04-01, written 2025-06-10",
    good: "<ApplicationType>2</ApplicationType> (継続) for an existing recipient",
};

/// D003's examples in Japanese (see `Rule::examples`).
pub const D003_EXAMPLES_JA: (&str, &str) = (
    "<ApplicationType>1</ApplicationType>、生年月日 2007-04-01、記載日 2025-06-10",
    "<ApplicationType>2</ApplicationType> (継続: 既に受給者のとき)",
);

pub static D004: Rule = Rule {
    id: "D004",
    severity: E,
    summary: Text {
        ja: "記載日に 20 歳以上の患者の意見書 継続",
        en: "意見書 継続 for a patient aged 20 or more on WrittenDate",
    },
    why: Text {
        ja: "小児慢性特定疾病の継続は 20 歳の誕生日の前日までです。",
        en: "Pediatric chronic disease support continues only until the day before the 20th birthday.",
    },
    bad: "<ApplicationType>2</ApplicationType>, born 2005-01-01, written 2025-06-10",
    good: "a 臨床調査個人票 for the adult programme",
};

/// D004's examples in Japanese (see `Rule::examples`).
pub const D004_EXAMPLES_JA: (&str, &str) = (
    "<ApplicationType>2</ApplicationType>、生年月日 2005-01-01、記載日 2025-06-10",
    "成人の制度 (指定難病) の臨床調査個人票",
);

pub static D005: Rule = Rule {
    id: "D005",
    severity: E,
    summary: Text {
        ja: "記載日にはまだ使えない様式の版 (臨個票 2309 は 2023-10-01 から、2403 は 2024-04-01 から、意見書 2310 は 2023-10-01 から)",
        en: "form version not yet in use on WrittenDate (臨個票 2309 from 2023-10-01, 2403 from 2024-04-01; 意見書 2310 from 2023-10-01)",
    },
    why: Text { ja: "記載日か様式の版のどちらかが誤りです。", en: "Either WrittenDate or the form version is wrong." },
    bad: "formVersion=\"2403\" with <WrittenDate>2024-03-15</WrittenDate>",
    good: "formVersion=\"2309\" with <WrittenDate>2024-03-15</WrittenDate>",
};

/// D005's examples in Japanese (see `Rule::examples`).
pub const D005_EXAMPLES_JA: (&str, &str) = (
    "formVersion=\"2403\" で <WrittenDate>2024-03-15</WrittenDate>",
    "formVersion=\"2309\" で <WrittenDate>2024-03-15</WrittenDate>",
);

pub static D006: Rule = Rule {
    id: "D006",
    severity: E,
    summary: Text {
        ja: "使用期限を過ぎた旧様式 (意見書 1810 は 2026-03-31 まで、臨個票 1703 は 2024-09-30 まで)",
        en: "old form past its end (意見書 1810 written after 2026-03-31; 臨個票 1703 written on or after 2024-10-01)",
    },
    why: Text {
        ja: "経過措置の期限を過ぎた旧様式は受け付けられません。新しい様式で書き直してください。旧様式をしばらく受け付ける自治体は rinken.toml でこの規則を警告に変えられます。",
        en: "Old forms past their transition period are refused; rewrite on the current form. A prefecture that accepts old forms longer can downgrade this rule in rinken.toml.",
    },
    bad: "<Ikensho formVersion=\"1810\"> written 2026-05-01",
    good: "<Ikensho formVersion=\"2310\">",
};

/// D006's examples in Japanese (see `Rule::examples`).
pub const D006_EXAMPLES_JA: (&str, &str) =
    ("<Ikensho formVersion=\"1810\"> を 2026-05-01 に記載", "<Ikensho formVersion=\"2310\">");

pub static D007: Rule = Rule {
    id: "D007",
    severity: W,
    summary: Text {
        ja: "意見書 新規で、診断年月日が記載日の 3 か月より前 (医療費助成を診断日まで遡れない)",
        en: "意見書 新規 whose DiagnosisDate is more than 3 months before WrittenDate: payment can no longer reach back to the diagnosis date",
    },
    why: Text {
        ja: "助成の遡りは診断日から原則 3 か月以内です。診断年月日を確認し、遅れた理由があれば申請書に添えてください。3 か月は暦の月で数え、月末は丸めます (5 月 31 日の 3 か月前は 2 月 28 日)。",
        en: "Payment reaches back at most 3 months from diagnosis as a rule. Calendar months, clamped at month end (3 months before 31 May is 28 February).",
    },
    bad: "<DiagnosisDate>2025-01-10</DiagnosisDate> <WrittenDate>2025-06-10</WrittenDate>",
    good: "<DiagnosisDate>2025-04-01</DiagnosisDate> <WrittenDate>2025-06-10</WrittenDate>",
};

/// The path of findings about the form root's `formVersion` attribute.
pub const FORM_VERSION_PATH: &str = "@formVersion";

/// A point on the date chain: a full date, or a year-month compared by month.
#[derive(Clone, Copy)]
enum Point {
    Day(Date),
    Month(YearMonth),
}

impl Point {
    fn month(self) -> YearMonth {
        match self {
            Point::Day(d) => YearMonth::of(d),
            Point::Month(m) => m,
        }
    }

    /// `self` is after `other`, at the precision of the coarser of the two.
    fn after(self, other: Point) -> bool {
        match (self, other) {
            (Point::Day(a), Point::Day(b)) => a > b,
            _ => self.month() > other.month(),
        }
    }

    fn text(self) -> String {
        match self {
            Point::Day(d) => d.to_string(),
            Point::Month(m) => m.to_string(),
        }
    }
}

/// The dates the rules compare, in the order D002 reports them.
const DATE_FIELDS: [Field; 5] =
    [Field::BirthDate, Field::Onset, Field::DiagnosisDate, Field::WrittenDate, Field::VentilatorStart];

/// A record's dates, each read once: the chains, D002 and the age rules look at the same few
/// values over and over.
struct Dates([Option<Point>; 5]);

impl Dates {
    fn of(view: &View<'_>) -> Dates {
        Dates(DATE_FIELDS.map(|f| {
            if f == Field::Onset {
                view.year_month(f).map(Point::Month)
            } else {
                view.date(f).map(Point::Day)
            }
        }))
    }

    fn point(&self, f: Field) -> Option<Point> {
        DATE_FIELDS.iter().position(|&x| x == f).and_then(|i| self.0[i])
    }

    fn forget(&mut self, fields: &[Field]) {
        for (p, f) in self.0.iter_mut().zip(DATE_FIELDS) {
            if fields.contains(&f) {
                *p = None;
            }
        }
    }

    /// A full date (every field but OnsetYearMonth).
    fn day(&self, f: Field) -> Option<Date> {
        match self.point(f)? {
            Point::Day(d) => Some(d),
            Point::Month(_) => None,
        }
    }
}

/// True for forms of the pediatric programme, where the age rules apply.
fn is_shoman(view: &View<'_>) -> bool {
    view.kind.program == "shoman"
}

pub fn check(sink: &mut Sink<'_>, view: &View<'_>) {
    // A date after today is suspect (D002): it is not compared with the others, so one wrong
    // date is one finding, not also a D001 on each date that follows it.
    let mut dates = Dates::of(view);
    let future_dates = future(sink, view, &dates);
    let reported = order(sink, view, &dates, future_dates);
    // A reported date is suspect for the rules below too: a mistyped WrittenDate in the future
    // is not also a form version out of use or an age over the limit (one cause, one finding).
    dates.forget(&reported);
    versions(sink, view, &dates);
    if is_shoman(view) {
        ages(sink, view, &dates);
    }
}

/// D001; returns the dates reported by it or, before it, by D002 (`suspect`).
fn order(sink: &mut Sink<'_>, view: &View<'_>, dates: &Dates, suspect: Vec<Field>) -> Vec<Field> {
    use Field::*;
    let lang = sink.lang();
    let mut flagged = suspect;
    for chain in [&[BirthDate, Onset, DiagnosisDate, WrittenDate][..], &[BirthDate, VentilatorStart, WrittenDate][..]] {
        // Each date is compared with the dates before it that were not reported, the nearest
        // first: a reported date is suspect, so it neither hides nor causes findings on the
        // dates after it. Not only the nearest: a month between two days orders them only by
        // month (born on the 19th, onset that month, diagnosed on the 18th).
        let mut before: [Option<(Field, Point)>; 4] = [None; 4];
        for (i, &fb) in chain.iter().enumerate() {
            let Some(b) = dates.point(fb) else { continue };
            // Already reported by the first chain (WrittenDate ends both).
            if flagged.contains(&fb) {
                continue;
            }
            let Some(&(fa, a)) = before[..i].iter().rev().flatten().find(|(_, a)| a.after(b)) else {
                before[i] = Some((fb, b));
                continue;
            };
            flagged.push(fb);
            let (la, lb, ta, tb) = (view.label(fa, lang), view.label(fb, lang), a.text(), b.text());
            let msg = tr!(
                lang,
                "{lb} {tb} が {la} {ta} より前です。{la} ≤ {lb} となるよう、どちらかの日付を確認してください",
                "{lb} {tb} is before {la} {ta}; {la} must not be after {lb}: check both dates"
            );
            sink.emit(&D001, view.record(), view.path(fb), view.offset(fb), &tb, msg);
        }
    }
    flagged
}

/// D002; returns the dates it reported.
fn future(sink: &mut Sink<'_>, view: &View<'_>, dates: &Dates) -> Vec<Field> {
    let lang = sink.lang();
    let as_of = sink.ctx.as_of;
    let mut reported = Vec::new();
    for (&f, p) in DATE_FIELDS.iter().zip(dates.0) {
        let Some(p) = p else { continue };
        if p.after(Point::Day(as_of)) {
            reported.push(f);
            let (label, t) = (view.label(f, lang), p.text());
            let msg = tr!(
                lang,
                "{label} {t} が今日 ({as_of}) より後です。日付を確認してください",
                "{label} {t} is after today ({as_of}); check the date"
            );
            sink.emit(&D002, view.record(), view.path(f), view.offset(f), &t, msg);
        }
    }
    reported
}

fn versions(sink: &mut Sink<'_>, view: &View<'_>, dates: &Dates) {
    let Some(written) = dates.day(Field::WrittenDate) else { return };
    let lang = sink.lang();
    let v = &view.kind.versions[view.version];
    let code = &v.code;
    let name = lang.pick(&v.name_ja, &v.name_en);
    let too_early = v.in_use_from.filter(|&d| written < d);
    let too_late = v.written_until.filter(|&d| written > d);
    if too_early.is_none() && too_late.is_none() {
        return;
    }
    let current: Vec<&str> = view
        .kind
        .versions
        .iter()
        .filter(|x| x.in_use_from.is_none_or(|d| d <= written) && x.written_until.is_none_or(|d| d >= written))
        .map(|x| x.code.as_str())
        .collect();
    let current = current.join(", ");
    // The form version is what these rules judge (the WrittenDate is the yardstick), so they
    // point at the root's formVersion attribute, whose value they quote.
    let (path, at) = (FORM_VERSION_PATH, Some(view.rec.offset));
    if let Some(from) = too_early {
        let msg = tr!(lang, "様式 {code} ({name}) は {from} から使う様式で、記載年月日 {written} にはまだ使えません。この日付で使える版: {current}", "form {code} ({name}) is in use from {from}, after the WrittenDate {written}; versions in use on that date: {current}");
        sink.emit(&D005, view.record(), path, at, code, msg);
    }
    if let Some(until) = too_late {
        let msg = tr!(lang, "様式 {code} ({name}) は {until} までの旧様式で、記載年月日 {written} には使えません。新しい様式 ({current}) で書いてください", "form {code} ({name}) could be used until {until}, not on the WrittenDate {written}; use a current version ({current})");
        sink.emit(&D006, view.record(), path, at, code, msg);
    }
}

fn ages(sink: &mut Sink<'_>, view: &View<'_>, dates: &Dates) {
    let (Some(birth), Some(written), Some(app)) =
        (dates.day(Field::BirthDate), dates.day(Field::WrittenDate), view.get(Field::AppType))
    else {
        return;
    };
    let lang = sink.lang();
    let Some(age) = birth.age_on(written) else { return };
    let path = view.path(Field::AppType);
    let at = view.offset(Field::AppType);
    match app {
        "1" if age >= 18 => {
            let msg = tr!(lang, "記載年月日 {written} に {age} 歳 (生年月日 {birth}) の患者の新規申請です。小児慢性特定疾病の新規申請は 18 歳未満に限られます (既に受給者なら継続 2)", "a new application for a patient aged {age} on {written} (born {birth}); new applications are for patients under 18 (an existing recipient applies with 2, continuation)");
            sink.emit(&D003, view.record(), path, at, app, msg);
        }
        "2" if age >= 20 => {
            let msg = tr!(lang, "記載年月日 {written} に {age} 歳 (生年月日 {birth}) の患者の継続申請です。小児慢性特定疾病の継続は 20 歳未満までです", "a continuation for a patient aged {age} on {written} (born {birth}); continuations end at 20");
            sink.emit(&D004, view.record(), path, at, app, msg);
        }
        "1" => {
            let Some(diag) = dates.day(Field::DiagnosisDate) else { return };
            let limit = written.add_months(-3);
            if diag < limit {
                let msg = tr!(lang, "新規申請で、診断年月日 {diag} が記載年月日 {written} の 3 か月前 ({limit}) より前です。医療費助成は診断日まで遡れません。診断年月日を確認してください", "a new application whose DiagnosisDate {diag} is more than 3 months before the WrittenDate {written} (before {limit}); payment cannot reach back to the diagnosis date; check the date");
                sink.emit(
                    &D007,
                    view.record(),
                    view.path(Field::DiagnosisDate),
                    view.offset(Field::DiagnosisDate),
                    &diag.to_string(),
                    msg,
                );
            }
        }
        _ => {}
    }
}
