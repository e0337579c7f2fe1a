//! The data every stage shares: findings, rules, the built-in checks, path classes.

pub mod check;
pub mod env_history;
pub mod finding;
pub mod path_class;
pub mod rule;
