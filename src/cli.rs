//! The command line (CLI.md): `check`, `rules`, `rule`, `tables export`.

mod check;

pub use check::CheckArgs;

use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::formats::{self, text::colour_wanted, Out, Settings};
use crate::rules;
use crate::run::{self, RunError};
use crate::tables::TableFiles;
use crate::tr;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ABOUT: &str = "難病・小慢DB に提出する XML (臨床調査個人票・医療意見書) を検査します。
Checks XML submissions (臨床調査個人票, 医療意見書) for the 難病・小慢DB.";

const AFTER_HELP: &str = "例 / examples:
  rinken check samples/                      フォルダを検査し rinken-report/ に書く
  rinken check --out report --as-of 2025-06-30 提出/
  find . -name '*.xml' | rinken check -      標準入力からパスを読む
  rinken check --format sarif 提出/ > r.sarif  標準出力の形式 (text json jsonl sarif junit github)
  rinken check --baseline base.json 提出/    ベースラインにない指摘だけ
  rinken rule C003                            規則の説明 / explain a rule

設定 / configuration: rinken.toml (カレントから上へ探す / found upward; --config FILE)

終了コード / exit status: 0 エラーなし, 1 エラーあり (--fail-on warning なら警告も),
2 実行できない (引数・表・設定・ベースライン・出力先); --exit-zero は 2 以外を 0 に";

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
    Check(Box<CheckArgs>),
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

/// Runs the command line; returns the process exit status.
pub fn main_with(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check(args) => run_check(*args),
        Command::Rules(args) => print_out(&rules_text(&args)).map_err(|e| (args.lang, e)),
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

fn run_check(args: CheckArgs) -> Result<u8, (Lang, RunError)> {
    use std::io::IsTerminal;
    let early = args.early_lang();
    let opts = args.into_options().map_err(|e| (early, e))?;
    let colour = colour_wanted(std::io::stdout().is_terminal(), std::env::var_os("NO_COLOR").as_deref());
    let settings = Settings { lang: opts.lang, fail_on: opts.fail_on, colour };
    let mut observer = formats::observer(opts.format, Out::stdout(), settings);
    let lang = opts.lang;
    run::check(opts, &mut [observer.as_mut()]).map(|o| o.exit).map_err(|e| (lang, e))
}

/// Writes a command's whole output to standard output. A reader that stops early (`| head`)
/// is not a failure, as with `check`; any other write error is the run's (exit 2).
pub fn print_out(text: &str) -> Result<u8, RunError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(RunError(format!("標準出力に書けません / cannot write to standard output: {e}")))
        }
        _ => Ok(0),
    }
}

fn rules_text(args: &RulesArgs) -> String {
    let lang = args.lang;
    match args.format {
        RulesFormat::Table => {
            let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(4);
            rules::ALL.iter().map(|r| format!("{:<width$}  {}  {}\n", r.id, r.severity, r.summary.get(lang))).collect()
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    let (bad, good) = r.examples(lang);
                    serde_json::json!({
                        "id": r.id,
                        "family": &r.id[..1],
                        "severity": r.severity.letter(),
                        "summary": r.summary.get(lang),
                        "why": r.why.get(lang),
                        "bad": bad,
                        "good": good,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).expect("JSON of strings") + "\n"
        }
        RulesFormat::Markdown => rules_markdown(lang),
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
        let (bad_example, good_example) = r.examples(lang);
        s.push_str(&format!(
            "\n## {} ({})\n\n{}\n\n{}{}\n\n- {bad}: `{bad_example}`\n- {good}: `{good_example}`\n",
            r.id,
            r.severity,
            r.summary.get(lang),
            r.why.get(lang),
            always_on_note(r, lang),
        ));
    }
    s
}

/// A paragraph for the rules that no selection switches off; empty for the others.
fn always_on_note(r: &crate::finding::Rule, lang: Lang) -> String {
    if r.always_on() {
        format!("\n\n{}", rules::ALWAYS_ON_NOTE.get(lang))
    } else {
        String::new()
    }
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
    let (bad_example, good_example) = r.examples(lang);
    print_out(&format!(
        "{} ({sev})\n{}\n\n{}{}\n\n  {bad}: {bad_example}\n  {good}: {good_example}\n",
        r.id,
        r.summary.get(lang),
        r.why.get(lang),
        always_on_note(r, lang),
    ))
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
