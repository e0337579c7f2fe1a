//! Sources produce blobs of bytes with their provenance and push them into a [`BlobSink`]:
//! files of a directory tree ([`walk`]), members of archives ([`archive`], opened by every
//! source), blobs of git history ([`git_history`]) and the staged index ([`staged`]). A source
//! never calls the scanner back: it knows only the sink.

pub mod archive;
pub mod git_history;
pub mod staged;
pub mod walk;

use git2::Oid;
use std::collections::BTreeSet;

/// Bytes to scan, and where they came from.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// Display path: relative to the scanned root, `/`-separated; `a.zip!inner` for archive members.
    pub path: &'a str,
    pub data: &'a [u8],
    pub provenance: Provenance<'a>,
    /// How many archives deep the blob is (0: not an archive member).
    pub depth: usize,
}

/// Where a blob came from.
#[derive(Debug, Clone, Copy)]
pub enum Provenance<'a> {
    /// A file of a directory tree (the working tree, or any directory).
    File,
    /// A blob of git history: first seen in `commit`, the `order`-th commit of the walk (oldest
    /// first).
    History { blob: Oid, commit: Oid, order: u32 },
    /// A staged file: only findings on `added` lines count, or every finding when the file is
    /// `binary` (an archive).
    Staged {
        added: &'a BTreeSet<u32>,
        binary: bool,
    },
}

/// What a source pushes blobs into (the scanner implements it), as ripgrep's searcher pushes
/// matches into a caller's `Sink`.
///
/// Contract: sources call [`BlobSink::blob`] once per blob, from any number of threads at the
/// same time, in no particular order. The blob's bytes are borrowed for the call only; a sink
/// keeps whatever it needs. Binary content is pushed too (the sink decides what to skip);
/// archives are not: their members are.
pub trait BlobSink: Sync {
    fn blob(&self, blob: Blob<'_>);
}

/// Files whose first 8 KiB hold a NUL byte are binary.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}
