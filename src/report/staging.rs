//! Reports appear whole or not at all.
//!
//! A run writes everything into a staging folder inside the report folder and, once complete,
//! swaps it in: the old `summary.csv` is moved aside first and the new one moved in last, so at
//! every moment a `summary.csv` that exists belongs to the `files/` beside it. An interrupted
//! run removes its staging folder and leaves the previous report as it was.

use crate::input::walk::report_name_parts;
use crate::report::csv::{FILE_HEADER, SUMMARY_HEADER};
use std::collections::HashSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Staging folders of the runs under way (one for the command line), and every write into
/// them, under one lock: a second Ctrl-C, which ends the process at once, removes them all
/// and keeps the lock until the process is gone, so nothing can create them again. Writes
/// into a staging folder (report files, pieces of `summary.csv`) take its read side, so that
/// the workers helping the report stage (`report::writes`) write side by side; creating,
/// swapping in and removing a staging folder take its write side.
pub struct Registry(RwLock<Live>);

pub struct Live {
    dirs: Vec<PathBuf>,
    committed: bool,
}

impl Live {
    /// Whether the latest run swapped its report in.
    pub fn committed(&self) -> bool {
        self.committed
    }
}

impl Registry {
    pub const fn new() -> Registry {
        Registry(RwLock::new(Live { dirs: Vec::new(), committed: false }))
    }

    fn lock(&self) -> RwLockWriteGuard<'_, Live> {
        // The lock guards plain data, whole even if a write panicked while holding it.
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> RwLockReadGuard<'_, Live> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes every staging folder under way and returns the lock, to be held until the
    /// process exits.
    pub fn remove_all(&self) -> RwLockWriteGuard<'_, Live> {
        let mut live = self.lock();
        for dir in live.dirs.drain(..) {
            let _ = std::fs::remove_dir_all(dir);
        }
        live
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

static LIVE: Registry = Registry::new();

/// [`Registry::remove_all`] on the staging folders of this process.
pub fn remove_all_for_exit() -> RwLockWriteGuard<'static, Live> {
    LIVE.remove_all()
}

pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
}

/// Writes the per-file reports of one staging folder, from any thread.
pub struct FileWriter {
    /// The staging folder, as registered: compared by its bytes with the folders under way.
    staging: PathBuf,
    files: PathBuf,
    /// Folders under `files/` made so far: each is made once, under this lock, before a report
    /// goes into it.
    made: Mutex<HashSet<PathBuf>>,
}

impl FileWriter {
    /// Writes `files/<name>.csv`, while its staging folder is under way (not yet swapped in,
    /// dropped or removed: a write then would make its folders again).
    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let live = LIVE.read();
        // As bytes: a `Path` comparison parses both into components, for every report file.
        if !live.dirs.iter().any(|d| d.as_os_str() == self.staging.as_os_str()) {
            let gone = io::Error::other("the staging folder is no longer under way");
            return Err(context(&self.files, gone));
        }
        let (path, in_folder) = report_path(&self.files, name);
        if let Some(parent) = path.parent().filter(|_| in_folder) {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(parent) {
                std::fs::create_dir_all(parent).map_err(|e| context(parent, e))?;
                made.insert(parent.to_path_buf());
            }
        }
        std::fs::write(&path, bytes).map_err(|e| context(&path, e))
    }
}

/// `files/<name>.csv`, made of `name`'s [`report_name_parts`], and whether it lies in a folder
/// below `files/`. Built as text, one part after another: collecting the parts into a
/// `PathBuf`, joining it and setting its file name parsed the path three times (about 2,800
/// instructions a report file).
fn report_path(files: &Path, name: &str) -> (PathBuf, bool) {
    let mut parts = report_name_parts(name).peekable();
    if parts.peek().is_none() {
        // No part at all: the report of the folder `files` itself, as `Path::set_file_name`
        // made it (no input is named so; kept for the same answer in every case).
        return (files.with_extension("csv"), false);
    }
    let mut path = files.as_os_str().to_owned();
    path.reserve(name.len() + 5);
    let mut n = 0;
    for part in parts {
        path.push(std::path::MAIN_SEPARATOR_STR);
        path.push(part);
        n += 1;
    }
    path.push(".csv");
    (PathBuf::from(path), n > 1)
}

fn context(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Why `out` holds something a commit must not replace, if it does. A commit replaces
/// `summary.csv` and `files/` whole, so they must be a report's: `--out .` in a folder whose
/// `files/` holds the submissions, or `--out` at the input folder itself, would otherwise
/// delete them. A report's `summary.csv` and each CSV under `files/` start with their header;
/// `files/` holds nothing else but folders and the files a desktop leaves beside ones a user
/// opened (`.DS_Store`, `Thumbs.db`, an editor's lock file). Anything else stops the run
/// before it starts.
pub fn foreign(out: &Path) -> Option<(PathBuf, Foreign)> {
    match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => return Some((out.to_path_buf(), Foreign::NotAFolder)),
        Ok(_) => {}
        Err(_) => return None,
    }
    let summary = out.join("summary.csv");
    if let Ok(m) = std::fs::symlink_metadata(&summary) {
        if !(m.is_file() && (m.len() == 0 || starts_with(&summary, &SUMMARY_HEADER[..2]))) {
            return Some((summary, Foreign::NotASummary));
        }
    }
    let files = out.join("files");
    if std::fs::symlink_metadata(&files).is_ok() {
        for entry in walkdir::WalkDir::new(&files) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return Some((e.path().unwrap_or(&files).to_path_buf(), Foreign::Unreadable)),
            };
            let (kind, name) = (entry.file_type(), entry.file_name().as_encoded_bytes());
            let report = kind.is_file() && name.ends_with(b".csv") && starts_with(entry.path(), &FILE_HEADER[..3]);
            if !(report || kind.is_dir() || kind.is_file() && desktop_litter(name)) {
                return Some((entry.into_path(), Foreign::NotAReport));
            }
        }
    }
    None
}

/// Whether the file at `path` starts with these columns of a report's header (after a UTF-8
/// byte-order mark if any): the report's own header, as `crate::report::csv` writes it.
fn starts_with(path: &Path, columns: &[&str]) -> bool {
    let header: String = columns.iter().map(|c| format!("{c},")).collect();
    let mut head = Vec::new();
    // What was read before an error is kept in `head`, and judged like the rest.
    let _ = std::fs::File::open(path).and_then(|f| f.take(header.len() as u64 + 3).read_to_end(&mut head));
    let head = &head[..];
    head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head).starts_with(header.as_bytes())
}

/// Files a desktop or an editor leaves in a folder someone browsed or a report they opened.
fn desktop_litter(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with(b".") || name.starts_with(b"~$") || lower == b"thumbs.db" || lower == b"desktop.ini"
}

/// What [`foreign`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    NotAFolder,
    NotASummary,
    NotAReport,
    Unreadable,
}

impl Staging {
    /// Creates the report folder (if missing) and a fresh staging folder inside it.
    pub fn create(out: &Path) -> io::Result<Staging> {
        let mut live = LIVE.lock();
        std::fs::create_dir_all(out).map_err(|e| context(out, e))?;
        let dir = out.join(format!(".rinken-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| context(&dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| context(&dir, e))?;
        std::fs::create_dir(dir.join("files")).map_err(|e| context(&dir, e))?;
        // Fail now, not after checking 100,000 files, when the folder is not writable.
        let probe = dir.join("summary.csv");
        std::fs::write(&probe, b"").map_err(|e| context(&probe, e))?;
        live.dirs.push(dir.clone());
        live.committed = false;
        Ok(Staging { out: out.to_path_buf(), dir })
    }

    /// The writer of this staging folder's `files/<name>.csv`.
    pub fn file_writer(&self) -> FileWriter {
        FileWriter { staging: self.dir.clone(), files: self.dir.join("files"), made: Mutex::default() }
    }

    /// Appends to a file at the top of the report (summary.csv, written as the run goes). The
    /// file is opened for each piece, under the lock like every other write (its read side, as
    /// the workers' report files), so no handle stays open while the staging folder may be
    /// removed.
    pub fn append_top(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        let _live = LIVE.read();
        let path = self.dir.join(name);
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| context(&path, e))
    }

    /// Swaps the staged report in, replacing the previous one.
    pub fn commit(self, tops: &[&str]) -> io::Result<()> {
        let mut live = LIVE.lock();
        self.swap_in(tops)?;
        live.dirs.retain(|d| *d != self.dir);
        live.committed = true;
        Ok(())
    }

    fn swap_in(&self, tops: &[&str]) -> io::Result<()> {
        let old = self.out.join(format!(".rinken-old-{}", std::process::id()));
        std::fs::create_dir_all(&old).map_err(|e| context(&old, e))?;
        let summary = "summary.csv";
        let mv = |from: &Path, to: &Path| std::fs::rename(from, to).map_err(|e| context(from, e));
        let live = |n: &str| self.out.join(n);
        if live(summary).exists() {
            mv(&live(summary), &old.join(summary))?;
        }
        for name in tops.iter().filter(|n| **n != summary).chain(["files"].iter()) {
            if live(name).exists() {
                mv(&live(name), &old.join(name))?;
            }
            if self.dir.join(name).exists() {
                mv(&self.dir.join(name), &live(name))?;
            }
        }
        mv(&self.dir.join(summary), &live(summary))?;
        let _ = std::fs::remove_dir_all(&old);
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }

    /// Drops the staged report; the previous report stays as it was.
    pub fn abandon(self) {
        let mut live = LIVE.lock();
        let _ = std::fs::remove_dir_all(&self.dir);
        live.dirs.retain(|d| *d != self.dir);
    }

    /// Whether a complete report from an earlier run exists.
    pub fn previous_exists(&self) -> bool {
        self.out.join("summary.csv").exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A staging folder for the report folder `r` in a new temporary folder, which lives as
    /// long as the first of the three.
    fn staged() -> (tempfile::TempDir, PathBuf, Staging) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        let s = Staging::create(&out).unwrap();
        (dir, out, s)
    }

    #[test]
    fn a_report_path_drops_empty_and_dot_parts_and_ends_in_csv() {
        let files = Path::new("out").join("files");
        let want = |parts: &[&str]| {
            let mut p = files.clone();
            parts.iter().for_each(|part| p.push(part));
            p
        };
        assert_eq!(report_path(&files, "R1.xml"), (want(&["R1.xml.csv"]), false));
        assert_eq!(report_path(&files, "提出/病院 A/R1.xml"), (want(&["提出", "病院 A", "R1.xml.csv"]), true));
        assert_eq!(report_path(&files, "/a//./b/../c.xml"), (want(&["a", "b", "c.xml.csv"]), true));
        assert_eq!(report_path(&files, "./x"), (want(&["x.csv"]), false));
        assert_eq!(report_path(&files, "../.."), (Path::new("out").join("files.csv"), false));
    }

    #[test]
    fn commit_replaces_the_previous_report_entirely() {
        let (_dir, out, s) = staged();
        s.file_writer().write("a/b.xml", b"1").unwrap();
        s.file_writer().write("c.xml", b"2").unwrap();
        s.append_top("summary.csv", b"S1").unwrap();
        s.commit(&["summary.csv"]).unwrap();
        assert_eq!(std::fs::read(out.join("files/a/b.xml.csv")).unwrap(), b"1");
        let s = Staging::create(&out).unwrap();
        assert!(s.previous_exists());
        s.file_writer().write("c.xml", b"3").unwrap();
        s.append_top("summary.csv", b"S2").unwrap();
        s.commit(&["summary.csv"]).unwrap();
        assert!(!out.join("files/a/b.xml.csv").exists(), "stale reports are gone");
        assert_eq!(std::fs::read(out.join("files/c.xml.csv")).unwrap(), b"3");
        assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), b"S2");
        let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    }

    #[test]
    fn abandon_keeps_the_previous_report() {
        let (_dir, out, s) = staged();
        s.append_top("summary.csv", b"S1").unwrap();
        s.commit(&["summary.csv"]).unwrap();
        let s = Staging::create(&out).unwrap();
        s.file_writer().write("x.xml", b"new").unwrap();
        s.abandon();
        assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), b"S1");
        assert!(!out.join("files/x.xml.csv").exists());
    }

    #[test]
    fn removing_all_for_an_exit_removes_each_folder_and_keeps_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::new();
        let staged = dir.path().join(".rinken-staging-1");
        std::fs::create_dir_all(staged.join("files/a")).unwrap();
        registry.lock().dirs.push(staged.clone());
        let live = registry.remove_all();
        assert!(!staged.exists());
        assert!(registry.0.try_read().is_err(), "held: no write can follow");
        assert!(!live.committed());
    }

    #[test]
    fn writers_side_by_side_make_each_folder_before_its_reports() {
        let (_dir, out, s) = staged();
        let w = s.file_writer();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let w = &w;
                scope.spawn(move || {
                    for i in 0..50 {
                        w.write(&format!("d{}/e{}/f{t}-{i}.xml", i % 5, i % 3), b"x").unwrap();
                    }
                });
            }
        });
        s.append_top("summary.csv", b"S").unwrap();
        s.commit(&["summary.csv"]).unwrap();
        let n =
            walkdir::WalkDir::new(out.join("files")).into_iter().filter(|e| e.as_ref().unwrap().file_type().is_file());
        assert_eq!(n.count(), 200);
    }

    #[test]
    fn nothing_is_written_once_the_staging_folder_is_swapped_in_or_dropped() {
        let (_dir, out, s) = staged();
        let w = s.file_writer();
        s.commit(&["summary.csv"]).unwrap();
        assert!(w.write("late.xml", b"1").is_err());
        let s = Staging::create(&out).unwrap();
        let w = s.file_writer();
        s.abandon();
        assert!(w.write("late/x.xml", b"1").is_err());
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().starts_with(".rinken-staging")), "{left:?}");
        assert!(!out.join("files/late.xml.csv").exists());
    }

    #[test]
    fn names_cannot_escape_the_report_folder() {
        let (dir, _, s) = staged();
        s.file_writer().write("../../etc/x.xml", b"1").unwrap();
        assert!(dir
            .path()
            .join("r")
            .join(format!(".rinken-staging-{}", std::process::id()))
            .join("files/etc/x.xml.csv")
            .exists());
    }
}
