//! The per-file report files of a run, written by the report stage or, with two workers or
//! more, by the workers between their chunks.
//!
//! The report stage decides each file's findings in path order (the batch rules need that),
//! but creating the file is the kernel's work, about 10 µs a file on tmpfs and 50 on a disk:
//! three quarters of the report thread's time when every file has a finding. On one thread
//! the report stage, which alone decides, then held the whole run up: 50,000 files with a
//! finding each took as long with two workers as with one. So with two workers or more it
//! queues the files it decides on, and each worker writes those queued before it claims its
//! next chunk. The report stage writes a file itself when the queue is full, and at the end
//! whatever is left. A file's bytes and name are decided before it is queued, so who writes
//! it changes nothing in it; the report is swapped in only once every file is written.

use super::staging::FileWriter;
use crate::run::interrupt::interrupted;
use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Files a worker writes before it claims its next chunk: a few milliseconds of a chunk of
/// 128 files, so that the results it holds go to the report stage soon.
const PER_HELP: usize = 128;

/// Files and bytes queued at most: past either the report stage writes the file itself.
const MAX_QUEUED: usize = 4096;
const MAX_QUEUED_BYTES: usize = 8 << 20;

pub struct Writes {
    writer: FileWriter,
    /// Whether workers take files from the queue (two or more of them).
    shared: bool,
    queue: Mutex<VecDeque<(String, Vec<u8>)>>,
    /// The queue's length and bytes, read without its lock.
    queued: AtomicUsize,
    bytes: AtomicUsize,
    /// The first write that failed; nothing is written after it.
    error: Mutex<Option<io::Error>>,
    /// Whether `error` is set, read without its lock: the report stage asks for every file.
    failed: AtomicBool,
}

impl Writes {
    pub fn new(writer: FileWriter, workers: usize) -> Writes {
        Writes {
            writer,
            shared: workers > 1,
            queue: Mutex::default(),
            queued: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            error: Mutex::new(None),
            failed: AtomicBool::new(false),
        }
    }

    /// From the report stage: `files/<name>.csv` with `bytes`, written now or queued for the
    /// workers.
    pub fn write(&self, name: &str, bytes: Vec<u8>) {
        if self.failed() {
            return;
        }
        let full = self.queued.load(Ordering::Relaxed) >= MAX_QUEUED
            || self.bytes.load(Ordering::Relaxed) + bytes.len() > MAX_QUEUED_BYTES;
        if !self.shared || full {
            return self.write_now(name, &bytes);
        }
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        self.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        queue.push_back((name.to_owned(), bytes));
        self.queued.store(queue.len(), Ordering::Relaxed);
    }

    /// From a worker between chunks: writes up to [`PER_HELP`] queued files (none once the run
    /// is interrupted: its staged report is about to go).
    pub fn help(&self) {
        if self.queued.load(Ordering::Relaxed) > 0 && !interrupted() {
            self.write_queued(PER_HELP);
        }
    }

    /// From the report stage at the end, with the workers gone: writes every file still
    /// queued, unless the run is interrupted meanwhile.
    pub fn drain(&self) {
        while !interrupted() && self.write_queued(PER_HELP) > 0 {}
    }

    /// Writes up to `n` queued files, taken under one lock (the report stage queues under it
    /// too); returns how many there were.
    fn write_queued(&self, n: usize) -> usize {
        let taken: Vec<(String, Vec<u8>)> = {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            let n = n.min(queue.len());
            let taken = queue.drain(..n).collect();
            self.queued.store(queue.len(), Ordering::Relaxed);
            taken
        };
        let count = taken.len();
        // Each file's bytes are counted until they are written and freed.
        for (name, bytes) in taken {
            if !self.failed() {
                self.write_now(&name, &bytes);
            }
            self.bytes.fetch_sub(bytes.len(), Ordering::Relaxed);
        }
        count
    }

    fn write_now(&self, name: &str, bytes: &[u8]) {
        if let Err(e) = self.writer.write(name, bytes) {
            let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
            error.get_or_insert(e);
            self.failed.store(true, Ordering::Relaxed);
        }
    }

    /// Whether a report file could not be written: the run has failed.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// The first write that failed.
    pub fn take_error(&self) -> Option<io::Error> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::staging::Staging;
    use std::path::{Path, PathBuf};

    /// A staging folder in a new temporary folder, and its writes for `workers` workers.
    fn staged(workers: usize) -> (tempfile::TempDir, Writes) {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging::create(&dir.path().join("r")).unwrap();
        let w = Writes::new(s.file_writer(), workers);
        (dir, w)
    }

    /// The `files/` folder of the staging folder [`staged`] made in `dir`.
    fn files(dir: &Path) -> PathBuf {
        dir.join("r").join(format!(".rinken-staging-{}", std::process::id())).join("files")
    }

    fn written(out: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(out)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "csv"))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "summary.csv")
            .collect();
        names.sort();
        names
    }

    #[test]
    fn one_worker_leaves_the_writing_to_the_report_stage() {
        let (dir, w) = staged(1);
        w.write("a.xml", b"1".to_vec());
        assert_eq!(w.queued.load(Ordering::Relaxed), 0);
        assert_eq!(written(dir.path()), ["a.xml.csv"]);
    }

    #[test]
    fn workers_write_what_is_queued_and_the_stage_the_rest() {
        let (dir, w) = staged(2);
        let n = PER_HELP + 40;
        for i in 0..n {
            w.write(&format!("f{i:03}.xml"), b"x".to_vec());
        }
        assert!(written(dir.path()).is_empty(), "queued, not written");
        w.help();
        assert_eq!(written(dir.path()).len(), PER_HELP);
        w.drain();
        assert_eq!(written(dir.path()).len(), n);
        assert_eq!((w.queued.load(Ordering::Relaxed), w.bytes.load(Ordering::Relaxed)), (0, 0));
        assert!(w.take_error().is_none());
    }

    #[test]
    fn a_full_queue_is_written_by_the_stage() {
        let (dir, w) = staged(2);
        for i in 0..MAX_QUEUED + 3 {
            w.write(&format!("f{i:04}.xml"), b"x".to_vec());
        }
        assert_eq!(w.queued.load(Ordering::Relaxed), MAX_QUEUED);
        assert_eq!(written(dir.path()).len(), 3);
    }

    #[test]
    fn a_queue_full_of_bytes_is_written_by_the_stage() {
        let (dir, w) = staged(2);
        let third = MAX_QUEUED_BYTES / 3 + 1;
        for i in 0..3 {
            w.write(&format!("f{i}.xml"), vec![b'x'; third]);
        }
        assert_eq!(w.queued.load(Ordering::Relaxed), 2, "the third would pass 8 MiB");
        assert_eq!(written(dir.path()), ["f2.xml.csv"]);
        w.drain();
        assert_eq!(written(dir.path()).len(), 3);
    }

    #[test]
    fn workers_helping_while_the_stage_queues_write_every_file_once() {
        let (dir, w) = staged(2);
        let done = AtomicBool::new(false);
        let n = 3000;
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    while !done.load(Ordering::Relaxed) {
                        w.help();
                    }
                });
            }
            for i in 0..n {
                w.write(&format!("d{}/f{i:04}.xml", i % 7), i.to_string().into_bytes());
            }
            done.store(true, Ordering::Relaxed);
        });
        w.drain();
        assert!(w.take_error().is_none());
        let files = files(dir.path());
        for i in 0..n {
            let path = files.join(format!("d{}/f{i:04}.xml.csv", i % 7));
            assert_eq!(std::fs::read(&path).unwrap(), i.to_string().as_bytes(), "{path:?}");
        }
        assert_eq!(written(dir.path()).len(), n);
        assert_eq!((w.queued.load(Ordering::Relaxed), w.bytes.load(Ordering::Relaxed)), (0, 0));
    }

    #[test]
    fn the_first_failed_write_is_kept_and_nothing_is_written_after_it() {
        let (dir, w) = staged(2);
        // `files` a file, not a folder: no report can go into it, whoever runs the test.
        let files = files(dir.path());
        std::fs::remove_dir(&files).unwrap();
        std::fs::write(&files, b"").unwrap();
        w.write("a.xml", b"1".to_vec());
        assert!(!w.failed(), "queued, not yet written");
        w.help();
        assert!(w.failed());
        std::fs::remove_file(&files).unwrap();
        std::fs::create_dir(&files).unwrap();
        w.write("b.xml", b"2".to_vec());
        w.drain();
        assert!(written(dir.path()).is_empty(), "nothing after the failure");
        assert!(w.take_error().unwrap().to_string().contains("a.xml.csv"));
    }
}
