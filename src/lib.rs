//! keyhound: finds leaked API keys in working trees, git history and staged changes.
//!
//! Data flows one way: [`source`]s push blobs into the scanner ([`scan`]), which runs
//! [`detect`]ion and [`annotate`]s the findings; [`hygiene`] checks run beside it; then
//! [`suppress`], [`verify`] and [`report`]. [`plan`] resolves the command line ([`cli`]) and
//! `.keyhound.toml` ([`config`]) once; [`app`] runs the subcommands. See docs/architecture.md.

pub mod annotate;
pub mod app;
pub mod cli;
pub mod config;
pub mod detect;
pub mod diag;
pub mod git;
pub mod hygiene;
pub mod model;
pub mod plan;
pub mod report;
pub mod rulecheck;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod testkeys;
pub mod verify;

pub use model::error::{Error, Result};
pub use model::finding;
pub use model::rule as rules;
