//! `rinken gen`: a deterministic generator of realistic submission files, with a chosen share
//! of planted defects and a manifest of the findings they must cause (`expected.tsv`).
//!
//! The same options give byte-identical files on any machine: the random numbers come from
//! a generator written out in [`rng`], and nothing depends on the clock, the locale, hash
//! iteration order or the number of threads. Files are produced one after the other by
//! [`Generator`] and written in parallel, so a corpus of 100,000 files takes seconds.

pub mod data;
pub mod defects;
pub mod draw;
pub mod form;
pub mod generator;
pub mod rng;

pub use generator::{GenFile, GenOptions, Generator};

use crate::run::RunError;
use crate::tables::Tables;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "例 / examples:
  rinken gen --count 1000 --out corpus/                     1,000 件、5 % に誤りを仕込む
  rinken gen --count 100000 --out big/ --seed 7 --defect-rate 0
  rinken gen --count 20000 --batch 5000 --out batches/      FormBatch 4 ファイル
  rinken check corpus/ --as-of 2026-01-01                   corpus/expected.tsv と同じ指摘になる";

/// Arguments of `rinken gen`.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = AFTER_HELP)]
pub struct GenArgs {
    /// 生成する様式の数 (number of forms to generate)
    #[arg(long, value_name = "N")]
    pub count: u64,
    /// 出力フォルダ (空か存在しないこと) (output folder; must be empty or missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// 乱数の種。同じ種なら同じファイルになる (seed: the same seed gives the same files)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// 誤りを仕込む様式の割合 0.0〜1.0 (share of forms given one planted defect)
    #[arg(long, value_name = "P", default_value_t = 0.05, value_parser = parse_rate)]
    pub defect_rate: f64,
    /// K 件ずつ FormBatch ファイルにまとめる (write FormBatch files of K forms)
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub batch: Option<u32>,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a share between 0.0 and 1.0 (0.0〜1.0 の割合で指定)")),
    }
}

/// What a corpus holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    pub files: u64,
    pub forms: u64,
    pub bytes: u64,
    /// Planted findings (lines of expected.tsv).
    pub findings: u64,
}

/// The manifest's name inside the output folder.
pub const EXPECTED: &str = "expected.tsv";

fn io_err(path: &Path, e: std::io::Error) -> RunError {
    RunError(format!("{}: {e}", path.display()))
}

/// Generates a corpus into `dir` (created; must be empty) and writes `dir/expected.tsv`.
pub fn write_corpus(tables: &Tables, opts: &GenOptions, dir: &Path) -> Result<CorpusSummary, RunError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
        if entries.next().is_some() {
            return Err(RunError(format!(
                "{} は空ではありません。空のフォルダか新しいフォルダを指定してください / {} is not empty; give an empty or new folder",
                dir.display(),
                dir.display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut generator = Generator::new(tables, opts.clone()).map_err(|e| RunError(e.to_string()))?;
    let mut summary = CorpusSummary::default();
    let mut expected: Vec<(String, u32, &'static str)> = Vec::new();
    if opts.batch.is_some() {
        let mut n = 0u64;
        loop {
            // A batch's name (its latest WrittenDate) is known only at its end.
            let tmp = dir.join(format!(".rinken-gen-{n}.partial"));
            let file = std::fs::File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let Some(f) = generator.next_file(&mut w).map_err(|e| io_err(&tmp, e))? else {
                drop(w);
                std::fs::remove_file(&tmp).map_err(|e| io_err(&tmp, e))?;
                break;
            };
            w.flush().map_err(|e| io_err(&tmp, e))?;
            drop(w);
            let path = dir.join(&f.name);
            summary.bytes += std::fs::metadata(&tmp).map_err(|e| io_err(&tmp, e))?.len();
            std::fs::rename(&tmp, &path).map_err(|e| io_err(&path, e))?;
            summary.files += 1;
            summary.forms += u64::from(f.forms);
            expected.extend(f.expected.iter().map(|&(r, rule)| (f.name.clone(), r, rule)));
            n += 1;
        }
    } else {
        // Generation is sequential (it is the cheap part); writing the files is spread over
        // the cores, chunk by chunk, so memory stays bounded.
        const CHUNK: usize = 2048;
        let mut chunk: Vec<(GenFile, Vec<u8>)> = Vec::with_capacity(CHUNK);
        loop {
            let mut bytes = Vec::with_capacity(4096);
            let next = generator.next_file(&mut bytes).map_err(|e| RunError(e.to_string()))?;
            let done = next.is_none();
            if let Some(f) = next {
                chunk.push((f, bytes));
            }
            if chunk.len() == CHUNK || (done && !chunk.is_empty()) {
                chunk.par_iter().try_for_each(|(f, bytes)| {
                    let path = dir.join(&f.name);
                    std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))
                })?;
                for (f, bytes) in chunk.drain(..) {
                    summary.files += 1;
                    summary.forms += u64::from(f.forms);
                    summary.bytes += bytes.len() as u64;
                    expected.extend(f.expected.iter().map(|&(r, rule)| (f.name.clone(), r, rule)));
                }
            }
            if done {
                break;
            }
        }
    }
    expected.sort();
    summary.findings = expected.len() as u64;
    let mut tsv = String::from("file\trecord\trule\n");
    for (file, record, rule) in &expected {
        tsv.push_str(&format!("{file}\t{record}\t{rule}\n"));
    }
    let path = dir.join(EXPECTED);
    std::fs::write(&path, tsv).map_err(|e| io_err(&path, e))?;
    Ok(summary)
}

/// Runs `rinken gen`; returns the exit status.
pub fn run(args: GenArgs) -> Result<u8, RunError> {
    let tables = Tables::embedded().map_err(|e| RunError(e.to_string()))?;
    let opts = GenOptions { count: args.count, seed: args.seed, defect_rate: args.defect_rate, batch: args.batch };
    let started = std::time::Instant::now();
    let s = write_corpus(&tables, &opts, &args.out)?;
    let secs = started.elapsed().as_secs_f64();
    let dir = args.out.display();
    eprintln!(
        "rinken: {dir} に {} 件の様式を {} ファイル ({:.1} MB) に書きました。仕込んだ指摘 {} 件は {EXPECTED} にあります ({secs:.1} 秒)\n\
         rinken: wrote {} forms in {} files ({:.1} MB) to {dir}; the {} planted findings are listed in {EXPECTED} ({secs:.1} s)",
        s.forms,
        s.files,
        s.bytes as f64 / 1e6,
        s.findings,
        s.forms,
        s.files,
        s.bytes as f64 / 1e6,
        s.findings,
    );
    Ok(0)
}
