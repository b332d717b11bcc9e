//! The run's workers taking files offered early, through the real worker loop: in a folder a
//! test can make, the listing ends long before the tables are loaded and nothing is checked
//! early, so the listing is held open here until the workers have checked some of its files.

use super::early::Early;
use super::{check_offering, check_with, CheckOptions, Outcome};
use crate::check::{check_file, Ctx};
use crate::input::{Input, InputBuf, Offer};
use crate::parse::Parser;
use crate::text::date::Date;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const VALID: &str = include_str!("../../samples/valid/R131331572820250612000001.xml");

/// Files checked early before the listing is let go: fewer than the offers a folder of
/// [`FILES`] queues (64) and than the window lets be taken early (80 with one or two threads).
const EARLY: usize = 32;
const FILES: usize = 640;

/// [`Early`], with a listing that ends only once the workers have checked [`EARLY`] of its
/// files (or ten seconds have passed, which the test then reports).
struct HeldOpen<'e>(&'e Early);

impl Offer for HeldOpen<'_> {
    fn offer(&self, make: &mut dyn FnMut() -> InputBuf) {
        self.0.offer(make);
    }

    fn close(&self) {
        let since = Instant::now();
        while self.0.checked() < EARLY && since.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        self.0.close();
    }
}

/// A folder of [`FILES`] forms, every seventh with an error (`<Sex>9</Sex>`).
fn folder(tmp: &Path) -> PathBuf {
    let dir = tmp.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let wrong = VALID.replacen("<Sex>2</Sex>", "<Sex>9</Sex>", 1);
    assert_ne!(wrong, VALID);
    for i in 0..FILES {
        let xml = if i % 7 == 0 { &wrong } else { VALID };
        std::fs::write(dir.join(format!("f{i:04}.xml")), xml).unwrap();
    }
    dir
}

/// Runs a check of `dir` into `out`, holding the listing open or not, and with the first file
/// checked taking 300 ms or not; returns the outcome, how many times each file was checked,
/// and every file of the report.
fn run(
    dir: &Path,
    out: &Path,
    threads: usize,
    held: bool,
    slow_first: bool,
) -> (Outcome, HashMap<PathBuf, usize>, BTreeMap<String, Vec<u8>>) {
    let as_of = Date::parse_iso("2026-11-21").unwrap();
    let opts = CheckOptions {
        threads: Some(threads),
        quiet: true,
        progress: false,
        ..CheckOptions::new(vec![dir.to_path_buf()], out.to_path_buf(), as_of)
    };
    let calls = Mutex::new(HashMap::<PathBuf, usize>::new());
    let first = std::sync::atomic::AtomicBool::new(slow_first);
    let checker = |ctx: &Ctx<'_>, parser: &mut Parser<'_>, input: &Input| {
        *calls.lock().unwrap().entry(input.path().to_owned()).or_default() += 1;
        if first.swap(false, std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(300));
        }
        check_file(ctx, parser, input)
    };
    let outcome = match held {
        true => check_offering(opts, &mut [], &checker, &|early| Box::new(HeldOpen(early))),
        false => check_with(opts, &mut [], &checker),
    }
    .unwrap();
    let files = walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(out).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect();
    (outcome, calls.into_inner().unwrap(), files)
}

#[test]
fn files_checked_while_the_listing_is_read_are_checked_once_and_reported_in_their_turn() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path());
    let (plain, _, expected) = run(&dir, &tmp.path().join("plain"), 2, false, false);
    assert_eq!(plain.totals.files, FILES as u64);
    // Its rows are each file's own: the seventh files have the errors.
    let summary = &expected["summary.csv"];
    let mut rows = csv::Reader::from_reader(summary.strip_prefix("\u{feff}".as_bytes()).unwrap());
    let mut seen = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let i: usize = row[0].rsplit('f').next().unwrap()[..4].parse().unwrap();
        assert_eq!(&row[5] == "error", i % 7 == 0, "{row:?}");
        seen += 1;
    }
    assert_eq!(seen, FILES);
    // With two threads and the first file checked early slow, the other worker's claims
    // usually reach that file while it is still being checked: its checker hands it over.
    for (threads, slow_first) in [(1, false), (2, false), (2, true)] {
        let out = tmp.path().join(format!("held{threads}{slow_first}"));
        let (outcome, calls, report) = run(&dir, &out, threads, true, slow_first);
        assert!(outcome.checked_early >= EARLY, "{} checked early with {threads} threads", outcome.checked_early);
        assert_eq!(calls.len(), FILES, "every file checked");
        assert!(calls.values().all(|&n| n == 1), "a file checked twice");
        assert!(report == expected, "reports differ when files are checked early ({threads} threads)");
    }
}
