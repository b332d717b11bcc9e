//! The PATH arguments, packed: every path one after another in one buffer, and where each ends.
//!
//! A list on stdin may hold a million paths. As `PathBuf`s each was an allocation of its own
//! and a 24-byte handle (about 90 bytes a path of 48), held to the end of the run beside the
//! feed's own copy of each input and the batch rules' tables. Packed, a list is two
//! allocations; the walk, its only reader, copies it into path order a page at a time
//! ([`InOrder`]) and frees each page once it has taken its last path, so the list shrinks as
//! the feed grows.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Paths to a page of [`InOrder`]: about 50 KB of paths of 48 bytes, small enough that the
/// feed's blocks reuse what a page leaves.
const PAGE: usize = 1024;

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
    ///
    /// `Path`'s comparison parses components from the first byte that differs: 850
    /// instructions a comparison, 10,000 a path to sort a list of 5,000 (0.4 s of a list of
    /// 100,000, before its first file could be checked). For paths spelt plainly, with no `.`
    /// or `..` part, no `//` and no `/` at the end, the order of components is the order of
    /// the bytes with `/` below every other byte: the parts before the first byte that
    /// differs are the same, and a part that ends there sorts before one that goes on.
    pub fn path_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..u32::try_from(self.len()).expect("fewer than 4 billion PATHs")).collect();
        let bytes = |i: u32| self.get(i as usize).as_os_str().as_encoded_bytes();
        if cfg!(unix) && order.iter().all(|&i| plain(bytes(i))) {
            order.sort_by(|&a, &b| plain_cmp(bytes(a), bytes(b)));
        } else {
            order.sort_by(|&a, &b| self.get(a as usize).cmp(self.get(b as usize)));
        }
        order
    }

    /// The paths in path order with their places, in pages; `self` is freed once they are
    /// copied.
    pub fn into_order(self) -> InOrder {
        let order = self.path_order();
        let pages = order
            .chunks(PAGE)
            .map(|places| {
                let bytes = places.iter().map(|&i| self.get(i as usize).as_os_str().len()).sum();
                let mut paths = PathList { bytes: Vec::with_capacity(bytes), ends: Vec::with_capacity(places.len()) };
                places.iter().for_each(|&i| paths.push(self.get(i as usize)));
                Page { paths, places: places.to_vec() }
            })
            .collect();
        InOrder { pages, taken: 0 }
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

/// A list's paths in path order, each with its place in the list, a page at a time.
pub struct InOrder {
    pages: VecDeque<Page>,
    /// Paths taken from the first page.
    taken: usize,
}

struct Page {
    paths: PathList,
    places: Vec<u32>,
}

impl InOrder {
    /// The next path and its place in the list. A page is freed when the path after its last
    /// is asked for.
    pub fn next_path(&mut self) -> Option<(&Path, usize)> {
        if self.pages.front().is_some_and(|p| self.taken == p.places.len()) {
            self.pages.pop_front();
            self.taken = 0;
        }
        let page = self.pages.front()?;
        let i = self.taken;
        self.taken += 1;
        Some((page.paths.get(i), page.places[i] as usize))
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

/// Whether `path`'s components are its `/`-separated parts as they are: no `.` or `..` part,
/// no empty one but a leading `/`'s.
fn plain(path: &[u8]) -> bool {
    let parts = path.strip_prefix(b"/").unwrap_or(path);
    parts.is_empty() || parts.split(|&b| b == b'/').all(|p| !p.is_empty() && p != b"." && p != b"..")
}

/// Two [`plain`] paths in `Path`'s order.
fn plain_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let same = common_prefix(a, b);
    let rank = |b: u8| if b == b'/' { 0 } else { u16::from(b) + 1 };
    match (a.get(same), b.get(same)) {
        (Some(&x), Some(&y)) => rank(x).cmp(&rank(y)),
        _ => a.len().cmp(&b.len()),
    }
}

/// How many bytes `a` and `b` begin with alike. Paths in one list share long beginnings (their
/// folder), so eight bytes are compared at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let mut same = 0;
    for (x, y) in a8.by_ref().zip(b8.by_ref()) {
        let differ =
            u64::from_le_bytes(x.try_into().expect("8 bytes")) ^ u64::from_le_bytes(y.try_into().expect("8 bytes"));
        if differ != 0 {
            return same + (differ.trailing_zeros() / 8) as usize;
        }
        same += 8;
    }
    same + a[same..].iter().zip(&b[same..]).take_while(|(x, y)| x == y).count()
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
    fn path_order_is_paths_order_for_plain_and_other_paths() {
        let atoms = ["a", "b", "/", "-", ".", "..", "!", " ", "é", "a.xml", "A", "~", "0", "//", "\u{7f}"];
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for round in 0..400 {
            let paths: Vec<PathBuf> = (0..40)
                .map(|_| (0..1 + next() % 8).map(|_| atoms[next() % atoms.len()]).collect::<String>().into())
                .collect();
            // Every other round, only the plain paths: the fast order alone.
            let paths: Vec<PathBuf> = if round % 2 == 0 {
                paths.into_iter().filter(|p| plain(p.as_os_str().as_encoded_bytes())).collect()
            } else {
                paths
            };
            let list = PathList::from(paths.clone());
            let mut want: Vec<u32> = (0..paths.len() as u32).collect();
            want.sort_by(|&a, &b| paths[a as usize].cmp(&paths[b as usize]));
            assert_eq!(list.path_order(), want, "{paths:?}");
        }
        assert!(plain(b"/tmp/a b/x.xml") && plain(b"x") && plain(b"/") && plain(b""));
        assert!(!plain(b"a/") && !plain(b"./a") && !plain(b"a//b") && !plain(b"a/../b") && !plain(b"a/."));
    }

    #[test]
    fn in_order_gives_every_path_in_path_order_with_its_place_across_pages() {
        let given: Vec<PathBuf> =
            (0..PAGE * 2 + 5).rev().map(|i| PathBuf::from(format!("d/{}.xml", i % 1500))).collect();
        let list = PathList::from(given.clone());
        let want: Vec<(PathBuf, usize)> =
            list.path_order().into_iter().map(|i| (given[i as usize].clone(), i as usize)).collect();
        let mut order = list.into_order();
        assert_eq!(order.pages.len(), 3);
        let mut got = Vec::new();
        while let Some((path, at)) = order.next_path() {
            got.push((path.to_path_buf(), at));
        }
        assert_eq!(got, want);
        assert!(order.pages.is_empty(), "every page freed");
        assert!(order.next_path().is_none());
    }

    #[test]
    fn common_prefix_counts_alike_bytes_across_words() {
        let a = b"/tmp/corpus/R0110110210.xml";
        for cut in 0..a.len() {
            let mut b = a.to_vec();
            b[cut] ^= 1;
            assert_eq!(common_prefix(a, &b), cut);
            assert_eq!(common_prefix(&a[..cut], a), cut);
        }
        assert_eq!(common_prefix(a, a), a.len());
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
