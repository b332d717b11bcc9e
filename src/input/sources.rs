//! What each PATH argument gives, in path order, one input at a time: a PATH that is not a
//! folder is its own row; a folder is walked ([`super::tree`]). [`super::walk`] merges the
//! PATHs' inputs as they come, so several PATHs are checked while they are walked, as one
//! folder always was, and no list of every input is held to be sorted.

use super::item::{InputBuf, Unreadable};
use super::tree::{Failure, Kind, Step, Tree};
use super::walk::{arg_input, below, could_be_folder, input_below, is_xml_name, join_display, SkipReason, Skipped};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// An input found, and whether a link was met on the way to it or before it under its PATH
/// (only then can a file under one folder be reached twice).
pub(super) struct Found {
    pub input: InputBuf,
    pub linked: bool,
}

pub(super) enum Source {
    /// A PATH that is a file, something else that is not a folder, or nothing: its own row,
    /// until taken.
    One(Option<InputBuf>),
    Folder(FolderWalk),
}

impl Source {
    pub fn open(arg: &Path) -> Source {
        let arg_text = arg.to_string_lossy().into_owned();
        let meta = std::fs::metadata(arg);
        if meta.as_ref().is_ok_and(|m| m.is_dir()) {
            return Source::Folder(FolderWalk { tree: Tree::new(arg), arg: arg.to_path_buf(), arg_text });
        }
        let mut input = arg_input(arg, &arg_text);
        if meta.as_ref().is_ok_and(|m| !m.is_file()) {
            input.set_unreadable(Unreadable::Special);
        }
        Source::One(Some(input))
    }

    /// The next input in path order; what is skipped on the way goes to `skipped`. `None` once
    /// the PATH is done, or `stop` is set.
    pub fn next(&mut self, skipped: &mut Vec<Skipped>, stop: &AtomicBool) -> Option<Found> {
        match self {
            Source::One(input) => input.take().map(|input| Found { input, linked: false }),
            Source::Folder(walk) => walk.next(skipped, stop),
        }
    }
}

pub(super) struct FolderWalk {
    tree: Tree,
    arg: PathBuf,
    arg_text: String,
}

impl FolderWalk {
    fn next(&mut self, skipped: &mut Vec<Skipped>, stop: &AtomicBool) -> Option<Found> {
        let (arg, arg_text) = (&self.arg, &self.arg_text);
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
                    return Some(Found { input, linked: self.tree.linked() });
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
                        return Some(Found { input, linked: true });
                    }
                    if rel.is_empty() || could_be_folder(&path) {
                        // A folder that cannot be listed may hold inputs: its row (F001) says
                        // the run did not see them, rather than a line on stderr and exit 0.
                        // The PATH itself has its row under its own name.
                        let mut row = match rel.is_empty() {
                            true => arg_input(&path, arg_text),
                            false => InputBuf::new(path, &join_display(arg_text, &rel), &rel),
                        };
                        row.set_unreadable(Unreadable::Folder(why));
                        return Some(Found { input: row, linked: true });
                    }
                }
            }
        }
        None
    }
}
