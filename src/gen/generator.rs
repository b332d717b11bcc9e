//! The generator proper: a stream of files, each with the findings planted in it.

use super::defects::{self, Defect, Plans, Scope};
use super::draw::{self, Drawn, Want, World};
use super::form::{El, Form};
use super::rng::{probability, Rng};
use crate::tables::{KindId, TableError, TableFiles, Tables};
use crate::text::date::Date;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenOptions {
    /// Number of forms.
    pub count: u64,
    pub seed: u64,
    /// Share of forms (and, with batches, of files) that carry one defect, 0.0..=1.0.
    pub defect_rate: f64,
    /// Forms per FormBatch file; `None` writes one form per file.
    pub batch: Option<u32>,
}

/// One generated file: its name and the findings planted in it, as (record, rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenFile {
    pub name: String,
    pub forms: u32,
    pub expected: Vec<(u32, &'static str)>,
}

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Generates files one after the other; the same options give the same files.
pub struct Generator<'t> {
    w: World<'t>,
    plans: Plans<'t>,
    opts: GenOptions,
    rng: Rng,
    rate: u64,
    /// Defects plantable on one form, each with the kinds it applies to.
    record_defects: Vec<(Defect, Vec<KindId>)>,
    /// Defects of a batch file as a whole.
    batch_file_defects: Vec<Defect>,
    made: u64,
    serials: HashMap<(char, String, Date), u32>,
    /// B001 identities of the forms so far (hashed; a false collision only costs a redraw).
    identities: HashSet<u64>,
    cur: Form,
    prev: Form,
    /// `prev` is clean and may be copied (B001): in single mode, the last file; in a batch,
    /// the form before, in the same file.
    prev_ok: bool,
    prev_drawn: Option<Drawn>,
    /// The last clean single-form file, for B002: bytes and (letter, code, date) of its name.
    prev_file: Option<(Vec<u8>, (char, String, Date))>,
    text: String,
}

impl<'t> Generator<'t> {
    pub fn new(tables: &'t Tables, opts: GenOptions) -> Result<Generator<'t>, TableError> {
        let w = World::new(tables, &TableFiles::embedded())?;
        let plans = Plans::new(&w);
        let batch = opts.batch.is_some();
        let kinds: Vec<KindId> = (0..tables.kinds.len() as KindId).collect();
        let record_defects = Defect::ALL
            .iter()
            .filter(|d| d.allowed(batch) && (!batch || d.scope() == Scope::Record))
            .map(|&d| (d, kinds.iter().copied().filter(|&k| plans.applies(&w, d, k)).collect::<Vec<_>>()))
            .filter(|(_, k)| !k.is_empty())
            .collect();
        let batch_file_defects =
            Defect::ALL.iter().copied().filter(|d| d.allowed(true) && d.scope() == Scope::File).collect();
        Ok(Generator {
            rng: Rng::new(opts.seed),
            rate: probability(opts.defect_rate),
            w,
            plans,
            opts,
            record_defects,
            batch_file_defects,
            made: 0,
            serials: HashMap::new(),
            identities: HashSet::new(),
            cur: Form::new(),
            prev: Form::new(),
            prev_ok: false,
            prev_drawn: None,
            prev_file: None,
            text: String::with_capacity(4096),
        })
    }

    pub fn options(&self) -> &GenOptions {
        &self.opts
    }

    /// Writes the next file's bytes to `out` and returns its name and planted findings;
    /// `None` when all forms are written.
    pub fn next_file(&mut self, out: &mut dyn Write) -> io::Result<Option<GenFile>> {
        if self.made >= self.opts.count {
            return Ok(None);
        }
        match self.opts.batch {
            None => self.single(out).map(Some),
            Some(k) => self.batch(k.max(1), out).map(Some),
        }
    }

    fn serial(&mut self, letter: char, code: &str, date: Date) -> u32 {
        let n = self.serials.entry((letter, code.to_owned(), date)).or_insert(0);
        *n += 1;
        *n
    }

    fn name(&mut self, letter: char, code: &str, date: Date, off_pattern: bool) -> String {
        let serial = self.serial(letter, code, date);
        let (y, m, d) = (date.year, date.month, date.day);
        if off_pattern {
            // What a vendor's export might call it: readable, but not the agreed pattern.
            let kind = match letter {
                'B' => "batch",
                l => self.w.tables.kinds.iter().find(|k| k.letter == l).map_or("form", |k| k.id.as_str()),
            };
            format!("{kind}_{code}_{y:04}{m:02}{d:02}_{serial:06}.xml")
        } else {
            format!("{letter}{code}{y:04}{m:02}{d:02}{serial:06}.xml")
        }
    }

    /// Draws whether the next form carries a defect, and which; `copy_ok` allows B001.
    fn draw_defect(&mut self, copy_ok: bool, file_copy_ok: bool, name_has_code: bool) -> Option<(Defect, KindId)> {
        if !self.rng.chance_fixed(self.rate) {
            return None;
        }
        loop {
            let i = self.rng.below(self.record_defects.len() as u64) as usize;
            let (d, _) = self.record_defects[i];
            let kind = match d {
                Defect::DuplicateForm if !copy_ok => continue,
                Defect::DuplicateForm => self.prev.kind,
                Defect::DuplicateFile if !file_copy_ok => continue,
                // F010 compares the code only when the file name carries one.
                Defect::CodeMismatch if !name_has_code => continue,
                _ => *self.rng.pick(&self.record_defects[i].1),
            };
            return Some((d, kind));
        }
    }

    /// Draws a form (into `cur`) of `kind` carrying `defect`, unique as B001 sees forms.
    fn form(&mut self, kind: KindId, defect: Option<Defect>, want: &Want<'t>) -> Drawn {
        loop {
            let drawn = draw::draw(&mut self.rng, &self.w, kind, want, &mut self.cur);
            if let Some(d) = defect.filter(|d| d.scope() == Scope::Record) {
                let code = self.w.institutions[drawn.institution].code.clone();
                defects::apply(&mut self.rng, &self.w, d, &mut self.cur, &code);
            }
            if self.identities.insert(identity(&self.cur)) {
                return drawn;
            }
        }
    }

    /// A copy of the previous form with another doctor's number: the same form again (B001).
    fn copy_previous(&mut self) -> Drawn {
        self.cur.clone_from(&self.prev);
        let no = self.cur.get(El::DoctorNo).unwrap_or("N00-000000").to_owned();
        let (head, digits) = no.split_at(no.len() - 6);
        let n: u32 = digits.parse().unwrap_or(0);
        self.cur.set(El::DoctorNo, &format!("{head}{:06}", (n + 1) % 1_000_000));
        self.prev_drawn.expect("a previous form exists")
    }

    fn render_single(&mut self) {
        self.text.clear();
        self.text.push_str(DECLARATION);
        let shape = &self.w.shapes[self.cur.kind as usize];
        self.cur.render(shape, 0, true, &mut self.text);
    }

    fn single(&mut self, out: &mut dyn Write) -> io::Result<GenFile> {
        self.made += 1;
        let pick = self.draw_defect(self.prev_ok, self.prev_file.is_some(), true);
        let defect = pick.map(|(d, _)| d);
        if defect == Some(Defect::DuplicateFile) {
            let (bytes, (letter, code, date)) = self.prev_file.clone().expect("checked by draw_defect");
            out.write_all(&bytes)?;
            let name = self.name(letter, &code, date, false);
            return Ok(GenFile { name, forms: 1, expected: vec![(0, "B002")] });
        }
        let drawn = match pick {
            Some((Defect::DuplicateForm, _)) => self.copy_previous(),
            Some((d, kind)) => {
                let want = self.plans.want(&mut self.rng, d, kind);
                self.form(kind, Some(d), &want)
            }
            None => {
                let kind = self.rng.below(self.w.shapes.len() as u64) as KindId;
                self.form(kind, None, &Want::default())
            }
        };
        self.render_single();
        let shape = &self.w.shapes[self.cur.kind as usize];
        let root = shape.kind.root.clone();
        let mut letter = shape.kind.letter;
        if let Some(d) = defect.filter(|d| d.scope() == Scope::File) {
            defects::apply_to_text(d, &root, &mut self.text);
        }
        let code = match defect {
            Some(Defect::InstitutionCheckDigit | Defect::InstitutionPrefecture | Defect::Pharmacy) => {
                self.cur.get(El::InstitutionCode).expect("drawn").to_owned()
            }
            _ => self.w.institutions[drawn.institution].code.clone(),
        };
        if defect == Some(Defect::KindLetter) {
            letter = self.w.tables.kinds.iter().map(|k| k.letter).find(|&l| l != letter).unwrap_or('B');
        }
        let bytes: Vec<u8> = match defect {
            Some(Defect::EmptyFile) => Vec::new(),
            Some(Defect::ShiftJis) => encoding_rs::SHIFT_JIS.encode(&self.text).0.into_owned(),
            Some(Defect::Bom) => [&[0xEF, 0xBB, 0xBF][..], self.text.as_bytes()].concat(),
            _ => self.text.as_bytes().to_vec(),
        };
        out.write_all(&bytes)?;
        let name = self.name(letter, &code, drawn.written, defect == Some(Defect::BadFileName));
        let expected = match defect {
            None => Vec::new(),
            Some(d) => vec![(if d.scope() == Scope::File { 0 } else { 1 }, d.rule())],
        };
        let clean = defect.is_none();
        if clean {
            self.prev_file = Some((bytes, (letter, code, drawn.written)));
        }
        std::mem::swap(&mut self.cur, &mut self.prev);
        self.prev_ok = clean;
        self.prev_drawn = Some(drawn);
        Ok(GenFile { name, forms: 1, expected })
    }

    fn batch(&mut self, k: u32, out: &mut dyn Write) -> io::Result<GenFile> {
        let n = (self.opts.count - self.made).min(u64::from(k)) as u32;
        let inst = self.rng.below(self.w.institutions.len() as u64) as usize;
        let file_defect =
            if self.rng.chance_fixed(self.rate) { Some(*self.rng.pick(&self.batch_file_defects)) } else { None };
        let sjis = file_defect == Some(Defect::ShiftJis);
        let mut expected = Vec::new();
        if let Some(d) = file_defect {
            expected.push((0, d.rule()));
        }
        if file_defect == Some(Defect::Bom) {
            out.write_all(&[0xEF, 0xBB, 0xBF])?;
        }
        let encoding = match file_defect {
            Some(Defect::ShiftJis) => "Shift_JIS",
            Some(Defect::DeclaredEucJp) => "EUC-JP",
            _ => "UTF-8",
        };
        let count = if file_defect == Some(Defect::BatchCount) { n + 1 } else { n };
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"{encoding}\"?>\n<FormBatch xmlns=\"{}\" count=\"{count}\">\n",
            crate::parse::NAMESPACE
        )?;
        self.prev_ok = false;
        let mut last_written = draw::FIRST_WRITTEN;
        for record in 1..=n {
            self.made += 1;
            let pick = self.draw_defect(self.prev_ok, false, file_defect != Some(Defect::BadFileName));
            let drawn = match pick {
                Some((Defect::DuplicateForm, _)) => self.copy_previous(),
                Some((d, kind)) => {
                    let mut want = self.plans.want(&mut self.rng, d, kind);
                    want.institution = Some(inst);
                    self.form(kind, Some(d), &want)
                }
                None => {
                    let kind = self.rng.below(self.w.shapes.len() as u64) as KindId;
                    let want = Want { institution: Some(inst), ..Want::default() };
                    self.form(kind, None, &want)
                }
            };
            if let Some((d, _)) = pick {
                expected.push((record, d.rule()));
            }
            last_written = last_written.max(drawn.written);
            self.text.clear();
            let shape = &self.w.shapes[self.cur.kind as usize];
            self.cur.render(shape, 1, false, &mut self.text);
            if sjis {
                out.write_all(&encoding_rs::SHIFT_JIS.encode(&self.text).0)?;
            } else {
                out.write_all(self.text.as_bytes())?;
            }
            std::mem::swap(&mut self.cur, &mut self.prev);
            self.prev_ok = pick.is_none();
            self.prev_drawn = Some(drawn);
        }
        out.write_all(b"</FormBatch>\n")?;
        let letter = if file_defect == Some(Defect::KindLetter) { self.w.tables.kinds[0].letter } else { 'B' };
        let code = self.w.institutions[inst].code.clone();
        let name = self.name(letter, &code, last_written, file_defect == Some(Defect::BadFileName));
        Ok(GenFile { name, forms: n, expected })
    }
}

/// What B001 compares, hashed: kind, kana names, birth date, sex, disease key, written date.
fn identity(f: &Form) -> u64 {
    let mut s = String::with_capacity(96);
    let _ = write!(s, "{}", f.kind);
    for el in [El::FamilyKana, El::GivenKana, El::BirthDate, El::Sex, El::Group, El::KokujiNo, El::WrittenDate] {
        s.push('\u{1f}');
        s.push_str(f.get(el).unwrap_or(""));
    }
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}
