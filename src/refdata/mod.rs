//! Reference data given at run time: the designated-doctor roster (`--doctors`) and the list
//! of existing institutions (`--institutions`).

pub mod institutions;
pub mod roster;

pub use institutions::Institutions;
pub use roster::Roster;

use std::fmt;

/// A reference file could not be read: names the file, line and column.
#[derive(Debug)]
pub struct RefError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for RefError {}
