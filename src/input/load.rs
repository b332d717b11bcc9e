//! Reading one input file, once.
//!
//! Files up to 16 MiB are read whole with plain `read` calls; larger ones are read in 1 MiB
//! pieces and parsed in place (`parse::pieces`, `check::stream`). Memory maps were measured and do not pay here
//! (docs/performance.md): for 20,000 forms of 1.5 KB, read took 0.13–0.17 s and mmap 0.44 s
//! (a map costs more system calls and page faults than copying a page); for a 1 GB batch,
//! chunked reads and a map both took 0.13–0.26 s, but the map made the process 978 MB larger.
//! A map would also turn a file truncated during the run into SIGBUS. Opening
//! is guarded so that nothing an attacker can name blocks or crashes the run: a named pipe is
//! opened non-blocking and refused after `fstat`, and nothing is mapped, so a file truncated
//! while it is read cannot raise SIGBUS.

use std::fs::File;
use std::io::{self, Read};
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

/// The most `read_into` reads. Only files of at most `check::stream::STREAM_ABOVE` are read
/// whole (larger ones are streamed, whatever their size); one that grows past this while it is
/// read is refused with F001 rather than exhausting memory.
pub const MAX_FILE_BYTES: u64 = 2 << 30;

fn open(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading blocks until a writer appears; non-blocking open returns
        // at once and the fstat below refuses it.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// Opens a regular file for reading and gives its size.
pub fn open_regular(path: &Path) -> Result<(File, u64), LoadError> {
    let file = open(path).map_err(LoadError::Io)?;
    let meta = file.metadata().map_err(LoadError::Io)?;
    if !meta.is_file() {
        return Err(LoadError::NotRegular);
    }
    Ok((file, meta.len()))
}

/// Reads an opened file of `len` bytes into `buf`, replacing what it held: the `len` bytes
/// it had when it was opened, or fewer if it shrank meanwhile. The caller keeps `buf` from
/// file to file: a fresh zeroed buffer per file cost about as much as parsing a small file's
/// first dozen elements.
pub fn read_into(mut file: File, len: u64, buf: &mut Vec<u8>) -> Result<(), LoadError> {
    if len > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(len));
    }
    // Sized from our own fstat: std's read_to_end would stat and seek again to size its buffer.
    // Reading stops at that size rather than at a read that returns nothing: one system call a
    // file less, and a file still being written is checked as far as it was when opened, as a
    // snapshot. A file that says it is empty is read to its end all the same, as some file
    // systems give no size for what they generate.
    buf.clear();
    buf.resize(if len == 0 { 4096 } else { len as usize }, 0);
    let mut filled = 0;
    loop {
        if len > 0 && filled as u64 == len {
            break;
        }
        if filled == buf.len() {
            if filled as u64 > MAX_FILE_BYTES {
                return Err(LoadError::TooLarge(filled as u64));
            }
            buf.resize(filled * 2, 0);
        }
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LoadError::Io(e)),
        }
    }
    buf.truncate(filled);
    Ok(())
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
    let file = open(path)?;
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

    #[test]
    fn a_file_is_read_as_it_was_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xml");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut buf = b"left from the file before".to_vec();
        let read = |len: u64, buf: &mut Vec<u8>| read_into(File::open(&path).unwrap(), len, buf).map(|()| buf.clone());
        // Grown since its size was taken: the size it had; shrunk: what is left.
        assert_eq!(read(4, &mut buf).unwrap(), b"0123");
        assert_eq!(read(25, &mut buf).unwrap(), b"0123456789");
        // A size of 0 is no size at all (procfs and the like): read to the end.
        assert_eq!(read(0, &mut buf).unwrap(), b"0123456789");
        std::fs::write(&path, vec![b'x'; 10_000]).unwrap();
        assert_eq!(read(0, &mut buf).unwrap().len(), 10_000);
        assert!(matches!(read(MAX_FILE_BYTES + 1, &mut buf), Err(LoadError::TooLarge(_))));
    }
}
