//! Opening an input file by its name in the folder of the file opened before it.
//!
//! `open("corpus/2026/R01….xml")` makes the kernel look every folder on the way up again, for
//! every file. Workers take files in path order, so nearly every file is in the folder of the
//! one before: a thread that [holds folders](hold_folders) keeps a handle on that folder and
//! opens the next file in it by name (`openat`). Over 100,000 files in `/tmp/c/100k`, two
//! threads opening and reading them took 0.264–0.306 s that way against 0.295–0.347 s by path
//! (six alternating runs, eleventh session, docs/performance-log.md), and the saving grows with
//! each folder on the way.
//!
//! A handle is taken afresh whenever the folder's path differs from the last one, and only
//! while the thread holds folders: a run's workers hold them for that run, so a handle never
//! outlives the run that listed its folder, and a thread that does not hold them (a caller of
//! [`crate::check::check_file`] of its own) opens every file by path. Within a run, a folder
//! renamed, replaced or deleted while the run goes on may still be read through the handle by
//! the thread that holds it, as it was when the walk listed it; otherwise what a file is, and
//! every error, are the same as opening it by path.

use std::fs::File;
use std::io;
use std::path::Path;

/// Lets this thread open inputs in the folder of the last one until the guard is dropped (see
/// the module's documentation).
pub fn hold_folders() -> HoldFolders {
    set_holding(true);
    HoldFolders(std::marker::PhantomData)
}

/// Ends [`hold_folders`] on its thread when dropped, closing the handle.
pub struct HoldFolders(std::marker::PhantomData<*const ()>);

impl Drop for HoldFolders {
    fn drop(&mut self) {
        set_holding(false);
    }
}

/// Starts or ends holding folders on this thread, for callers that cannot keep a guard on it
/// (a thread pool's threads between two calls); ending closes the handle.
pub fn set_holding(on: bool) {
    #[cfg(unix)]
    unix::set_holding(on);
    #[cfg(not(unix))]
    let _ = on;
}

/// Opens `path` to read, without blocking on a named pipe ([`super::load`] refuses one).
pub fn open_input(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    if let Some(file) = unix::open_in_folder(path) {
        return file;
    }
    open_path(path)
}

/// Opens `path` to read, by its whole path.
pub fn open_path(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading blocks until a writer appears; non-blocking open returns
        // at once, and `load` refuses it.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

#[cfg(unix)]
mod unix {
    use std::cell::RefCell;
    use std::ffi::CString;
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// The folder of the last file this thread opened, and a handle on it.
    struct Folder {
        path: Vec<u8>,
        fd: OwnedFd,
    }

    /// Whether this thread holds folders, and the one it holds.
    enum Holding {
        Off,
        On(Option<Folder>),
    }

    thread_local! {
        static HELD: RefCell<Holding> = const { RefCell::new(Holding::Off) };
    }

    pub(super) fn set_holding(on: bool) {
        HELD.with(|held| {
            if let Ok(mut held) = held.try_borrow_mut() {
                *held = if on { Holding::On(None) } else { Holding::Off };
            }
        });
    }

    /// The longest name opened through the handle (NAME_MAX is 255 on Linux); a longer one is
    /// opened by path, and fails there as it would anyway.
    const NAME_MAX: usize = 255;

    /// `None` when this thread does not hold folders, when `path` is not a name in a folder
    /// given by path (no `/`, a name that is empty, `.`, `..` or too long, a NUL byte), when
    /// the whole path is too long to open by path (which must then fail as it did), or when the
    /// folder cannot be held: the caller then opens it by path.
    pub(super) fn open_in_folder(path: &Path) -> Option<io::Result<File>> {
        let bytes = path.as_os_str().as_bytes();
        if bytes.len() >= libc::PATH_MAX as usize {
            return None;
        }
        let slash = memchr::memrchr(b'/', bytes)?;
        let (folder, name) = (&bytes[..slash.max(1)], &bytes[slash + 1..]);
        if name.is_empty() || name == b"." || name == b".." || name.len() > NAME_MAX || name.contains(&0) {
            return None;
        }
        let mut cname = [0u8; NAME_MAX + 1];
        cname[..name.len()].copy_from_slice(name);
        HELD.with(|held| {
            let mut held = held.try_borrow_mut().ok()?;
            let Holding::On(held) = &mut *held else { return None };
            if held.as_ref().is_none_or(|f| f.path != folder) {
                // The old handle is closed first, so a thread never holds two.
                *held = None;
                *held = Some(Folder { path: folder.to_vec(), fd: open_folder(folder)? });
            }
            let dir = held.as_ref()?.fd.as_raw_fd();
            let flags = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC;
            // SAFETY: `cname` ends in NUL (the name is shorter and holds none); `dir` is open.
            let fd = unsafe { libc::openat(dir, cname.as_ptr().cast(), flags) };
            Some(if fd < 0 {
                Err(io::Error::last_os_error())
            } else {
                // SAFETY: `fd` was just opened and is owned by nothing else.
                Ok(unsafe { File::from_raw_fd(fd) })
            })
        })
    }

    fn open_folder(folder: &[u8]) -> Option<OwnedFd> {
        let c = CString::new(folder).ok()?;
        // A handle only to look names up in: O_PATH needs no right to read the folder, as a
        // path does not. Elsewhere the folder must be readable, or files are opened by path.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let how = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let how = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
        // SAFETY: `c` is a NUL-terminated path.
        let fd = unsafe { libc::open(c.as_ptr(), how) };
        // SAFETY: `fd` was just opened and is owned by nothing else.
        (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// The folder this thread holds a handle on, if any.
    #[cfg(test)]
    pub(super) fn held() -> Option<Vec<u8>> {
        HELD.with(|h| match &*h.borrow() {
            Holding::On(Some(f)) => Some(f.path.clone()),
            _ => None,
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Read;

    fn read(path: &Path) -> io::Result<String> {
        let mut text = String::new();
        open_input(path)?.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn files_are_opened_by_name_in_the_folder_held_and_read_as_by_path() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("1.xml"), "a1").unwrap();
        std::fs::write(a.join("2.xml"), "a2").unwrap();
        std::fs::write(b.join("1.xml"), "b1").unwrap();
        let held = || unix::held().map(|p| String::from_utf8(p).unwrap());
        let a_text = a.to_str().unwrap().to_owned();
        std::thread::spawn(move || {
            assert_eq!(read(&a.join("1.xml")).unwrap(), "a1");
            assert_eq!(held(), None, "a thread that does not hold folders opens by path");
            let holding = hold_folders();
            assert_eq!(read(&a.join("1.xml")).unwrap(), "a1");
            assert_eq!(held().as_deref(), Some(a_text.as_str()));
            assert_eq!(read(&a.join("2.xml")).unwrap(), "a2");
            assert_eq!(read(&b.join("1.xml")).unwrap(), "b1", "another folder, another handle");
            assert_eq!(read(&a.join("1.xml")).unwrap(), "a1", "and back");
            assert_eq!(held().as_deref(), Some(a_text.as_str()));
            assert_eq!(read(&a.join("none.xml")).unwrap_err().kind(), io::ErrorKind::NotFound);
            assert_eq!(read(&a.join("none/1.xml")).unwrap_err().kind(), io::ErrorKind::NotFound);
            let folder_as_file = open_input(&a).unwrap().read_to_end(&mut Vec::new()).unwrap_err();
            assert_eq!(folder_as_file.raw_os_error(), Some(libc::EISDIR));
            assert_eq!(read(&a.join("1.xml/x.xml")).unwrap_err().raw_os_error(), Some(libc::ENOTDIR));
            drop(holding);
            assert_eq!(held(), None, "the handle ends with the hold");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn names_not_under_a_folder_are_opened_by_path() {
        let tmp = tempfile::tempdir().unwrap();
        let long = tmp.path().join("x".repeat(300));
        std::thread::spawn(move || {
            let _holding = hold_folders();
            assert!(read(Path::new("Cargo.toml")).unwrap().contains("[package]"), "no folder in the path");
            assert_eq!(unix::held(), None);
            assert!(read(Path::new("/")).is_err(), "the root is a folder");
            assert_eq!(read(&long).unwrap_err().raw_os_error(), Some(libc::ENAMETOOLONG));
            assert_eq!(read(Path::new("src/..")).unwrap_err().raw_os_error(), Some(libc::EISDIR));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_path_too_long_to_open_by_path_fails_as_it_did() {
        // The folder's path fits in PATH_MAX, the whole path does not: by name in the folder
        // the file would open, by path it cannot, and it must not start to.
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let mut folder = tmp.path().to_path_buf();
        // Segments of 201 bytes: the folder ends 3,850 to 4,050 bytes long, the path 256 more.
        while folder.as_os_str().len() < libc::PATH_MAX as usize - 246 {
            folder.push("d".repeat(200));
        }
        std::fs::create_dir_all(&folder).unwrap();
        let name = "f".repeat(255);
        let c = std::ffi::CString::new(folder.as_os_str().as_bytes()).unwrap();
        let cname = std::ffi::CString::new(name.as_bytes()).unwrap();
        // SAFETY: both strings end in NUL; the descriptors are closed here.
        unsafe {
            let dir = libc::open(c.as_ptr(), libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC);
            assert!(dir >= 0);
            let fd = libc::openat(dir, cname.as_ptr(), libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC, 0o644);
            assert!(fd >= 0);
            libc::close(fd);
            libc::close(dir);
        }
        let path = folder.join(&name);
        assert!(path.as_os_str().len() >= libc::PATH_MAX as usize);
        std::thread::spawn(move || {
            let _holding = hold_folders();
            assert_eq!(open_input(&path).unwrap_err().raw_os_error(), Some(libc::ENAMETOOLONG));
        })
        .join()
        .unwrap();
    }
}
