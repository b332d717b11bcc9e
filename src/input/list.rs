//! The PATH arguments, packed: every path one after another in one buffer, and where each ends.
//!
//! A list on stdin may hold a million paths. As `PathBuf`s each was an allocation of its own
//! and a 24-byte handle (about 90 bytes a path of 48), held to the end of the run beside the
//! feed's own copy of each input and the batch rules' tables. Packed, a list is two
//! allocations, which the walk, its only reader, frees as soon as it has taken the last path
//! (`sources`), before the batch rules' tables have grown.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathList {
    /// The paths' bytes as [`OsStr::as_encoded_bytes`] gives them, one after another.
    bytes: Vec<u8>,
    /// Where each path ends in `bytes`.
    ends: Vec<usize>,
}

impl PathList {
    pub fn push(&mut self, path: &Path) {
        self.bytes.extend_from_slice(path.as_os_str().as_encoded_bytes());
        self.ends.push(self.bytes.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`th path, in the order they were given.
    pub fn get(&self, i: usize) -> &Path {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let bytes = &self.bytes[start..self.ends[i]];
        // SAFETY: `push` is the only writer, and it appends one whole `OsStr`'s encoded bytes
        // and then their end, so every range between two ends is such a whole, unchanged.
        Path::new(unsafe { OsStr::from_encoded_bytes_unchecked(bytes) })
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Path> + Clone + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The paths' places in path order, as `Path` compares them (component by component), the
    /// same path twice in the order given.
    pub fn path_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..u32::try_from(self.len()).expect("fewer than 4 billion PATHs")).collect();
        order.sort_by(|&a, &b| self.get(a as usize).cmp(self.get(b as usize)));
        order
    }

    /// Reads the paths of `-`: one a line (a CR before the LF is trimmed), or separated by NULs
    /// when the list holds one (`find -print0`), whose paths may hold any other byte. Blank
    /// entries are ignored. Paths are bytes, as the folder walk has them: a name that is not
    /// UTF-8 is still a path to check.
    pub fn from_list(list: &[u8]) -> PathList {
        let mut paths = PathList::default();
        let mut add = |entry: &[u8]| {
            if !entry.iter().all(u8::is_ascii_whitespace) {
                paths.push(&path_of_bytes(entry));
            }
        };
        if list.contains(&0) {
            list.split(|&b| b == 0).for_each(&mut add);
        } else {
            list.split(|&b| b == b'\n').for_each(|l| add(l.strip_suffix(b"\r").unwrap_or(l)));
        }
        paths.bytes.shrink_to_fit();
        paths.ends.shrink_to_fit();
        paths
    }
}

impl<P: AsRef<Path>> FromIterator<P> for PathList {
    fn from_iter<I: IntoIterator<Item = P>>(iter: I) -> PathList {
        let mut paths = PathList::default();
        for p in iter {
            paths.push(p.as_ref());
        }
        paths
    }
}

impl From<Vec<PathBuf>> for PathList {
    fn from(paths: Vec<PathBuf>) -> PathList {
        paths.iter().collect()
    }
}

#[cfg(unix)]
fn path_of_bytes(b: &[u8]) -> std::borrow::Cow<'_, Path> {
    std::borrow::Cow::Borrowed(Path::new(<OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b)))
}

#[cfg(not(unix))]
fn path_of_bytes(b: &[u8]) -> std::borrow::Cow<'_, Path> {
    std::borrow::Cow::Owned(PathBuf::from(String::from_utf8_lossy(b).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_each_path_as_pushed() {
        let given = [PathBuf::from("a.xml"), PathBuf::from(""), PathBuf::from("dir/é b.xml"), PathBuf::from("/x")];
        let list = PathList::from(given.to_vec());
        assert_eq!(list.len(), 4);
        assert_eq!(list.iter().collect::<Vec<_>>(), given.iter().map(PathBuf::as_path).collect::<Vec<_>>());
        assert!(PathList::default().is_empty());
    }

    #[test]
    fn reads_path_lists() {
        let paths = |list: &[u8]| PathList::from_list(list).iter().map(Path::to_path_buf).collect::<Vec<_>>();
        assert_eq!(paths(b"a.xml\r\n\n b.xml\n"), [PathBuf::from("a.xml"), PathBuf::from(" b.xml")]);
        let nul = paths(b"a b.xml\0line\nbreak.xml\0\0");
        assert_eq!(nul, [PathBuf::from("a b.xml"), PathBuf::from("line\nbreak.xml")]);
        #[cfg(unix)]
        assert_eq!(PathList::from_list(b"R\xff.xml\n").get(0).as_os_str().as_encoded_bytes(), b"R\xff.xml");
    }
}
