//! One input file, in the two forms the run has it: [`InputBuf`], owned, as the walk finds it,
//! and [`Input`], the view every stage after the walk is lent ([`super::Feed::get`]), read from
//! the feed's packed blocks.

use std::path::{Path, PathBuf};

/// One input file as the walk finds it. The walk holds only a few at once (every PATH that is
/// not a folder when many are given, a list on stdin, to be sorted), so this is still small: its path is its one
/// allocation, and the `file` column and the part below the PATH are read from the path
/// whenever they are spelt the same, which on Unix they are for every name in UTF-8; what few
/// inputs need besides is kept out of line.
#[derive(Debug, Clone)]
pub struct InputBuf {
    path: Box<Path>,
    /// Where [`InputBuf::rel`] starts in the path, when both texts are read from it.
    rel_at: u32,
    /// What few inputs need, kept out of line so that the others hold one word for it.
    rare: Option<Box<Rare>>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Rare {
    /// The two texts, when they are not the path's (a name or PATH not in UTF-8, a system
    /// whose separator is not `/`, a file given directly whose name does not end its PATH).
    pub(super) spelt: Option<Spelt>,
    /// Why it is known not to be readable before it is opened: it still has its row (F001),
    /// and it is never opened.
    pub(super) unreadable: Option<Unreadable>,
}

#[derive(Debug, Clone)]
pub(super) struct Spelt {
    pub(super) display: Box<str>,
    pub(super) rel: Box<str>,
}

impl InputBuf {
    /// An input at `path`, shown as `display`, named `rel` below its PATH argument.
    pub fn new(path: PathBuf, display: &str, rel: &str) -> InputBuf {
        let same = path.to_str().is_some_and(|p| p == display && p.ends_with(rel));
        if same {
            InputBuf::read_from_path(path, rel.len())
        } else {
            InputBuf::spelt(path, display, rel)
        }
    }

    /// An input whose `file` column is its path (in UTF-8), and whose `rel` is the path's last
    /// `rel_len` bytes.
    pub(super) fn read_from_path(path: PathBuf, rel_len: usize) -> InputBuf {
        let at = path.to_str().and_then(|p| p.len().checked_sub(rel_len).filter(|&at| p.is_char_boundary(at)));
        match at.and_then(|at| u32::try_from(at).ok()) {
            Some(rel_at) => InputBuf { path: path.into_boxed_path(), rel_at, rare: None },
            None => {
                let display = path.to_string_lossy().into_owned();
                let rel = display.get(display.len().saturating_sub(rel_len)..).unwrap_or_default().to_owned();
                InputBuf::spelt(path, &display, &rel)
            }
        }
    }

    /// An input whose path is in UTF-8 (checked by the caller) and whose `rel` starts at byte
    /// `rel_at` of it, at a character boundary.
    pub(super) fn read_from_text_path(path: PathBuf, rel_at: usize) -> InputBuf {
        match u32::try_from(rel_at) {
            Ok(rel_at) => InputBuf { path: path.into_boxed_path(), rel_at, rare: None },
            Err(_) => {
                let rel_len = path.as_os_str().len() - rel_at;
                InputBuf::read_from_path(path, rel_len)
            }
        }
    }

    pub(super) fn spelt(path: PathBuf, display: &str, rel: &str) -> InputBuf {
        let spelt = Some(Spelt { display: display.into(), rel: rel.into() });
        InputBuf { path: path.into_boxed_path(), rel_at: 0, rare: Some(Box::new(Rare { spelt, unreadable: None })) }
    }

    /// What to open.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the input is known not to be readable before it is opened, if it is.
    pub fn unreadable(&self) -> Option<&Unreadable> {
        self.rare.as_ref()?.unreadable.as_ref()
    }

    pub fn set_unreadable(&mut self, why: Unreadable) {
        self.rare.get_or_insert_with(Default::default).unreadable = Some(why);
    }

    fn texts(&self) -> Option<&Spelt> {
        self.rare.as_ref()?.spelt.as_ref()
    }

    /// The `file` column ([`Input::display`]).
    pub fn display(&self) -> &str {
        match self.texts() {
            Some(s) => &s.display,
            None => self.path_text(),
        }
    }

    /// The part below the PATH argument, or the file name for a file given directly
    /// ([`Input::rel`]).
    pub fn rel(&self) -> &str {
        match self.texts() {
            Some(s) => &s.rel,
            None => &self.path_text()[self.rel_at as usize..],
        }
    }

    fn path_text(&self) -> &str {
        // Checked when made: without texts of its own, the path is UTF-8.
        self.path.to_str().unwrap_or_default()
    }

    /// Where the part below the PATH starts in the path, when both texts are read from it.
    pub(super) fn rel_at(&self) -> Option<u32> {
        self.rare.as_ref().is_none_or(|r| r.spelt.is_none()).then_some(self.rel_at)
    }

    pub(super) fn into_parts(self) -> (Box<Path>, Option<Box<Rare>>) {
        (self.path, self.rare)
    }

    /// The view of this input that the run's stages are lent.
    pub fn as_input(&self) -> Input<'_> {
        Input { path: &self.path, display: self.display(), rel: self.rel(), unreadable: self.unreadable() }
    }
}

/// One input file as every stage after the walk sees it: its path, its texts and whether it is
/// known not to be readable, lent by the feed (or by an [`InputBuf`]).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    path: &'a Path,
    display: &'a str,
    rel: &'a str,
    unreadable: Option<&'a Unreadable>,
}

impl<'a> Input<'a> {
    /// An input at `path`, shown as `display`, named `rel` below its PATH argument.
    pub fn new(path: &'a Path, display: &'a str, rel: &'a str) -> Input<'a> {
        Input { path, display, rel, unreadable: None }
    }

    pub(super) fn with_unreadable(self, unreadable: Option<&'a Unreadable>) -> Input<'a> {
        Input { unreadable, ..self }
    }

    /// What to open.
    pub fn path(&self) -> &'a Path {
        self.path
    }

    /// The `file` column: the PATH as given plus the part below it.
    pub fn display(&self) -> &'a str {
        self.display
    }

    /// The part below the PATH argument, or the file name for a file given directly: what
    /// stays the same however the PATH is spelt (baselines, per-path ignores). Its report goes
    /// under `files/` by this name (and `.csv`) unless another report took it first
    /// ([`super::Feed::report_name`]).
    pub fn rel(&self) -> &'a str {
        self.rel
    }

    /// Why the input is known not to be readable before it is opened, if it is.
    pub fn unreadable(&self) -> Option<&'a Unreadable> {
        self.unreadable
    }

    /// An owned copy.
    pub fn to_buf(&self) -> InputBuf {
        let mut input = InputBuf::new(self.path.to_path_buf(), self.display, self.rel);
        if let Some(why) = self.unreadable {
            input.set_unreadable(why.clone());
        }
        input
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// A named pipe, socket or device given as a PATH: the user named it, but opening one
    /// can block (a FIFO) or act (a tape rewinds on close).
    Special,
    /// A folder that cannot be listed, with the system's reason: the files in it, if any,
    /// are not checked, and the run must not look complete.
    Folder(String),
}
