//! Reading ahead of the workers when the files are not in memory.
//!
//! A file in the page cache is read in a few microseconds; one that must come from the disk or
//! a network share stops its worker until it arrives, and with as many workers as cores only
//! that many reads are ever waited for at once. Over 100,000 files that had left the page
//! cache (eleventh session, docs/performance.md, "files not in memory"), two threads took
//! 6.2–6.6 s and sixteen 2.4–2.5 s, though in memory both take 0.7 s.
//!
//! The workers stay as many as `--threads`. Each notes how often it was put to sleep while
//! checking its files (voluntary context switches, which reading a file in memory never
//! causes; a chunk with a streamed file or a hand-over in it is left out, as those wait on
//! rinken's own threads); once that is one file in four, [`READERS`] threads start opening the files just
//! past the last claimed and asking the system to read them (`posix_fadvise(WILLNEED)`, which
//! does not wait), at most [`LEAD`] files ahead, so that many reads are in flight and the
//! workers find their files in memory. Nothing of what they do reaches a report: a file that
//! cannot be opened ahead is opened by its worker and reported as always.

use super::window::Window;
use crate::input::{Feed, Input};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Threads that read ahead once started.
pub const READERS: usize = 8;

/// How far past the last claimed file they read: enough to keep the reads of the next few
/// chunks in flight, few enough that what they bring in is still in memory when its turn comes.
pub const LEAD: usize = 512;

/// How much of a file is asked for ahead: all of a form file; the worker's own reads bring the
/// rest of a larger one, with the system's usual read-ahead. With [`LEAD`], at most 128 MiB
/// of the page cache is filled ahead of the workers.
const AHEAD_BYTES: i64 = 256 << 10;

/// Files a worker checks between two looks at how often it slept.
const SAMPLE: usize = 64;

#[derive(Default)]
pub struct Prefetch {
    /// Whether the readers were asked to start; `changed` wakes the server when it is set or
    /// when `ended` is (which is set before the lock is taken to notify, so no wake-up is
    /// missed).
    started: Mutex<bool>,
    changed: Condvar,
    ended: AtomicBool,
    /// The next file to read ahead, unless the workers have claimed past it.
    cursor: AtomicUsize,
    /// Files opened ahead so far.
    read: AtomicUsize,
}

impl Prefetch {
    /// Runs the readers once a worker finds its reads waiting, until [`Prefetch::end`]; returns
    /// at once if the run ends first. Call it on a thread of its own beside the workers.
    pub fn serve(&self, feed: &Feed, window: &Window) {
        {
            let mut started = self.started.lock().unwrap_or_else(|e| e.into_inner());
            while !*started && !self.ended() {
                started = self.changed.wait(started).unwrap_or_else(|e| e.into_inner());
            }
        }
        if self.ended() {
            return;
        }
        std::thread::scope(|scope| {
            for i in 0..READERS {
                let spawned = std::thread::Builder::new()
                    .name(format!("rinken-prefetch-{i}"))
                    .spawn_scoped(scope, || self.read_ahead(feed, window));
                // Without a thread more the run goes on as it would have: reading ahead only
                // helps.
                if spawned.is_err() {
                    break;
                }
            }
        });
    }

    /// Starts the readers.
    pub fn start(&self) {
        let mut started = self.started.lock().unwrap_or_else(|e| e.into_inner());
        if !*started {
            *started = true;
            self.changed.notify_all();
        }
    }

    /// Every file is claimed: the readers stop (or never start).
    pub fn end(&self) {
        self.ended.store(true, Ordering::Release);
        let _held = self.started.lock().unwrap_or_else(|e| e.into_inner());
        self.changed.notify_all();
    }

    fn ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    /// Files opened ahead of the workers in this run.
    pub fn files_read(&self) -> usize {
        self.read.load(Ordering::Relaxed)
    }

    fn read_ahead(&self, feed: &Feed, window: &Window) {
        let _folders = crate::input::open::hold_folders();
        let mut next = self.cursor.load(Ordering::Relaxed);
        while !self.ended() {
            let claimed = window.claimed();
            let at = next.max(claimed);
            if at >= feed.len() || at >= claimed + LEAD {
                // Far enough ahead, or at the end of what the walk has found: the workers
                // take a chunk in well under a millisecond from memory.
                std::thread::sleep(Duration::from_millis(1));
                next = self.cursor.load(Ordering::Relaxed);
                continue;
            }
            match self.cursor.compare_exchange_weak(next, at + 1, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    if ask(&feed.get(at)) {
                        self.read.fetch_add(1, Ordering::Relaxed);
                    }
                    next = at + 1;
                }
                Err(now) => next = now,
            }
        }
    }
}

/// Ends the readers when dropped, however the run ends (the workers done, a thread that could
/// not be started, the report stage unwinding), so that a scope waiting for them can end.
pub struct EndOnDrop<'p>(pub &'p Prefetch);

impl Drop for EndOnDrop<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// Asks the system to bring `input` into memory, without waiting for it; whether it could be
/// opened.
fn ask(input: &Input<'_>) -> bool {
    if input.unreadable().is_some() {
        return false;
    }
    let Ok(file) = crate::input::open::open_input(input.path()) else { return false };
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: advice on a descriptor held open here; no memory is passed.
        unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, AHEAD_BYTES, libc::POSIX_FADV_WILLNEED) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, AHEAD_BYTES);
    true
}

/// What one worker saw of its own sleeping, to start [`Prefetch`] when reads wait.
pub struct Watch<'p> {
    prefetch: &'p Prefetch,
    files: usize,
    slept: u64,
    /// The worker's count of sleeps when its chunk began.
    at_start: u64,
}

impl<'p> Watch<'p> {
    pub fn new(prefetch: &'p Prefetch) -> Watch<'p> {
        Watch { prefetch, files: 0, slept: 0, at_start: 0 }
    }

    /// Before a chunk is checked.
    pub fn begin(&mut self) {
        self.at_start = voluntary_switches();
    }

    /// After a chunk of `files` files is checked; a chunk in which the worker may have slept
    /// for anything but its reads (`other_waits`) is left out.
    pub fn end(&mut self, files: usize, other_waits: bool) {
        if other_waits {
            return;
        }
        self.slept += voluntary_switches().saturating_sub(self.at_start);
        self.files += files;
        if self.files >= SAMPLE {
            if waiting(self.slept, self.files) {
                self.prefetch.start();
            }
            (self.files, self.slept) = (0, 0);
        }
    }
}

/// Whether a worker that slept `slept` times over `files` files was waiting for its reads.
fn waiting(slept: u64, files: usize) -> bool {
    slept.saturating_mul(4) >= files as u64
}

/// This thread's voluntary context switches so far: each time it slept in the kernel.
#[cfg(target_os = "linux")]
fn voluntary_switches() -> u64 {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        if libc::getrusage(libc::RUSAGE_THREAD, &mut usage) != 0 {
            return 0;
        }
        usage
    };
    u64::try_from(usage.ru_nvcsw).unwrap_or(0)
}

#[cfg(not(target_os = "linux"))]
fn voluntary_switches() -> u64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_is_waiting_when_it_slept_once_in_four_files() {
        assert!(!waiting(0, 64));
        assert!(!waiting(15, 64));
        assert!(waiting(16, 64));
        assert!(waiting(128, 64));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_worker_that_sleeps_starts_the_readers_and_one_that_does_not_does_not() {
        let prefetch = Prefetch::default();
        let mut watch = Watch::new(&prefetch);
        for _ in 0..4 {
            watch.begin();
            let _busy: u64 = (0..10_000u64).map(std::hint::black_box).sum();
            watch.end(32, false);
        }
        assert!(!*prefetch.started.lock().unwrap(), "no sleep, no readers");
        let sleep = |watch: &mut Watch, other_waits| {
            watch.begin();
            for _ in 0..16 {
                std::thread::sleep(Duration::from_micros(50));
            }
            watch.end(32, other_waits);
        };
        for _ in 0..4 {
            sleep(&mut watch, true);
        }
        assert!(!*prefetch.started.lock().unwrap(), "sleeps of a streamed file or a hand-over count for nothing");
        sleep(&mut watch, false);
        sleep(&mut watch, false);
        assert!(*prefetch.started.lock().unwrap());
    }

    #[test]
    fn readers_never_started_end_with_the_run() {
        let prefetch = Prefetch::default();
        let (feed, window) = (Feed::default(), Window::growing(1));
        std::thread::scope(|s| {
            let serving = s.spawn(|| prefetch.serve(&feed, &window));
            prefetch.end();
            serving.join().unwrap();
        });
        assert_eq!(prefetch.files_read(), 0);
    }

    #[test]
    fn started_readers_open_the_files_past_the_last_claimed_and_end_with_the_run() {
        let tmp = tempfile::tempdir().unwrap();
        let inputs: Vec<_> = (0..40)
            .map(|i| {
                let path = tmp.path().join(format!("{i:02}.xml"));
                std::fs::write(&path, "<x/>").unwrap();
                crate::input::InputBuf::new(path.clone(), path.to_str().unwrap(), &format!("{i:02}.xml"))
            })
            .collect();
        let feed = Feed::complete(inputs);
        let window = Window::new(40, 1);
        let prefetch = Prefetch::default();
        let claimed = window.claim(&|| false).unwrap();
        std::thread::scope(|s| {
            let serving = s.spawn(|| prefetch.serve(&feed, &window));
            prefetch.start();
            let until = std::time::Instant::now() + Duration::from_secs(10);
            while prefetch.files_read() < 40 - claimed.end && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
            prefetch.end();
            serving.join().unwrap();
        });
        assert_eq!(prefetch.files_read(), 40 - claimed.end, "every file past the claimed, once");
    }
}
