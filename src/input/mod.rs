//! Input: find the files, read each once, decode it to text.

pub mod decode;
pub mod load;
pub mod walk;

pub use walk::{discover, Discovery, Input, SkipReason, Skipped};
