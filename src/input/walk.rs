//! Finding the input files: every `*.xml` (any case) under the PATH arguments, in path order.

use super::feed::{Feed, BLOCK};
use super::item::{InputBuf, Unreadable};
use super::list::PathList;
use super::sources::{Found, Merge};
use super::tree::identity;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Something under a PATH that is not an input, with the reason (listed in the run summary).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A named pipe, socket or device called `*.xml`.
    NotRegular,
    /// A symbolic link that leads back to one of its own parent directories.
    LinkLoop,
    /// A second path to a file already an input (a link to it, or two PATHs reaching it): the
    /// file is checked once, under its first path in path order.
    SameFile,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<InputBuf>,
    /// Where each input's report goes under `files/` (without the `.csv`), by index.
    pub report_names: Vec<String>,
    pub skipped: Vec<Skipped>,
}

/// A name ending in `.xml`, in any case; `.xml` itself too, as hidden names are walked like
/// any other (a file the user saved as `.xml` must not vanish from the summary).
pub fn is_xml_name(name: &OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.len() >= 4 && b[b.len() - 4..].eq_ignore_ascii_case(b".xml")
}

pub(super) fn join_display(arg: &str, rel: &str) -> String {
    let mut s = String::with_capacity(arg.len() + 1 + rel.len());
    s.push_str(arg);
    if needs_separator(arg, rel) {
        s.push('/');
    }
    s.push_str(rel);
    s
}

/// `p`'s components joined with `/`, as reports and globs spell paths on every system.
pub(crate) fn rel_string(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The part of `path` below `root` (the walk yields `root` joined with what lies below it), as
/// a `/`-separated string. Sliced from the bytes: parsing both paths into components for every
/// file cost more than the walk itself.
pub(super) fn below<'p>(root: &Path, path: &'p Path) -> Cow<'p, str> {
    let (r, p) = (root.as_os_str().as_encoded_bytes(), path.as_os_str().as_encoded_bytes());
    match p.strip_prefix(r) {
        Some(rest) => {
            // One separator, as the system joins them (`\` on Windows, where the part below
            // would otherwise start with a root and read `\/sub/x.xml`).
            let sep = std::path::MAIN_SEPARATOR_STR.as_bytes();
            let rest = rest.strip_prefix(b"/").or_else(|| rest.strip_prefix(sep)).unwrap_or(rest);
            match std::str::from_utf8(rest) {
                Ok(s) if std::path::MAIN_SEPARATOR == '/' => Cow::Borrowed(s),
                _ => Cow::Owned(rel_string(Path::new(OsStr::new(&String::from_utf8_lossy(rest).into_owned())))),
            }
        }
        None => Cow::Owned(rel_string(path.strip_prefix(root).unwrap_or(path))),
    }
}

/// Finds the inputs under `args`, in path order whatever the order of the arguments. A PATH
/// that is a file is an input whatever its name (and one that cannot be read becomes a finding,
/// not a lost file); under a directory, every file named `*.xml` is. Symbolic links are
/// followed. The same file reached twice (through a link, or two PATHs) is kept once: the
/// first in path order.
pub fn discover(args: &[PathBuf]) -> Discovery {
    let feed = Feed::default();
    let skipped = discover_into(args.iter().collect(), &feed, &|_| {}, &AtomicBool::new(false), None);
    let inputs = feed.iter().map(|i| i.to_buf()).collect();
    let report_names = (0..feed.len()).map(|i| feed.report_name(i).unwrap_or_default().to_owned()).collect();
    Discovery { inputs, report_names, skipped }
}

/// [`discover`] into `feed`, appending as the walk goes, a block at a time: the PATHs are
/// walked side by side and their inputs merged in path order. `grown` is told the count every
/// [`GROWN_EVERY`] inputs and at the end; a `stop` ends the walk early. The feed is settled
/// when this returns; what was skipped is returned.
pub fn discover_into(
    args: PathList,
    feed: &Feed,
    grown: &dyn Fn(usize),
    stop: &AtomicBool,
    early: Option<&dyn Offer>,
) -> Vec<Skipped> {
    // Whoever waits for the names must not wait forever should the walk panic.
    struct SettleOnUnwind<'f>(&'f Feed);
    impl Drop for SettleOnUnwind<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.settle(FxHashMap::default());
            }
        }
    }
    let _settle = SettleOnUnwind(feed);
    // Nothing is offered once the PATHs are open (however that ends): a single folder's
    // listing is read by then.
    struct CloseOnDrop<'o>(Option<&'o dyn Offer>);
    impl Drop for CloseOnDrop<'_> {
        fn drop(&mut self) {
            if let Some(early) = self.0 {
                early.close();
            }
        }
    }
    let mut skipped = Vec::new();
    let close = CloseOnDrop(early);
    let mut merge = Merge::open(args, &mut skipped, stop, early);
    drop(close);
    // Under one folder, only a link can lead to a file twice: from the first link on, each
    // file's identity is checked against every file before it. Several PATHs may overlap.
    let mut seen: Option<HashSet<(u64, u64)>> = if merge.alone() { None } else { Some(HashSet::new()) };
    // A folder that cannot be listed is not a file checked: each path to it keeps its row,
    // unless it is the same path again.
    let mut unlisted = HashSet::new();
    let mut block = Vec::with_capacity(BLOCK);
    while let Some(Found { input, linked, id, .. }) = merge.next(&mut skipped, stop) {
        if linked && seen.is_none() {
            let before = feed.iter().map(|i| i.path()).chain(block.iter().map(InputBuf::path));
            seen = Some(before.filter_map(identity).collect());
        }
        let again = match (input.unreadable(), &mut seen) {
            (Some(Unreadable::Folder(_)), _) => !unlisted.insert(input.path().to_path_buf()),
            (_, Some(seen)) => id.or_else(|| identity(input.path())).is_some_and(|id| !seen.insert(id)),
            (_, None) => false,
        };
        if again {
            skipped.push(Skipped { path: input.display().to_owned(), reason: SkipReason::SameFile });
            continue;
        }
        block.push(input);
        if block.len() == BLOCK {
            feed.push_block(std::mem::replace(&mut block, Vec::with_capacity(BLOCK)));
            grown(feed.len());
        }
    }
    feed.push_block(block);
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    grown(feed.len());
    feed.settle(settle_report_names((0..feed.len()).map(|i| feed.get(i).rel())));
    skipped
}

/// Where the walk offers inputs before their turn, to be checked while it is still reading the
/// listing they come from (`run::early`). Reading and sorting a folder of 100,000 files takes
/// about 40 ms in which nothing else could start: the order of the inputs, and so what is
/// checked first, is known only once the whole listing is. Only the plain `*.xml` files of a
/// single folder PATH are offered, each as the input the walk gives for it later, with the same
/// path (unless the walk then skips it: a file reached first through a link).
pub trait Offer: Sync {
    /// A file is listed; `make` builds its input (an allocation), if it is wanted now.
    fn offer(&self, make: &mut dyn FnMut() -> InputBuf);
    /// Nothing more will be offered.
    fn close(&self);
}

impl<T: Offer + ?Sized> Offer for &T {
    fn offer(&self, make: &mut dyn FnMut() -> InputBuf) {
        (**self).offer(make);
    }

    fn close(&self) {
        (**self).close();
    }
}

/// How often the walk tells how far it got: once a block of inputs is handed over (the
/// workers wait at most that long for their first file).
pub const GROWN_EVERY: usize = BLOCK;

/// The row of a PATH itself: shown as given, reported under its own name.
pub(super) fn arg_input(arg: &Path, arg_text: &str) -> InputBuf {
    let name = arg.file_name().map_or(Cow::Borrowed(arg_text), |n| n.to_string_lossy());
    InputBuf::new(arg.to_path_buf(), arg_text, &name)
}

/// The input at `path`, found under the PATH `arg` shown as `arg_text`. Its texts are read
/// from the path when they are spelt as it is: no allocation but the path's.
pub(super) fn input_below(path: PathBuf, arg: &Path, arg_text: &str) -> InputBuf {
    // Nearly every path is in UTF-8 and starts with the PATH as given: one check of its UTF-8
    // says what `below` and a second check would (each file's path was checked five times on
    // its way to the feed, 500 instructions a file on the walk's thread).
    if let Some(rel_at) = path.to_str().and_then(|p| text_below(p, arg_text)) {
        return InputBuf::read_from_text_path(path, rel_at);
    }
    let rel = below(arg, &path);
    if path.to_str().is_some_and(|p| spells(p, arg_text, &rel)) {
        let rel_len = rel.len();
        return InputBuf::read_from_path(path, rel_len);
    }
    let rel = rel.into_owned();
    InputBuf::spelt(path, &join_display(arg_text, &rel), &rel)
}

/// Where the part of `p` below the PATH `arg` starts, when `p` is [`join_display`]`(arg, rel)`
/// for that part, as [`below`] finds it.
fn text_below(p: &str, arg: &str) -> Option<usize> {
    let rest = p.strip_prefix(arg)?;
    let rel = rest.strip_prefix('/').unwrap_or(rest);
    (std::path::MAIN_SEPARATOR == '/' && spells(p, arg, rel)).then_some(p.len() - rel.len())
}

/// Whether [`join_display`] puts a `/` between `arg` and `rel`.
fn needs_separator(arg: &str, rel: &str) -> bool {
    !rel.is_empty() && !arg.ends_with('/') && !arg.ends_with(std::path::MAIN_SEPARATOR)
}

/// Whether `p` is [`join_display`]`(arg, rel)`, without building it.
fn spells(p: &str, arg: &str, rel: &str) -> bool {
    let sep = needs_separator(arg, rel);
    p.len() == arg.len() + usize::from(sep) + rel.len()
        && p.starts_with(arg)
        && p.ends_with(rel)
        && (!sep || p.as_bytes()[arg.len()] == b'/')
}

/// Whether an entry the walk could not read may be a folder: one, a link to one, or a path the
/// system cannot even look at (too long). A dangling link or a file is not.
pub(super) fn could_be_folder(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_symlink() => std::fs::metadata(path).is_ok_and(|m| m.is_dir()),
        Ok(m) => m.is_dir(),
        // Gone since it was listed: nothing is lost that the walk could have found.
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

/// The parts of a report name, as its file under `files/` is made of them: split at `/` (and
/// at the system's own separator), with empty, `.` and `..` parts dropped, so that no report
/// lies outside `files/`. The report stage's writer (`report::staging`) and the settling of
/// names here both read names through this, so the names settled apart are the ones that
/// would clash on the disk.
pub fn report_name_parts(name: &str) -> impl Iterator<Item = &str> {
    let separates = |c: char| c == '/' || c == std::path::MAIN_SEPARATOR;
    name.split(separates).filter(|s| !s.is_empty() && *s != "." && *s != "..")
}

/// The path a report name is written to under `files/`, as the report stage builds it
/// ([`report_name_parts`]), folded so that names differing only in case clash, as
/// they do on case-insensitive file systems, and `.csv`: the key of a report file's name,
/// written into `key`. `folder` is given each folder the report lies in, folded the same way
/// (`a/b` and then `a/b/c` for `A/b/C/d.xml`): those names are taken by folders.
fn fold_report_key(name: &str, key: &mut String, folder: &mut dyn FnMut(&str)) {
    key.clear();
    for part in report_name_parts(name) {
        if !key.is_empty() {
            folder(key);
            key.push('/');
        }
        if part.is_ascii() {
            let at = key.len();
            key.push_str(part);
            key[at..].make_ascii_lowercase();
        } else {
            key.push_str(&part.to_lowercase());
        }
    }
    key.push_str(".csv");
}

fn report_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 4);
    fold_report_key(name, &mut key, &mut |_| {});
    key
}

/// Two inputs may map to the same report name (`a/x.xml` and `b/x.xml` given directly, or
/// two directories with the same layout), and a report file may need the name of a folder
/// other reports go into (`x.xml` beside a folder `x.xml.csv/`). A report file that would
/// take a name already used, by a file or a folder, gets `~2`, `~3`, … after its name.
/// Folders are never renamed: they are reserved first, whatever the order. Returns the names
/// that change, by index.
fn settle_report_names<'a>(names: impl Iterator<Item = &'a str> + Clone) -> FxHashMap<usize, String> {
    if none_renamed(names.clone()) {
        return FxHashMap::default();
    }
    settle_key_by_key(names)
}

/// [`settle_report_names`] keeping every key.
fn settle_key_by_key<'a>(names: impl Iterator<Item = &'a str>) -> FxHashMap<usize, String> {
    // Fitted once: folders are reserved, and names settled, as they will be written.
    let fitted: Vec<Cow<'_, str>> = names.map(fit_name).collect();
    let mut used: FxHashSet<String> = FxHashSet::with_capacity_and_hasher(fitted.len(), Default::default());
    let mut key = String::new();
    for name in fitted.iter().filter(|n| n.contains('/')) {
        fold_report_key(name, &mut key, &mut |folder| {
            used.insert(folder.to_owned());
        });
    }
    let mut renamed = FxHashMap::default();
    for (i, fitted) in fitted.into_iter().enumerate() {
        if used.insert(report_key(&fitted)) {
            if let Cow::Owned(name) = fitted {
                renamed.insert(i, name);
            }
            continue;
        }
        for n in 2.. {
            let name = format!("{fitted}~{n}");
            if used.insert(report_key(&name)) {
                renamed.insert(i, name);
                break;
            }
        }
    }
    renamed
}

/// Whether [`settle_report_names`] would leave every name as it is: none needs fitting, and no
/// report's key is another's or a folder's. Told from 64-bit hashes of the keys, with no key
/// kept: a run of 100,000 files spent 1,400 instructions a file keeping them, as much as the
/// rest of the walk. Equal keys have equal hashes, so distinct hashes prove distinct keys; two
/// equal hashes (a clash, or a 64-bit collision) answer `false` and the names are settled key
/// by key.
fn none_renamed<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let (mut files, mut folders) = (FxHashSet::<u64>::default(), FxHashSet::<u64>::default());
    let mut key = String::new();
    for name in names {
        if matches!(fit_name(name), Cow::Owned(_)) {
            return false;
        }
        let mut clash = false;
        fold_report_key(name, &mut key, &mut |folder| {
            let h = xxhash_rust::xxh3::xxh3_64(folder.as_bytes());
            clash |= files.contains(&h);
            folders.insert(h);
        });
        let h = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        if clash || folders.contains(&h) || !files.insert(h) {
            return false;
        }
    }
    true
}

/// The longest last part of a report name kept as it is: with `.csv` and a `~N` it stays
/// within the 255 bytes a file name may have.
const MAX_REPORT_PART: usize = 240;

/// The longest folder part of a report name kept as it is: with the report folder's own path
/// it stays well within the 4,096 bytes a path may have.
const MAX_REPORT_DIR: usize = 1024;

/// `name` fitted to what a file system takes: a part too long for a file name (an input named
/// with 250 bytes is a legal file whose `….xml.csv` would not be; a folder name that is not
/// UTF-8 grows by two bytes a byte as shown), or folders nested too deep for the report's
/// path, are cut at a character boundary and told apart by a hash of what was cut, the same
/// in every run.
fn fit_name(name: &str) -> Cow<'_, str> {
    // Nearly every name: no part of it, and no folder, can be too long (this runs for every
    // input, and splitting the name cost 420 instructions).
    if name.len() <= MAX_REPORT_PART {
        return Cow::Borrowed(name);
    }
    let (dir, _) = name.rsplit_once('/').unwrap_or(("", name));
    if dir.len() <= MAX_REPORT_DIR && name.split('/').all(|part| part.len() <= MAX_REPORT_PART) {
        return Cow::Borrowed(name);
    }
    let shorten = |part: &str, keep: usize| {
        let mut cut = keep;
        while !part.is_char_boundary(cut) {
            cut -= 1;
        }
        let hash = xxhash_rust::xxh3::xxh3_64(part.as_bytes()) as u32;
        format!("{}~{hash:08x}", &part[..cut])
    };
    let fit =
        |part: &str| if part.len() > MAX_REPORT_PART { shorten(part, MAX_REPORT_PART - 20) } else { part.to_owned() };
    let parts: Vec<String> = name.split('/').map(fit).collect();
    let (last, dirs) = parts.split_last().expect("split gives one part at least");
    let dir = dirs.join("/");
    let dir = if dir.len() > MAX_REPORT_DIR { shorten(&dir, 200).replace('/', "_") } else { dir };
    Cow::Owned(if dirs.is_empty() { last.clone() } else { format!("{dir}/{last}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_are_fitted_to_what_a_file_system_takes() {
        assert_eq!(fit_name("a/b.xml"), "a/b.xml");
        let long = format!("{}.xml", "漢".repeat(83));
        let fitted = fit_name(&long);
        assert!(fitted.len() + ".csv~99".len() <= 255 && fitted.starts_with("漢漢"), "{fitted}");
        let other = format!("{}.xmm", "漢".repeat(83));
        assert_ne!(fit_name(&other), fitted, "names that share their start stay apart");
        let deep = format!("{}/x.xml", vec!["d".repeat(200); 30].join("/"));
        let fitted = fit_name(&deep);
        assert!(fitted.len() < 300 && fitted.ends_with("/x.xml") && fitted.matches('/').count() == 1, "{fitted}");
        assert_eq!(fit_name(&deep), fitted, "the same in every run");
        let wide_folder = format!("{}/x.xml", "\u{FFFD}".repeat(90));
        let fitted = fit_name(&wide_folder);
        assert!(fitted.split('/').all(|p| p.len() <= MAX_REPORT_PART) && fitted.ends_with("/x.xml"), "{fitted}");
    }

    #[test]
    fn walks_in_path_order_and_matches_xml_in_any_case() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/sub")).unwrap();
        for f in ["b/sub/z.XML", "b/a.xml", "a.Xml", "notes.txt", "c.xml", "b/.xml", "xml"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        std::fs::create_dir(root.join("d.xml")).unwrap();
        let d = discover(&[root.to_path_buf()]);
        let rel: Vec<_> = d.report_names.iter().map(String::as_str).collect();
        assert_eq!(rel, ["a.Xml", "b/.xml", "b/a.xml", "b/sub/z.XML", "c.xml"]);
        assert!(d.inputs[2].display().ends_with("/b/a.xml"));
        assert!(d.skipped.is_empty());
    }

    /// Takes every input offered, and ends the offers as the run does.
    #[derive(Default)]
    struct Taken(std::sync::Mutex<(Vec<InputBuf>, bool)>);

    impl Offer for Taken {
        fn offer(&self, make: &mut dyn FnMut() -> InputBuf) {
            let mut taken = self.0.lock().unwrap();
            if !taken.1 {
                taken.0.push(make());
            }
        }
        fn close(&self) {
            self.0.lock().unwrap().1 = true;
        }
    }

    #[test]
    fn a_folder_offers_its_own_files_early_as_the_walk_gives_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b")).unwrap();
        for f in ["c.xml", "a.XML", "notes.txt", "b/in-sub.xml", "é.xml"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        std::fs::create_dir(root.join("d.xml")).unwrap();
        let taken = Taken::default();
        let feed = Feed::default();
        discover_into([root].into_iter().collect(), &feed, &|_| {}, &AtomicBool::new(false), Some(&taken));
        let (offered, closed) = taken.0.into_inner().unwrap();
        assert!(closed);
        let texts = |i: crate::input::Input<'_>| (i.path().to_owned(), i.display().to_owned(), i.rel().to_owned());
        let mut offered: Vec<_> = offered.iter().map(|i| texts(i.as_input())).collect();
        offered.sort();
        // Only the top folder's own files: those below are found after the listing.
        let expected: Vec<_> = feed.iter().filter(|i| !i.rel().contains('/')).map(texts).collect();
        assert_eq!(offered, expected);
        assert_eq!(offered.len(), 3);

        // Several PATHs offer nothing: their order is known as they are opened.
        let taken = Taken::default();
        let sub = root.join("b");
        discover_into(
            [root, sub.as_path()].into_iter().collect(),
            &Feed::default(),
            &|_| {},
            &AtomicBool::new(false),
            Some(&taken),
        );
        let (offered, closed) = taken.0.into_inner().unwrap();
        assert!(offered.is_empty() && closed);
    }

    #[test]
    fn one_folder_is_fed_as_it_is_walked_and_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names = [
            "a-b.xml",
            "a/b.xml",
            "a.xml",
            "a/c/d.xml",
            "A.xml",
            "a b.xml",
            "é.xml",
            "a.xml.d/x.xml",
            "z.XML",
            "a/b-c.xml",
            "a/b/c.xml",
            "a0/x.xml",
            "a.b/y.xml",
        ];
        for name in names {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        std::fs::create_dir(root.join("many")).unwrap();
        for i in 0..GROWN_EVERY + 10 {
            std::fs::write(root.join(format!("many/{i}.xml")), "x").unwrap();
        }
        let feed = Feed::default();
        let told = std::cell::RefCell::new(Vec::new());
        discover_into(
            [root].into_iter().collect(),
            &feed,
            &|n| told.borrow_mut().push((n, feed.settled())),
            &AtomicBool::new(false),
            None,
        );
        let fed: Vec<&Path> = feed.iter().map(|i| i.path()).collect();
        let mut sorted = fed.clone();
        sorted.sort();
        assert_eq!(fed, sorted);
        assert_eq!(fed.len(), names.len() + GROWN_EVERY + 10);
        let told = told.into_inner();
        assert_eq!(told.first(), Some(&(GROWN_EVERY, false)), "told during the walk, before names settle");
        assert_eq!(told.last(), Some(&(fed.len(), false)));
        assert!(feed.settled());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_again_through_a_link_in_one_folder_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("b/x.xml"), "x").unwrap();
        std::fs::write(root.join("a.xml"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("b"), root.join("c")).unwrap();
        std::os::unix::fs::symlink(root.join("a.xml"), root.join("d.xml")).unwrap();
        let d = discover(&[root.to_path_buf()]);
        let rel: Vec<_> = d.inputs.iter().map(|i| i.rel()).collect();
        assert_eq!(rel, ["a.xml", "b/x.xml"]);
    }

    #[test]
    fn same_names_from_different_arguments_get_distinct_reports() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("x.xml"), "1").unwrap();
        std::fs::write(b.join("X.xml"), "2").unwrap();
        let d = discover(&[a.join("x.xml"), b.join("X.xml"), a.join("x.xml")]);
        assert_eq!(d.report_names, ["x.xml", "X.xml~2"]);
    }

    #[test]
    fn several_paths_are_merged_in_path_order_and_a_file_reached_twice_is_kept_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a/x.xml", "a/sub/y.xml", "a-b/z.xml", "b/w.xml", "a.xml"] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, f).unwrap();
        }
        // Given out of order, overlapping, and one twice.
        let args = ["b", "a/sub", "a", "a.xml", "a-b", "a/x.xml"].map(|a| root.join(a));
        let d = discover(&args);
        let got: Vec<String> =
            d.inputs.iter().map(|i| i.path().strip_prefix(root).unwrap().display().to_string()).collect();
        assert_eq!(got, ["a/sub/y.xml", "a/x.xml", "a-b/z.xml", "a.xml", "b/w.xml"]);
        let skipped: Vec<&str> =
            d.skipped.iter().map(|s| s.path.strip_prefix(root.to_str().unwrap()).unwrap()).collect();
        assert_eq!(skipped, ["/a/sub/y.xml", "/a/x.xml"]);
        assert!(d.skipped.iter().all(|s| s.reason == SkipReason::SameFile));
        // The first of the two is the one kept: `a/sub`'s row, named below that PATH.
        assert_eq!(d.inputs[0].rel(), "y.xml");
    }

    #[test]
    fn a_report_file_never_takes_the_name_of_a_report_folder() {
        let inputs = ["x.xml", "X.xml.CSV/y.xml", "x.xml~2", "z.xml"];
        let renamed = settle_report_names(inputs.iter().copied());
        let names: Vec<_> =
            inputs.iter().enumerate().map(|(i, n)| renamed.get(&i).map_or(*n, String::as_str)).collect();
        // x.xml.csv is a folder (in any case); x.xml~2.csv is then taken by the file itself.
        assert_eq!(names, ["x.xml~2", "X.xml.CSV/y.xml", "x.xml~2~2", "z.xml"]);
    }

    #[test]
    fn names_are_left_alone_exactly_when_settling_them_key_by_key_changes_none() {
        let parts =
            ["a", "A", "b", "x.xml", "X.XML", "x.xml.csv", "x.xml~2", "É", "é", ".", "", "..", &"l".repeat(250)];
        let mut seed: u64 = 7;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let (mut kept, mut changed) = (0, 0);
        for _ in 0..3000 {
            let names: Vec<String> = (0..1 + next() % 4)
                .map(|_| (0..1 + next() % 3).map(|_| parts[next() % parts.len()]).collect::<Vec<_>>().join("/"))
                .collect();
            let slow = settle_key_by_key(names.iter().map(String::as_str));
            assert_eq!(none_renamed(names.iter().map(String::as_str)), slow.is_empty(), "{names:?}");
            if slow.is_empty() {
                kept += 1
            } else {
                changed += 1
            }
        }
        assert!(kept > 300 && changed > 300, "both cases: {kept} left alone, {changed} renamed");
    }

    #[test]
    fn a_report_key_is_its_folded_parts_joined() {
        let parts = |name: &str| -> Vec<String> {
            let fold = |s: &str| if s.is_ascii() { s.to_ascii_lowercase() } else { s.to_lowercase() };
            name.split('/').filter(|s| !s.is_empty() && *s != "." && *s != "..").map(fold).collect()
        };
        for name in ["x.xml", "A/B.XML", "./a//b/../C.xml", "É/Ünïcode.XML", "ＡＢ.xml", "İ.xml"] {
            let parts = parts(name);
            assert_eq!(report_key(name), parts.join("/") + ".csv", "{name}");
            let mut folders = Vec::new();
            fold_report_key(name, &mut String::new(), &mut |f| folders.push(f.to_owned()));
            let expected: Vec<String> = (1..parts.len()).map(|depth| parts[..depth].join("/")).collect();
            assert_eq!(folders, expected, "{name}");
        }
    }

    #[test]
    fn an_inputs_texts_are_read_from_its_path_when_spelt_the_same() {
        // Held for every input while several PATHs are sorted together: a path and three words.
        assert!(std::mem::size_of::<InputBuf>() <= 32, "{}", std::mem::size_of::<InputBuf>());
        let compact = |i: &InputBuf| i.rel_at().is_some();
        let i = input_below(PathBuf::from("提出/sub/R1.xml"), Path::new("提出"), "提出");
        assert_eq!((i.display(), i.rel(), compact(&i)), ("提出/sub/R1.xml", "sub/R1.xml", true));
        let i = input_below(PathBuf::from("in/x.xml"), Path::new("in/"), "in/");
        assert_eq!((i.display(), i.rel(), compact(&i)), ("in/x.xml", "x.xml", true));
        // Joined by the system's own separator, the part below is the same on every system.
        let joined = Path::new("in").join("sub").join("a.xml");
        assert_eq!(below(Path::new("in"), &joined), "sub/a.xml");
        assert_eq!(input_below(joined.clone(), Path::new("in"), "in").rel(), "sub/a.xml");
        // Found as `below` finds it: a doubled separator is part of the name below.
        let i = input_below(PathBuf::from("in//x.xml"), Path::new("in"), "in");
        assert_eq!((i.display(), i.rel(), compact(&i)), ("in//x.xml", "/x.xml", true));
        assert_eq!(
            (text_below("a/b.xml", "a"), text_below("ab.xml", "a"), text_below("a", "a")),
            (Some(2), None, Some(1))
        );
        // The PATH shown as given, where the path is not spelt that way.
        let i = InputBuf::new(PathBuf::from("in/x.xml"), "./in/x.xml", "x.xml");
        assert_eq!((i.display(), i.rel(), compact(&i)), ("./in/x.xml", "x.xml", false));
        let i = InputBuf::new(PathBuf::from("dir/x.xml/"), "dir/x.xml/", "x.xml");
        assert_eq!((i.display(), i.rel(), compact(&i)), ("dir/x.xml/", "x.xml", false));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new("in").join(OsStr::from_bytes(b"bad\xffname.xml"));
            let i = input_below(path.clone(), Path::new("in"), "in");
            assert_eq!((i.display(), i.rel(), compact(&i)), ("in/bad\u{fffd}name.xml", "bad\u{fffd}name.xml", false));
            assert_eq!(i.path(), path);
        }
        assert!(spells("a/b.xml", "a", "b.xml") && spells("a/b.xml", "a/", "b.xml"));
        assert!(
            !spells("a/b.xml", "a/b", ".xml") && !spells("ab.xml", "a", "b.xml") && !spells("a/b.xml", "a", "c.xml")
        );
    }

    #[test]
    fn a_missing_file_argument_is_still_an_input() {
        let d = discover(&[PathBuf::from("/nonexistent/q.xml")]);
        assert_eq!(d.inputs.len(), 1);
        assert_eq!(d.inputs[0].display(), "/nonexistent/q.xml");
    }
}
