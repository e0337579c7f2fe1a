//! The data every stage shares: findings, rules, the built-in checks, path classes, scan
//! statistics, sizes. It imports nothing else of the crate.

pub mod check;
pub mod env_history;
pub mod error;
pub mod finding;
pub mod path_class;
pub mod rule;
pub mod stats;
pub mod units;
