//! Files checked before their turn, while the walk is still reading the listing they are in.
//!
//! The order of a folder's files is known only once its whole listing is read and sorted: for
//! 100,000 files about 40 ms, in which the workers had nothing to do (about a twentieth of a
//! run on two cores). The walk offers them the folder's files as the listing comes
//! ([`Offer`]); a file checked so is kept here by its path, and when its turn comes the worker
//! that claims it takes the result instead of checking it again. A file's result depends on its path and its bytes
//! only, so where and when it was made changes nothing in any report.
//!
//! Each file is checked once. A file is taken here only until the listing ends, before any
//! file's turn can come; one offered and not taken by then is dropped, and checked in its turn.
//! A worker that claims a file still being checked here goes on with its other files, and the
//! worker checking it hands its result to the report stage under the claimed index. A result
//! nobody claims (a path the walk then skipped) is freed at the end.

use super::window;
use crate::check::FileResult;
use crate::input::{InputBuf, Offer};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Files offered and not yet taken: a few more than the workers can take at once, so that the
/// walk builds few inputs that the end of the listing drops.
const MAX_QUEUED: usize = 64;

/// Bytes of findings that results checked early may keep, all together: they wait for their
/// turn, which for a file late in path order is near the run's end (a result without findings
/// is a few hundred bytes; one file may keep up to `check::MAX_KEPT_BYTES`).
const MAX_EARLY_BYTES: usize = 16 << 20;

/// How long a worker waiting for an offer sleeps before it looks at an interrupt again (a
/// wake-up missed would cost no more).
const INTERRUPT_POLL: Duration = Duration::from_millis(20);

pub struct Early {
    threads: usize,
    queue: Mutex<VecDeque<InputBuf>>,
    offered: Condvar,
    /// Until the walk closes the offers.
    open: AtomicBool,
    /// Files in `queue`, read by the walk without the lock.
    queued: AtomicUsize,
    /// Files listed so far, inputs offered or not: their number sets how many may be taken.
    listed: AtomicUsize,
    /// Files taken so far: at most as many as the window lets the workers check past a file
    /// not reported yet ([`window::width`] of the files listed so far, which is at most that of
    /// all the files). Their results wait here for their turn as those wait in the report
    /// stage, so a slow first file holds at most twice the window's results.
    taken: AtomicUsize,
    /// By path, the files taken.
    results: Mutex<FxHashMap<Box<[u8]>, Slot>>,
    /// Entries in `results`: while there are none, a claimed file costs one load here.
    held: AtomicUsize,
    /// Bytes of findings kept by the results in `results`.
    bytes: AtomicUsize,
    /// Files checked here.
    done: AtomicUsize,
}

enum Slot {
    Checking,
    /// Being checked, and claimed meanwhile as the input at this index.
    Claimed(usize),
    Checked(FileResult),
}

/// What [`Early::take`] found for a claimed file.
pub enum Taken {
    /// Not checked here: the claimer checks it.
    No,
    /// Checked here.
    Result(FileResult),
    /// Being checked here: the worker checking it hands the result over under this index.
    Later,
}

/// A lock whose holder panicked still guards consistent data here (each change is one call
/// on a collection), so it is taken as it is.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn key(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

impl Offer for Early {
    fn offer(&self, make: &mut dyn FnMut() -> InputBuf) {
        let listed = self.listed.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.open.load(Ordering::Relaxed)
            || !self.has_room(listed)
            || self.queued.load(Ordering::Relaxed) >= MAX_QUEUED
        {
            return;
        }
        // Built without the lock, which the workers wait on.
        let input = make();
        let mut queue = lock(&self.queue);
        queue.push_back(input);
        self.queued.store(queue.len(), Ordering::Relaxed);
        drop(queue);
        self.offered.notify_one();
    }

    fn close(&self) {
        self.open.store(false, Ordering::Relaxed);
        let dropped = std::mem::take(&mut *lock(&self.queue));
        self.queued.store(0, Ordering::Relaxed);
        self.offered.notify_all();
        drop(dropped);
    }
}

impl Early {
    /// For a run with `threads` workers.
    pub fn new(threads: usize) -> Early {
        Early {
            threads,
            queue: Mutex::new(VecDeque::with_capacity(MAX_QUEUED)),
            offered: Condvar::new(),
            open: AtomicBool::new(true),
            queued: AtomicUsize::new(0),
            listed: AtomicUsize::new(0),
            taken: AtomicUsize::new(0),
            results: Mutex::new(FxHashMap::default()),
            held: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    /// Whether another file may be taken once `listed` are listed.
    fn has_room(&self, listed: usize) -> bool {
        self.taken.load(Ordering::Relaxed) < window::width(listed, self.threads)
            && self.bytes.load(Ordering::Relaxed) < MAX_EARLY_BYTES
    }

    /// The next file offered, waiting for one while the walk may still offer; `None` once it
    /// will not (or `stop` says the run is over).
    pub fn next(&self, stop: &dyn Fn() -> bool) -> Option<InputBuf> {
        let mut queue = lock(&self.queue);
        loop {
            if !self.open.load(Ordering::Relaxed) || stop() {
                return None;
            }
            if !self.has_room(self.listed.load(Ordering::Relaxed)) {
                // As many taken as may wait: those offered are checked in their turn.
                queue.clear();
                self.queued.store(0, Ordering::Relaxed);
            } else if let Some(input) = queue.pop_front() {
                self.queued.store(queue.len(), Ordering::Relaxed);
                // Known as taken before the offers can close, and so before its turn can come.
                lock(&self.results).insert(key(input.path()).into(), Slot::Checking);
                self.held.fetch_add(1, Ordering::Release);
                self.taken.fetch_add(1, Ordering::Relaxed);
                return Some(input);
            }
            queue = self.offered.wait_timeout(queue, INTERRUPT_POLL).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// How many files were checked here.
    pub fn checked(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Keeps the result of a file [`Early::next`] gave; if its turn came meanwhile, returns it
    /// with the index it was claimed as, for this worker to hand over.
    pub fn put(&self, input: &InputBuf, result: FileResult) -> Option<(usize, FileResult)> {
        self.done.fetch_add(1, Ordering::Relaxed);
        let mut results = lock(&self.results);
        let key = key(input.path());
        let slot = results.get_mut(key).expect("taken by next");
        if let Slot::Claimed(index) = *slot {
            results.remove(key);
            self.held.fetch_sub(1, Ordering::Relaxed);
            return Some((index, result));
        }
        self.bytes.fetch_add(result.overflow.kept_bytes(), Ordering::Relaxed);
        *slot = Slot::Checked(result);
        None
    }

    /// What was done here for the file at `path`, claimed as the input at `index`: a second
    /// input with the same path finds nothing and is checked again.
    pub fn take(&self, path: &Path, index: usize) -> Taken {
        if self.held.load(Ordering::Acquire) == 0 {
            return Taken::No;
        }
        let key = key(path);
        let mut results = lock(&self.results);
        let Some(slot) = results.get_mut(key) else { return Taken::No };
        match slot {
            Slot::Checking => {
                *slot = Slot::Claimed(index);
                Taken::Later
            }
            Slot::Claimed(_) => Taken::No,
            Slot::Checked(_) => {
                let Some(Slot::Checked(result)) = results.remove(key) else { unreachable!("just matched") };
                self.held.fetch_sub(1, Ordering::Relaxed);
                self.bytes.fetch_sub(result.overflow.kept_bytes(), Ordering::Relaxed);
                Taken::Result(result)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::FileKind;
    use std::path::PathBuf;

    fn input(name: &str) -> InputBuf {
        InputBuf::new(PathBuf::from(format!("in/{name}")), &format!("in/{name}"), name)
    }

    /// Offers `name`, telling whether its input was built.
    fn offer(early: &Early, name: &str) -> bool {
        let mut built = false;
        early.offer(&mut || {
            built = true;
            input(name)
        });
        built
    }

    fn never() -> bool {
        false
    }

    #[test]
    fn offers_are_taken_in_order_until_the_listing_ends_and_then_dropped() {
        let early = Early::new(2);
        assert!(offer(&early, "a.xml") && offer(&early, "b.xml"));
        assert_eq!(early.next(&never).map(|i| i.path().to_owned()), Some(PathBuf::from("in/a.xml")));
        early.close();
        assert!(early.next(&never).is_none(), "b.xml is checked in its turn");
        assert!(!offer(&early, "c.xml"), "nothing is built after the end");
        assert!(early.next(&never).is_none());
    }

    #[test]
    fn the_walk_builds_no_input_past_a_full_queue_or_the_window() {
        let early = Early::new(1);
        for i in 0..MAX_QUEUED {
            assert!(offer(&early, &format!("{i}.xml")), "{i}");
        }
        assert!(!offer(&early, "more.xml"), "the queue is full");
        // As many may be taken as the window of the files listed lets wait.
        let mut listed = MAX_QUEUED + 1;
        let taken = window::width(listed, 1);
        for _ in 0..taken {
            early.next(&never).expect("queued");
        }
        assert!(!offer(&early, "x.xml"));
        listed += 1;
        // The window widens with the files listed.
        while !offer(&early, "x.xml") {
            listed += 1;
        }
        listed += 1;
        assert!(window::width(listed, 1) > taken && window::width(listed - 1, 1) == taken, "{listed}");
        assert!(early.next(&never).is_some());
    }

    #[test]
    fn results_past_the_byte_budget_stop_the_taking() {
        let early = Early::new(2);
        assert!(offer(&early, "a.xml"));
        early.bytes.store(MAX_EARLY_BYTES, Ordering::Relaxed);
        assert!(!offer(&early, "b.xml"), "no input built");
        // Asked once to go on, then to stop: the queue is dropped and nothing taken.
        let asked = std::cell::Cell::new(0);
        let waited = early.next(&|| {
            asked.set(asked.get() + 1);
            asked.get() > 1
        });
        assert!(waited.is_none() && early.queue.lock().unwrap().is_empty(), "a.xml is checked in its turn");
        early.bytes.store(0, Ordering::Relaxed);
        assert!(offer(&early, "c.xml"));
        assert_eq!(early.next(&never).map(|i| i.path().to_owned()), Some(PathBuf::from("in/c.xml")));
    }

    #[test]
    fn a_waiting_worker_wakes_for_an_offer_the_end_or_an_interrupt() {
        let early = Early::new(2);
        let interrupted = AtomicBool::new(false);
        std::thread::scope(|s| {
            let taken = s.spawn(|| early.next(&never).map(|i| i.path().to_owned()));
            std::thread::sleep(Duration::from_millis(10));
            offer(&early, "a.xml");
            assert_eq!(taken.join().unwrap(), Some(PathBuf::from("in/a.xml")));
            let ended = s.spawn(|| early.next(&|| interrupted.load(Ordering::Relaxed)));
            std::thread::sleep(Duration::from_millis(10));
            interrupted.store(true, Ordering::Relaxed);
            assert!(ended.join().unwrap().is_none());
            let closed = s.spawn(|| early.next(&never));
            std::thread::sleep(Duration::from_millis(10));
            early.close();
            assert!(closed.join().unwrap().is_none());
        });
    }

    #[test]
    fn a_result_is_taken_once_by_its_path() {
        let early = Early::new(2);
        assert!(matches!(early.take(Path::new("in/a.xml"), 0), Taken::No));
        offer(&early, "a.xml");
        let a = early.next(&never).unwrap();
        let result = FileResult { records: 3, kind: FileKind::Batch, ..crate::check::empty_result() };
        assert!(early.put(&a, result).is_none(), "not claimed yet");
        assert!(matches!(early.take(Path::new("in/b.xml"), 1), Taken::No));
        let Taken::Result(taken) = early.take(a.path(), 0) else { panic!("kept") };
        assert_eq!((taken.records, taken.kind), (3, FileKind::Batch));
        assert!(matches!(early.take(a.path(), 5), Taken::No), "a second input of that path is checked again");
        assert_eq!((early.held.load(Ordering::Relaxed), early.checked()), (0, 1));
    }

    #[test]
    fn a_file_claimed_while_it_is_checked_early_is_handed_over_by_its_checker() {
        let early = Early::new(2);
        offer(&early, "a.xml");
        let a = early.next(&never).unwrap();
        early.close();
        assert!(matches!(early.take(a.path(), 7), Taken::Later), "the claimer goes on");
        assert!(matches!(early.take(a.path(), 8), Taken::No), "a second input of that path");
        let handed = early.put(&a, FileResult { records: 5, ..crate::check::empty_result() });
        assert_eq!(handed.map(|(i, r)| (i, r.records)), Some((7, 5)));
        assert_eq!(early.held.load(Ordering::Relaxed), 0);
    }
}
