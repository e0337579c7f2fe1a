//! keyhound: finds leaked API keys in working trees, git history and staged changes.
//!
//! Pipeline (data flows one way): [`source`] -> [`scan`] -> [`detect`] -> [`annotate`] ->
//! [`suppress`] -> [`report`]; see docs/architecture.md.

pub mod annotate;
pub mod app;
pub mod cli;
pub mod config;
pub mod detect;
pub mod diag;
pub mod git;
pub mod hygiene;
pub mod model;
pub mod report;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod testkeys;
pub mod verify;

pub use model::finding;
pub use model::rule as rules;
