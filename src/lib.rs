//! keyhound: finds leaked API keys in working trees, git history and staged changes.
//!
//! Pipeline (data flows one way): [`source`] -> [`detect`] -> [`context`] -> report
//! ([`report`]); [`scan`] wires the stages together, [`cli`] and `main.rs` drive it.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod context;
pub mod detect;
pub mod diag;
pub mod doctor;
pub mod finding;
pub mod fp_key;
pub mod hook;
pub mod report;
pub mod rules;
pub mod safe_io;
pub mod scan;
pub mod scrub;
pub mod source;
pub mod suppress;
pub mod testkeys;
pub mod verify;
