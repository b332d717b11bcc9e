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
//! when every file from `reported` on up to `next` is claimed. A worker holds no claim while it
//! waits (it claims one chunk, checks it, hands it over, then claims again), so those files
//! are being checked by workers that are not waiting, or are done and on their way to the
//! report stage: file `reported` arrives, the report moves on, and the window with it.

use std::ops::Range;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Files a worker claims at a time: one hand-over (and one wake-up of the report thread) per
/// chunk instead of per file, small enough that files are still checked nearly in path order.
pub fn chunk(files: usize, threads: usize) -> usize {
    (files / (threads.max(1) * 64)).clamp(1, 32)
}

/// How far past the first unreported file workers may claim: two chunks per worker, one being
/// checked and one waiting to be reported. Every result held for reordering is in that span.
pub fn width(files: usize, threads: usize) -> usize {
    2 * threads.max(1) * chunk(files, threads)
}

struct State {
    next: usize,
    reported: usize,
    closed: bool,
}

pub struct Window {
    state: Mutex<State>,
    moved: Condvar,
    files: usize,
    chunk: usize,
    width: usize,
}

impl Window {
    pub fn new(files: usize, threads: usize) -> Window {
        Window {
            state: Mutex::new(State { next: 0, reported: 0, closed: false }),
            moved: Condvar::new(),
            files,
            chunk: chunk(files, threads),
            width: width(files, threads),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing panics while holding the lock; were it poisoned, the counters are still whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next files to check, in path order; `None` once all are claimed, the window is
    /// closed or `stop()` says so. Waits while they would be `width` or more past the first
    /// file not yet reported.
    pub fn claim(&self, stop: &dyn Fn() -> bool) -> Option<Range<usize>> {
        let mut s = self.lock();
        loop {
            if s.closed || s.next >= self.files || stop() {
                return None;
            }
            if s.next < s.reported + self.width {
                let first = s.next;
                s.next = (first + self.chunk).min(self.files);
                return Some(first..s.next);
            }
            // `stop` is a flag set from a signal handler, which cannot notify: look again now
            // and then.
            s = self.moved.wait_timeout(s, Duration::from_millis(50)).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Every file before `reported` has been reported.
    pub fn advance(&self, reported: usize) {
        let mut s = self.lock();
        if reported > s.reported {
            s.reported = reported;
            self.moved.notify_all();
        }
    }

    /// No more claims: the report stage stopped.
    pub fn close(&self) {
        self.lock().closed = true;
        self.moved.notify_all();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_go_in_order_and_stop_at_the_width_until_the_report_moves() {
        let w = Window::new(640, 1);
        assert_eq!((w.chunk, w.width), (10, 20));
        let go = || false;
        assert_eq!(w.claim(&go), Some(0..10));
        assert_eq!(w.claim(&go), Some(10..20));
        // A third claim would reach 30, past 0 + 20: it waits until the report moves.
        std::thread::scope(|s| {
            let waiting = s.spawn(|| w.claim(&go));
            std::thread::sleep(Duration::from_millis(20));
            assert!(!waiting.is_finished(), "claimed past the window");
            w.advance(10);
            assert_eq!(waiting.join().unwrap(), Some(20..30));
        });
        w.close();
        assert_eq!(w.claim(&go), None, "closed");
    }

    #[test]
    fn the_last_chunk_is_short_and_a_stop_ends_a_wait() {
        let w = Window::new(131, 1);
        assert_eq!((w.chunk, w.width), (2, 4));
        w.lock().next = 130;
        w.advance(128);
        assert_eq!(w.claim(&|| false), Some(130..131));
        assert_eq!(w.claim(&|| false), None, "all claimed");
        let w = Window::new(131, 1);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let stopped = || stop.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!((w.claim(&stopped), w.claim(&stopped)), (Some(0..2), Some(2..4)));
        std::thread::scope(|s| {
            let waiting = s.spawn(|| w.claim(&stopped));
            // Set the way a signal handler sets it: no notification.
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            assert_eq!(waiting.join().unwrap(), None);
        });
    }
}
