//! Input: find the files, read each once, decode it to text.

pub mod decode;
pub mod feed;
mod item;
pub mod list;
pub mod load;
pub mod open;
mod sources;
pub mod tree;
pub mod walk;

pub use feed::Feed;
pub use item::{Input, InputBuf, Unreadable};
pub use list::PathList;
pub use walk::{discover, discover_into, Discovery, Offer, SkipReason, Skipped};
