//! A walk of one folder, depth first and each folder's entries in name order, following
//! symbolic links: the order of [`super::walk`] and of every report.
//!
//! walkdir gave this order, but to sort a folder it holds the whole folder as its own entries,
//! each with its full path allocated (about 110 bytes an entry), until the folder's last entry
//! is yielded: for a folder of 800,000 files that listing was the largest part of a run's peak
//! memory. Here a folder is held as its names, one after another in one buffer, and an 8-byte
//! slot for each (about 40 bytes an entry for names of 29 bytes), and an entry's path is built
//! only when it is asked for.

use std::cell::OnceCell;
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

/// What an entry is, after following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    /// A named pipe, socket or device.
    Other,
}

/// One step of the walk. Folders are not steps: the walk goes into them.
#[derive(Debug)]
pub enum Step<'t> {
    Entry(Entry<'t>),
    /// Something the walk could not look at or into, at `path`.
    Failed {
        path: PathBuf,
        why: Failure,
    },
}

#[derive(Debug)]
pub enum Failure {
    /// A folder that could not be listed (or not wholly), a link that leads nowhere, an entry
    /// gone since it was listed.
    Io(io::Error),
    /// A link to a folder the walk is already in: following it would never end.
    Loop,
}

/// An entry that is not a folder.
#[derive(Debug)]
pub struct Entry<'t> {
    folder: &'t Path,
    name: &'t OsStr,
    kind: Kind,
}

impl Entry<'_> {
    pub fn name(&self) -> &OsStr {
        self.name
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The entry's path: its folder's path joined with its name (one allocation, of its size).
    pub fn path(&self) -> PathBuf {
        join(self.folder, self.name)
    }
}

/// The path of the entry `name` of `folder`, as [`Entry::path`] builds it.
pub fn join(folder: &Path, name: &OsStr) -> PathBuf {
    let mut path = PathBuf::with_capacity(folder.as_os_str().len() + 1 + name.len());
    path.push(folder);
    path.push(name);
    path
}

/// The walk below one folder.
pub struct Tree {
    /// The folders being walked, the PATH first.
    open: Vec<Level>,
    /// A folder that could not be listed wholly, told before its entries.
    failed: Option<(PathBuf, io::Error)>,
    /// Whether a symbolic link was met (only then can a file be reached twice).
    linked: bool,
}

struct Level {
    path: PathBuf,
    listing: Listing,
    next: usize,
    /// The folder's identity, looked up once a link to a folder is met.
    id: OnceCell<Option<(u64, u64)>>,
}

/// What looking an entry up gave.
enum LookedUp {
    Entry(Kind),
    /// A folder, now entered.
    Entered,
    Failed(Step<'static>),
}

impl Tree {
    /// The walk below `root`, which is expected to be a folder (or a link to one).
    pub fn new(root: &Path) -> Tree {
        Tree::new_telling(root, &mut |_, _| {})
    }

    /// [`Tree::new`], telling `file` the folder and the name of each plain file of `root` as its
    /// listing is read, before it is sorted: entries [`Tree::next`] gives later as `root`'s of
    /// kind [`Kind::File`] (their paths are [`join`] of the two), in the order the system lists
    /// them.
    pub fn new_telling(root: &Path, file: &mut dyn FnMut(&Path, &OsStr)) -> Tree {
        let mut tree = Tree { open: Vec::new(), failed: None, linked: false };
        tree.enter_telling(root.to_path_buf(), file);
        tree
    }

    /// Whether a symbolic link was met so far.
    pub fn linked(&self) -> bool {
        self.linked
    }

    fn enter(&mut self, path: PathBuf) {
        self.enter_telling(path, &mut |_, _| {});
    }

    fn enter_telling(&mut self, path: PathBuf, file: &mut dyn FnMut(&Path, &OsStr)) {
        let (listing, failed) = Listing::read(&path, file);
        if let Some(e) = failed {
            self.failed = Some((path.clone(), e));
        }
        self.open.push(Level { path, listing, next: 0, id: OnceCell::new() });
    }

    /// The next step, or `None` once the walk is done.
    #[allow(clippy::should_implement_trait)] // an entry borrows the walk: not an Iterator
    pub fn next(&mut self) -> Option<Step<'_>> {
        loop {
            if let Some((path, e)) = self.failed.take() {
                return Some(Step::Failed { path, why: Failure::Io(e) });
            }
            let level = self.open.last_mut()?;
            let Some(&slot) = level.listing.slots.get(level.next) else {
                self.open.pop();
                continue;
            };
            level.next += 1;
            let kind = match slot.kind() {
                Listed::File => Kind::File,
                Listed::Other => Kind::Other,
                Listed::Folder => {
                    let path = join(&level.path, level.listing.name(slot));
                    self.enter(path);
                    continue;
                }
                Listed::Link | Listed::Unknown => match self.look_up(slot) {
                    LookedUp::Entry(kind) => kind,
                    LookedUp::Entered => continue,
                    LookedUp::Failed(failed) => return Some(failed),
                },
            };
            let level = self.open.last().expect("the folder of the slot just read");
            return Some(Step::Entry(Entry { folder: &level.path, name: level.listing.name(slot), kind }));
        }
    }

    /// What the listing did not say of `slot`, in the innermost folder: a link is followed (and
    /// a folder it leads to entered, unless the walk is in it already); an entry the listing
    /// could not tell the kind of is looked at, and followed if it is a link.
    fn look_up(&mut self, slot: Slot) -> LookedUp {
        let level = self.open.last().expect("the folder of the slot just read");
        let path = join(&level.path, level.listing.name(slot));
        // An entry of unknown kind is looked at once; only a link is looked through.
        let lstat = (slot.kind() != Listed::Link).then(|| std::fs::symlink_metadata(&path));
        let is_link = lstat.as_ref().is_none_or(|m| m.as_ref().is_ok_and(|m| m.is_symlink()));
        self.linked |= is_link;
        let meta = match lstat {
            Some(lstat) if !is_link => lstat,
            _ => std::fs::metadata(&path),
        };
        match meta {
            Err(e) => LookedUp::Failed(Step::Failed { path, why: Failure::Io(e) }),
            Ok(m) if m.is_dir() && is_link && self.leads_back(&path, &m) => {
                LookedUp::Failed(Step::Failed { path, why: Failure::Loop })
            }
            Ok(m) if m.is_dir() => {
                self.enter(path);
                LookedUp::Entered
            }
            Ok(m) if m.is_file() => LookedUp::Entry(Kind::File),
            Ok(_) => LookedUp::Entry(Kind::Other),
        }
    }

    /// Whether the folder a link at `path` leads to (`m`) is one the walk is in.
    fn leads_back(&self, path: &Path, m: &std::fs::Metadata) -> bool {
        let Some(target) = identity_of(m).or_else(|| identity(path)) else { return false };
        self.open.iter().any(|level| *level.id.get_or_init(|| identity(&level.path)) == Some(target))
    }
}

/// A file's identity: the device and inode on Unix.
#[cfg(unix)]
pub(super) fn identity_of(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

/// Elsewhere the metadata holds no identity: [`identity`] resolves the path instead.
#[cfg(not(unix))]
pub(super) fn identity_of(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// The identity of what `path` leads to.
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        std::fs::metadata(path).ok().as_ref().and_then(identity_of)
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok().map(|p| (0, xxhash_rust::xxh3::xxh3_64(p.as_os_str().as_encoded_bytes())))
    }
}

/// What a folder listing says an entry is, before any link is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    Folder = 0,
    File = 1,
    Link = 2,
    Other = 3,
    /// The system could not say (std asks again when the listing does not: the entry went
    /// since, or the folder can be listed but not entered): looked at when reached.
    Unknown = 4,
}

/// A folder's names in name order: the names one after another in one buffer, and for each a
/// slot of eight bytes saying where it is and what it is.
#[derive(Default)]
struct Listing {
    names: Vec<u8>,
    slots: Vec<Slot>,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    at: u32,
    /// The name's length, and what it is in the top three bits.
    len_kind: u32,
}

const KIND_SHIFT: u32 = 29;

impl Slot {
    fn kind(self) -> Listed {
        match self.len_kind >> KIND_SHIFT {
            0 => Listed::Folder,
            1 => Listed::File,
            2 => Listed::Link,
            3 => Listed::Other,
            _ => Listed::Unknown,
        }
    }

    fn range(self) -> std::ops::Range<usize> {
        let at = self.at as usize;
        at..at + (self.len_kind & ((1 << KIND_SHIFT) - 1)) as usize
    }
}

impl Listing {
    /// The listing of `folder`, sorted, and the error that cut it short, if one did.
    fn read(folder: &Path, file: &mut dyn FnMut(&Path, &OsStr)) -> (Listing, Option<io::Error>) {
        let mut listing = Listing::default();
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => return (listing, Some(e)),
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return (listing.sorted(), Some(e)),
            };
            let kind = match entry.file_type() {
                Ok(t) if t.is_dir() => Listed::Folder,
                Ok(t) if t.is_file() => Listed::File,
                Ok(t) if t.is_symlink() => Listed::Link,
                Ok(_) => Listed::Other,
                Err(_) => Listed::Unknown,
            };
            let name = entry.file_name();
            if let Err(e) = listing.push(&name, kind) {
                return (listing.sorted(), Some(e));
            }
            if kind == Listed::File {
                file(folder, &name);
            }
        }
        (listing.sorted(), None)
    }

    fn push(&mut self, name: &OsStr, kind: Listed) -> io::Result<()> {
        let name = name.as_encoded_bytes();
        let too_many = || io::Error::other("the folder's names take more than 4 GiB");
        let at = u32::try_from(self.names.len()).map_err(|_| too_many())?;
        let len = u32::try_from(name.len()).ok().filter(|&l| l < 1 << KIND_SHIFT).ok_or_else(too_many)?;
        self.names.extend_from_slice(name);
        self.slots.push(Slot { at, len_kind: len | (kind as u32) << KIND_SHIFT });
        Ok(())
    }

    fn sorted(mut self) -> Listing {
        let names = &self.names;
        // A sort compares each name about 17 times in a folder of 100,000: compared as slices,
        // that was a quarter of the walk's instructions (90 of 350 million). So the slots are
        // sorted by their names' first eight bytes taken as a number (big-endian, zero past a
        // shorter name's end), and only slots whose eight bytes are the same are then sorted
        // by their whole names: where two numbers differ, they differ as the names' bytes do
        // (a name that ends within the eight sorts first, as before any byte). The numbers are
        // kept only while sorting: a folder's slots stay eight bytes while it is walked.
        let key = |s: Slot| {
            let name = &names[s.range()];
            let mut key = [0; 8];
            key[..name.len().min(8)].copy_from_slice(&name[..name.len().min(8)]);
            u64::from_be_bytes(key)
        };
        let mut keyed: Vec<(u64, Slot)> = self.slots.iter().map(|&s| (key(s), s)).collect();
        keyed.sort_unstable_by_key(|&(key, _)| key);
        // Names in one folder differ, so unstable sorts give one order.
        for same in keyed.chunk_by_mut(|a, b| a.0 == b.0).filter(|same| same.len() > 1) {
            same.sort_unstable_by(|a, b| names[a.1.range()].cmp(&names[b.1.range()]));
        }
        self.slots.clear();
        self.slots.extend(keyed.into_iter().map(|(_, s)| s));
        self
    }

    fn name(&self, slot: Slot) -> &OsStr {
        // SAFETY: a slot is made only by `push` on this listing, and sorting only reorders the
        // slots, so its range is one whole name as `as_encoded_bytes` gave it, copied unchanged.
        unsafe { OsStr::from_encoded_bytes_unchecked(&self.names[slot.range()]) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(root: &Path) -> Vec<String> {
        let mut tree = Tree::new(root);
        let mut seen = Vec::new();
        while let Some(step) = tree.next() {
            let shown = |p: &Path| p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            seen.push(match step {
                Step::Entry(e) => format!("{} {:?}", shown(&e.path()), e.kind()),
                Step::Failed { path, why: Failure::Loop } => format!("{} loop", shown(&path)),
                Step::Failed { path, why: Failure::Io(_) } => format!("{} failed", shown(&path)),
            });
        }
        seen
    }

    #[test]
    fn walks_depth_first_in_name_order_as_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["b/sub/z", "b/a", "a", "B", "a b", "é", "a.d/x", "a-b"] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        std::fs::create_dir(root.join("empty")).unwrap();
        let want = ["B", "a", "a b", "a-b", "a.d/x", "b/a", "b/sub/z", "é"].map(|p| format!("{p} File"));
        assert_eq!(walk(root), want);
    }

    #[cfg(unix)]
    #[test]
    fn follows_links_and_stops_at_one_that_leads_back() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("d/e")).unwrap();
        std::fs::write(root.join("d/e/f"), "x").unwrap();
        symlink(root.join("d"), root.join("d/e/up")).unwrap();
        symlink(root.join("d/e"), root.join("l")).unwrap();
        symlink(root.join("d/e/f"), root.join("m")).unwrap();
        symlink(root.join("nowhere"), root.join("n")).unwrap();
        let fifo = std::ffi::CString::new(root.join("p").into_os_string().into_encoded_bytes()).unwrap();
        // SAFETY: a plain mkfifo on a path this test owns.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let mut tree = Tree::new(root);
        assert!(!tree.linked());
        while tree.next().is_some() {}
        assert!(tree.linked());
        // `l` leads to `d/e`, and `l/up` to `d`, which the walk through `l` is not in: both
        // are walked, and `up` inside them leads back.
        let want = [
            "d/e/f File",
            "d/e/up loop",
            "l/f File",
            "l/up/e/f File",
            "l/up/e/up loop",
            "m File",
            "n failed",
            "p Other",
        ];
        assert_eq!(walk(root), want);
    }

    #[test]
    fn a_folder_that_cannot_be_listed_is_a_failure_at_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let mut tree = Tree::new(&gone);
        match tree.next() {
            Some(Step::Failed { path, why: Failure::Io(e) }) => {
                assert_eq!((path, e.kind()), (gone, io::ErrorKind::NotFound));
            }
            other => panic!("{other:?}"),
        }
        assert!(tree.next().is_none());
    }

    #[test]
    fn names_sort_as_bytes_whether_they_differ_in_their_first_eight_bytes_or_later() {
        // Names that end within the key, share it, differ just past it, or differ in a byte
        // over 0x7F (a sign bit, were the key signed).
        let names = [
            "R1111801562202507050000002.xml",
            "R1111801562202507050000001.xml",
            "R1111801",
            "R111180",
            "R11118015",
            "R111180\u{e9}",
            "R11118\u{ff}",
            "a",
            "",
            "ab",
            "\u{e9}t\u{e9}.xml",
            "R1111801562202507050000001.xm",
            "Z",
            "R1111802",
        ];
        let mut listing = Listing::default();
        for name in names {
            listing.push(OsStr::new(name), Listed::File).unwrap();
        }
        let listing = listing.sorted();
        let got: Vec<&[u8]> = listing.slots.iter().map(|&s| listing.name(s).as_encoded_bytes()).collect();
        let mut want: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn a_slot_says_where_its_name_is_and_what_it_is() {
        let mut listing = Listing::default();
        for (name, kind) in [("b", Listed::Unknown), ("a.xml", Listed::Link), ("c", Listed::Folder)] {
            listing.push(OsStr::new(name), kind).unwrap();
        }
        let listing = listing.sorted();
        let got: Vec<_> = listing.slots.iter().map(|&s| (listing.name(s).to_str().unwrap(), s.kind())).collect();
        assert_eq!(got, [("a.xml", Listed::Link), ("b", Listed::Unknown), ("c", Listed::Folder)]);
    }
}
