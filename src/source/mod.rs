//! Sources produce blobs of bytes with their provenance and push them into a [`BlobSink`]:
//! files of a directory tree ([`walk`]), members of archives ([`archive`], opened by every
//! source), blobs of git history ([`git_history`]) and the staged index ([`staged`]). A source
//! never calls the scanner back: it knows only the sink.

pub mod archive;
pub mod changes;
pub mod git_history;
pub mod ref_files;
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
    /// first). `earlier` is the version the walk scanned before at the same path, if any.
    History {
        blob: Oid,
        commit: Oid,
        order: u32,
        earlier: Option<&'a dyn Earlier>,
    },
    /// A staged file: only findings on `added` lines count, or every finding when the file is
    /// `binary` (an archive).
    Staged {
        added: &'a BTreeSet<u32>,
        binary: bool,
    },
}

/// The version of a history blob scanned before at the same path, read only when asked: every
/// key on its lines is already found, so the new version need only be searched where it
/// changed. Comparing costs a second read and a pass over both, which pays where detection costs
/// more (a file dense with keys), not on ordinary source.
pub trait Earlier {
    /// Where `data` (text: the sink skips binary blobs before asking) changed over the earlier
    /// version (see [`changes::changed_regions`]); `None` when that version was not scanned as
    /// text (too large, unreadable, binary), so all of `data` must be.
    fn changed_regions(&self, data: &[u8]) -> Option<Vec<std::ops::Range<usize>>>;
}

impl std::fmt::Debug for dyn Earlier + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Earlier")
    }
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

/// Whether to skip `data` as binary, judged from its first 8 KiB and not from one byte: a
/// stray NUL must not hide a key. Without a NUL it is text. Otherwise, counting NULs and the
/// other control bytes no text holds (C0 but tab, line breaks, form feed and ESC): a text-like
/// file (by name: source, config, env, markup) is binary when they are a tenth of it or more
/// (UTF-16, a real binary); any other file when there are two or more.
pub fn is_binary(path: &str, data: &[u8]) -> bool {
    let head = &data[..data.len().min(8192)];
    if memchr::memchr(0, head).is_none() {
        return false;
    }
    let odd = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1b))
        .count();
    if is_text_like(path) {
        odd * 10 >= head.len()
    } else {
        odd >= 2
    }
}

/// Names of files that hold text (source, config, env files, markup, data).
fn is_text_like(path: &str) -> bool {
    let name = path
        .rsplit(['/', '!'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.starts_with(".env") || name.ends_with(".env") || name.starts_with("dockerfile") {
        return true;
    }
    let Some((_, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        ext,
        "js" | "mjs"
            | "cjs"
            | "jsx"
            | "ts"
            | "tsx"
            | "map"
            | "json"
            | "ipynb"
            | "py"
            | "rb"
            | "go"
            | "rs"
            | "java"
            | "kt"
            | "cs"
            | "php"
            | "sh"
            | "bash"
            | "zsh"
            | "ps1"
            | "c"
            | "h"
            | "cc"
            | "cpp"
            | "hpp"
            | "swift"
            | "scala"
            | "txt"
            | "md"
            | "rst"
            | "yml"
            | "yaml"
            | "toml"
            | "ini"
            | "cfg"
            | "conf"
            | "config"
            | "properties"
            | "xml"
            | "html"
            | "htm"
            | "vue"
            | "svelte"
            | "css"
            | "scss"
            | "sql"
            | "tf"
            | "tfvars"
            | "hcl"
            | "gradle"
            | "env"
            | "local"
            | "example"
            | "sample"
            | "pem"
            | "key"
            | "csv"
            | "log"
            | "lock"
            | "dart"
            | "lua"
            | "pl"
            | "r"
            | "ex"
            | "exs"
            | "erl"
            | "clj"
    )
}
