//! Sources yield blobs of bytes with where they came from: files of a directory tree
//! ([`walk`]), members of archives ([`archive`]). Git history and the index come in their own
//! modules.

pub mod archive;
pub mod git_history;
pub mod git_repo;
pub mod ref_files;
pub mod staged;
pub mod walk;

use crate::finding::Origin;

/// Bytes to scan, and where they came from.
#[derive(Debug)]
pub struct Blob<'a> {
    /// Display path: relative to the scanned root, `/`-separated; `a.zip!inner` for archive members.
    pub path: String,
    pub data: &'a [u8],
    pub origin: Origin,
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

/// Absolute paths of the files git tracks, when `root` is inside a git work tree; `None`
/// otherwise (or when the index cannot be read: then the ignore rules decide alone).
pub fn tracked_files(
    root: &std::path::Path,
    warnings: Option<&crate::diag::Warnings>,
) -> Option<Vec<std::path::PathBuf>> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let index = match repo.index() {
        Ok(i) => i,
        Err(e) => {
            // Not silent: tracked files that an ignore rule matches are not read without it.
            if let Some(w) = warnings {
                w.warn(
                    &repo.path().join("index").display().to_string(),
                    format!(
                        "the git index cannot be read ({}); tracked files that .gitignore matches are not scanned",
                        e.message()
                    ),
                );
            }
            return None;
        }
    };
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
