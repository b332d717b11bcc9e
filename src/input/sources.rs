//! What the PATH arguments give, in path order, one input at a time: each folder is walked
//! ([`super::tree`]), and the PATHs that are not folders are their own rows, sorted together.
//! [`Merge`] merges them as they come, so several folders are checked while they are walked,
//! as one folder always was.

use super::item::{InputBuf, Unreadable};
use super::list::{InOrder, PathList};
use super::tree::{identity_of, join, Failure, Kind, Step, Tree};
use super::walk::{
    arg_input, below, could_be_folder, input_below, is_xml_name, join_display, Offer, SkipReason, Skipped,
};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// An input found, with the place among the arguments of the PATH it was found under, and
/// whether a link was met on the way to it or before it under that PATH (only then can a file
/// under one folder be reached twice).
pub(super) struct Found {
    pub input: InputBuf,
    pub arg: usize,
    pub linked: bool,
    /// What the file is (device and inode), when it was looked at on the way.
    pub id: Option<(u64, u64)>,
}

/// The inputs of every PATH in path order (depth first, each folder's entries by name, as
/// `Path` compares them: component by component, names as bytes), then in the order of the
/// arguments for the same path given twice. Each source gives its inputs in that order, so
/// merging them as they come extends it across PATHs and lists on stdin, and "first" (B001,
/// which copy is kept) does not depend on how the arguments were ordered.
pub(super) struct Merge {
    sources: Vec<Source>,
    /// Places in `sources` of folders walked to their end, for the next folder to take.
    ended: Vec<usize>,
    heads: BinaryHeap<Reverse<Head>>,
    alone: bool,
}

impl Merge {
    /// A single PATH is looked at here, to know whether it is a folder walked alone; of several,
    /// each is looked at when its turn comes in path order, so a list of a million paths on
    /// stdin starts being checked at once, and each path is looked at once.
    pub fn open(args: PathList, skipped: &mut Vec<Skipped>, stop: &AtomicBool, early: Option<&dyn Offer>) -> Merge {
        let alone = args.len() == 1 && std::fs::metadata(args.get(0)).is_ok_and(|m| m.is_dir());
        let first = if alone {
            Source::Folder(Box::new(FolderWalk::offering(args.get(0), 0, early)))
        } else {
            Source::Rows(args.into_order())
        };
        let mut merge = Merge { sources: vec![first], ended: Vec::new(), heads: BinaryHeap::new(), alone };
        merge.advance(0, skipped, stop);
        merge
    }

    /// Whether the PATHs are one folder: only a link under it can then lead to a file twice.
    pub fn alone(&self) -> bool {
        self.alone
    }

    /// The next input in path order; what is skipped on the way goes to `skipped`. `None` once
    /// every source is done, or `stop` is set.
    pub fn next(&mut self, skipped: &mut Vec<Skipped>, stop: &AtomicBool) -> Option<Found> {
        let Reverse(Head { found, source }) = self.heads.pop()?;
        self.advance(source, skipped, stop);
        Some(found)
    }

    /// Puts the next input of `source` among the heads. A folder among the rows becomes a source
    /// of its own there: everything under it sorts after it, so nothing before it is missed.
    fn advance(&mut self, source: usize, skipped: &mut Vec<Skipped>, stop: &AtomicBool) {
        loop {
            match self.sources[source].next(skipped, stop) {
                Some(Next::Found(found)) => return self.heads.push(Reverse(Head { found, source })),
                Some(Next::Folder(walk)) => {
                    let folder = Source::Folder(walk);
                    let at = match self.ended.pop() {
                        Some(at) => {
                            self.sources[at] = folder;
                            at
                        }
                        None => {
                            self.sources.push(folder);
                            self.sources.len() - 1
                        }
                    };
                    self.advance(at, skipped, stop);
                }
                None => {
                    if let Source::Folder(_) = self.sources[source] {
                        self.sources[source] = Source::Ended;
                        self.ended.push(source);
                    }
                    return;
                }
            }
        }
    }
}

/// The next input of one source, ordered by its path, then by its PATH's place among the
/// arguments.
struct Head {
    found: Found,
    source: usize,
}

impl Ord for Head {
    fn cmp(&self, other: &Head) -> std::cmp::Ordering {
        self.found.input.path().cmp(other.found.input.path()).then(self.found.arg.cmp(&other.found.arg))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Head) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Head {}

enum Source {
    /// The PATHs in path order, each its own row unless it is a folder, which is then walked
    /// as a source of its own. A list on stdin of a million paths is one source, whose pages
    /// are freed as they are taken, while the feed grows.
    Rows(InOrder),
    Folder(Box<FolderWalk>),
    /// A folder walked to its end, its place free for the next.
    Ended,
}

enum Next {
    Found(Found),
    Folder(Box<FolderWalk>),
}

impl Source {
    fn next(&mut self, skipped: &mut Vec<Skipped>, stop: &AtomicBool) -> Option<Next> {
        match self {
            Source::Rows(order) => {
                let (arg, at) = order.next_path()?;
                let meta = std::fs::metadata(arg);
                if meta.as_ref().is_ok_and(|m| m.is_dir()) {
                    return Some(Next::Folder(Box::new(FolderWalk::new(arg, at))));
                }
                let mut input = arg_input(arg, &arg.to_string_lossy());
                // A named pipe, socket or device is never opened.
                if meta.as_ref().is_ok_and(|m| !m.is_file()) {
                    input.set_unreadable(Unreadable::Special);
                }
                let id = meta.ok().as_ref().and_then(identity_of);
                Some(Next::Found(Found { input, arg: at, linked: false, id }))
            }
            Source::Folder(walk) => walk.next(skipped, stop).map(Next::Found),
            Source::Ended => None,
        }
    }
}

pub(super) struct FolderWalk {
    tree: Tree,
    arg: PathBuf,
    arg_text: String,
    /// The PATH's place among the arguments.
    at: usize,
}

impl FolderWalk {
    fn new(arg: &Path, at: usize) -> FolderWalk {
        FolderWalk::offering(arg, at, None)
    }

    /// A walk of the PATH `arg` that offers `early` the inputs of its top folder as the
    /// listing is read: each is what [`FolderWalk::next`] gives for it later.
    fn offering(arg: &Path, at: usize, early: Option<&dyn Offer>) -> FolderWalk {
        let arg_text = arg.to_string_lossy().into_owned();
        let tree = match early {
            None => Tree::new(arg),
            Some(early) => Tree::new_telling(arg, &mut |folder, name| {
                if is_xml_name(name) {
                    early.offer(&mut || input_below(join(folder, name), arg, &arg_text));
                }
            }),
        };
        FolderWalk { tree, arg: arg.to_path_buf(), arg_text, at }
    }

    fn next(&mut self, skipped: &mut Vec<Skipped>, stop: &AtomicBool) -> Option<Found> {
        let (arg, arg_text, at) = (&self.arg, &self.arg_text, self.at);
        while let Some(step) = self.tree.next() {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            match step {
                Step::Entry(e) if !is_xml_name(e.name()) => {}
                Step::Entry(e) if e.kind() != Kind::File => {
                    let rel = below(arg, &e.path()).into_owned();
                    skipped.push(Skipped { path: join_display(arg_text, &rel), reason: SkipReason::NotRegular });
                }
                Step::Entry(e) => {
                    let input = input_below(e.path(), arg, arg_text);
                    return Some(Found { input, arg: at, linked: self.tree.linked(), id: None });
                }
                Step::Failed { path, why } => {
                    let rel = below(arg, &path).into_owned();
                    let why = match why {
                        Failure::Loop => {
                            skipped.push(Skipped { path: join_display(arg_text, &rel), reason: SkipReason::LinkLoop });
                            continue;
                        }
                        Failure::Io(e) => e.to_string(),
                    };
                    if path.file_name().is_some_and(is_xml_name) && !rel.is_empty() {
                        // A dangling link or an entry gone or unreadable, named *.xml: it is an
                        // input the user expects checked, so it gets its row (and an F001).
                        let input = InputBuf::new(path, &join_display(arg_text, &rel), &rel);
                        return Some(Found { input, arg: at, linked: true, id: None });
                    }
                    if rel.is_empty() || could_be_folder(&path) {
                        // A folder that cannot be listed may hold inputs: its row (F001) says
                        // the run did not see them, rather than a line on stderr and exit 0.
                        // The PATH itself has its row under its own name.
                        let mut row = if rel.is_empty() {
                            arg_input(&path, arg_text)
                        } else {
                            InputBuf::new(path, &join_display(arg_text, &rel), &rel)
                        };
                        row.set_unreadable(Unreadable::Folder(why));
                        return Some(Found { input: row, arg: at, linked: true, id: None });
                    }
                }
            }
        }
        None
    }
}
