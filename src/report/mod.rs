//! Report: per-file CSV reports, `summary.csv`, the human summary on stderr, the stdout formats.

pub mod csv;
pub mod cut;
pub mod formats;
pub mod stage;
pub mod staging;
pub mod summary;
pub mod writes;
