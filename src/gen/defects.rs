//! Planted defects: one mistake each, drawn from the rule catalogue, with the one finding it
//! must cause.
//!
//! Every defect is built so that `rinken check` reports exactly its rule and nothing else, on
//! any day after the generator's window: that is what makes `expected.tsv` exact. Left out are
//! the rules that depend on the run rather than the file — F001 (an unreadable file), D002 (a
//! date after `--as-of`), I004 and the P rules (they need an institution list or a roster).

use super::data::{self, clean_text};
use super::draw::{self, add_days, ForcedDisease, Want, World, FIRST_WRITTEN, LAST_WRITTEN};
use super::form::{El, Extra, Form};
use super::rng::Rng;
use crate::tables::types::Type;
use crate::tables::KindId;
use crate::text::date::{Date, YearMonth};
use crate::text::normalize::normalize_name;
use crate::text::wareki::Wareki;
use std::fmt::Write as _;

macro_rules! defects {
    ($($variant:ident => $rule:literal, $scope:ident, $modes:ident, $what:literal;)*) => {
        /// A planted defect and the rule that must report it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Defect { $($variant),* }

        impl Defect {
            pub const ALL: &'static [Defect] = &[$(Defect::$variant),*];

            pub fn rule(self) -> &'static str {
                match self { $(Defect::$variant => $rule),* }
            }

            pub fn scope(self) -> Scope {
                match self { $(Defect::$variant => Scope::$scope),* }
            }

            pub fn modes(self) -> Modes {
                match self { $(Defect::$variant => Modes::$modes),* }
            }

            /// What the defect is, for docs/gen.md and messages.
            pub fn what(self) -> &'static str {
                match self { $(Defect::$variant => $what),* }
            }
        }
    };
}

/// Where a defect lives: the file (finding on record 0) or one form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    File,
    Record,
}

/// Which corpora a defect can be planted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modes {
    Both,
    /// One form per file only: the defect stops the file or concerns its name alone.
    Single,
    Batch,
}

defects! {
    EmptyFile => "F002", File, Single, "0 バイトのファイル / an empty file";
    ShiftJis => "F003", File, Both, "Shift_JIS で出力 / exported as Shift_JIS";
    DeclaredEucJp => "F004", File, Both, "encoding=\"EUC-JP\" と宣言 / declares EUC-JP";
    Bom => "F005", File, Both, "UTF-8 の BOM / a UTF-8 byte-order mark";
    MismatchedEndTag => "F006", File, Single, "綴りの違う終了タグ / a misspelt end tag";
    Doctype => "F007", File, Single, "DOCTYPE 宣言 / a DOCTYPE";
    NoNamespace => "F008", File, Single, "名前空間なし / no namespace";
    BadFileName => "F009", File, Both, "規則外のファイル名 / a file name off the pattern";
    KindLetter => "F010", File, Both, "ファイル名の種別文字の誤り / the wrong kind letter in the name";
    BatchCount => "F011", File, Batch, "FormBatch の count の誤り / a wrong FormBatch count";
    CodeMismatch => "F010", Record, Both, "ファイル名と違う医療機関コード / an institution code other than the name's";
    UnknownVersion => "F012", Record, Both, "未知の formVersion / an unknown formVersion";
    MissingElement => "L001", Record, Both, "必須要素の欠落 / a required element left out";
    EmptyElement => "L002", Record, Both, "必須要素が空 / a required element left empty";
    UnknownElement => "L003", Record, Both, "未知の要素 (Fax) / an unknown element (Fax)";
    Duplicate => "L004", Record, Both, "要素の重複 (Phone) / a repeated element (Phone)";
    FullWidthDigits => "L005", Record, Both, "全角数字の郵便番号 / a postal code in full-width digits";
    TooLong => "L006", Record, Both, "100 文字を超える住所 / an address over 100 characters";
    BadCode => "L007", Record, Both, "性別コード 0 / sex code 0";
    ImpossibleDate => "L008", Record, Both, "2 月 30 日の生年月日 / born on 30 February";
    Wareki => "L009", Record, Both, "和暦の生年月日 / a birth date in the Japanese era";
    HalfWidthKana => "L010", Record, Both, "半角カタカナのかな氏名 / a kana name in half-width katakana";
    MachineDependent => "L011", Record, Both, "髙・﨑 (機種依存文字) / 髙 or 﨑 (machine-dependent)";
    PresentButAbsent => "L012", Record, Both, "条件により書かない要素 / an element its condition excludes";
    UnknownItem => "L013", Record, Both, "項目表にない疾病別項目 / an item code the item table lacks";
    BadItem => "L014", Record, Both, "定義外の疾病別項目の値 / an item value outside its definition";
    UnknownDisease => "C001", Record, Both, "表にない告示番号 / a 告示番号 not in the table";
    NotYetDesignated => "C002", Record, Both, "記載日に未指定の疾病 / a disease not yet designated";
    WrongName => "C003", Record, Both, "別の疾病の病名 / the name of another disease";
    OldName => "C004", Record, Both, "改称前の病名 / a disease's name before its rename";
    OnsetBeforeBirth => "D001", Record, Both, "生年月日より前の発症年月 / onset before birth";
    NewAt18 => "D003", Record, Both, "18 歳以上の意見書 新規 / a new 意見書 at 18 or more";
    ContinuationAt20 => "D004", Record, Both, "20 歳以上の意見書 継続 / a continued 意見書 at 20 or more";
    VersionTooEarly => "D005", Record, Both, "記載日にまだ使えない様式 / a form version not yet in use";
    VersionExpired => "D006", Record, Both, "期限切れの旧様式 / an old form past its end";
    DiagnosisTooOld => "D007", Record, Both, "診断から 3 か月超の意見書 新規 / a new 意見書 over 3 months after diagnosis";
    InstitutionCheckDigit => "I001", Record, Single, "医療機関コードの検証番号の誤り / a wrong check digit";
    InstitutionPrefecture => "I002", Record, Single, "都道府県番号 48〜50 / prefecture 48–50";
    Pharmacy => "I003", Record, Single, "薬局の医療機関コード / a pharmacy's code";
    RecipientCheckDigit => "I005", Record, Both, "受給者番号の検証番号の誤り / a wrong recipient check digit";
    PayerNo => "I006", Record, Both, "公費負担者番号の誤り / a wrong public payer number";
    DuplicateForm => "B001", Record, Both, "同じ様式をもう一度 / the same form again";
    DuplicateFile => "B002", File, Single, "同じファイルをもう一度 / the same file again";
}

impl Defect {
    pub fn allowed(self, batch: bool) -> bool {
        match self.modes() {
            Modes::Both => true,
            Modes::Single => !batch,
            Modes::Batch => batch,
        }
    }
}

/// Precomputed choices for the defects that need a particular disease, date or version.
pub struct Plans<'t> {
    /// Per kind: (version, window) where the version is not yet in use.
    too_early: Vec<Vec<(usize, (Date, Date))>>,
    /// Per kind: (version, window) after the version's end.
    expired: Vec<Vec<(usize, (Date, Date))>>,
    /// Per kind: a disease named before it was designated, and when.
    not_yet: Vec<Vec<(ForcedDisease<'t>, (Date, Date))>>,
    /// Per kind: a renamed disease under its old name, and when.
    old_name: Vec<Vec<(ForcedDisease<'t>, (Date, Date))>>,
}

fn window(lo: Date, hi: Date) -> Option<(Date, Date)> {
    let (lo, hi) = (lo.max(FIRST_WRITTEN), hi.min(LAST_WRITTEN));
    (lo <= hi).then_some((lo, hi))
}

impl<'t> Plans<'t> {
    pub fn new(w: &World<'t>) -> Plans<'t> {
        let mut p = Plans { too_early: Vec::new(), expired: Vec::new(), not_yet: Vec::new(), old_name: Vec::new() };
        for (ki, shape) in w.shapes.iter().enumerate() {
            let kind = ki as KindId;
            let versions = &shape.kind.versions;
            p.too_early.push(
                versions
                    .iter()
                    .enumerate()
                    .filter_map(|(v, fv)| {
                        let from = fv.in_use_from?;
                        let until = fv.written_until.unwrap_or(LAST_WRITTEN);
                        Some((v, window(FIRST_WRITTEN, add_days(from, -1).min(until))?))
                    })
                    .collect(),
            );
            p.expired.push(
                versions
                    .iter()
                    .enumerate()
                    .filter_map(|(v, fv)| {
                        let until = fv.written_until?;
                        let from = fv.in_use_from.unwrap_or(FIRST_WRITTEN);
                        Some((v, window(add_days(until, 1).max(from), LAST_WRITTEN)?))
                    })
                    .collect(),
            );
            let kd = &w.kinds[ki];
            let mut not_yet = Vec::new();
            for (r, rev) in kd.program.revisions.iter().enumerate() {
                let Some((lo, hi)) = w.revision_window(kind, r) else { continue };
                // Designated later than the table's start (the 指定難病 waves).
                for e in &rev.entries {
                    let Some(from) = e.valid_from else { continue };
                    if let (true, Some(win)) = (clean_text(&e.name, 120), window(lo, add_days(from, -1).min(hi))) {
                        not_yet.push((ForcedDisease { group: e.group, no: e.no, name: e.name.as_str() }, win));
                    }
                }
                // Added by this revision, named while the previous one was in force.
                if r > 0 {
                    let Some((plo, phi)) = w.revision_window(kind, r - 1) else { continue };
                    let prev = &kd.program.revisions[r - 1];
                    for e in rev.entries.iter().filter(|e| e.added && clean_text(&e.name, 120)) {
                        if prev.by_name(&normalize_name(&e.name)).next().is_none() {
                            let d = ForcedDisease { group: e.group, no: e.no, name: e.name.as_str() };
                            not_yet.push((d, (plo, phi)));
                        }
                    }
                }
            }
            p.not_yet.push(not_yet);
            let mut old = Vec::new();
            for r in &kd.program.renames {
                let ri = w.revision_at(kind, r.effective_from.max(FIRST_WRITTEN));
                let in_force = kd.program.revisions[ri].get(r.group, r.no_after).is_some();
                if let (true, true, Some(win)) =
                    (in_force, clean_text(&r.old_name, 120), window(r.effective_from, LAST_WRITTEN))
                {
                    old.push((ForcedDisease { group: r.group, no: r.no_after, name: r.old_name.as_str() }, win));
                }
            }
            p.old_name.push(old);
        }
        p
    }

    /// Whether `defect` can be planted on a form of `kind`.
    pub fn applies(&self, w: &World<'t>, defect: Defect, kind: KindId) -> bool {
        let shape = &w.shapes[kind as usize];
        let k = kind as usize;
        let shoman = shape.has(El::Group);
        let has_items = w.kinds[k].with_items.iter().any(|v| !v.is_empty());
        match defect {
            Defect::UnknownItem | Defect::BadItem => has_items,
            Defect::NotYetDesignated => !self.not_yet[k].is_empty(),
            Defect::OldName => !self.old_name[k].is_empty(),
            Defect::VersionTooEarly => !self.too_early[k].is_empty(),
            Defect::VersionExpired => !self.expired[k].is_empty(),
            Defect::NewAt18 | Defect::ContinuationAt20 | Defect::DiagnosisTooOld => shoman,
            Defect::PresentButAbsent => shape.has(El::FamilyRelation) || shape.has(El::Reason),
            _ => true,
        }
    }

    /// The constraints a form must be drawn under to carry `defect`.
    pub fn want(&self, rng: &mut Rng, defect: Defect, kind: KindId) -> Want<'t> {
        let k = kind as usize;
        let mut want = Want::default();
        match defect {
            Defect::UnknownItem | Defect::BadItem => want.with_items = true,
            Defect::NotYetDesignated => {
                let (d, win) = *rng.pick(&self.not_yet[k]);
                want.disease = Some(d);
                want.written = Some(win);
            }
            Defect::OldName => {
                let (d, win) = *rng.pick(&self.old_name[k]);
                want.disease = Some(d);
                want.written = Some(win);
            }
            Defect::VersionTooEarly => {
                let (v, win) = *rng.pick(&self.too_early[k]);
                want.version = Some(v);
                want.written = Some(win);
            }
            Defect::VersionExpired => {
                let (v, win) = *rng.pick(&self.expired[k]);
                want.version = Some(v);
                want.written = Some(win);
            }
            Defect::NewAt18 => {
                want.app = Some(1);
                want.age = Some((18, 19));
            }
            Defect::ContinuationAt20 => {
                want.app = Some(2);
                want.age = Some((20, 22));
            }
            Defect::DiagnosisTooOld => {
                want.app = Some(1);
                want.age = Some((3, 17));
                want.diagnosis_months_back = Some((4, 24));
            }
            Defect::RecipientCheckDigit => want.app = Some(2),
            _ => {}
        }
        want
    }
}

/// Elements every form has, always required, that a defect may remove or empty.
const ALWAYS: &[El] = &[El::Sex, El::PostalCode, El::Address, El::Phone, El::DoctorName, El::InstitutionName];

fn parent_of(w: &World<'_>, kind: KindId, el: El) -> u16 {
    let shape = &w.shapes[kind as usize];
    let node = shape.node[el as usize].expect("the element exists in this layout");
    shape.layout().node(node).parent
}

/// A 10-digit code equal to `code` but for the check digit.
fn wrong_check_digit(rng: &mut Rng, code: &str) -> String {
    let last = code.as_bytes()[9] - b'0';
    let other = (last + rng.range(1, 9) as u8) % 10;
    format!("{}{other}", &code[..9])
}

/// Applies a record-level defect to a drawn form. `file_code` is the code the file name will
/// carry; the code mismatch needs another one.
pub fn apply(rng: &mut Rng, w: &World<'_>, defect: Defect, form: &mut Form, file_code: &str) {
    let kind = form.kind;
    let shape = &w.shapes[kind as usize];
    match defect {
        Defect::CodeMismatch => loop {
            let other = rng.below(w.institutions.len() as u64) as usize;
            if w.institutions[other].code != file_code {
                draw::write_author(rng, w, shape, other, form);
                break;
            }
        },
        Defect::UnknownVersion => {
            form.version_attr = if rng.chance(500) { None } else { Some("9999".into()) };
        }
        Defect::MissingElement => form.unset(*rng.pick(ALWAYS)),
        Defect::EmptyElement => form.set(*rng.pick(ALWAYS), ""),
        Defect::UnknownElement => {
            let phone = form.get(El::Phone).unwrap_or("").to_owned();
            let parent = parent_of(w, kind, El::Phone);
            form.extras.push(Extra { parent, xml: format!("<Fax>{phone}</Fax>") });
        }
        Defect::Duplicate => {
            let phone = form.get(El::Phone).unwrap_or("").to_owned();
            let parent = parent_of(w, kind, El::Phone);
            form.extras.push(Extra { parent, xml: format!("<Phone>{phone}</Phone>") });
        }
        Defect::FullWidthDigits => {
            let wide: String = form
                .get(El::PostalCode)
                .unwrap_or("0000000")
                .chars()
                .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
                .collect();
            form.set(El::PostalCode, &wide);
        }
        Defect::TooLong => {
            let address = form.get(El::Address).unwrap_or("").to_owned();
            let mut long = address.clone();
            while long.chars().count() <= 100 {
                long.push('、');
                long.push_str(&address);
            }
            form.set(El::Address, &long);
        }
        Defect::BadCode => form.set(El::Sex, "0"),
        Defect::ImpossibleDate => {
            let year = form.get(El::BirthDate).map_or("2000", |b| &b[..4]).to_owned();
            form.set(El::BirthDate, &format!("{year}-02-30"));
        }
        Defect::Wareki => {
            let birth = form.get(El::BirthDate).and_then(Date::parse_iso).expect("drawn forms have a birth date");
            let wareki = Wareki::from_date(birth).expect("born after 1868").to_string();
            form.set(El::BirthDate, &wareki);
        }
        Defect::HalfWidthKana => {
            let half = data::to_halfwidth_katakana(form.get(El::GivenKana).unwrap_or("ア"));
            form.set(El::GivenKana, &half);
        }
        Defect::MachineDependent => {
            let (name, kana) = *rng.pick(&[("髙橋", "タカハシ"), ("山﨑", "ヤマザキ"), ("髙木", "タカギ")]);
            form.set(El::FamilyName, name);
            form.set(El::FamilyKana, kana);
        }
        Defect::PresentButAbsent => {
            if shape.has(El::FamilyRelation) {
                form.set(El::FamilyHistory, "2");
                form.unset(El::FamilyRelationOther);
                form.set(El::FamilyRelation, "1");
            } else {
                form.set(El::SevereCertification, "2");
                form.set(El::VentilatorCertification, "2");
                form.set(El::Reason, rng.pick::<&str>(data::ATTACHMENT_REASONS));
            }
        }
        Defect::UnknownItem => form.items.push(("ZZ9".into(), "1".into())),
        Defect::BadItem => {
            let group = form.get(El::Group).and_then(|g| g.parse().ok()).unwrap_or(0);
            let no = form.get(El::KokujiNo).and_then(|n| n.parse().ok()).unwrap_or(0);
            let written = form.get(El::WrittenDate).and_then(Date::parse_iso).expect("drawn with a WrittenDate");
            let defs = w.item_defs(kind, group, no, written);
            let (i, bad) = form
                .items
                .iter()
                .enumerate()
                .find_map(|(i, (code, _))| {
                    let def = defs.iter().find(|d| &d.code == code)?;
                    let bad = match &def.ty {
                        Type::Int(r) => format!("{}", r.0[0].hi as i64 + 1),
                        Type::Decimal(r) => format!("{:.1}", r.0[0].hi + 1.0),
                        Type::Code(list) => {
                            let list = w.tables.codes.get(*list);
                            ["9", "99", "999"].iter().find(|c| list.find(c).is_none())?.to_string()
                        }
                        _ => return None,
                    };
                    Some((i, bad))
                })
                .expect("an item with a number or code type");
            form.items[i].1 = bad;
        }
        Defect::UnknownDisease => {
            let group = form.get(El::Group).and_then(|g| g.parse::<u16>().ok()).unwrap_or(0);
            let written = form.get(El::WrittenDate).and_then(Date::parse_iso).expect("drawn");
            let rev = &w.kinds[kind as usize].program.revisions[w.revision_at(kind, written)];
            let no = loop {
                let no = rng.range(900, 999) as u16;
                if rev.get(group, no).is_none() {
                    break no;
                }
            };
            form.set(El::KokujiNo, &no.to_string());
        }
        Defect::WrongName => {
            let written = form.get(El::WrittenDate).and_then(Date::parse_iso).expect("drawn");
            let own = normalize_name(form.get(El::DiseaseName).unwrap_or(""));
            let entries = &w.kinds[kind as usize].revisions[w.revision_at(kind, written)].entries;
            loop {
                let other = *rng.pick(entries);
                if normalize_name(&other.name) != own {
                    form.set(El::DiseaseName, &other.name);
                    break;
                }
            }
        }
        Defect::OnsetBeforeBirth => {
            let birth = form.get(El::BirthDate).and_then(Date::parse_iso).expect("drawn");
            let onset = YearMonth::of(birth.add_months(-(rng.range(1, 24) as i32)));
            form.set(El::Onset, &onset.to_string());
        }
        Defect::InstitutionCheckDigit => {
            let code = wrong_check_digit(rng, form.get(El::InstitutionCode).expect("drawn"));
            form.set(El::InstitutionCode, &code);
        }
        Defect::InstitutionPrefecture => {
            let code = form.get(El::InstitutionCode).expect("drawn").to_owned();
            let pp = rng.range(48, 50);
            form.set(El::InstitutionCode, &format!("{pp}{}", &code[2..]));
        }
        Defect::Pharmacy => {
            let code = form.get(El::InstitutionCode).expect("drawn").to_owned();
            let table = if rng.chance(800) { '4' } else { '6' };
            let mut new = format!("{}{table}{}", &code[..2], &code[3..9]);
            // The right check digit for the new body, so that only the 点数表 is wrong.
            let digit = (0..10u8)
                .map(|d| format!("{new}{d}"))
                .find(|c| {
                    matches!(
                        crate::check::ident::institution_problem(c, &w.tables.prefectures),
                        Some(crate::check::ident::InstitutionProblem::Table(_))
                    )
                })
                .expect("one check digit fits");
            new = digit;
            form.set(El::InstitutionCode, &new);
        }
        Defect::RecipientCheckDigit => {
            let no = form.get(El::RecipientNo).expect("drawn with 申請区分 2").to_owned();
            let last = no.as_bytes()[6] - b'0';
            let other = (last + rng.range(1, 9) as u8) % 10;
            form.set(El::RecipientNo, &format!("{}{other}", &no[..6]));
        }
        Defect::PayerNo => {
            let own = &shape.kind.houbetsu;
            let written_pref = form.get(El::InstitutionCode).map_or("13", |c| &c[..2]).to_owned();
            let pref: u8 = written_pref.parse().unwrap_or(13);
            let pref = if pref > 50 { pref - 50 } else { pref };
            let mut body = String::new();
            let wrong_houbetsu = rng.chance(500);
            let houbetsu = if wrong_houbetsu {
                w.tables.kinds.iter().map(|k| k.houbetsu.as_str()).find(|h| h != own && !h.is_empty()).unwrap_or("12")
            } else {
                own.as_str()
            };
            let _ = write!(body, "{houbetsu}{pref:02}");
            rng.digits(3, &mut body);
            let right = draw::check_digit(&body);
            let digit = if wrong_houbetsu {
                right
            } else {
                char::from(b'0' + ((right as u8 - b'0') + rng.range(1, 9) as u8) % 10)
            };
            body.push(digit);
            form.set(El::PayerNo, &body);
        }
        // File-level defects and copies are applied by the corpus writer.
        Defect::EmptyFile
        | Defect::ShiftJis
        | Defect::DeclaredEucJp
        | Defect::Bom
        | Defect::MismatchedEndTag
        | Defect::Doctype
        | Defect::NoNamespace
        | Defect::BadFileName
        | Defect::KindLetter
        | Defect::BatchCount
        | Defect::DuplicateForm
        | Defect::DuplicateFile
        | Defect::NewAt18
        | Defect::ContinuationAt20
        | Defect::VersionTooEarly
        | Defect::VersionExpired
        | Defect::DiagnosisTooOld
        | Defect::NotYetDesignated
        | Defect::OldName => {}
    }
}

/// Applies a file-level defect to one form's document text (single-form files).
pub fn apply_to_text(defect: Defect, root: &str, text: &mut String) {
    match defect {
        Defect::DeclaredEucJp => *text = text.replacen("encoding=\"UTF-8\"", "encoding=\"EUC-JP\"", 1),
        Defect::ShiftJis => *text = text.replacen("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"", 1),
        Defect::MismatchedEndTag => {
            // Shorten the first end tag's name: <ApplicationType>1</ApplicationTyp>.
            if let Some(at) = text.find("</") {
                if let Some(end) = text[at..].find('>') {
                    let gt = at + end;
                    let last = text[..gt].chars().next_back().map_or(0, char::len_utf8);
                    text.replace_range(gt - last..gt, "");
                }
            }
        }
        Defect::Doctype => {
            if let Some(end) = text.find("?>\n") {
                text.insert_str(end + 3, &format!("<!DOCTYPE {root}>\n"));
            }
        }
        Defect::NoNamespace => *text = text.replacen(&format!(" xmlns=\"{}\"", crate::parse::NAMESPACE), "", 1),
        _ => {}
    }
}
