//! Drawing one clean form: a patient, a disease in force on the day it was written, dates in
//! order and ages within the programme's rules, a real institution and a doctor.

use super::data::{self, Institution};
use super::form::{El, Form, Shape};
use super::rng::Rng;
use crate::tables::diseases::{Entry, Program};
use crate::tables::items::ItemDef;
use crate::tables::types::Type;
use crate::tables::{KindId, TableError, TableFiles, Tables};
use crate::text::date::{Date, YearMonth};
use std::fmt::Write as _;

/// Forms are written between these days (inclusive): two years that span the 2025-04-01
/// revision of the 小慢 table, the end of the 臨個票 1703 form and the start of 2403. Fixed,
/// not relative to today, so that a seed gives the same corpus on any day.
pub const FIRST_WRITTEN: Date = Date { year: 2023, month: 10, day: 1 };
pub const LAST_WRITTEN: Date = Date { year: 2025, month: 9, day: 30 };

pub fn days(d: Date) -> i64 {
    d.days_since_epoch()
}

pub fn date(days: i64) -> Date {
    Date::from_days_since_epoch(days).expect("generated dates are in range")
}

pub fn add_days(d: Date, n: i64) -> Date {
    date(days(d) + n)
}

fn uniform_date(rng: &mut Rng, lo: Date, hi: Date) -> Date {
    date(rng.range(days(lo), days(hi)))
}

/// What a kind's forms may name, per revision of its disease table.
pub struct KindData<'t> {
    pub program: &'t Program,
    pub revisions: Vec<data::Revision<'t>>,
    /// Per revision: the diseases that have an item table.
    pub with_items: Vec<Vec<&'t Entry>>,
}

/// Everything drawing consults, built once.
pub struct World<'t> {
    pub tables: &'t Tables,
    pub shapes: Vec<Shape<'t>>,
    pub kinds: Vec<KindData<'t>>,
    pub institutions: Vec<Institution>,
}

impl<'t> World<'t> {
    pub fn new(tables: &'t Tables, files: &TableFiles) -> Result<World<'t>, TableError> {
        let institutions = data::load_institutions(files, &tables.prefectures)?;
        let mut shapes = Vec::new();
        let mut kinds = Vec::new();
        for (i, kind) in tables.kinds.iter().enumerate() {
            let shape = Shape::new(tables, i as KindId);
            let program = tables.diseases.program(&kind.program).expect("tables check every kind has a program");
            let revisions = data::clean_revisions(program);
            let with_items = revisions
                .iter()
                .map(|r| {
                    r.entries
                        .iter()
                        .copied()
                        .filter(|e| tables.items.for_disease(i as u8, &item_key(&shape, e.group, e.no)).is_some())
                        .collect()
                })
                .collect();
            shapes.push(shape);
            kinds.push(KindData { program, revisions, with_items });
        }
        Ok(World { tables, shapes, kinds, institutions })
    }

    /// Index of the revision in force on `on` (the first one before any revision starts).
    pub fn revision_at(&self, kind: KindId, on: Date) -> usize {
        self.kinds[kind as usize].revisions.iter().rposition(|r| r.start <= on).unwrap_or(0)
    }

    /// The days `[lo, hi]` during which revision `r` of a kind is in force, within the
    /// generator's window; `None` when it is not in force then.
    pub fn revision_window(&self, kind: KindId, r: usize) -> Option<(Date, Date)> {
        let revs = &self.kinds[kind as usize].revisions;
        let lo = if r == 0 { FIRST_WRITTEN } else { revs[r].start.max(FIRST_WRITTEN) };
        let hi = match revs.get(r + 1) {
            Some(next) => add_days(next.start, -1).min(LAST_WRITTEN),
            None => LAST_WRITTEN,
        };
        (lo <= hi).then_some((lo, hi))
    }

    /// The item definitions of a disease in force on `written`.
    pub fn item_defs(&self, kind: KindId, group: u16, no: u16, written: Date) -> Vec<&'t ItemDef> {
        let tables: &'t Tables = self.tables;
        tables.items.in_force(kind, &item_key(&self.shapes[kind as usize], group, no), written)
    }
}

/// The item-table key of a disease: `6`, or `7-1` where the kind has disease groups.
pub fn item_key(shape: &Shape<'_>, group: u16, no: u16) -> String {
    if shape.has(El::Group) {
        format!("{group}-{no}")
    } else {
        no.to_string()
    }
}

/// A disease the form must name, whatever the table says (for disease defects).
#[derive(Clone, Copy, Debug)]
pub struct ForcedDisease<'t> {
    pub group: u16,
    pub no: u16,
    pub name: &'t str,
}

/// Constraints on a drawn form, set by the defect it is to carry.
#[derive(Clone, Debug, Default)]
pub struct Want<'t> {
    pub written: Option<(Date, Date)>,
    pub version: Option<usize>,
    /// 申請区分: 1 新規, 2 更新/継続.
    pub app: Option<u8>,
    /// Age in completed years on the WrittenDate, inclusive bounds.
    pub age: Option<(u32, u32)>,
    pub disease: Option<ForcedDisease<'t>>,
    /// A disease with an item table.
    pub with_items: bool,
    /// DiagnosisDate this many months before the WrittenDate (more than the first, at most
    /// the second).
    pub diagnosis_months_back: Option<(i32, i32)>,
    pub institution: Option<usize>,
}

/// What the caller needs to know of a drawn form.
#[derive(Clone, Copy, Debug)]
pub struct Drawn {
    pub written: Date,
    pub institution: usize,
}

/// A birth date giving an age in `ages` (completed years) on `on`.
fn birth_for(rng: &mut Rng, on: Date, ages: (u32, u32)) -> Date {
    let latest = on.add_months(-12 * ages.0 as i32);
    let earliest = add_days(on.add_months(-12 * (ages.1 as i32 + 1)), 1);
    loop {
        let b = uniform_date(rng, earliest, latest);
        // Month-end clamping (29 February) can put a candidate one day outside the band.
        if b.age_on(on).is_some_and(|a| a >= ages.0 && a <= ages.1) {
            return b;
        }
    }
}

fn push_date(out: &mut String, d: Date) {
    let _ = write!(out, "{d}");
}

/// A value of an item-table type.
fn item_value(rng: &mut Rng, tables: &Tables, ty: &Type, written: Date, out: &mut String) {
    match ty {
        Type::Int(r) | Type::Decimal(r) => {
            let range = r.0.iter().find(|x| x.when.is_none()).unwrap_or(&r.0[0]);
            if matches!(ty, Type::Decimal(_)) {
                let (lo, hi) = ((range.lo * 10.0).ceil() as i64, (range.hi * 10.0).floor() as i64);
                let x = rng.range(lo, hi.max(lo));
                let _ = write!(out, "{}.{}", x / 10, x % 10);
            } else {
                let x = rng.range(range.lo.ceil() as i64, range.hi.floor() as i64);
                let _ = write!(out, "{x}");
            }
        }
        Type::Code(list) => out.push_str(&rng.pick(&tables.codes.get(*list).entries).code),
        Type::Digits(n) => rng.digits(*n, out),
        Type::Text(_) => out.push_str("あり"),
        Type::Kana(_) => out.push_str("アリ"),
        Type::Date => push_date(out, written),
        Type::YearMonth => {
            let _ = write!(out, "{}", YearMonth::of(written));
        }
        Type::Phone => out.push_str("03-0000-0000"),
        Type::DoctorNo => out.push_str("A-1"),
        Type::Group | Type::Item => {}
    }
}

/// A check digit over ASCII digits, as the checker computes it.
pub fn check_digit(body: &str) -> char {
    (b'0' + crate::check::ident::check_digit(body.as_bytes())) as char
}

/// Draws a clean form of `kind` into `form`, meeting `want`.
pub fn draw<'t>(rng: &mut Rng, w: &World<'t>, kind: KindId, want: &Want<'t>, form: &mut Form) -> Drawn {
    let shape = &w.shapes[kind as usize];
    let kd = &w.kinds[kind as usize];
    let k = shape.kind;
    let shoman = shape.has(El::Group);

    let (lo, hi) = want.written.unwrap_or((FIRST_WRITTEN, LAST_WRITTEN));
    let mut written = uniform_date(rng, lo, hi);
    if want.with_items && want.disease.is_none() {
        // Not every revision need have diseases with items: move to a day when one does.
        for _ in 0..64 {
            if !kd.with_items[w.revision_at(kind, written)].is_empty() {
                break;
            }
            written = uniform_date(rng, lo, hi);
        }
    }
    let version = want.version.unwrap_or_else(|| {
        let in_use: Vec<usize> = (0..k.versions.len())
            .filter(|&v| {
                let fv = &k.versions[v];
                fv.in_use_from.is_none_or(|d| d <= written) && fv.written_until.is_none_or(|d| d >= written)
            })
            .collect();
        match in_use.last() {
            // The newest form in use is what most systems print.
            Some(&newest) if rng.chance(800) => newest,
            Some(_) => *rng.pick(&in_use),
            None => k.versions.len() - 1,
        }
    });
    form.reset(shape, version);

    let app = want.app.unwrap_or(if rng.chance(300) { 1 } else { 2 });
    let ages = want.age.unwrap_or(match (shoman, app) {
        (true, 1) => (0, 17),
        (true, _) => (1, 19),
        (false, _) if rng.chance(60) => (3, 19),
        (false, _) => (20, 92),
    });
    let birth = birth_for(rng, written, ages);
    let sex = if rng.chance(500) { 1 } else { 2 };
    let (family, family_kana) = *rng.pick(data::FAMILY_NAMES);
    let (given, given_kana) = *rng.pick(if sex == 1 { data::MALE_NAMES } else { data::FEMALE_NAMES });

    // Disease.
    let (group, no, name) = match want.disease {
        Some(d) => (d.group, d.no, d.name),
        None => {
            let ri = w.revision_at(kind, written);
            let items = &kd.with_items[ri];
            let entry = if !items.is_empty() && (want.with_items || rng.chance(150)) {
                *rng.pick(items)
            } else {
                loop {
                    let e = *rng.pick(&kd.revisions[ri].entries);
                    if e.valid_from.is_none_or(|d| d <= written) {
                        break e;
                    }
                }
            };
            (entry.group, entry.no, entry.name.as_str())
        }
    };

    // Dates: birth ≤ onset (by month) ≤ diagnosis ≤ written.
    let earliest = days(birth);
    let diagnosis = match want.diagnosis_months_back {
        Some((more_than, at_most)) => {
            let newest = days(written.add_months(-more_than)) - 1;
            let oldest = days(written.add_months(-at_most)).max(earliest);
            date(rng.range(oldest.min(newest), newest))
        }
        None if app == 1 => {
            // A new application follows the diagnosis closely (小慢 pays back 3 months at most).
            let back = if shoman { 80 } else { 300 };
            date(rng.range((days(written) - back).max(earliest), days(written)))
        }
        None => {
            let newest = (days(written) - 200).max(earliest);
            date(rng.range((days(written) - 20 * 365).max(earliest).min(newest), newest))
        }
    };
    let onset = date(rng.range((days(diagnosis) - 5 * 365).max(earliest), days(diagnosis)));

    let inst_index = want.institution.unwrap_or_else(|| rng.below(w.institutions.len() as u64) as usize);
    let inst = &w.institutions[inst_index];
    let home = if rng.chance(850) { inst.prefecture } else { rng.range(1, 47) as u8 };

    form.set(El::AppType, if app == 1 { "1" } else { "2" });
    if shape.has(El::Group) {
        form.set_with(El::Group, |s| {
            let _ = write!(s, "{group}");
        });
    }
    form.set_with(El::KokujiNo, |s| {
        let _ = write!(s, "{no}");
    });
    form.set(El::DiseaseName, name);
    let with_diagnosis = shoman || app == 1 || rng.chance(500);
    if with_diagnosis {
        form.set_with(El::DiagnosisDate, |s| push_date(s, diagnosis));
    }
    form.set_with(El::WrittenDate, |s| push_date(s, written));

    form.set(El::FamilyName, family);
    form.set(El::GivenName, given);
    form.set(El::FamilyKana, family_kana);
    form.set(El::GivenKana, given_kana);
    form.set(El::Sex, if sex == 1 { "1" } else { "2" });
    form.set_with(El::BirthDate, |s| push_date(s, birth));
    let place = data::place(home);
    form.set_with(El::PostalCode, |s| {
        s.push_str(place.postal);
        rng.digits(4, s);
    });
    let town = *rng.pick(data::TOWNS);
    let (chome, ban, go) = (rng.range(1, 5), rng.range(1, 30), rng.range(1, 20));
    let building = rng.chance(300).then(|| (*rng.pick(data::BUILDINGS), rng.range(1, 12) * 100 + rng.range(1, 9)));
    form.set_with(El::Address, |s| {
        let _ = write!(s, "{}{}{town}{chome}丁目{ban}番{go}号", place.prefecture, place.city);
        if let Some((b, room)) = building {
            let _ = write!(s, " {b}{town}{room}号室");
        }
    });
    if app == 2 {
        form.set_with(El::RecipientNo, |s| {
            rng.digits(6, s);
            let c = check_digit(s);
            s.push(c);
        });
    }
    if rng.chance(300) && !k.houbetsu.is_empty() {
        form.set_with(El::PayerNo, |s| {
            let _ = write!(s, "{}{home:02}", k.houbetsu);
            rng.digits(3, s);
            let c = check_digit(s);
            s.push(c);
        });
    }
    if rng.chance(50) {
        let (previous, _) = *rng.pick(data::FAMILY_NAMES);
        form.set_with(El::PreviousName, |s| {
            s.push_str(previous);
            s.push_str(given);
        });
    }

    form.set_with(El::Onset, |s| {
        let _ = write!(s, "{}", YearMonth::of(onset));
    });
    if shape.has(El::FamilyHistory) {
        let history = [1, 2, 2, 2, 2, 2, 2, 2, 3][rng.below(9) as usize];
        form.set_with(El::FamilyHistory, |s| {
            let _ = write!(s, "{history}");
        });
        let relation = rng.range(1, 11);
        form.set_with(El::FamilyRelation, |s| {
            let _ = write!(s, "{relation}");
        });
        form.set(El::FamilyRelationOther, rng.pick::<&str>(data::OTHER_RELATIONS));
    }
    if shape.has(El::CareCertification) {
        let care = [1, 2, 3, 3, 3, 3, 3][rng.below(7) as usize];
        form.set_with(El::CareCertification, |s| {
            let _ = write!(s, "{care}");
        });
        let level = if care == 1 { rng.range(1, 5) } else { rng.range(1, 2) };
        form.set_with(El::CareLevel, |s| {
            let _ = write!(s, "{level}");
        });
    }
    for el in [El::Mobility, El::SelfCare, El::UsualActivities, El::PainDiscomfort, El::AnxietyDepression] {
        if shape.has(el) {
            form.set(el, ["1", "1", "2", "2", "3"][rng.below(5) as usize]);
        }
    }
    if shape.has(El::DiagnosisCategory) && app == 1 {
        form.set(El::DiagnosisCategory, ["1", "1", "1", "1", "2", "2", "3", "4"][rng.below(8) as usize]);
    }
    if shape.has(El::Severity) {
        form.set(El::Severity, if rng.chance(600) { "1" } else { "2" });
    }
    if shape.has(El::Ventilator) {
        let on = rng.chance(40);
        form.set(El::Ventilator, if on { "1" } else { "2" });
        if on {
            let start = date(rng.range(earliest.max(days(written) - 3 * 365), days(written)));
            form.set_with(El::VentilatorStart, |s| push_date(s, start));
        }
    }
    if shape.has(El::SevereCertification) {
        let severe = rng.chance(100);
        let ventilator = rng.chance(30);
        form.set(El::SevereCertification, if severe { "1" } else { "2" });
        form.set(El::VentilatorCertification, if ventilator { "1" } else { "2" });
        form.set(El::Reason, rng.pick::<&str>(data::ATTACHMENT_REASONS));
    }
    {
        for def in w.item_defs(kind, group, no, written) {
            if def.required || rng.chance(700) {
                let mut value = String::new();
                item_value(rng, w.tables, &def.ty, written, &mut value);
                form.items.push((def.code.clone(), value));
            }
        }
    }

    write_author(rng, w, shape, inst_index, form);
    form.conform(shape);
    Drawn { written, institution: inst_index }
}

/// Author block: the institution, its address and phone, and a designated doctor.
pub fn write_author(rng: &mut Rng, w: &World<'_>, shape: &Shape<'_>, inst_index: usize, form: &mut Form) {
    let inst = &w.institutions[inst_index];
    let place = data::place(inst.prefecture);
    form.set(El::InstitutionCode, &inst.code);
    form.set(El::InstitutionName, &inst.name);
    let town = *rng.pick(data::TOWNS);
    let (chome, ban) = (rng.range(1, 5), rng.range(1, 30));
    form.set_with(El::InstitutionAddress, |s| {
        let _ = write!(s, "{}{}{town}{chome}丁目{ban}番", place.prefecture, place.city);
    });
    form.set_with(El::Phone, |s| {
        s.push_str(place.area);
        s.push('-');
        rng.digits(10 - place.area.len() - 4, s);
        s.push('-');
        rng.digits(4, s);
    });
    let letter = if shape.has(El::Group) { 'S' } else { 'N' };
    form.set_with(El::DoctorNo, |s| {
        let _ = write!(s, "{letter}{:02}-", inst.prefecture);
        rng.digits(6, s);
    });
    let (family, _) = *rng.pick(data::FAMILY_NAMES);
    let names = if rng.chance(500) { data::MALE_NAMES } else { data::FEMALE_NAMES };
    let (given, _) = *rng.pick(names);
    form.set_with(El::DoctorName, |s| {
        s.push_str(family);
        s.push_str(given);
    });
}
