//! `rinken check`'s options, and how they merge with `rinken.toml`: the command line over the
//! file over the defaults.

use crate::config::{self, FileConfig};
use crate::input::PathList;
use crate::lang::Lang;
use crate::report::csv::CsvEncoding;
use crate::report::formats::Format;
use crate::run::{interrupt, CheckOptions, FailOn, RunError};
use crate::selection::{rule_config, Layer, PathIgnores, Prefix};
use crate::text::date::Date;
use crate::tr;
use clap::Args;
use std::io::Read;
use std::path::PathBuf;

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a YYYY-MM-DD date (日付は YYYY-MM-DD)"))
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 検査するファイルまたはフォルダ。フォルダは再帰的にたどり *.xml をすべて検査する。
    /// `-` だけのときは標準入力から改行区切りのパスを読む
    /// (files or folders; folders are walked for every *.xml; `-` alone reads paths from stdin)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// レポートフォルダ (report folder; created if missing) [default: rinken-report]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 今日とみなす日付 (the date treated as today) [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// 埋め込みの表の代わりに DIR の表を使う (tables from DIR, laid over the embedded ones)
    #[arg(long, value_name = "DIR")]
    pub tables: Option<PathBuf>,
    /// 指定医名簿 CSV (designated-doctor roster; enables the P rules)
    #[arg(long, value_name = "FILE")]
    pub doctors: Option<PathBuf>,
    /// 医療機関コード一覧 CSV/TSV (institution list; enables I004)
    #[arg(long, value_name = "FILE")]
    pub institutions: Option<PathBuf>,
    /// 並列数 (worker threads) [default: all cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=i64::from(crate::run::MAX_THREADS)))]
    pub threads: Option<u16>,
    /// メッセージの言語 (message language) [default: ja]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// 標準出力の形式 (what stdout shows; the CSV reports are written whatever it is) [default: text]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// CSV の文字コード (CSV encoding) [default: utf8-bom]
    #[arg(long, value_enum)]
    pub csv_encoding: Option<CsvEncoding>,
    /// この規則だけを使う: ID または接頭辞をカンマ区切りで (only these rules: IDs or prefixes, e.g. L,D00,C003)
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = Prefix::parse)]
    pub select: Option<Vec<Prefix>>,
    /// この規則を使わない (leave these rules out: IDs or prefixes)
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = Prefix::parse)]
    pub ignore: Vec<Prefix>,
    /// 指摘があっても終了コード 0 (exit 0 whatever the findings; 2 still means the run failed)
    #[arg(long)]
    pub exit_zero: bool,
    /// 1 ファイルで報告する指摘の上限 (per file: report the first N findings and one M001 for the rest)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_findings: Option<u32>,
    /// 終了コード 1 にする重大度 (the severity that makes the exit status 1) [default: error]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// 患者の値 (氏名・かな・生年月日・住所・受給者番号など) をすべての出力で伏せる
    /// (replace patient values with [REDACTED] in every output)
    #[arg(long)]
    pub redact: bool,
    /// ベースラインにない指摘だけを報告する (report only findings this baseline does not hold)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// 今回の指摘をベースラインとして書く (record this run's findings as a baseline)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// 設定ファイル (configuration file) [default: the nearest rinken.toml upward]
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// rinken.toml を読まない (ignore every configuration file)
    #[arg(long)]
    pub no_config: bool,
    /// 標準エラーに何も表示しない (print nothing on stderr)
    #[arg(long, short)]
    pub quiet: bool,
    /// 進捗バーを表示しない (no progress bar)
    #[arg(long)]
    pub no_progress: bool,
}

impl CheckArgs {
    /// The language for messages about the options themselves, before the file is read.
    pub fn early_lang(&self) -> Lang {
        self.lang.unwrap_or_default()
    }

    fn config_file(&self) -> Result<Option<config::Loaded>, RunError> {
        let lang = self.early_lang();
        let path = match (&self.config, self.no_config) {
            (_, true) => None,
            (Some(p), _) => Some(p.clone()),
            (None, _) => std::env::current_dir().ok().and_then(|d| config::discover(&d)),
        };
        path.map(|p| config::load(&p, lang)).transpose().map_err(RunError)
    }

    /// Merges the command line, the configuration file and the defaults.
    pub fn into_options(self) -> Result<CheckOptions, RunError> {
        let loaded = self.config_file()?;
        let file = loaded.as_ref().map(|l| &l.config);
        let empty = FileConfig::default();
        let f = file.unwrap_or(&empty);
        let lang = self.lang.or(f.lang).unwrap_or_default();
        let out = self.out.or_else(|| f.out.clone()).unwrap_or_else(|| PathBuf::from("rinken-report"));
        let paths = if self.paths.len() == 1 && self.paths[0].as_os_str() == "-" {
            // Ctrl-C while the list is still coming is the run's interruption, as later on.
            interrupt::watch(lang, out.clone());
            let read = interrupt::read_unless_interrupted(lang, &out, || {
                let mut list = Vec::new();
                std::io::stdin().read_to_end(&mut list).map(|_| list)
            })?;
            let list =
                read.map_err(|e| RunError(tr!(lang, "標準入力を読めません: {e}", "cannot read standard input: {e}")))?;
            PathList::from_list(&list)
        } else if self.paths.iter().any(|p| p.as_os_str() == "-") {
            return Err(RunError(tr!(
                lang,
                "「-」(標準入力からパスを読む) は唯一の PATH としてだけ使えます",
                "`-` (read paths from standard input) can only be the one PATH"
            )));
        } else {
            self.paths.into()
        };
        let layers = [
            Layer { select: f.select.clone(), ignore: f.ignore.clone() },
            Layer { select: self.select, ignore: self.ignore },
        ];
        let flag = |cli: bool, file: Option<bool>| cli || file.unwrap_or(false);
        Ok(CheckOptions {
            paths,
            out,
            as_of: self.as_of.or(f.as_of.map(|a| a.0)).unwrap_or_else(Date::today_local),
            tables: self.tables.or_else(|| f.tables.clone()),
            doctors: self.doctors.or_else(|| f.doctors.clone()),
            institutions: self.institutions.or_else(|| f.institutions.clone()),
            threads: self.threads.or(f.threads.map(|t| t.get())).map(usize::from),
            lang,
            format: self.format.or(f.format).unwrap_or_default(),
            rules: rule_config(&layers, &f.severity_list()),
            path_ignores: PathIgnores::new(&f.path_ignore_list(), loaded.as_ref().and_then(|l| l.path.parent())),
            csv_encoding: self.csv_encoding.or(f.csv_encoding).unwrap_or_default(),
            quiet: flag(self.quiet, f.quiet),
            progress: !self.no_progress && f.progress.unwrap_or(true),
            exit_zero: flag(self.exit_zero, f.exit_zero),
            fail_on: self.fail_on.or(f.fail_on).unwrap_or_default(),
            max_findings: self.max_findings.or(f.max_findings.map(|n| n.get())).map(|n| n as usize),
            redact: flag(self.redact, f.redact),
            baseline: self.baseline.or_else(|| f.baseline.clone()),
            write_baseline: self.write_baseline,
        })
    }
}
