//! Sources yield blobs of bytes with where they came from: files of a directory tree
//! ([`walk`]), members of archives ([`archive`]). Git history and the index come in their own
//! modules.

pub mod archive;
pub mod git_history;
pub mod staged;
pub mod walk;

use crate::model::finding::Origin;

/// Bytes to scan, and where they came from.
#[derive(Debug)]
pub struct Blob<'a> {
    /// Display path: relative to the scanned root, `/`-separated; `a.zip!inner` for archive members.
    pub path: String,
    pub data: &'a [u8],
    pub origin: Origin,
}

/// Files whose first 8 KiB hold a NUL byte are binary.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}

/// Absolute paths of the files git tracks, when `root` is inside a git work tree; `None`
/// otherwise (or when the index cannot be read: then the ignore rules decide alone).
pub fn tracked_files(root: &std::path::Path) -> Option<Vec<std::path::PathBuf>> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let index = repo.index().ok()?;
    let root_abs = root.canonicalize().ok()?;
    let strip = |p: std::path::PathBuf| -> std::path::PathBuf {
        // Report paths under `root` as the walk sees them (root as given, not canonical).
        match p.strip_prefix(&root_abs) {
            Ok(rel) => root.join(rel),
            Err(_) => p,
        }
    };
    Some(
        index
            .iter()
            .map(|e| strip(workdir.join(path_from_bytes(&e.path))))
            .collect(),
    )
}

/// A git path (bytes, `/`-separated) as a native path; non-UTF-8 bytes are kept on Unix.
pub fn path_from_bytes(b: &[u8]) -> std::path::PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b))
    }
    #[cfg(not(unix))]
    {
        std::path::PathBuf::from(String::from_utf8_lossy(b).into_owned())
    }
}
