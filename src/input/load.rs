//! Reading one input file, once.
//!
//! Files up to 16 MiB are read whole with plain `read` calls; larger ones are read in 1 MiB
//! pieces and parsed in place (`parse::pieces`, `check::stream`). Memory maps were measured and do not pay here
//! (docs/performance.md): for 20,000 forms of 1.5 KB, read took 0.13–0.17 s and mmap 0.44 s
//! (a map costs more system calls and page faults than copying a page); for a 1 GB batch,
//! chunked reads and a map both took 0.13–0.26 s, but the map made the process 978 MB larger.
//! A map would also turn a file truncated during the run into SIGBUS. Opening
//! is guarded so that nothing an attacker can name blocks or crashes the run: a named pipe is
//! opened non-blocking and refused once a read finds it empty or waiting ([`read_file`]), a
//! device once it gives more than a form file holds, and nothing is mapped, so a file truncated
//! while it is read cannot raise SIGBUS.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

/// Why a file could not be read (F001).
#[derive(Debug)]
pub enum LoadError {
    Io(io::Error),
    NotRegular,
    /// A folder whose entries cannot be listed, with the system's reason.
    Unlistable(String),
    /// Larger than the limit this run accepts.
    TooLarge(u64),
}

/// Why reading failed, in the run's language: the usual causes in words of their own, any
/// other with the system's text (which is English) in brackets.
fn io_reason(e: &io::Error, lang: crate::lang::Lang) -> String {
    let (ja, en) = match e.kind() {
        io::ErrorKind::NotFound => {
            ("ファイルがありません (削除されたか、リンク先がありません)", "no such file (deleted, or a dangling link)")
        }
        io::ErrorKind::PermissionDenied => ("読み取り権限がありません", "permission denied"),
        io::ErrorKind::IsADirectory => ("ファイルではなくフォルダです", "a folder, not a file"),
        _ => return crate::tr!(lang, "読み取りエラー ({e})", "read error ({e})"),
    };
    lang.pick(ja, en).to_owned()
}

impl LoadError {
    pub fn describe(&self, lang: crate::lang::Lang) -> String {
        use crate::tr;
        match self {
            LoadError::Io(e) => io_reason(e, lang),
            LoadError::NotRegular => lang
                .pick(
                    "通常のファイルではありません (名前付きパイプ、デバイスなど)",
                    "not a regular file (a named pipe, a device, …)",
                )
                .to_owned(),
            LoadError::TooLarge(n) => tr!(lang, "ファイルが大きすぎます ({n} バイト)", "file too large ({n} bytes)"),
            LoadError::Unlistable(why) => tr!(
                lang,
                "中のファイルは検査していません。読み取り権限を確認してください ({why})",
                "no file in it was checked; check its permissions ({why})"
            ),
        }
    }
}

/// The most [`read_file`] reads of one file. Only files of at most the caller's `whole_max`
/// are read whole (larger ones are streamed, whatever their size); one that grows past this
/// while it is read, or gives no size and never ends, is refused with F001 rather than
/// exhausting memory.
pub const MAX_FILE_BYTES: u64 = 2 << 30;

/// How much of a file is read before its size is asked. Every form file is smaller, so it is
/// read with `open`, `read`, a `read` that finds the end, and `close`: on the machines of
/// docs/performance.md the `fstat` that used to come first cost more than the read that finds
/// the end (100,000 files: 0.454 s against 0.394 s for those calls alone, nine alternating
/// runs), about 5 % of a whole run.
pub const FIRST: usize = 64 << 10;

/// The size of an opened file, or [`LoadError::NotRegular`] for a pipe, a device or a folder.
fn regular_len(file: &File) -> Result<u64, LoadError> {
    let meta = file.metadata().map_err(LoadError::Io)?;
    if meta.is_file() {
        Ok(meta.len())
    } else {
        Err(LoadError::NotRegular)
    }
}

thread_local! {
    /// The buffer of the last file read on this thread, which the next file reuses.
    static BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The largest buffer [`with_buffer`] keeps between files: a worker that met one large file
/// does not hold its size for the rest of the run.
const KEEP_BYTES: usize = 1 << 20;

/// Runs `f` with this thread's read buffer for [`read_file`], kept from file to file. It is
/// taken out of its cell while in use, so a panic in `f` loses only the buffer.
pub fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut buf = BUF.take();
    let result = f(&mut buf);
    if buf.capacity() <= KEEP_BYTES {
        BUF.set(buf);
    }
    result
}

/// What [`read_file`] found.
#[derive(Debug)]
pub enum Loaded {
    /// The whole file is the first this many bytes of the buffer.
    Whole(usize),
    /// A regular file of this size, over `whole_max`: to be streamed, from its start.
    Larger(File, u64),
}

/// The most a buffer may grow to: [`MAX_FILE_BYTES`], or less where an allocation cannot be
/// that large (32-bit targets).
const MAX_BUF: usize =
    if MAX_FILE_BYTES as u128 > isize::MAX as u128 { isize::MAX as usize } else { MAX_FILE_BYTES as usize };

/// Opens `path` and reads it into `buf`, which the caller keeps from file to file (a fresh
/// zeroed buffer per file cost about as much as parsing a small file's first dozen elements);
/// only the first [`Loaded::Whole`] bytes are the file's.
///
/// A file is read to its end. Its size is asked (`fstat`) only when it is empty, when a read
/// fails, or once [`FIRST`] bytes or more are read (a buffer kept longer than that takes more
/// in its first read): to refuse a pipe, a device or a folder that took a file's place since
/// the walk ([`LoadError::NotRegular`]), to hand over a file larger than `whole_max`
/// ([`Loaded::Larger`]; `whole_max` is at least [`FIRST`]) or refuse one larger than
/// [`MAX_FILE_BYTES`], and to read a large file only as far as the size it had then, so that
/// one that grows meanwhile cannot make the read unbounded. A file that says it is empty past
/// that point is read to its end all the same, as some file systems give no size for what they
/// generate, up to [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path, buf: &mut Vec<u8>, whole_max: u64) -> Result<Loaded, LoadError> {
    debug_assert!(whole_max >= FIRST as u64, "files under FIRST are read before their size is known");
    let mut file = super::open::open_input(path).map_err(LoadError::Io)?;
    if buf.len() < FIRST {
        buf.resize(FIRST, 0);
    }
    let mut filled = 0;
    // Where to stop once the size is known: `Some(0)` when there was none to know.
    let mut to: Option<u64> = None;
    loop {
        if to.is_none() && filled >= FIRST {
            let len = regular_len(&file)?;
            if len > whole_max {
                file.seek(io::SeekFrom::Start(0)).map_err(LoadError::Io)?;
                return Ok(Loaded::Larger(file, len));
            }
            if len > MAX_BUF as u64 {
                return Err(LoadError::TooLarge(len));
            }
            if len > buf.len() as u64 {
                buf.resize(len as usize, 0);
            }
            to = Some(len);
        }
        if to.is_some_and(|len| len > 0 && filled as u64 >= len) {
            break;
        }
        if filled == buf.len() {
            if filled >= MAX_BUF {
                return Err(LoadError::TooLarge(filled as u64));
            }
            buf.resize(filled.saturating_mul(2).min(MAX_BUF), 0);
        }
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if to.is_none() => return Err(regular_len(&file).err().unwrap_or(LoadError::Io(e))),
            Err(e) => return Err(LoadError::Io(e)),
        }
    }
    if filled == 0 && to.is_none() {
        // Empty, or a pipe or device with nothing to give.
        regular_len(&file)?;
    }
    Ok(Loaded::Whole(filled))
}

/// The most a side file that is not a regular file (a pipe, as `--doctors <(iconv …)` gives)
/// may hold: a device such as `/dev/zero` never ends. A regular file's size is known, and its
/// own (a baseline of a big backlog can pass hundreds of MiB).
pub const MAX_SIDE_STREAM_BYTES: u64 = 64 << 20;

/// Reads a file the run needs beside its inputs (`--doctors`, `--institutions`, `--baseline`,
/// `--config`): opened without blocking (a named pipe with no writer then reads as empty
/// rather than waiting forever), and a pipe or device read only up to
/// [`MAX_SIDE_STREAM_BYTES`].
pub fn read_side_file(path: &Path) -> Result<Vec<u8>, SideError> {
    let file = super::open::open_path(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        (&file).read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    if meta.is_dir() {
        return Err(SideError::Folder);
    }
    blocking(&file)?;
    let mut bytes = Vec::new();
    file.take(MAX_SIDE_STREAM_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SIDE_STREAM_BYTES {
        return Err(SideError::Endless);
    }
    Ok(bytes)
}

/// Why a side file (`--config`, `--baseline`, `--doctors`, `--institutions`) could not be read.
#[derive(Debug)]
pub enum SideError {
    Io(io::Error),
    Folder,
    /// A pipe or device that gave more than [`MAX_SIDE_STREAM_BYTES`].
    Endless,
    /// Not UTF-8: where the first byte that is not lies, counted from 1.
    NotUtf8(usize),
}

impl From<io::Error> for SideError {
    fn from(e: io::Error) -> SideError {
        SideError::Io(e)
    }
}

impl SideError {
    pub fn describe(&self, lang: crate::lang::Lang) -> String {
        use crate::tr;
        match self {
            SideError::Io(e) => io_reason(e, lang),
            SideError::Folder => lang.pick("ファイルではなくフォルダです", "a folder, not a file").to_owned(),
            SideError::Endless => {
                let max = MAX_SIDE_STREAM_BYTES >> 20;
                tr!(
                    lang,
                    "通常のファイルではなく、{max} MiB を超えても終わりません",
                    "not a regular file, and over {max} MiB without an end"
                )
            }
            SideError::NotUtf8(at) => tr!(
                lang,
                "UTF-8 ではありません ({at} バイト目)。UTF-8 で保存してください",
                "not UTF-8 (byte {at}); save it as UTF-8"
            ),
        }
    }
}

/// Clears the non-blocking flag `open` set, so that a pipe is read as its writer writes.
#[cfg(unix)]
fn blocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: F_GETFL and F_SETFL on a descriptor this function borrows; no memory is passed.
    let ok = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) >= 0
    };
    if ok {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn blocking(_: &File) -> io::Result<()> {
    Ok(())
}

/// [`read_side_file`] for a file that must be UTF-8 text.
pub fn read_side_text(path: &Path) -> Result<String, SideError> {
    String::from_utf8(read_side_file(path)?).map_err(|e| SideError::NotUtf8(e.utf8_error().valid_up_to() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path, buf: &mut Vec<u8>, whole_max: u64) -> Vec<u8> {
        match read_file(path, buf, whole_max).unwrap() {
            Loaded::Whole(n) => buf[..n].to_vec(),
            Loaded::Larger(..) => panic!("{} handed over", path.display()),
        }
    }

    #[test]
    fn a_file_is_read_whole_and_only_its_bytes_are_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xml");
        std::fs::write(&path, b"0123456789").unwrap();
        // What the buffer held before is not the file's.
        let mut buf = vec![b'#'; 3 * FIRST];
        assert_eq!(read(&path, &mut buf, 1 << 20), b"0123456789");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read(&path, &mut buf, 1 << 20), b"");
        // Past what is read before the size is asked: read to that size, however the buffer
        // stood.
        let big: Vec<u8> = (0..5 * FIRST).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &big).unwrap();
        for start in [Vec::new(), vec![0; FIRST], vec![0; 8 * FIRST]] {
            let mut buf = start;
            assert_eq!(read(&path, &mut buf, 1 << 20), big);
        }
        // A file of exactly what is read before its size is asked: read with no read more,
        // and the buffer does not grow.
        std::fs::write(&path, &big[..FIRST]).unwrap();
        let mut buf = Vec::new();
        assert_eq!(read(&path, &mut buf, 1 << 20), &big[..FIRST]);
        assert_eq!(buf.len(), FIRST);
    }

    #[test]
    fn the_thread_buffer_is_kept_between_files_unless_it_grew_large() {
        let grown = |len: usize| with_buffer(|b| b.resize(len, 1));
        grown(FIRST);
        assert_eq!(with_buffer(|b| b.len()), FIRST, "kept");
        grown(KEEP_BYTES + 1);
        assert_eq!(with_buffer(|b| b.len()), 0, "dropped once over the cap");
        // A panic in the closure loses the buffer, and the next file starts afresh.
        grown(FIRST);
        assert!(std::panic::catch_unwind(|| with_buffer(|_| panic!("in the check"))).is_err());
        assert_eq!(with_buffer(|b| b.len()), 0);
    }

    #[test]
    fn a_file_over_the_most_read_whole_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.xml");
        // Sparse: its size says 2 GiB and more, though nothing is written.
        std::fs::File::create(&path).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
        let mut buf = Vec::new();
        let e = read_file(&path, &mut buf, u64::MAX).unwrap_err();
        assert!(matches!(e, LoadError::TooLarge(n) if n == MAX_FILE_BYTES + 1), "{e:?}");
        assert_eq!(buf.len(), FIRST);
    }

    #[test]
    fn a_file_over_the_whole_limit_is_handed_over_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xml");
        std::fs::write(&path, vec![b'x'; 2 * FIRST + 7]).unwrap();
        let Ok(Loaded::Larger(mut file, len)) = read_file(&path, &mut Vec::new(), FIRST as u64) else {
            panic!("not handed over")
        };
        let mut all = Vec::new();
        file.read_to_end(&mut all).unwrap();
        assert_eq!((all.len() as u64, len), (2 * FIRST as u64 + 7, 2 * FIRST as u64 + 7));
        // Up to the limit, read whole.
        assert_eq!(read(&path, &mut Vec::new(), 2 * FIRST as u64 + 7).len(), 2 * FIRST + 7);
    }

    #[cfg(unix)]
    #[test]
    fn what_is_not_a_regular_file_is_refused_not_read() {
        let dir = tempfile::tempdir().unwrap();
        // A folder, and devices that give nothing and that never end.
        for path in [dir.path(), Path::new("/dev/null"), Path::new("/dev/zero")] {
            let e = read_file(path, &mut Vec::new(), 1 << 20).unwrap_err();
            assert!(matches!(e, LoadError::NotRegular), "{}: {e:?}", path.display());
        }
        let fifo = dir.path().join("pipe.xml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path that lives across the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_file(&fifo, &mut Vec::new(), 1 << 20), Err(LoadError::NotRegular)));
    }
}
