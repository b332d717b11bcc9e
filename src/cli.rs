//! The command line (CLI.md): `check`, `rules`, `rule`, `tables export`.

use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::csv::CsvEncoding;
use crate::rules::{self, RuleConfig};
use crate::run::{self, CheckOptions, RunError};
use crate::tables::TableFiles;
use crate::text::date::Date;
use crate::tr;
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;

const ABOUT: &str = "難病・小慢DB に提出する XML (臨床調査個人票・医療意見書) を検査します。
Checks XML submissions (臨床調査個人票, 医療意見書) for the 難病・小慢DB.";

const AFTER_HELP: &str = "例 / examples:
  rinken check samples/                      フォルダを検査し rinken-report/ に書く
  rinken check --out report --as-of 2025-06-30 提出/
  find . -name '*.xml' | rinken check -      標準入力からパスを読む
  rinken rule C003                            規則の説明 / explain a rule

終了コード / exit status: 0 エラーなし, 1 エラーあり, 2 実行できない (引数・表・出力先)";

#[derive(Parser, Debug)]
#[command(name = "rinken", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// ファイル・フォルダを検査してレポートを書く (check files and folders, write reports)
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
    /// 規則の一覧 (list the rules)
    Rules(RulesArgs),
    /// 規則の説明と例 (explain one rule, with a bad and a fixed example)
    Rule {
        /// 規則 ID, e.g. C003
        id: String,
        #[arg(long, value_enum, default_value_t)]
        lang: Lang,
    },
    /// 埋め込みのコード表を扱う (work with the embedded code tables)
    #[command(subcommand)]
    Tables(TablesCommand),
    /// 試験用の様式を生成する (generate realistic test forms with planted defects)
    Gen(crate::gen::GenArgs),
}

#[derive(Subcommand, Debug)]
pub enum TablesCommand {
    /// 埋め込みのコード表とレイアウトを DIR に書き出す (編集して --tables DIR で使う)
    /// (write the embedded tables to DIR, to edit and use with --tables DIR)
    Export {
        dir: PathBuf,
        /// 既存のファイルを上書きする (overwrite existing files)
        #[arg(long)]
        force: bool,
    },
    /// 書式の XML Schema (XSD 1.0) を標準出力に書く (print the format's XML Schema)
    Xsd {
        /// 埋め込みの表に DIR の表を重ねる (tables from DIR, laid over the embedded ones)
        #[arg(long, value_name = "DIR")]
        tables: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
    /// table, json または markdown
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    /// The catalogue as Markdown (docs/rules.md is this output).
    Markdown,
}

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
    /// レポートフォルダ (report folder; created if missing)
    #[arg(long, value_name = "DIR", default_value = "rinken-report")]
    pub out: PathBuf,
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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// メッセージの言語 (message language)
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
    /// CSV の文字コード (CSV encoding)
    #[arg(long, value_enum, default_value_t)]
    pub csv_encoding: CsvEncoding,
    /// 標準エラーに何も表示しない (print nothing on stderr)
    #[arg(long, short)]
    pub quiet: bool,
    /// 進捗バーを表示しない (no progress bar)
    #[arg(long)]
    pub no_progress: bool,
}

impl CheckArgs {
    fn into_options(self) -> Result<CheckOptions, RunError> {
        let lang = self.lang;
        let paths = if self.paths.len() == 1 && self.paths[0].as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| RunError(tr!(lang, "標準入力を読めません: {e}", "cannot read standard input: {e}")))?;
            crate::input::walk::paths_from_lines(&text)
        } else {
            self.paths
        };
        Ok(CheckOptions {
            paths,
            out: self.out,
            as_of: self.as_of.unwrap_or_else(Date::today_local),
            tables: self.tables,
            doctors: self.doctors,
            institutions: self.institutions,
            threads: self.threads.map(usize::from),
            lang,
            rules: RuleConfig::default(),
            csv_encoding: self.csv_encoding,
            quiet: self.quiet,
            progress: !self.no_progress,
        })
    }
}

/// Runs the command line; returns the process exit status.
pub fn main_with(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check(args) => {
            let lang = args.lang;
            args.into_options().and_then(|opts| run::check(&opts, &mut []).map(|o| o.exit)).map_err(|e| (lang, e))
        }
        Command::Rules(args) => {
            print_rules(&args);
            Ok(0)
        }
        Command::Rule { id, lang } => explain(&id, lang).map_err(|e| (lang, e)),
        Command::Tables(TablesCommand::Export { dir, force }) => {
            export_tables(&dir, force).map(|_| 0).map_err(|e| (Lang::Ja, e))
        }
        Command::Tables(TablesCommand::Xsd { tables }) => crate::xsd::run(tables.as_deref()).map_err(|e| (Lang::Ja, e)),
        Command::Gen(args) => crate::gen::run(args).map_err(|e| (Lang::Ja, e)),
    };
    match result {
        Ok(code) => code,
        Err((lang, e)) => {
            eprintln!("{}", tr!(lang, "rinken: エラー: {e}", "rinken: error: {e}"));
            2
        }
    }
}

fn print_rules(args: &RulesArgs) {
    let lang = args.lang;
    match args.format {
        RulesFormat::Table => {
            for r in rules::ALL {
                println!("{}  {}  {}", r.id, r.severity, r.summary.get(lang));
            }
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity.letter(),
                        "summary": r.summary.get(lang),
                        "why": r.why.get(lang),
                        "bad": r.bad,
                        "good": r.good,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).expect("JSON of strings"));
        }
        RulesFormat::Markdown => print!("{}", rules_markdown(lang)),
    }
}

/// The rule catalogue as Markdown, from the same statics the checks use.
pub fn rules_markdown(lang: Lang) -> String {
    let mut s = String::from(lang.pick(
        "# 規則一覧\n\n`rinken rules --format markdown` の出力です (手で編集しないでください)。各規則の詳細は `rinken rule ID`。\n",
        "# Rule catalogue\n\nThe output of `rinken rules --format markdown --lang en` (do not edit by hand). Details: `rinken rule ID`.\n",
    ));
    let (bad, good) = (lang.pick("誤り", "bad"), lang.pick("正しい", "fixed"));
    for r in rules::ALL {
        s.push_str(&format!(
            "\n## {} ({})\n\n{}\n\n{}\n\n- {bad}: `{}`\n- {good}: `{}`\n",
            r.id,
            r.severity,
            r.summary.get(lang),
            r.why.get(lang),
            r.bad,
            r.good
        ));
    }
    s
}

fn explain(id: &str, lang: Lang) -> Result<u8, RunError> {
    let Some(r) = rules::find(id) else {
        return Err(RunError(tr!(
            lang,
            "規則 {id} はありません (rinken rules で一覧を表示)",
            "no rule {id} (rinken rules lists them)"
        )));
    };
    let sev = match (r.severity, lang) {
        (Severity::E, Lang::Ja) => "E エラー",
        (Severity::W, Lang::Ja) => "W 警告",
        (Severity::E, Lang::En) => "E error",
        (Severity::W, Lang::En) => "W warning",
    };
    let (bad, good) = (lang.pick("誤りの例", "bad"), lang.pick("直した例", "fixed"));
    println!(
        "{} ({sev})\n{}\n\n{}\n\n  {bad}: {}\n  {good}: {}",
        r.id,
        r.summary.get(lang),
        r.why.get(lang),
        r.bad,
        r.good
    );
    Ok(0)
}

fn export_tables(dir: &std::path::Path, force: bool) -> Result<(), RunError> {
    let files = TableFiles::embedded();
    for name in files.names() {
        let path = dir.join(name);
        if path.exists() && !force {
            return Err(RunError(format!(
                "{} は既にあります (上書きは --force) / already exists (use --force)",
                path.display()
            )));
        }
    }
    for name in files.names() {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| RunError(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&path, files.bytes(name).expect("listed"))
            .map_err(|e| RunError(format!("{}: {e}", path.display())))?;
    }
    eprintln!(
        "rinken: {} に {} 個の表を書き出しました / wrote {} tables to {}",
        dir.display(),
        files.names().count(),
        files.names().count(),
        dir.display()
    );
    Ok(())
}
