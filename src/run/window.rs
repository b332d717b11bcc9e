//! Which files workers may check next: in path order, and never too far ahead of the report.
//!
//! The report stage takes files strictly in path order, so a result that arrives early waits
//! in its reorder buffer. Without a bound, one slow file (a 1 GB batch, first in path order)
//! let every later file's result and findings pile up there: memory grew with the run, not
//! with the largest file. Workers therefore claim files in order and only below
//! `reported + width`: every result waiting, in the buffer or on its way, has an index in
//! `reported..reported + width`.
//!
//! Why this cannot deadlock: claims are handed out in path order, so the smallest unclaimed
//! index is always `next`, and a worker waits only when `next >= reported + width`, that is
//! when every file from `reported` on up to `next` is claimed. A worker holds no claim and no
//! result while it waits (it checks the chunks it claimed, and hands their results over before
//! a claim that would wait: [`Window::try_claim`]), so those files are being checked by
//! workers that are not waiting, or are done and on their way to the report stage: file
//! `reported` arrives, the report moves on, and the window with it.
//!
//! The list of files may still be growing (the walk goes on while workers check): a worker
//! that reaches the end of what is known waits for the walk to tell more or to finish. Chunk
//! and width follow the count known so far, which only grows, so the bound at the end of the
//! run holds throughout.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The largest chunk. A claim takes the window's lock, and when results were handed over a
/// chunk at a time, every hand-over woke the report thread: a system call and, on a virtual
/// machine, an interrupt to another core, about 10 µs, which over chunks of 32 files of 12 µs
/// each was 2.5 % of a worker's time (measured with perf over 100,000 files). 128 made that a
/// quarter, and still leaves 780 chunks to share between the workers of such a run; since the
/// twelfth session results go over every [`HAND_OVER`] chunks.
pub const MAX_CHUNK: usize = 128;

/// Files a worker claims at a time: one claim per chunk instead of per file, small enough that
/// the workers end together and files are checked nearly in path order.
pub fn chunk(files: usize, threads: usize) -> usize {
    (files / (threads.max(1) * 64)).clamp(1, MAX_CHUNK)
}

/// Chunks per worker that may be claimed past the first unreported file: one being checked,
/// the rest done and waiting to be reported. With two, a report thread kept off the CPU for a
/// few milliseconds (another process on the machine, a burst of findings to write) stalled the
/// workers: over 100,000 files with two threads beside a busy loop, two chunks took 1.06–1.31 s
/// and eight 0.91–1.10 s (ten runs each), on an idle machine 0.710 s and 0.688 s (median of
/// nine), and with a defect in every file 1.04 s and 0.89 s. A waiting result of a file
/// without findings is a few hundred bytes: 50,000 files all with findings peaked at 18 MiB
/// instead of 16 with two threads, 28 instead of 21 with eight.
pub const AHEAD: usize = 8;

/// Chunks a worker checks before it hands their results over, unless a claim would wait
/// first. Each hand-over wakes the report thread, which on two cores takes one from a worker:
/// over 100,000 files with two threads, a hand-over per chunk woke it about 800 times a run
/// (a voluntary and an involuntary context switch each, about 1,000 of both), and the run took
/// 0.71 s where chunks six times as large took 0.675 s (twelve alternating runs each). Handing
/// over every [`HAND_OVER`] chunks keeps the chunks small, so that the workers still end
/// together and files are checked nearly in path order, and leaves half of [`AHEAD`] for the
/// results not handed over yet. The price: a worker that meets a slow file (a streamed batch,
/// a slow read) holds up to three chunks checked before it until the file is done, so the
/// report, and the other workers behind the window, may wait for those a little sooner than
/// they would have waited for the slow file itself.
pub const HAND_OVER: usize = AHEAD / 2;

/// What [`Window::try_claim`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    Files(Range<usize>),
    /// No file may be claimed now: [`Window::claim`] would wait.
    Wait,
    /// Every file is claimed, the window is closed or the run stopped.
    End,
}

/// How far past the first unreported file workers may claim: [`AHEAD`] chunks per worker.
/// Every result held for reordering is in that span.
pub fn width(files: usize, threads: usize) -> usize {
    AHEAD * threads.max(1) * chunk(files, threads)
}

struct State {
    next: usize,
    reported: usize,
    closed: bool,
    /// Files known so far, and whether that is all of them.
    files: usize,
    complete: bool,
    /// Workers waiting in [`Window::claim`]: a notification with none costs a system call all
    /// the same (std's condition variable does not count its waiters), once a chunk.
    waiting: usize,
}

pub struct Window {
    state: Mutex<State>,
    moved: Condvar,
    threads: usize,
    /// `State::next`, for readers that must not take the lock ([`super::prefetch`]).
    claimed: AtomicUsize,
}

impl Window {
    /// A window over a list of `files` already complete.
    pub fn new(files: usize, threads: usize) -> Window {
        let w = Window::growing(threads);
        w.complete(files);
        w
    }

    /// A window over a list still growing: see [`Window::grow`] and [`Window::complete`].
    pub fn growing(threads: usize) -> Window {
        Window {
            state: Mutex::new(State { next: 0, reported: 0, closed: false, files: 0, complete: false, waiting: 0 }),
            moved: Condvar::new(),
            threads,
            claimed: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing panics while holding the lock; were it poisoned, the counters are still whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes the workers waiting for the state `s` to change, if any. A worker counts itself
    /// in `waiting` under the lock before it waits, so none can be missed.
    fn moved(&self, s: &State) {
        if s.waiting > 0 {
            self.moved.notify_all();
        }
    }

    /// The list now holds `files` files.
    pub fn grow(&self, files: usize) {
        let mut s = self.lock();
        if files > s.files {
            s.files = files;
            self.moved(&s);
        }
    }

    /// The list is complete with `files` files.
    pub fn complete(&self, files: usize) {
        let mut s = self.lock();
        s.files = s.files.max(files);
        s.complete = true;
        self.moved(&s);
    }

    /// The next files to check, in path order; `None` once all are claimed, the window is
    /// closed or `stop()` says so. Waits while they would be `width` or more past the first
    /// file not yet reported, or while the walk has found no file past the last claimed.
    pub fn claim(&self, stop: &dyn Fn() -> bool) -> Option<Range<usize>> {
        let mut s = self.lock();
        loop {
            match self.claim_in(&mut s, stop) {
                Claim::Files(files) => return Some(files),
                Claim::End => return None,
                Claim::Wait => {}
            }
            // `stop` is a flag set from a signal handler, which cannot notify: look again now
            // and then.
            s.waiting += 1;
            s = self.moved.wait_timeout(s, Duration::from_millis(50)).unwrap_or_else(|e| e.into_inner()).0;
            s.waiting -= 1;
        }
    }

    /// [`Window::claim`] without waiting: a worker holding results hands them over on
    /// [`Claim::Wait`] before it waits, as the report may be waiting for one of them.
    pub fn try_claim(&self, stop: &dyn Fn() -> bool) -> Claim {
        self.claim_in(&mut self.lock(), stop)
    }

    fn claim_in(&self, s: &mut State, stop: &dyn Fn() -> bool) -> Claim {
        if s.closed || (s.complete && s.next >= s.files) || stop() {
            return Claim::End;
        }
        let bound = s.reported + width(s.files, self.threads);
        if s.next < s.files && s.next < bound {
            let first = s.next;
            // Cut at the bound: chunks grow with the list, so a claim made after the list
            // grew need not end where the earlier, smaller ones were aligned.
            s.next = (first + chunk(s.files, self.threads)).min(s.files).min(bound);
            self.claimed.store(s.next, Ordering::Relaxed);
            return Claim::Files(first..s.next);
        }
        Claim::Wait
    }

    /// The first file no worker has claimed yet.
    pub fn claimed(&self) -> usize {
        self.claimed.load(Ordering::Relaxed)
    }

    /// Every file before `reported` has been reported.
    pub fn advance(&self, reported: usize) {
        let mut s = self.lock();
        if reported > s.reported {
            s.reported = reported;
            self.moved(&s);
        }
    }

    /// No more claims: the report stage stopped.
    pub fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        self.moved(&s);
    }
}

/// Closes the window when dropped, so that workers waiting on it end even if the report stage
/// unwinds.
pub struct CloseOnDrop<'w>(pub &'w Window);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Closes the window if the worker holding it unwinds (outside the check of a file, which is
/// isolated): the files it claimed would never be reported, and the others would wait for
/// them forever.
pub struct CloseOnUnwind<'w>(pub &'w Window);

impl Drop for CloseOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A claim made on another thread: still waiting 20 ms later (else `why` fails the test),
    /// and what it returns once `release` has run.
    fn claim_waits_for(w: &Window, why: &str, release: impl FnOnce()) -> Option<Range<usize>> {
        std::thread::scope(|s| {
            let waiting = s.spawn(|| w.claim(&|| false));
            std::thread::sleep(Duration::from_millis(20));
            assert!(!waiting.is_finished(), "{why}");
            release();
            waiting.join().unwrap()
        })
    }

    #[test]
    fn claims_go_in_order_and_stop_at_the_width_until_the_report_moves() {
        let w = Window::new(640, 1);
        assert_eq!((chunk(640, 1), width(640, 1)), (10, 10 * AHEAD));
        let go = || false;
        for k in 0..AHEAD {
            assert_eq!(w.claim(&go), Some(10 * k..10 * (k + 1)));
        }
        // One more claim would reach past 0 + width: it waits until the report moves.
        let past = 10 * AHEAD;
        assert_eq!(claim_waits_for(&w, "claimed past the window", || w.advance(10)), Some(past..past + 10));
        w.close();
        assert_eq!(w.claim(&go), None, "closed");
    }

    #[test]
    fn the_last_chunk_is_short_and_a_stop_ends_a_wait() {
        let w = Window::new(131, 1);
        assert_eq!((chunk(131, 1), width(131, 1)), (2, 2 * AHEAD));
        w.lock().next = 130;
        w.advance(128);
        assert_eq!(w.claim(&|| false), Some(130..131));
        assert_eq!(w.claim(&|| false), None, "all claimed");
        let w = Window::new(131, 1);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let stopped = || stop.load(std::sync::atomic::Ordering::SeqCst);
        for k in 0..AHEAD {
            assert_eq!(w.claim(&stopped), Some(2 * k..2 * (k + 1)));
        }
        std::thread::scope(|s| {
            let waiting = s.spawn(|| w.claim(&stopped));
            // Set the way a signal handler sets it: no notification.
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            assert_eq!(waiting.join().unwrap(), None);
        });
    }

    #[test]
    fn a_claim_never_reaches_past_the_width_when_chunks_grow_with_the_list() {
        let w = Window::growing(1);
        let go = || false;
        w.grow(64);
        assert_eq!((chunk(64, 1), width(64, 1)), (1, AHEAD));
        for k in 0..AHEAD - 1 {
            assert_eq!(w.claim(&go), Some(k..k + 1));
        }
        // Chunks of ten from file 7 on: 7..17, …, 67..77, then 77..80 at the width, not 77..87.
        w.grow(640);
        assert_eq!((chunk(640, 1), width(640, 1)), (10, 10 * AHEAD));
        let mut last = None;
        // Every claim below the width returns at once; the one after waits.
        while w.lock().next < width(640, 1) {
            last = w.claim(&go);
        }
        assert_eq!(last, Some(77..80));
        let past = 10 * AHEAD;
        assert_eq!(claim_waits_for(&w, "claimed past the window", || w.advance(10)), Some(past..past + 10));
    }

    #[test]
    fn a_try_claim_says_wait_where_a_claim_would_wait_and_end_where_it_would_end() {
        let w = Window::growing(1);
        let go = || false;
        assert_eq!(w.try_claim(&go), Claim::Wait, "no file found yet");
        w.grow(640);
        for k in 0..AHEAD {
            assert_eq!(w.try_claim(&go), Claim::Files(10 * k..10 * (k + 1)));
        }
        assert_eq!(w.try_claim(&go), Claim::Wait, "at the width");
        w.advance(640 - 10 * AHEAD);
        w.lock().next = 630;
        w.complete(640);
        assert_eq!(w.try_claim(&go), Claim::Files(630..640));
        assert_eq!(w.try_claim(&go), Claim::End, "all claimed");
        let w = Window::new(640, 1);
        assert_eq!(w.try_claim(&|| true), Claim::End, "stopped");
        w.close();
        assert_eq!(w.try_claim(&go), Claim::End, "closed");
    }

    #[test]
    fn a_growing_list_is_claimed_as_it_grows_and_ends_when_complete() {
        let w = Window::growing(1);
        let go = || false;
        assert_eq!(claim_waits_for(&w, "claimed a file the walk has not found", || w.grow(3)), Some(0..1));
        assert_eq!(w.claim(&go), Some(1..2));
        w.advance(2);
        assert_eq!(w.claim(&go), Some(2..3));
        assert_eq!(claim_waits_for(&w, "ended before the walk did", || w.complete(3)), None);
    }
}
