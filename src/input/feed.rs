//! The inputs of a run as the walk finds them, shared by the walk, the workers and the report
//! stage, so checking starts while the folders are still being walked.
//!
//! The walk appends in path order and is the only writer. Entries never move once appended, so
//! readers borrow them while the list grows. Report names are settled only once the walk is
//! done (a later folder can take the name an earlier file's report wanted); until then the
//! report stage holds the few reports it has made.

use super::walk::Input;
use rustc_hash::FxHashMap;
use std::sync::{Condvar, Mutex, OnceLock};

#[derive(Default)]
pub struct Feed {
    items: boxcar::Vec<Input>,
    /// Report names that differ from [`Input::rel`], by index, once the walk is done.
    renamed: OnceLock<FxHashMap<usize, String>>,
    /// Taken around setting `renamed` and around waiting for it, so no wake-up is missed.
    settling: Mutex<()>,
    settles: Condvar,
}

impl Feed {
    /// A feed of a list already complete, with its report names settled.
    pub fn complete(inputs: Vec<Input>) -> Feed {
        let feed = Feed::default();
        for input in inputs {
            feed.push(input);
        }
        feed.settle(FxHashMap::default());
        feed
    }

    pub(super) fn push(&self, input: Input) -> usize {
        self.items.push(input)
    }

    /// Marks the walk done, with the report names that had to change.
    pub(super) fn settle(&self, renamed: FxHashMap<usize, String>) {
        let _held = self.settling.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.renamed.set(renamed);
        self.settles.notify_all();
    }

    /// Inputs appended so far.
    pub fn len(&self) -> usize {
        self.items.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The input at `index`, which must be below a length already seen.
    pub fn get(&self, index: usize) -> &Input {
        &self.items[index]
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
        Some(renamed.get(&index).map_or(self.get(index).rel(), String::as_str))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Input> {
        self.items.iter().map(|(_, input)| input)
    }
}
