//! The report stage: each file's result, strictly in path order, through the batch rules,
//! per-path ignores, the baseline and the cuts, into the staged CSV reports, `summary.csv` and
//! the observers. It runs on one thread; results arrive in any order and wait in a reorder
//! buffer until every file before theirs is reported. Path order is what makes reports
//! byte-identical whatever the thread count, and what lets the batch rules name "the first"
//! occurrence without a second pass.

use crate::baseline::{Baseline, Recorder};
use crate::check::batch::BatchState;
use crate::check::FileResult;
use crate::finding::Severity;
use crate::input::{Feed, Skipped};
use crate::report::csv::file_report;
use crate::report::cut;
use crate::report::staging::Staging;
use crate::report::summary::{self, Summary};
use crate::report::writes::Writes;
use crate::run::interrupt::{self, interrupted};
use crate::run::{CheckOptions, FailOn, FileReport, Observer, Outcome, RunError};
use crate::tr;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

pub struct ReportStage<'r, 'o> {
    opts: &'r CheckOptions,
    inputs: &'r Feed,
    observers: &'r mut [&'o mut dyn Observer],
    staging: Staging,
    /// Where each file's report goes: written here, or by the workers (see [`Writes`]).
    writes: Arc<Writes>,
    bar: Option<indicatif::ProgressBar>,
    summary: Summary,
    batch: BatchState,
    baseline: Option<Baseline>,
    recorder: Option<Recorder>,
    /// Findings the baseline absorbed.
    absorbed: u64,
    /// The first failed write of `summary.csv` (those of file reports are [`Writes`]').
    write_error: Option<std::io::Error>,
    /// Results that arrived before the file they follow in path order, by their distance
    /// from `reported`: the window keeps every one within its width, and a slot taken or
    /// given back moves one result, where a B-tree moved its neighbours in its nodes (a fifth
    /// of the report thread's time once workers handed over several chunks at once).
    pending: VecDeque<Option<FileResult>>,
    /// Files reported so far: the index of the next one to report.
    reported: usize,
    /// Results held in `pending`, and the most it held at once.
    held: usize,
    peak: usize,
    /// Reports made before the walk was done, which settles their names: (index, bytes).
    unnamed: Vec<(usize, Vec<u8>)>,
    unnamed_bytes: usize,
    /// The batch rules have room for every input (once the walk is done).
    batch_sized: bool,
}

/// Reports held for their names at most: past this, the report stage waits for the walk.
const MAX_UNNAMED_BYTES: usize = 16 << 20;

fn progress_bar(total: usize, enabled: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    // indicatif's {per_sec} shows four decimals ("1,476.2685/s"): files a second are whole.
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {rate} {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        });
    bar.set_style(style);
    Some(bar)
}

impl<'r, 'o> ReportStage<'r, 'o> {
    pub fn new(
        opts: &'r CheckOptions,
        inputs: &'r Feed,
        observers: &'r mut [&'o mut dyn Observer],
        staging: Staging,
        writes: Arc<Writes>,
        baseline: Option<Baseline>,
    ) -> Self {
        ReportStage {
            opts,
            inputs,
            observers,
            staging,
            writes,
            bar: progress_bar(inputs.len(), opts.progress && !opts.quiet),
            unnamed: Vec::new(),
            unnamed_bytes: 0,
            batch_sized: false,
            summary: Summary::new(opts.csv_encoding),
            batch: BatchState::default(),
            baseline,
            recorder: opts.write_baseline.as_ref().map(|_| Recorder::default()),
            absorbed: 0,
            write_error: None,
            pending: VecDeque::new(),
            reported: 0,
            held: 0,
            peak: 0,
        }
    }

    /// Takes the result of the file at `index` (in path order), in whatever order results
    /// come, and reports it and every file it was holding up. Returns how many files are
    /// reported: all those before that index.
    pub fn accept(&mut self, index: usize, result: FileResult) -> usize {
        // An interrupted run writes nothing more: its staged report is about to go.
        if interrupted() {
            return self.reported;
        }
        if index != self.reported {
            let at = index - self.reported;
            if self.pending.len() <= at {
                self.pending.resize_with(at + 1, || None);
            }
            self.pending[at] = Some(result);
            self.held += 1;
            self.peak = self.peak.max(self.held);
            return self.reported;
        }
        // The slot of this file, empty: it came in its turn.
        self.pending.pop_front();
        self.report(result);
        while let Some(Some(_)) = self.pending.front() {
            let result = self.pending.pop_front().flatten().expect("a result, just seen");
            self.held -= 1;
            self.report(result);
        }
        self.reported
    }

    /// Whether a report could not be written: the run has failed, checking more is useless.
    pub fn failed(&self) -> bool {
        self.write_error.is_some() || self.writes.failed()
    }

    /// The most results held at once waiting for an earlier file.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Reports the file at `self.reported`.
    fn report(&mut self, mut result: FileResult) {
        let (opts, lang) = (self.opts, self.opts.lang);
        let index = self.reported;
        let inputs = self.inputs;
        let input = inputs.get(index);
        let name_of = |k: u32| inputs.get(k as usize).display().to_owned();
        if !self.batch_sized && inputs.settled() {
            self.batch.reserve(inputs.len());
            self.batch_sized = true;
        }
        self.batch.observe(index as u32, &mut result, &opts.rules, lang, &name_of);
        let ignored = opts.path_ignores.ignored(&input);
        result.findings.retain(|f| !ignored.contains(&f.rule.id));
        result.overflow.by_rule.retain(|(rule, _, _)| !ignored.contains(&rule.id));
        let (more_errors, more_warnings) = result.overflow.counts();
        cut::sort(&mut result.findings);
        if let Some(r) = &mut self.recorder {
            r.record(input.rel(), &result.findings);
        }
        if let Some(b) = &mut self.baseline {
            self.absorbed += b.absorb(input.rel(), &mut result.findings) as u64;
        }
        let errors = result.count(Severity::E) + more_errors as usize;
        let warnings = result.count(Severity::W) + more_warnings as usize;
        cut::not_kept(&mut result.findings, more_errors, more_warnings, &opts.rules, lang);
        if let Some(max) = opts.max_findings {
            cut::cut(&mut result.findings, max, &opts.rules, lang);
        }
        if !result.findings.is_empty() && !self.failed() {
            let bytes = file_report(input.display(), &result.findings, opts.csv_encoding);
            self.write_file_report(index, bytes);
        }
        self.summary.add(input.display(), result.kind, result.records, result.bytes, errors, warnings);
        if self.summary.pending() >= summary::FLUSH_AT && self.write_error.is_none() {
            let rows = self.summary.drain();
            if let Err(e) = self.staging.append_top("summary.csv", &rows) {
                self.write_error = Some(e);
            }
        }
        let report = FileReport {
            input,
            kind: result.kind,
            records: result.records,
            errors,
            warnings,
            findings: &result.findings,
        };
        // Output between two redraws of the progress bar, not through it.
        let observers = &mut *self.observers;
        let mut show = || observers.iter_mut().for_each(|o| o.file(&report));
        match &self.bar {
            Some(bar) => {
                bar.suspend(show);
                bar.set_length(inputs.len() as u64);
                bar.inc(1);
            }
            None => show(),
        }
        self.reported += 1;
    }

    /// Writes a file's CSV report under its name, or holds it until the walk settles names.
    fn write_file_report(&mut self, index: usize, bytes: Vec<u8>) {
        if self.inputs.settled() && self.unnamed.is_empty() {
            return self.write_named(index, bytes);
        }
        self.unnamed_bytes += bytes.len();
        self.unnamed.push((index, bytes));
        if !self.inputs.settled() {
            if self.unnamed_bytes <= MAX_UNNAMED_BYTES {
                return;
            }
            self.inputs.wait_settled();
        }
        self.write_unnamed();
    }

    fn write_unnamed(&mut self) {
        for (index, bytes) in std::mem::take(&mut self.unnamed) {
            self.write_named(index, bytes);
        }
        self.unnamed_bytes = 0;
    }

    fn write_named(&mut self, index: usize, bytes: Vec<u8>) {
        let inputs = self.inputs;
        // Settled by now: the provisional name is only a fallback that cannot be reached.
        let name = inputs.report_name(index).unwrap_or(inputs.get(index).rel());
        self.writes.write(name, bytes);
    }

    /// Ends the run: with every file reported, swaps the report in, writes the baseline and
    /// lets the observers finish; otherwise (interrupted, a write failed) leaves the previous
    /// report as it was.
    pub fn finish(mut self, started: Instant, skipped: &[Skipped]) -> Result<Outcome, RunError> {
        self.inputs.wait_settled();
        if !interrupted() && !self.failed() {
            self.write_unnamed();
            self.writes.drain();
        }
        let ReportStage {
            opts,
            inputs,
            observers,
            staging,
            writes,
            bar,
            summary,
            recorder,
            absorbed,
            write_error,
            peak,
            ..
        } = self;
        let write_error = write_error.or_else(|| writes.take_error());
        let lang = opts.lang;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let cannot_write =
            |e: std::io::Error| RunError(tr!(lang, "レポートを書けません: {e}", "cannot write the report: {e}"));
        if let Some(e) = write_error {
            staging.abandon();
            return Err(cannot_write(e));
        }
        if interrupted() || (summary.totals.files as usize) < inputs.len() {
            staging.abandon();
            return Err(interrupt::error(lang, interrupt::left_in(&opts.out)));
        }
        let mut summary = summary;
        if let Err(e) = staging.append_top("summary.csv", &summary.drain()) {
            staging.abandon();
            return Err(cannot_write(e));
        }
        let totals = summary.totals;
        staging.commit(&["summary.csv"]).map_err(cannot_write)?;
        if let (Some(r), Some(path)) = (&recorder, &opts.write_baseline) {
            r.write(path, opts.redact).map_err(|e| {
                let shown = path.display();
                RunError(tr!(lang, "ベースライン {shown} を書けません: {e}", "cannot write the baseline {shown}: {e}"))
            })?;
        }
        for o in observers.iter_mut() {
            o.finish(&totals, skipped);
        }
        for o in observers.iter_mut() {
            o.flush().map_err(|e| {
                RunError(tr!(lang, "標準出力に書けません: {e}", "cannot write to standard output: {e}"))
            })?;
        }
        if !opts.quiet {
            let report = opts.out.join("summary.csv").display().to_string();
            eprint!("{}", summary::human(&totals, started.elapsed(), lang, &report, skipped));
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
        Ok(Outcome {
            totals,
            absorbed,
            exit: u8::from(failing && !opts.exit_zero),
            reorder_peak: peak,
            read_ahead: 0,
            checked_early: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::empty_result;
    use crate::report::summary::Totals;

    struct Order(Vec<String>);

    impl Observer for Order {
        fn file(&mut self, file: &FileReport<'_>) {
            self.0.push(file.input.display().to_owned());
        }
        fn finish(&mut self, _: &Totals, _: &[Skipped]) {}
    }

    #[test]
    fn files_are_reported_in_path_order_whatever_order_their_results_come_in() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let name = |i: usize| format!("in/f{i}.xml");
        let inputs: Vec<crate::input::InputBuf> =
            (0..5).map(|i| crate::input::InputBuf::new(name(i).into(), &name(i), &format!("f{i}.xml"))).collect();
        let as_of = crate::text::date::Date::parse_iso("2026-11-21").unwrap();
        let opts = CheckOptions { quiet: true, progress: false, ..CheckOptions::new(vec![], out.clone(), as_of) };
        let mut order = Order(Vec::new());
        let mut observers: [&mut dyn Observer; 1] = [&mut order];
        let inputs = Feed::complete(inputs);
        let staging = Staging::create(&out).unwrap();
        let writes = Arc::new(Writes::new(staging.file_writer(), 1));
        let mut stage = ReportStage::new(&opts, &inputs, &mut observers, staging, writes, None);
        let reported: Vec<usize> = [3, 1, 0, 4, 2].into_iter().map(|i| stage.accept(i, empty_result())).collect();
        assert_eq!(reported, [0, 0, 2, 2, 5]);
        assert_eq!(stage.peak(), 2, "3 and 1 waited for 0, then 3 and 4 for 2");
        let outcome = stage.finish(Instant::now(), &[]).unwrap();
        assert_eq!((outcome.totals.files, outcome.exit), (5, 0));
        assert_eq!(order.0, (0..5).map(name).collect::<Vec<_>>());
        let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        let files: Vec<&str> = summary.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(files, (0..5).map(name).collect::<Vec<_>>());
    }
}
