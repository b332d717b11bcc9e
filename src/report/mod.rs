//! Report: per-file CSV reports, `summary.csv`, the human summary on stderr, progress.

pub mod csv;
pub mod staging;
pub mod summary;
