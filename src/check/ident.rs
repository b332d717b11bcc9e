//! I — identifiers: 医療機関コード, 受給者番号, 公費負担者番号.

use super::view::View;
use super::Sink;
use crate::finding::{Rule, Severity::*};
use crate::lang::Text;
use crate::tables::{Field, Prefectures};
use crate::tr;

pub static I001: Rule = Rule {
    id: "I001",
    severity: E,
    summary: Text {
        ja: "医療機関コードの検証番号が誤り (埼玉・千葉・東京・神奈川の旧方式を含む)",
        en: "医療機関コード check digit wrong (with the 埼玉/千葉/東京/神奈川 legacy rule)",
    },
    why: Text {
        ja: "検証番号の合わないコードは打ち間違いです。検証番号は本体の数字に右から 2,1,2,1… を掛け、10 以上は各桁の和とし、合計の 1 の位を 10 から引いた数 (10 なら 0) です。本体は 都道府県2+点数表1+郡市区2+番号4 で、埼玉・千葉・東京・神奈川 (11〜14、61〜64) だけは 郡市区2+番号4 です。",
        en: "A code whose check digit fails is mistyped. The check digit weights the body's digits 2,1,2,1… from the right, sums the digits of each product, and is (10 − sum mod 10) mod 10. The body is prefecture 2 + table 1 + district 2 + number 4, except in 11–14 and 61–64 (埼玉, 千葉, 東京, 神奈川), where it is district 2 + number 4.",
    },
    bad: "2610102094",
    good: "2610102093",
};

pub static I002: Rule = Rule {
    id: "I002",
    severity: E,
    summary: Text {
        ja: "医療機関コードの都道府県番号が 01〜47、51〜97 でない",
        en: "医療機関コード prefecture part not 01–47 or 51–97",
    },
    why: Text {
        ja: "都道府県番号は 01〜47 (番号が尽きた県の別番号 51〜97) だけです。",
        en: "Prefecture numbers are 01–47 (51–97 are alternates for prefectures whose range ran out).",
    },
    bad: "4810112344",
    good: "2610102093",
};

pub static I003: Rule = Rule {
    id: "I003",
    severity: E,
    summary: Text { ja: "医療機関コードの点数表番号が 1 (医科) でも 3 (歯科) でもない", en: "医療機関コード 点数表 not 1 (医科) or 3 (歯科)" },
    why: Text {
        ja: "薬局 (4) や訪問看護ステーション (6) は臨床調査個人票・医療意見書を作成できません。病院・診療所のコードを書いてください。",
        en: "Pharmacies (4) and visiting-nurse stations (6) cannot write these forms; give the hospital's or clinic's code.",
    },
    bad: "2640204562",
    good: "2610102093",
};

pub static I004: Rule = Rule {
    id: "I004",
    severity: W,
    summary: Text {
        ja: "医療機関コードが医療機関一覧 (--institutions) にない",
        en: "医療機関コード not in the institution list, when one is given (--institutions FILE)",
    },
    why: Text {
        ja: "検証番号は合っていても、実在しないコードかもしれません。一覧が古い可能性もあるため警告です。",
        en:
            "The check digit passes, but no institution holds the code; the list may be outdated, so this is a warning.",
    },
    bad: "2610102093 (not listed)",
    good: "a code listed in the institution file",
};

/// I004's examples in Japanese (see `Rule::examples`).
pub const I004_EXAMPLES_JA: (&str, &str) = ("2610102093 (一覧にない)", "医療機関一覧にあるコード");

pub static I005: Rule = Rule {
    id: "I005",
    severity: E,
    summary: Text { ja: "受給者番号の検証番号が誤り", en: "受給者番号 check digit wrong" },
    why: Text {
        ja: "受給者番号は 7 桁で、最後の 1 桁が前の 6 桁の検証番号です (医療機関コードと同じ計算)。受給者証を見て書き直してください。",
        en: "The recipient number has 7 digits, the last a check digit over the first 6 (computed as for institution codes). Copy it again from the certificate.",
    },
    bad: "1234567",
    good: "1234566",
};

pub static I006: Rule = Rule {
    id: "I006",
    severity: E,
    summary: Text {
        ja: "公費負担者番号の誤り: 検証番号、都道府県が 01〜47 でない、法別番号が 54 (臨個票) / 52 (意見書) でない",
        en: "公費負担者番号: wrong check digit, prefecture not 01–47, or 法別番号 not 54 (臨個票) / 52 (意見書)",
    },
    why: Text {
        ja: "公費負担者番号は 法別2 + 都道府県2 + 実施機関3 + 検証1 の 8 桁です。指定難病は法別 54、小児慢性特定疾病は 52 です。",
        en: "The public payer number is 法別 2 + prefecture 2 + body 3 + check 1. 指定難病 uses 法別 54, 小慢 52.",
    },
    bad: "52260106 on a 臨床調査個人票",
    good: "54260104",
};

/// I006's examples in Japanese (see `Rule::examples`).
pub const I006_EXAMPLES_JA: (&str, &str) = ("臨床調査個人票に 52260106", "54260104");

/// The check digit of `body` (ASCII digits): weights 2,1,2,1… from the rightmost digit,
/// products of 10 or more replaced by their digit sum, C = (10 − sum mod 10) mod 10.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let p = (b - b'0') as u32 * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Why a 医療機関コード fails, if it does (I001–I003), in the order that keeps one cause to
/// one finding: a bad prefecture makes the check digit meaningless; a bad check digit makes
/// the 点数表 digit untrustworthy.
#[derive(Debug, PartialEq, Eq)]
pub enum InstitutionProblem {
    Prefecture,
    CheckDigit { expected: u8 },
    Table(u8),
}

/// The problem of `code` (10 ASCII digits, else `None`: the layout rules report the shape),
/// judged against the prefecture table, which says which numbers exist and which keep the
/// legacy check-digit rule.
pub fn institution_problem(code: &str, prefectures: &Prefectures) -> Option<InstitutionProblem> {
    let b = code.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let pp = (b[0] - b'0') * 10 + (b[1] - b'0');
    let Some(pref) = prefectures.of_institution(pp) else { return Some(InstitutionProblem::Prefecture) };
    let body = if pref.legacy_check_digit { &b[3..9] } else { &b[..9] };
    let expected = check_digit(body);
    if b[9] - b'0' != expected {
        return Some(InstitutionProblem::CheckDigit { expected });
    }
    match b[2] - b'0' {
        1 | 3 => None,
        t => Some(InstitutionProblem::Table(t)),
    }
}

pub fn check(sink: &mut Sink<'_>, view: &View<'_>) {
    institution(sink, view);
    recipient(sink, view);
    payer(sink, view);
}

fn institution(sink: &mut Sink<'_>, view: &View<'_>) {
    let Some(code) = view.get(Field::InstitutionCode) else { return };
    let lang = sink.lang();
    let (path, at, record) = (view.path(Field::InstitutionCode), view.offset(Field::InstitutionCode), view.record());
    let prefectures = &sink.ctx.tables.prefectures;
    match institution_problem(code, prefectures) {
        Some(InstitutionProblem::Prefecture) => {
            let pp = &code[..2];
            let msg = tr!(lang, "医療機関コード {code} の都道府県番号 {pp} は 01〜47 (別番号 51〜97) のどれでもありません。コードを確認してください", "the prefecture part {pp} of {code} is not 01–47 (or 51–97); check the code");
            sink.emit(&I002, record, path, at, code, msg);
        }
        Some(InstitutionProblem::CheckDigit { expected }) => {
            let pp = code[..2].parse().unwrap_or(0);
            let pref = prefectures.of_institution(pp).expect("a check digit is judged only for a known prefecture");
            let name = lang.pick(&pref.name_ja, &pref.name_en);
            let rule = if pref.legacy_check_digit {
                tr!(lang, "{name}の旧方式: 郡市区+番号の 6 桁から計算", "{name}'s legacy rule, over district + number")
            } else {
                tr!(
                    lang,
                    "{name}: 都道府県+点数表+郡市区+番号の 9 桁から計算",
                    "{name}: computed over the 9 body digits"
                )
            };
            let got = code.as_bytes()[9] as char;
            let msg = tr!(lang, "医療機関コード {code} の検証番号 {got} が合いません ({rule}。正しくは {expected})。打ち間違いがないか確認してください", "the check digit {got} of {code} is wrong ({rule}; it should be {expected}); check for a typing mistake");
            sink.emit(&I001, record, path, at, code, msg);
        }
        Some(InstitutionProblem::Table(t)) => {
            let what = match t {
                4 => lang.pick("薬局", "a pharmacy"),
                6 => lang.pick("訪問看護ステーション", "a visiting-nurse station"),
                _ => lang.pick("医科・歯科以外", "neither medical nor dental"),
            };
            let msg = tr!(lang, "医療機関コード {code} の点数表番号 {t} は{what}です。臨床調査個人票・医療意見書は医科 (1) か歯科 (3) の医療機関が作成します", "{code} has 点数表 {t}: {what}; these forms are written by medical (1) or dental (3) institutions");
            sink.emit(&I003, record, path, at, code, msg);
        }
        None => {
            if let Some(list) = sink.ctx.institutions {
                if !list.contains(code) {
                    let source = list.source();
                    let msg = tr!(lang, "医療機関コード {code} は医療機関一覧 ({source}) にありません。検証番号は合っています。コードか一覧の版を確認してください", "{code} is not in the institution list ({source}), although its check digit is right; check the code or the list's date");
                    sink.emit(&I004, record, path, at, code, msg);
                }
            }
        }
    }
}

fn recipient(sink: &mut Sink<'_>, view: &View<'_>) {
    let Some(no) = view.get(Field::RecipientNo) else { return };
    let b = no.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_digit) {
        return;
    }
    let expected = check_digit(&b[..b.len() - 1]);
    if b[b.len() - 1] - b'0' != expected {
        let lang = sink.lang();
        let got = b[b.len() - 1] as char;
        let msg = tr!(lang, "受給者番号の検証番号 (最後の桁) {got} が合いません (正しくは {expected})。受給者証を見て確認してください", "the check digit (last digit) {got} of the recipient number is wrong (it should be {expected}); copy it again from the certificate");
        sink.emit(&I005, view.record(), view.path(Field::RecipientNo), view.offset(Field::RecipientNo), no, msg);
    }
}

fn payer(sink: &mut Sink<'_>, view: &View<'_>) {
    let Some(no) = view.get(Field::PayerNo) else { return };
    let b = no.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return;
    }
    let lang = sink.lang();
    let houbetsu = &no[..2];
    let want = &view.kind.houbetsu;
    let pref: u8 = no[2..4].parse().unwrap_or(0);
    let prefectures = &sink.ctx.tables.prefectures;
    let expected = check_digit(&b[..7]);
    let form = lang.pick(&view.kind.name_ja, &view.kind.name_en);
    let msg = if !want.is_empty() && houbetsu != want {
        tr!(
            lang,
            "公費負担者番号 {no} の法別番号 {houbetsu} は{form}のものではありません。{form}の法別番号は {want} です",
            "the public payer number {no} has 法別番号 {houbetsu}; the {form} uses {want}"
        )
    } else if prefectures.get(pref).is_none() {
        let pp = &no[2..4];
        tr!(
            lang,
            "公費負担者番号 {no} の都道府県番号 {pp} は 01〜47 ではありません",
            "the prefecture part {pp} of the public payer number {no} is not 01–47"
        )
    } else if b[7] - b'0' != expected {
        let got = b[7] as char;
        tr!(
            lang,
            "公費負担者番号 {no} の検証番号 {got} が合いません (正しくは {expected})",
            "the check digit {got} of the public payer number {no} is wrong (it should be {expected})"
        )
    } else {
        return;
    };
    sink.emit(&I006, view.record(), view.path(Field::PayerNo), view.offset(Field::PayerNo), no, msg);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_the_formats_examples() {
        let tables = crate::tables::Tables::embedded().unwrap();
        let p = &tables.prefectures;
        assert_eq!(institution_problem("2610102093", p), None, "京都 (normal rule)");
        assert_eq!(institution_problem("1110102731", p), None, "埼玉 (legacy rule)");
        assert_eq!(institution_problem("2610102094", p), Some(InstitutionProblem::CheckDigit { expected: 3 }));
        assert_eq!(institution_problem("4810112344", p), Some(InstitutionProblem::Prefecture));
        assert_eq!(institution_problem("0010112344", p), Some(InstitutionProblem::Prefecture));
        assert_eq!(check_digit(b"5226010"), 6, "公費負担者番号 52260106");
    }
}
