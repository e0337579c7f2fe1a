//! Env files that any commit added. The history walker (`source::git_history`) reads every
//! distinct tree once, oldest commit first, and records each env file path it meets with the
//! first commit that had it, from tree entry names alone (no blob is read).

use crate::model::finding::CommitInfo;

/// An env file path (repository-relative, `/`-separated) and the first commit that added it.
#[derive(Debug, Clone)]
pub struct Added {
    pub path: String,
    pub commit: CommitInfo,
}

/// A cheap test on a tree entry name before the full one: `.env…` or `…env`.
pub fn may_be_dotenv(name: &[u8]) -> bool {
    name.len() >= 4
        && (name[..4].eq_ignore_ascii_case(b".env")
            || name[name.len() - 4..].eq_ignore_ascii_case(b".env"))
}
