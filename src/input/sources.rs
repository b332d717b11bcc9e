//! What the PATH arguments give, in path order, one input at a time: each folder is walked
//! ([`super::tree`]), and the PATHs that are not folders are their own rows, sorted together.
//! [`super::walk`] merges them as they come, so several folders are checked while they are
//! walked, as one folder always was.

use super::item::{InputBuf, Unreadable};
use super::tree::{Failure, Kind, Step, Tree};
use super::walk::{arg_input, below, could_be_folder, input_below, is_xml_name, join_display, SkipReason, Skipped};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// An input found, with the place among the arguments of the PATH it was found under, and
/// whether a link was met on the way to it or before it under that PATH (only then can a file
/// under one folder be reached twice).
pub(super) struct Found {
    pub input: InputBuf,
    pub arg: usize,
    pub linked: bool,
}

pub(super) enum Source<'a> {
    /// The PATHs that are files, something else that is not a folder, or nothing: each its own
    /// row, in path order, then in the order of the arguments. A list on stdin of a million
    /// files is one source, held as the arguments' places (and whether each is a file), not as
    /// a million inputs made ahead.
    Rows {
        args: &'a [PathBuf],
        order: std::vec::IntoIter<Row>,
    },
    Folder(Box<FolderWalk>),
}

#[derive(Clone, Copy)]
pub(super) struct Row {
    at: u32,
    /// A named pipe, socket or device: never opened.
    special: bool,
}

/// The sources of `args`: a folder each, and one for all the rest.
pub(super) fn open(args: &[PathBuf]) -> Vec<Source<'_>> {
    let mut sources = Vec::new();
    let mut rows = Vec::new();
    for (at, arg) in args.iter().enumerate() {
        let meta = std::fs::metadata(arg);
        if meta.as_ref().is_ok_and(|m| m.is_dir()) {
            let arg_text = arg.to_string_lossy().into_owned();
            let walk = FolderWalk { tree: Tree::new(arg), arg: arg.to_path_buf(), arg_text, at };
            sources.push(Source::Folder(Box::new(walk)));
            continue;
        }
        let at = u32::try_from(at).expect("fewer than 4 billion PATHs");
        rows.push(Row { at, special: meta.is_ok_and(|m| !m.is_file()) });
    }
    // A stable sort: the same path twice stays in the order of the arguments.
    rows.sort_by(|a, b| args[a.at as usize].cmp(&args[b.at as usize]));
    if !rows.is_empty() {
        sources.push(Source::Rows { args, order: rows.into_iter() });
    }
    sources
}

impl Source<'_> {
    /// The next input in path order; what is skipped on the way goes to `skipped`. `None` once
    /// the source is done, or `stop` is set.
    pub fn next(&mut self, skipped: &mut Vec<Skipped>, stop: &AtomicBool) -> Option<Found> {
        match self {
            Source::Rows { args, order } => {
                let row = order.next()?;
                let arg = &args[row.at as usize];
                let mut input = arg_input(arg, &arg.to_string_lossy());
                if row.special {
                    input.set_unreadable(Unreadable::Special);
                }
                Some(Found { input, arg: row.at as usize, linked: false })
            }
            Source::Folder(walk) => walk.next(skipped, stop),
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
                    return Some(Found { input, arg: at, linked: self.tree.linked() });
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
                        return Some(Found { input, arg: at, linked: true });
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
                        return Some(Found { input: row, arg: at, linked: true });
                    }
                }
            }
        }
        None
    }
}
