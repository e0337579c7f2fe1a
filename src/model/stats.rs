//! What a scan measured, for the summary line and benchmarks.

use std::time::Duration;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Files (and staged blobs) scanned, and their bytes plus the bytes of history blobs read.
    pub files: u64,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Commits walked and distinct blobs scanned in git history (0 without history).
    pub commits: u64,
    pub blobs: u64,
}
