//! Ctrl-C, SIGTERM and SIGHUP during `rinken check`.
//!
//! The first signal stops the run cleanly: workers take no more files, a file being streamed
//! stops at its next read ([`StopOnInterrupt`]), and the run ends without a new report, the
//! previous one left as it was (exit 2). A second signal ends the process at once, for a run
//! that cannot stop by itself (stuck writing to a pipe nobody reads, say): it removes the
//! staging folders first, holding their lock so that nothing writes a report again, and exits
//! with status 2 and the same message.

use super::RunError;
use crate::lang::Lang;
use crate::report::staging;
use crate::tr;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Set by the first signal: workers stop taking files and the run ends without a new report.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Signals received since the run started.
static SIGNALS: AtomicUsize = AtomicUsize::new(0);

/// The language and report folder of the run under way, for the message of a second signal.
static RUN: Mutex<Option<(Lang, PathBuf)>> = Mutex::new(None);

/// Whether the run was interrupted.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Where the report stands when a run ends interrupted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    /// The previous complete report, as it was.
    Previous,
    /// No report: there was none before either.
    Nothing,
    /// This run's report, complete: the signal came after it was in place.
    Complete,
}

/// The error of an interrupted run, saying what report there is.
pub fn error(lang: Lang, left: Left) -> RunError {
    let state = match left {
        Left::Previous => {
            lang.pick("以前の完全なレポートがそのまま残っています", "the previous complete report is left as it was")
        }
        Left::Nothing => lang.pick("レポートは作成していません", "no report was written"),
        Left::Complete => lang.pick("新しいレポートは書き終えています", "the new report was already complete"),
    };
    RunError(tr!(lang, "中断しました。{state}", "interrupted; {state}"))
}

/// [`Left::Previous`] or [`Left::Nothing`], from whether `out` holds a report.
pub fn left_in(out: &std::path::Path) -> Left {
    if out.join("summary.csv").exists() {
        Left::Previous
    } else {
        Left::Nothing
    }
}

/// Starts watching for signals for a run writing to `out`. Installed before anything is
/// created: installed after the staging folder, a Ctrl-C in between killed the process and
/// left the folder there. Called again by the run itself, it keeps a signal received since
/// (while the paths were read from stdin, say): the run then stops at once.
pub fn watch(lang: Lang, out: PathBuf) {
    *RUN.lock().unwrap_or_else(|e| e.into_inner()) = Some((lang, out));
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SIGINT, and with the `termination` feature SIGTERM and SIGHUP (a scheduler's timeout,
        // a closed terminal). Failing to install the handler only loses that nicety.
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// Forgets the signals of a run that has ended, so that a later run in the same process
/// starts afresh.
pub fn forget() {
    INTERRUPTED.store(false, Ordering::SeqCst);
    SIGNALS.store(0, Ordering::SeqCst);
}

/// Waits for `read` on a thread of its own, giving up when the run is interrupted: a read of
/// the path list from a pipe can wait for its writer forever, and std retries the read after
/// a signal. The thread left waiting ends with the process.
pub fn read_unless_interrupted<T: Send + 'static>(
    lang: Lang,
    out: &std::path::Path,
    read: impl FnOnce() -> T + Send + 'static,
) -> Result<T, RunError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("rinken-stdin".into())
        .spawn(move || {
            let _ = tx.send(read());
        })
        .map_err(|e| RunError(e.to_string()))?;
    use std::sync::mpsc::RecvTimeoutError::{Disconnected, Timeout};
    loop {
        match rx.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(v) => return Ok(v),
            Err(Timeout) if !interrupted() => {}
            Err(Timeout) => return Err(error(lang, left_in(out))),
            Err(Disconnected) => {
                return Err(RunError(tr!(lang, "標準入力を読めませんでした", "standard input could not be read")))
            }
        }
    }
}

fn on_signal() {
    if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
        INTERRUPTED.store(true, Ordering::SeqCst);
        return;
    }
    // Held until the process is gone: no report can be written after this.
    let live = staging::remove_all_for_exit();
    let (lang, out) = RUN.lock().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_default();
    let left = if live.committed() { Left::Complete } else { left_in(&out) };
    let e = error(lang, left);
    let _ = writeln!(io::stderr(), "{}", tr!(lang, "rinken: エラー: {e}", "rinken: error: {e}"));
    exit_now(2)
}

/// Ends the process without `std::process::exit`'s cleanup, which flushes stdout: a run stuck
/// writing to stdout holds its lock, and the flush would wait for it forever.
#[cfg(unix)]
fn exit_now(code: i32) -> ! {
    // SAFETY: _exit ends the process at once; nothing runs after it.
    unsafe { libc::_exit(code) }
}

#[cfg(not(unix))]
fn exit_now(code: i32) -> ! {
    std::process::exit(code)
}

/// A reader that fails once the run is interrupted, so that a file of any size being read
/// (a 1 GB batch streams for a minute) stops at its next read instead of running to its end.
pub struct StopOnInterrupt<R>(pub R);

impl<R: Read> Read for StopOnInterrupt<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if interrupted() {
            // Not `ErrorKind::Interrupted`: readers retry that one.
            return Err(io::Error::other("interrupted"));
        }
        self.0.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_report_is_left() {
        assert_eq!(error(Lang::Ja, Left::Previous).0, "中断しました。以前の完全なレポートがそのまま残っています");
        assert_eq!(error(Lang::En, Left::Nothing).0, "interrupted; no report was written");
        assert_eq!(error(Lang::En, Left::Complete).0, "interrupted; the new report was already complete");
    }
}
