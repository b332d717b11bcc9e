//! The `check` pipeline: discover → check in parallel → report in path order.
//!
//! Workers claim files in path order, never far ahead of the report ([`window`]), and hand
//! their results to the report stage ([`crate::report::stage`]), which runs on the calling
//! thread and sees files strictly in path order.

use crate::baseline::Baseline;
use crate::check::{check_file, Ctx, FileKind, FileResult};
use crate::finding::Finding;
use crate::input::{discover_into, Feed, Input, Offer, PathList, Skipped};
use crate::lang::Lang;
use crate::parse::Parser;
use crate::refdata::{Institutions, Roster};
use crate::report::csv::CsvEncoding;
use crate::report::stage::ReportStage;
use crate::report::staging::{self, Staging};
use crate::report::summary::Totals;
use crate::report::writes::Writes;
use crate::rules::RuleConfig;
use crate::selection::PathIgnores;
use crate::tables::Tables;
use crate::text::date::Date;
use crate::tr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub mod early;
pub mod interrupt;
mod isolate;
pub mod prefetch;
#[cfg(test)]
mod tests;
pub mod window;

use early::{Early, Taken};
pub use isolate::FileChecker;
use isolate::{check_isolated, install_panic_hook};
use prefetch::{EndOnDrop, Prefetch, Watch};
use window::{Claim, CloseOnDrop, CloseOnUnwind, Window, HAND_OVER};

pub use interrupt::{interrupted, INTERRUPTED};

/// Everything `rinken check` needs, after the command line and configuration are merged.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Taken by the run's walk, which frees the list once it has taken every path.
    pub paths: PathList,
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
            paths: paths.into(),
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
    pub input: Input<'a>,
    pub kind: FileKind,
    pub records: u32,
    pub errors: usize,
    pub warnings: usize,
    pub findings: &'a [Finding],
}

#[cfg(test)]
impl<'a> FileReport<'a> {
    pub fn new(input: Input<'a>, findings: &'a [Finding], errors: usize, warnings: usize) -> FileReport<'a> {
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
    /// The most results held at once waiting for an earlier file to be reported: at most
    /// [`window::width`] (what bounds memory when the first file is slow).
    pub reorder_peak: usize,
    /// Files opened ahead of the workers because their reads were waiting ([`prefetch`]).
    pub read_ahead: usize,
    /// Files checked while the walk was still reading their folder's listing ([`early`]).
    pub checked_early: usize,
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

/// The most workers a run takes (`--threads`). Each holds a file and its buffers, and a file
/// over 16 MiB two more threads; thousands of workers only wait on each other (4,000 took 45 s
/// over seven files) and could not start their threads on a small machine.
pub const MAX_THREADS: u16 = 256;

/// The run's error when `--out` holds something its report would replace (see
/// [`staging::foreign`]).
fn not_replaced(lang: Lang, path: &std::path::Path, why: staging::Foreign) -> RunError {
    use staging::Foreign::*;
    let p = path.display();
    RunError(match why {
        NotAFolder => tr!(
            lang,
            "レポートフォルダ {p} はフォルダではありません。別の --out を指定してください",
            "the report folder {p} is not a folder; choose another --out"
        ),
        Unreadable => tr!(
            lang,
            "{p} を読めないため、レポートで置き換えてよいか確かめられません。権限を確認するか、別の --out を指定してください",
            "{p} cannot be read, so whether the report may replace it is unknown; check its permissions or choose another --out"
        ),
        NotASummary | NotAReport => tr!(
            lang,
            "{p} は rinken のレポートではないため、レポートで置き換えません (消えてしまいます)。別の --out を指定してください",
            "{p} is not part of a rinken report, and writing the report would delete it; choose another --out"
        ),
    })
}

/// Runs `rinken check`.
pub fn check(opts: CheckOptions, observers: &mut [&mut dyn Observer]) -> Result<Outcome, RunError> {
    check_with(opts, observers, &check_file)
}

/// Runs `rinken check` with another way of checking each file (tests inject failures).
pub fn check_with(
    opts: CheckOptions,
    observers: &mut [&mut dyn Observer],
    checker: &FileChecker<'_>,
) -> Result<Outcome, RunError> {
    check_offering(opts, observers, checker, &|early| Box::new(early))
}

/// What the walk offers a folder's files to as it lists them: the run's [`Early`], which a
/// test wraps to hold the listing open while workers check what it offered.
type Offers<'f> = &'f (dyn for<'e> Fn(&'e Early) -> Box<dyn Offer + 'e> + Sync);

/// [`check_with`], the walk offering its files through `offers`.
fn check_offering(
    mut opts: CheckOptions,
    observers: &mut [&mut dyn Observer],
    checker: &FileChecker<'_>,
    offers: Offers<'_>,
) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let lang = opts.lang;
    interrupt::watch(lang, opts.out.clone());
    struct ForgetOnDrop;
    impl Drop for ForgetOnDrop {
        fn drop(&mut self) {
            interrupt::forget();
        }
    }
    let _forget = ForgetOnDrop;
    install_panic_hook();
    let cores = || std::thread::available_parallelism().map_or(1, |n| n.get()).min(usize::from(MAX_THREADS));
    let threads = opts.threads.unwrap_or_else(cores).max(1);
    let feed = Feed::default();
    let window = Window::growing(threads);
    // Ends the walk early when checking ended before it did: the run failed or was interrupted.
    let abandon = AtomicBool::new(false);
    let early = Early::new(threads);
    let paths = std::mem::take(&mut opts.paths);
    let opts = &opts;
    // The walk goes on beside everything else: loading the tables, then checking the files it
    // has found so far (a system call or two per file, serial, for as long as the first few
    // thousand files take to check).
    let outcome = std::thread::scope(|s| {
        let (feed, window, abandon, early) = (&feed, &window, &abandon, &early);
        let walk = s.spawn(move || {
            // Completed however the walk ends, so that no worker waits for more files.
            struct CompleteOnDrop<'a>(&'a Window, &'a Feed);
            impl Drop for CompleteOnDrop<'_> {
                fn drop(&mut self) {
                    self.0.complete(self.1.len());
                }
            }
            let _complete = CompleteOnDrop(window, feed);
            discover_into(paths, feed, &|n| window.grow(n), abandon, Some(&*offers(early)))
        });
        let prefetch = Prefetch::default();
        let shared = Shared { feed, window, prefetch: &prefetch, early };
        let run = check_found(opts, observers, checker, shared, threads);
        abandon.store(true, Ordering::Relaxed);
        let skipped = walk.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let outcome = run?.finish(started, &skipped)?;
        Ok(Outcome { read_ahead: prefetch.files_read(), checked_early: early.checked(), ..outcome })
    });
    free_later(feed);
    outcome
}

/// Frees `value` on a thread of its own. The list of every input and the tables are freed one
/// allocation at a time, about a thousand instructions a file, after the reports are written:
/// the command line then exits without waiting for that, and a caller of the library gets the
/// memory back a moment later. Without a thread, `value` is freed here.
fn free_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("rinken-free".into()).spawn(move || drop(value));
}

/// The findings a worker holds before handing them to the report stage, whatever is left of
/// its chunks: it holds up to [`HAND_OVER`] chunks of up to [`window::MAX_CHUNK`] files, and
/// each may keep up to [`crate::check::MAX_KEPT_BYTES`] of findings.
const MAX_HELD_BYTES: usize = 1 << 20;

/// A worker's results not handed over yet: of up to [`HAND_OVER`] chunks, and their findings'
/// bytes.
#[derive(Default)]
struct Held {
    done: Vec<(usize, FileResult)>,
    chunks: usize,
    bytes: usize,
}

impl Held {
    /// Sends the results held, if any, to the report stage; `Err` once it is gone.
    fn hand_over(&mut self, tx: &std::sync::mpsc::SyncSender<Vec<(usize, FileResult)>>) -> Result<(), ()> {
        (self.chunks, self.bytes) = (0, 0);
        if self.done.is_empty() {
            return Ok(());
        }
        tx.send(std::mem::take(&mut self.done)).map_err(|_| ())
    }
}

/// What the walk, the workers and the report stage share.
#[derive(Clone, Copy)]
struct Shared<'s> {
    feed: &'s Feed,
    window: &'s Window,
    prefetch: &'s Prefetch,
    early: &'s Early,
}

/// Loads the tables and checks the files of `feed` as the walk finds them; the report stage
/// returned is ready to finish once the walk is done.
fn check_found<'r, 'o>(
    opts: &'r CheckOptions,
    observers: &'r mut [&'o mut dyn Observer],
    checker: &FileChecker<'_>,
    shared: Shared<'r>,
    threads: usize,
) -> Result<ReportStage<'r, 'o>, RunError> {
    let Shared { feed, window, prefetch, early } = shared;
    let lang = opts.lang;
    let mut loaded = load(opts)?;
    if interrupted() {
        return Err(interrupt::error(lang, interrupt::left_in(&opts.out)));
    }
    if let Some((path, why)) = staging::foreign(&opts.out) {
        return Err(not_replaced(lang, &path, why));
    }
    let staging = Staging::create(&opts.out).map_err(|e| {
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("rinken-worker-{i}"))
        .build()
        .map_err(|e| RunError(format!("thread pool: {e}")))?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(usize, FileResult)>>(256);
    let writes = Arc::new(Writes::new(staging.file_writer(), threads));
    let mut stage = ReportStage::new(opts, feed, observers, staging, writes.clone(), loaded.baseline.take());

    std::thread::scope(|scope| {
        let (ctx, writes) = (&ctx, &*writes);
        let _end = EndOnDrop(prefetch);
        scope.spawn(|| prefetch.serve(feed, window));
        scope.spawn(move || {
            pool.broadcast(|_| {
                let _unwind = CloseOnUnwind(window);
                let _folders = crate::input::open::hold_folders();
                let mut parser = Parser::new(ctx.tables);
                let mut watch = Watch::new(prefetch);
                let tx = tx.clone();
                let mut held = Held::default();
                while let Some(input) = early.next(&interrupted) {
                    let result = check_isolated(ctx, &mut parser, &input.as_input(), checker);
                    if let Some(claimed) = early.put(&input, result) {
                        // Its turn came while it was checked: the claimer went on without it.
                        held.done.push(claimed);
                        if held.hand_over(&tx).is_err() {
                            break;
                        }
                    }
                }
                'claims: loop {
                    // Report files the report stage decided on, before the next chunk.
                    writes.help();
                    let files = match window.try_claim(&interrupted) {
                        Claim::Files(files) => files,
                        Claim::End => break,
                        Claim::Wait => {
                            if held.hand_over(&tx).is_err() {
                                break;
                            }
                            // Writing beats waiting; the report stage then catches up sooner.
                            writes.help();
                            match window.claim(&interrupted) {
                                Some(files) => files,
                                None => break,
                            }
                        }
                    };
                    watch.begin();
                    let count = files.len();
                    if held.done.is_empty() {
                        held.done.reserve_exact(count * HAND_OVER);
                    }
                    // Whether the worker may have slept for anything but its reads: a file
                    // streamed waits for its own threads, a hand-over for the report stage.
                    let mut other_waits = false;
                    for i in files {
                        let input = feed.get(i);
                        let result = match early.take(input.path(), i) {
                            Taken::No => check_isolated(ctx, &mut parser, &input, checker),
                            // Not read here, and looked up under a lock the others take.
                            Taken::Result(result) => {
                                other_waits = true;
                                result
                            }
                            Taken::Later => {
                                other_waits = true;
                                continue;
                            }
                        };
                        other_waits |= result.bytes > crate::check::stream::STREAM_ABOVE;
                        held.bytes += result.overflow.kept_bytes();
                        held.done.push((i, result));
                        // Files full of findings go as they are, not a whole hand-over.
                        if held.bytes >= MAX_HELD_BYTES {
                            other_waits = true;
                            if held.hand_over(&tx).is_err() {
                                break 'claims;
                            }
                        }
                    }
                    watch.end(count, other_waits);
                    held.chunks += 1;
                    if held.chunks >= HAND_OVER && held.hand_over(&tx).is_err() {
                        break;
                    }
                }
                let _ = held.hand_over(&tx);
            });
            drop(tx);
        });
        // Should the report stage unwind, workers waiting for the window to move must end.
        let _close = CloseOnDrop(window);
        for done in rx {
            let mut reported = 0;
            for (i, result) in done {
                reported = stage.accept(i, result);
            }
            window.advance(reported);
            if stage.failed() {
                window.close();
            }
        }
    });
    free_later(loaded);
    Ok(stage)
}
