//! The `check` pipeline: discover → check in parallel → report in path order.
//!
//! Workers take the next file index from a shared counter, so files are checked roughly in
//! path order and the reorder buffer in front of the report stage stays small. The report
//! stage runs on the calling thread and sees files strictly in path order: that is what makes
//! reports byte-identical whatever the thread count, and what lets the batch rules name "the
//! first" occurrence without a second pass.

use crate::baseline::{Baseline, Recorder};
use crate::check::batch::BatchState;
use crate::check::{check_file, Ctx, FileKind, FileResult};
use crate::finding::{Finding, Severity};
use crate::input::{discover, Input, Skipped};
use crate::lang::Lang;
use crate::parse::Parser;
use crate::refdata::{Institutions, Roster};
use crate::report::csv::{file_report, CsvEncoding};
use crate::report::cut;
use crate::report::staging::Staging;
use crate::report::summary::{self, Summary, Totals};
use crate::rules::RuleConfig;
use crate::selection::PathIgnores;
use crate::tables::Tables;
use crate::text::date::Date;
use crate::tr;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// Set by SIGINT (Ctrl-C), SIGTERM or SIGHUP: workers stop taking files and the run ends
/// without a new report.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Everything `rinken check` needs, after the command line and configuration are merged.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub as_of: Date,
    pub tables: Option<PathBuf>,
    pub doctors: Option<PathBuf>,
    pub institutions: Option<PathBuf>,
    pub threads: Option<usize>,
    pub lang: Lang,
    /// What stdout shows (the CLI builds the observer; the run itself does not look).
    pub format: crate::report::formats::Format,
    pub rules: RuleConfig,
    /// Rules switched off for some paths (`[per-path-ignores]`).
    pub path_ignores: PathIgnores,
    pub csv_encoding: CsvEncoding,
    /// No human summary on stderr.
    pub quiet: bool,
    /// Show a progress bar when stderr is a terminal.
    pub progress: bool,
    /// Exit 0 whatever the findings (2 still means the run failed).
    pub exit_zero: bool,
    pub fail_on: FailOn,
    /// Per file: findings kept in the reports (the rest are counted, and summed up by M001).
    pub max_findings: Option<usize>,
    /// Patient values replaced by a marker in every output.
    pub redact: bool,
    /// Report only the findings this baseline does not hold.
    pub baseline: Option<PathBuf>,
    /// Record this run's findings as a baseline.
    pub write_baseline: Option<PathBuf>,
}

impl CheckOptions {
    /// The defaults of the command line for these paths, report folder and date; callers
    /// (tests, embedders) change what they need with struct update syntax.
    pub fn new(paths: Vec<PathBuf>, out: PathBuf, as_of: Date) -> CheckOptions {
        CheckOptions {
            paths,
            out,
            as_of,
            tables: None,
            doctors: None,
            institutions: None,
            threads: None,
            lang: Lang::default(),
            format: Default::default(),
            rules: RuleConfig::default(),
            path_ignores: PathIgnores::default(),
            csv_encoding: CsvEncoding::default(),
            quiet: false,
            progress: true,
            exit_zero: false,
            fail_on: FailOn::default(),
            max_findings: None,
            redact: false,
            baseline: None,
            write_baseline: None,
        }
    }
}

/// The lowest severity that makes the exit status 1 (`--fail-on`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
}

/// A failure of the run itself (exit status 2), with one clear message.
#[derive(Debug)]
pub struct RunError(pub String);

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One file as every output sees it: after per-path ignores and the baseline, and cut at
/// `--max-findings`. The counts are taken before the cut; they are summary.csv's.
pub struct FileReport<'a> {
    pub input: &'a Input,
    pub kind: FileKind,
    pub records: u32,
    pub errors: usize,
    pub warnings: usize,
    pub findings: &'a [Finding],
}

#[cfg(test)]
impl<'a> FileReport<'a> {
    pub fn new(input: &'a Input, findings: &'a [Finding], errors: usize, warnings: usize) -> FileReport<'a> {
        FileReport { input, kind: FileKind::Rinkohyo, records: 1, errors, warnings, findings }
    }
}

/// Receives every file's report, in path order, as the run goes (the stdout formats).
pub trait Observer {
    fn file(&mut self, file: &FileReport<'_>);
    /// Called once a run is complete and its reports are in place.
    fn finish(&mut self, totals: &Totals, skipped: &[Skipped]);
    /// Called last; an error here is the run's own (exit 2).
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Debug)]
pub struct Outcome {
    pub totals: Totals,
    /// Findings the baseline absorbed.
    pub absorbed: u64,
    /// 0, or 1 when a finding reaches `--fail-on` (and not `--exit-zero`).
    pub exit: u8,
}

/// Loads what a run consults; any problem here is the run's own (exit 2).
pub struct Loaded {
    pub tables: Tables,
    pub roster: Option<Roster>,
    pub institutions: Option<Institutions>,
    pub baseline: Option<Baseline>,
}

pub fn load(opts: &CheckOptions) -> Result<Loaded, RunError> {
    let lang = opts.lang;
    let tables = Tables::with_overlay(opts.tables.as_deref())
        .map_err(|e| RunError(tr!(lang, "コード表を読めません: {e}", "cannot load the code tables: {e}")))?;
    let roster = opts.doctors.as_deref().map(Roster::load).transpose().map_err(|e| {
        let e = e.render(lang);
        RunError(tr!(lang, "指定医名簿を読めません: {e}", "cannot read the doctor roster: {e}"))
    })?;
    let institutions = opts.institutions.as_deref().map(Institutions::load).transpose().map_err(|e| {
        let e = e.render(lang);
        RunError(tr!(lang, "医療機関一覧を読めません: {e}", "cannot read the institution list: {e}"))
    })?;
    let baseline =
        opts.baseline.as_deref().map(|p| Baseline::load(p, opts.redact, lang)).transpose().map_err(RunError)?;
    Ok(Loaded { tables, roster, institutions, baseline })
}

/// The message of an interrupted run: whether the previous complete report is still there.
fn interrupted(lang: Lang, previous: bool) -> RunError {
    let state = if previous {
        lang.pick("以前の完全なレポートがそのまま残っています", "the previous complete report is left as it was")
    } else {
        lang.pick("レポートは作成していません", "no report was written")
    };
    RunError(tr!(lang, "中断しました。{state}", "interrupted; {state}"))
}

fn install_interrupt_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SIGINT, and with the `termination` feature SIGTERM and SIGHUP (a scheduler's timeout,
        // a closed terminal): each stops the run cleanly instead of killing it mid-write.
        // Failing to install the handler only loses that nicety.
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    });
}

fn progress_bar(total: usize, enabled: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// How one file is checked; [`check_file`] in real runs.
pub type FileChecker = dyn Fn(&Ctx<'_>, &mut Parser<'_>, &Input) -> FileResult + Sync;

/// Runs `rinken check`.
pub fn check(opts: &CheckOptions, observers: &mut [&mut dyn Observer]) -> Result<Outcome, RunError> {
    check_with(opts, observers, &check_file)
}

thread_local! {
    /// The last panic on this worker thread: message and location, for M002.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Worker threads keep a panic's message for the finding instead of printing it over the
/// progress bar; any other thread panics as usual.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name().is_some_and(|n| n.starts_with("rinken-worker")) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let at = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
                PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

/// Checks one file; a panic becomes an M002 finding for that file and the run goes on.
fn check_isolated<'t>(ctx: &Ctx<'t>, parser: &mut Parser<'t>, input: &Input, checker: &FileChecker) -> FileResult {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| checker(ctx, parser, input))) {
        Ok(result) => result,
        Err(payload) => {
            // The parser may be mid-record; start the next file with a fresh one.
            *parser = Parser::new(ctx.tables);
            // A panic on a helper thread (the checker of a streamed file) arrives re-raised,
            // its message in the payload rather than in this thread's record.
            let what = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default()
            });
            crate::check::internal_error(ctx, &what)
        }
    }
}

/// Runs `rinken check` with another way of checking each file (tests inject failures).
pub fn check_with(
    opts: &CheckOptions,
    observers: &mut [&mut dyn Observer],
    checker: &FileChecker,
) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let lang = opts.lang;
    // Before anything can be left behind: from here a Ctrl-C only sets the flag. Installed after
    // the staging folder, a Ctrl-C in between killed the process and left the folder there.
    INTERRUPTED.store(false, Ordering::SeqCst);
    install_interrupt_handler();
    install_panic_hook();
    let mut loaded = load(opts)?;
    let discovery = discover(&opts.paths);
    let inputs = &discovery.inputs;
    if INTERRUPTED.load(Ordering::SeqCst) {
        return Err(interrupted(lang, opts.out.join("summary.csv").exists()));
    }
    let mut staging = Staging::create(&opts.out).map_err(|e| {
        RunError(tr!(lang, "レポートフォルダに書き込めません: {e}", "cannot write the report folder: {e}"))
    })?;
    let ctx = Ctx {
        tables: &loaded.tables,
        lang,
        as_of: opts.as_of,
        rules: &opts.rules,
        roster: loaded.roster.as_ref(),
        institutions: loaded.institutions.as_ref(),
        redact: opts.redact,
    };
    let threads = opts.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("rinken-worker-{i}"))
        .build()
        .map_err(|e| RunError(format!("thread pool: {e}")))?;
    let bar = progress_bar(inputs.len(), opts.progress && !opts.quiet);
    let next = AtomicUsize::new(0);
    // Workers claim a few files at a time and hand their results over together: one wake-up
    // of the report thread per chunk instead of per file. Chunks stay small so that files are
    // still checked nearly in path order and the reorder buffer stays short.
    let chunk = (inputs.len() / (threads * 64)).clamp(1, 32);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(usize, FileResult)>>(256);
    let mut summary = Summary::default();
    let mut batch = BatchState::default();
    let mut write_error: Option<std::io::Error> = None;
    let mut baseline = loaded.baseline.take();
    let mut recorder = opts.write_baseline.as_ref().map(|_| Recorder::default());
    let mut absorbed = 0u64;

    std::thread::scope(|scope| {
        let ctx = &ctx;
        let next = &next;
        scope.spawn(move || {
            pool.broadcast(|_| {
                let mut parser = Parser::new(ctx.tables);
                let tx = tx.clone();
                loop {
                    if INTERRUPTED.load(Ordering::Relaxed) {
                        break;
                    }
                    let first = next.fetch_add(chunk, Ordering::Relaxed);
                    if first >= inputs.len() {
                        break;
                    }
                    let done: Vec<(usize, FileResult)> = (first..(first + chunk).min(inputs.len()))
                        .map(|i| (i, check_isolated(ctx, &mut parser, &inputs[i], checker)))
                        .collect();
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            });
            drop(tx);
        });
        let mut pending: BTreeMap<usize, FileResult> = BTreeMap::new();
        let mut expect = 0usize;
        for (i, result) in rx.iter().flatten() {
            pending.insert(i, result);
            while let Some(mut result) = pending.remove(&expect) {
                let input = &inputs[expect];
                let name_of = |k: u32| inputs[k as usize].display.clone();
                batch.observe(expect as u32, &mut result, &opts.rules, lang, &name_of);
                let ignored = opts.path_ignores.ignored(&input.display, &input.rel);
                result.findings.retain(|f| !ignored.contains(&f.rule.id));
                result.overflow.by_rule.retain(|(rule, _, _)| !ignored.contains(&rule.id));
                let (more_errors, more_warnings) = result.overflow.counts();
                cut::sort(&mut result.findings);
                if let Some(r) = &mut recorder {
                    r.record(&input.rel, &result.findings);
                }
                if let Some(b) = &mut baseline {
                    absorbed += b.absorb(&input.rel, &mut result.findings) as u64;
                }
                let errors = result.count(Severity::E) + more_errors as usize;
                let warnings = result.count(Severity::W) + more_warnings as usize;
                cut::not_kept(&mut result.findings, more_errors, more_warnings, &opts.rules, lang);
                if let Some(max) = opts.max_findings {
                    cut::cut(&mut result.findings, max, &opts.rules, lang);
                }
                if !result.findings.is_empty() && write_error.is_none() {
                    let bytes = file_report(&input.display, &result.findings, opts.csv_encoding);
                    if let Err(e) = staging.write_file_report(&input.report_name, &bytes) {
                        write_error = Some(e);
                        INTERRUPTED.store(true, Ordering::SeqCst);
                    }
                }
                summary.add(&input.display, result.kind, result.records, result.bytes, errors, warnings);
                let report = FileReport {
                    input,
                    kind: result.kind,
                    records: result.records,
                    errors,
                    warnings,
                    findings: &result.findings,
                };
                // Output between two redraws of the progress bar, not through it.
                let mut show = || observers.iter_mut().for_each(|o| o.file(&report));
                match &bar {
                    Some(bar) => bar.suspend(show),
                    None => show(),
                }
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                expect += 1;
            }
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(e) = write_error {
        staging.abandon();
        return Err(RunError(tr!(lang, "レポートを書けません: {e}", "cannot write the report: {e}")));
    }
    if INTERRUPTED.load(Ordering::SeqCst) || (summary.totals.files as usize) < inputs.len() {
        let previous = staging.previous_exists();
        staging.abandon();
        return Err(interrupted(lang, previous));
    }
    let totals = summary.totals;
    let summary_bytes = summary.finish(opts.csv_encoding);
    staging
        .write_top("summary.csv", &summary_bytes)
        .and_then(|_| staging.commit(&["summary.csv"]))
        .map_err(|e| RunError(tr!(lang, "レポートを書けません: {e}", "cannot write the report: {e}")))?;
    if let (Some(r), Some(path)) = (&recorder, &opts.write_baseline) {
        r.write(path, opts.redact).map_err(|e| {
            let shown = path.display();
            RunError(tr!(lang, "ベースライン {shown} を書けません: {e}", "cannot write the baseline {shown}: {e}"))
        })?;
    }
    for o in observers.iter_mut() {
        o.finish(&totals, &discovery.skipped);
    }
    for o in observers.iter_mut() {
        o.flush()
            .map_err(|e| RunError(tr!(lang, "標準出力に書けません: {e}", "cannot write to standard output: {e}")))?;
    }
    if !opts.quiet {
        let report = opts.out.join("summary.csv").display().to_string();
        eprint!("{}", summary::human(&totals, started.elapsed(), lang, &report, &discovery.skipped));
        if let Some(path) = &opts.baseline {
            let shown = path.display();
            eprintln!(
                "{}",
                tr!(
                    lang,
                    "        ベースライン {shown} にある既知の指摘 {absorbed} 件は報告していません",
                    "        {absorbed} known findings in the baseline {shown} were not reported"
                )
            );
        }
        if let Some(path) = &opts.write_baseline {
            let shown = path.display();
            eprintln!(
                "{}",
                tr!(lang, "        ベースラインを {shown} に書きました", "        baseline written to {shown}")
            );
        }
    }
    let failing = match opts.fail_on {
        FailOn::Error => totals.errors > 0,
        FailOn::Warning => totals.errors + totals.warnings > 0,
    };
    Ok(Outcome { totals, absorbed, exit: u8::from(failing && !opts.exit_zero) })
}
