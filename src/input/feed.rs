//! The inputs of a run as the walk finds them, shared by the walk, the workers and the report
//! stage, so checking starts while the folders are still being walked.
//!
//! Every input is held until the run ends (the batch rules name the first of two copies, report
//! names are settled once the walk is done), so inputs are packed: the walk hands them over
//! [`BLOCK`] at a time, and a block keeps their paths one after another in one string, eight
//! bytes for each, and what few of them need besides. Held one by one, an input took 32 bytes
//! and an allocation of its path (80 bytes for a path of 40, with the list's growth more); in a
//! block it takes its path and 8 bytes.
//!
//! The walk appends in path order and is the only writer. Blocks never move once appended, so
//! readers borrow them while the list grows. Report names are settled only once the walk is
//! done (a later folder can take the name an earlier file's report wanted); until then the
//! report stage holds the few reports it has made.

use super::item::{Input, InputBuf, Rare};
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

/// How many inputs the walk hands over at once: each block costs a few allocations, and the
/// workers see a block's files once it is whole (a quarter of a millisecond of walking).
pub const BLOCK: usize = 256;

#[derive(Default)]
pub struct Feed {
    /// Every block full but the last.
    blocks: boxcar::Vec<Block>,
    /// Inputs in the blocks appended so far.
    len: AtomicUsize,
    /// Report names that differ from [`Input::rel`], by index, once the walk is done.
    renamed: OnceLock<FxHashMap<usize, String>>,
    /// Taken around setting `renamed` and around waiting for it, so no wake-up is missed.
    settling: Mutex<()>,
    settles: Condvar,
}

impl Feed {
    /// A feed of a list already complete, with its report names settled.
    pub fn complete(inputs: Vec<InputBuf>) -> Feed {
        let feed = Feed::default();
        feed.extend(inputs);
        feed.settle(FxHashMap::default());
        feed
    }

    /// Appends `inputs`, in blocks.
    pub(super) fn extend(&self, inputs: impl IntoIterator<Item = InputBuf>) {
        let mut block = Vec::with_capacity(BLOCK);
        for input in inputs {
            block.push(input);
            if block.len() == BLOCK {
                self.push_block(std::mem::replace(&mut block, Vec::with_capacity(BLOCK)));
            }
        }
        self.push_block(block);
    }

    /// Appends up to [`BLOCK`] inputs; only the last block appended may hold fewer.
    pub(super) fn push_block(&self, inputs: Vec<InputBuf>) {
        if inputs.is_empty() {
            return;
        }
        let len = self.len.load(Ordering::Relaxed);
        assert!(inputs.len() <= BLOCK && len % BLOCK == 0, "a block after one not full");
        let n = inputs.len();
        self.blocks.push(Block::pack(inputs));
        self.len.store(len + n, Ordering::Release);
    }

    /// Marks the walk done, with the report names that had to change.
    pub(super) fn settle(&self, renamed: FxHashMap<usize, String>) {
        let _held = self.settling.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.renamed.set(renamed);
        self.settles.notify_all();
    }

    /// Inputs appended so far.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The input at `index`, which must be below a length already seen.
    pub fn get(&self, index: usize) -> Input<'_> {
        self.blocks[index / BLOCK].get(index % BLOCK)
    }

    /// Whether the walk is done: no input will be added and report names are final.
    pub fn settled(&self) -> bool {
        self.renamed.get().is_some()
    }

    /// Blocks until the walk is done.
    pub fn wait_settled(&self) {
        let mut held = self.settling.lock().unwrap_or_else(|e| e.into_inner());
        while !self.settled() {
            held = self.settles.wait(held).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Where the report of the input at `index` goes under `files/`: `None` until the walk is
    /// done.
    pub fn report_name(&self, index: usize) -> Option<&str> {
        let renamed = self.renamed.get()?;
        Some(renamed.get(&index).map_or_else(|| self.get(index).rel(), String::as_str))
    }

    pub fn iter(&self) -> impl Iterator<Item = Input<'_>> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// Up to [`BLOCK`] inputs, packed.
struct Block {
    /// The paths in UTF-8, one after another.
    paths: Box<str>,
    slots: Box<[Slot]>,
    /// The inputs with more than a path in UTF-8, by their place in the block.
    odd: Box<[Odd]>,
}

#[derive(Clone, Copy)]
struct Slot {
    /// Where the input's path ends in [`Block::paths`] (it starts where the one before ends;
    /// a path not in UTF-8 is empty there).
    end: u32,
    /// Where the part below the PATH starts in the path, when the texts are read from it.
    rel_at: u32,
}

/// An input with texts of its own, known not to be readable, or with a path not in UTF-8.
struct Odd {
    at: u16,
    rare: Rare,
    path: Option<Box<Path>>,
}

impl Block {
    fn pack(inputs: Vec<InputBuf>) -> Block {
        // Room for every path, as bytes: one not in UTF-8 takes none, which is only room spare.
        let size = inputs.iter().map(|i| i.path().as_os_str().len()).sum();
        let mut paths = String::with_capacity(size);
        let mut slots = Vec::with_capacity(inputs.len());
        let mut odd = Vec::new();
        for (at, input) in inputs.into_iter().enumerate() {
            let rel_at = input.rel_at();
            let (path, rare) = input.into_parts();
            let path = match path.to_str() {
                Some(text) => {
                    paths.push_str(text);
                    None
                }
                None => Some(path),
            };
            let end = u32::try_from(paths.len()).expect("a block's paths are far below 4 GiB");
            slots.push(Slot { end, rel_at: rel_at.unwrap_or(0) });
            if rare.is_some() || path.is_some() {
                let at = u16::try_from(at).expect("a block holds fewer than 65,536 inputs");
                odd.push(Odd { at, rare: rare.map(|r| *r).unwrap_or_default(), path });
            }
        }
        Block { paths: paths.into_boxed_str(), slots: slots.into_boxed_slice(), odd: odd.into_boxed_slice() }
    }

    fn get(&self, at: usize) -> Input<'_> {
        let start = at.checked_sub(1).map_or(0, |before| self.slots[before].end as usize);
        let slot = self.slots[at];
        let text = &self.paths[start..slot.end as usize];
        let Some(odd) = self.odd(at) else {
            return Input::new(Path::new(text), text, &text[slot.rel_at as usize..]);
        };
        let path = odd.path.as_deref().unwrap_or(Path::new(text));
        let input = match &odd.rare.spelt {
            Some(s) => Input::new(path, &s.display, &s.rel),
            None => Input::new(path, text, &text[slot.rel_at as usize..]),
        };
        input.with_unreadable(odd.rare.unreadable.as_ref())
    }

    fn odd(&self, at: usize) -> Option<&Odd> {
        if self.odd.is_empty() {
            return None;
        }
        self.odd.binary_search_by_key(&at, |o| usize::from(o.at)).ok().map(|i| &self.odd[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Unreadable;
    use std::path::PathBuf;

    #[test]
    fn inputs_read_back_from_their_blocks_as_they_went_in() {
        let mut inputs: Vec<InputBuf> = (0..BLOCK + 3)
            .map(|i| InputBuf::read_from_path(PathBuf::from(format!("in/提出/{i:04}.xml")), "提出/0000.xml".len()))
            .collect();
        inputs[5] = InputBuf::new(PathBuf::from("in/x.xml"), "./in/x.xml", "x.xml");
        inputs[7].set_unreadable(Unreadable::Special);
        #[cfg(unix)]
        let odd_path = {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new("in").join(std::ffi::OsStr::from_bytes(b"bad\xffname.xml"));
            inputs[BLOCK + 1] = InputBuf::new(path.clone(), "in/bad\u{fffd}name.xml", "bad\u{fffd}name.xml");
            path
        };
        let want: Vec<(PathBuf, String, String, Option<Unreadable>)> = inputs
            .iter()
            .map(|i| (i.path().to_path_buf(), i.display().to_owned(), i.rel().to_owned(), i.unreadable().cloned()))
            .collect();
        let feed = Feed::complete(inputs);
        assert_eq!(feed.len(), BLOCK + 3);
        let got: Vec<_> = feed
            .iter()
            .map(|i| (i.path().to_path_buf(), i.display().to_owned(), i.rel().to_owned(), i.unreadable().cloned()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(feed.get(9).rel(), "提出/0009.xml");
        #[cfg(unix)]
        assert_eq!(feed.get(BLOCK + 1).path(), odd_path);
    }

    #[test]
    #[should_panic(expected = "a block after one not full")]
    fn only_the_last_block_may_be_short() {
        let feed = Feed::default();
        let one = || vec![InputBuf::new(PathBuf::from("a.xml"), "a.xml", "a.xml")];
        feed.push_block(one());
        feed.push_block(one());
    }
}
