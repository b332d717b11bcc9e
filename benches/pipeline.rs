//! Throughput of rinken against the floor: a bare quick-xml parse of the same bytes.
//!
//! Each group runs rinken and the floor over the same input, so every report shows the ratio:
//! - `record`: 256 single-form files in memory — parse only, full check (`check_bytes`), floor;
//! - `files_2000`: 2,000 single-form files on disk (5 % defects) — `rinken check` with 1 and 2
//!   threads, reports written, against reading and parsing each file with 1 and 2 threads;
//! - `batch_20000`: one FormBatch file of 20,000 forms — `rinken check` against the floor.
//!
//! Inputs come from `rinken gen` (in memory or a temp dir), so they are the same on every run.
//! Reports go to tmpfs where there is one (`/dev/shm`): each iteration replaces the last
//! report, and on an ext4 without a journal creating files right after as many were removed
//! skips every recently freed inode one by one, which made two threads no faster than one
//! there (26.3 ms against 26.9 ms; 14.1 ms on tmpfs). `scripts/whole-run.sh` times reports on
//! the disk as well.
//! `cargo bench --bench pipeline` measures; add `-- --quick` for a short run; `cargo test --benches`
//! runs each benchmark once as a smoke test.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use quick_xml::events::Event;
use quick_xml::Reader;
use rayon::prelude::*;
use rinken::check::{check_bytes, Ctx};
use rinken::gen::{GenOptions, Generator};
use rinken::lang::Lang;
use rinken::parse::Parser;
use rinken::rules::RuleConfig;
use rinken::tables::Tables;
use rinken::text::date::Date;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const AS_OF: &str = "2026-11-21";

/// Files generated in memory: (name, bytes, forms).
fn generate(count: u64, batch: Option<u32>, defect_rate: f64) -> Vec<(String, Vec<u8>, u32)> {
    let tables = Tables::embedded().expect("embedded tables");
    let mut g = Generator::new(&tables, GenOptions { count, seed: 2026, defect_rate, batch }).expect("generator");
    let mut files = Vec::new();
    loop {
        let mut bytes = Vec::new();
        match g.next_file(&mut bytes).expect("in memory") {
            Some(f) => files.push((f.name, bytes, f.forms)),
            None => return files,
        }
    }
}

/// The floor: a borrowing quick-xml reader over the whole text, counting events; no
/// validation beyond what the reader itself does. UTF-8 is checked the way rinken checks it.
fn floor_events(bytes: &[u8]) -> u64 {
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else { return 0 };
    let mut reader = Reader::from_str(text);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
    }
}

/// The floor's events in a file read as rinken reads it: through `input::load::read_file`, the
/// same system calls, into the buffer rinken keeps per thread.
fn floor_file(path: &Path) -> u64 {
    use rinken::input::load::{read_file, with_buffer, Loaded};
    with_buffer(|buf| match read_file(path, buf, u64::MAX).expect("read") {
        Loaded::Whole(n) => floor_events(&buf[..n]),
        Loaded::Larger(..) => unreachable!("no size is over u64::MAX"),
    })
}

/// A pool for the floor whose threads open files by name in their folder, as rinken's workers
/// do (`input::open`).
fn floor_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(|_| rinken::input::open::set_holding(true))
        .build()
        .expect("pool")
}

fn floor_files(paths: &[PathBuf], threads: usize, pool: &rayon::ThreadPool) -> u64 {
    let one = |p: &PathBuf| floor_file(p);
    if threads == 1 {
        let _folders = rinken::input::open::hold_folders();
        paths.iter().map(one).sum()
    } else {
        pool.install(|| paths.par_iter().map(one).sum())
    }
}

/// A folder for the reports: on tmpfs where there is one (see the top of this file).
fn report_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    shm.is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten()
        .unwrap_or_else(|| tempfile::tempdir().expect("temp dir"))
}

/// `rinken check` as the command line runs it: quiet, no progress bar, reports written.
fn rinken_check(input: &Path, out: &Path, threads: usize) -> u8 {
    let args = [
        "rinken",
        "check",
        input.to_str().expect("UTF-8 temp path"),
        "--out",
        out.to_str().expect("UTF-8 temp path"),
        "--as-of",
        AS_OF,
        "--threads",
        &threads.to_string(),
        "--quiet",
        "--no-progress",
    ];
    let cli = <rinken::cli::Cli as clap::Parser>::parse_from(args);
    rinken::cli::main_with(cli)
}

fn record(c: &mut Criterion) {
    let tables = Tables::embedded().expect("embedded tables");
    let files = generate(256, None, 0.0);
    let bytes: u64 = files.iter().map(|f| f.1.len() as u64).sum();
    let rules = RuleConfig::default();
    let ctx = Ctx {
        tables: &tables,
        lang: Lang::Ja,
        as_of: Date::parse_iso(AS_OF).expect("date"),
        rules: &rules,
        roster: None,
        institutions: None,
        redact: false,
    };
    let mut g = c.benchmark_group("record");
    g.throughput(Throughput::ElementsAndBytes { elements: files.len() as u64, bytes });
    g.bench_function("floor_quick_xml", |b| {
        b.iter(|| files.iter().map(|f| floor_events(black_box(&f.1))).sum::<u64>())
    });
    g.bench_function("parse", |b| {
        let mut parser = Parser::new(&tables);
        b.iter(|| {
            let mut records = 0u32;
            for f in &files {
                let text = simdutf8::basic::from_utf8(&f.1).expect("generated clean UTF-8");
                parser.parse(black_box(text), |_, _| records += 1);
            }
            records
        })
    });
    g.bench_function("check", |b| {
        let mut parser = Parser::new(&tables);
        b.iter(|| {
            files.iter().map(|f| check_bytes(&ctx, &mut parser, &f.0, black_box(&f.1)).findings.len()).sum::<usize>()
        })
    });
    g.finish();
}

fn write_files(dir: &Path, files: &[(String, Vec<u8>, u32)]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|(name, bytes, _)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).expect("write input");
            p
        })
        .collect()
}

fn files_2000(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    let files = generate(2000, None, 0.05);
    let paths = write_files(&input, &files);
    let bytes: u64 = files.iter().map(|f| f.1.len() as u64).sum();
    let pool = floor_pool(2);
    let reports = report_dir();
    let out = reports.path().join("report");
    let mut g = c.benchmark_group("files_2000");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::ElementsAndBytes { elements: files.len() as u64, bytes });
    for threads in [1, 2] {
        g.bench_function(format!("floor_quick_xml_{threads}t"), |b| {
            b.iter(|| floor_files(black_box(&paths), threads, &pool))
        });
        g.bench_function(format!("rinken_check_{threads}t"), |b| b.iter(|| rinken_check(&input, &out, threads)));
    }
    g.finish();
}

fn batch_20000(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    let files = generate(20_000, Some(20_000), 0.05);
    let paths = write_files(&input, &files);
    let bytes: u64 = files.iter().map(|f| f.1.len() as u64).sum();
    let pool = floor_pool(1);
    let reports = report_dir();
    let out = reports.path().join("report");
    let mut g = c.benchmark_group("batch_20000");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::ElementsAndBytes { elements: 20_000, bytes });
    g.bench_function("floor_quick_xml", |b| b.iter(|| floor_files(black_box(&paths), 1, &pool)));
    g.bench_function("rinken_check", |b| b.iter(|| rinken_check(&input, &out, 2)));
    g.finish();
}

criterion_group!(benches, record, files_2000, batch_20000);
criterion_main!(benches);
