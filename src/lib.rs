//! rinken: a fast validator for 臨床調査個人票 and 小児慢性特定疾病 医療意見書 XML submissions.
//!
//! Data flows one way: [`input`] finds, loads and decodes files; [`parse`] turns XML events
//! into record views; [`check`] runs the layout engine driven by [`tables`] and the domain
//! rules; [`report`] writes CSV reports, the summary and other formats. [`finding::Finding`]
//! is the one currency between check and report; [`rules::ALL`] is the catalogue.

pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod finding;
pub mod gen;
pub mod input;
pub mod lang;
pub mod parse;
pub mod refdata;
pub mod report;
pub mod rules;
pub mod run;
pub mod selection;
pub mod tables;
pub mod text;
pub mod xsd;
