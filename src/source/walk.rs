//! Parallel directory walk with the `ignore` crate.
//!
//! Inside a git work tree: every tracked file (even one a `.gitignore` pattern matches) and every
//! untracked file that is not ignored; ignored untracked files only with `no_ignore`. Outside
//! git: every file. `.git/` is never entered; symlinks are followed only with `follow`
//! (loops are detected and reported).

use super::archive::Unpacker;
use super::{Blob, BlobSink, Provenance};
use crate::diag::Warnings;
use crate::model::finding::DEPENDENCY_DIRS;
use crate::model::path_class::is_dotenv;
use crate::model::units::human_size;
use ignore::{WalkBuilder, WalkState};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub follow: bool,
    pub no_ignore: bool,
    pub max_file_size: u64,
    pub threads: usize,
    /// Skip dependency directories ([`DEPENDENCY_DIRS`]); tracked files in them are still read.
    pub skip_dependencies: bool,
}

/// A file read from disk.
pub struct File<'a> {
    /// Path relative to the root, `/`-separated (the file name when the root is a file).
    pub rel: String,
    pub abs: &'a Path,
    pub data: Vec<u8>,
}

/// Renders a path relative to `root` with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy();
    if s.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The files under `root` as a source: each is pushed into `sink` (its path after `prefix`,
/// archives opened by `unpack`). Returns the env files it read (paths as walked), which the
/// hygiene checks look at.
pub fn tree(
    root: &Path,
    prefix: &str,
    opts: &WalkOptions,
    unpack: &Unpacker<'_>,
    warnings: &Warnings,
    sink: &dyn BlobSink,
) -> Vec<PathBuf> {
    // Not silent: a corrupt index means tracked files that an ignore rule matches are not read.
    let tracked = match crate::git::tracked_files(root) {
        Some(Ok(t)) => Some(t),
        Some(Err(why)) => {
            warnings.warn("git index", why);
            None
        }
        None => None,
    };
    let env_files = Mutex::new(Vec::new());
    walk(root, opts, tracked.as_deref(), warnings, &|file| {
        if is_dotenv(&file.rel) {
            env_files.lock().unwrap().push(file.abs.to_path_buf());
        }
        let path = format!("{prefix}{}", file.rel);
        let blob = Blob {
            path: &path,
            data: &file.data,
            provenance: Provenance::File,
            depth: 0,
        };
        unpack.push(blob, sink);
    });
    env_files.into_inner().unwrap()
}

/// Walks `root`, reading every file to scan and handing it to `visit` on a worker thread.
/// `tracked` lists the files git tracks under `root` (absolute paths), when `root` is in a git
/// work tree: those the ignore rules skipped are read too.
pub fn walk(
    root: &Path,
    opts: &WalkOptions,
    tracked: Option<&[PathBuf]>,
    warnings: &Warnings,
    visit: &(dyn Fn(File<'_>) + Sync),
) {
    let mut builder = WalkBuilder::new(root);
    let use_ignore = !opts.no_ignore;
    let skip_deps = opts.skip_dependencies;
    builder
        .hidden(false)
        .parents(use_ignore)
        .ignore(false)
        .git_ignore(use_ignore)
        .git_global(use_ignore)
        .git_exclude(use_ignore)
        .require_git(true)
        .follow_links(opts.follow)
        .threads(opts.threads)
        .filter_entry(move |e| {
            if e.file_name() == ".git" {
                return false;
            }
            // Dependency directories below the root (not the root itself: scanning
            // `node_modules/pkg` on purpose scans it).
            !(skip_deps
                && e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| DEPENDENCY_DIRS.contains(&n)))
        });
    let seen: Option<Mutex<HashSet<PathBuf>>> = tracked.map(|_| Mutex::new(HashSet::new()));
    builder.build_parallel().run(|| {
        let seen = &seen;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                // A directory deleted while the walk reads it: nothing left to scan.
                Err(err) if err.io_error().is_some_and(vanished) => return WalkState::Continue,
                Err(err) => {
                    warnings.warn(&error_path(&err, root), short_error(&err));
                    return WalkState::Continue;
                }
            };
            // Regular files only: never open FIFOs, sockets or devices.
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            if let Some(seen) = seen {
                seen.lock().unwrap().insert(entry.path().to_path_buf());
            }
            read_and_visit(root, entry.path(), opts, warnings, visit);
            WalkState::Continue
        })
    });
    // Tracked files that an ignore rule hid from the walk are still scanned.
    if let (Some(tracked), Some(seen)) = (tracked, seen) {
        let seen = seen.into_inner().unwrap();
        let missed: Vec<&PathBuf> = tracked
            .iter()
            .filter(|p| {
                p.starts_with(root)
                    && !seen.contains(*p)
                    && !p.components().any(|c| c.as_os_str() == ".git")
            })
            .collect();
        use rayon::prelude::*;
        missed.par_iter().for_each(|p| {
            if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()) {
                read_and_visit(root, p, opts, warnings, visit);
            }
        });
    }
}

fn read_and_visit(
    root: &Path,
    path: &Path,
    opts: &WalkOptions,
    warnings: &Warnings,
    visit: &(dyn Fn(File<'_>) + Sync),
) {
    let rel = rel_path(root, path);
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return,
        Ok(m) if m.len() > opts.max_file_size => {
            warnings.warn(
                &rel,
                format!(
                    "skipped: {} is larger than --max-file-size ({})",
                    human_size(m.len()),
                    human_size(opts.max_file_size)
                ),
            );
            return;
        }
        Ok(_) => {}
        Err(e) if vanished(&e) => return,
        Err(e) => {
            warnings.warn(&rel, e);
            return;
        }
    }
    match read_capped(path, opts.max_file_size) {
        Ok(data) => visit(File {
            rel,
            abs: path,
            data,
        }),
        Err(e) if vanished(&e) => {}
        Err(e) => warnings.warn(&rel, e),
    }
}

/// A file deleted between the directory listing and the read (a build or test run in the
/// background): it no longer holds anything to scan, so it is not worth a warning.
fn vanished(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound
}

/// Reads at most `cap` bytes (a file may grow between `stat` and `read`).
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut data = Vec::new();
    std::fs::File::open(path)?
        .take(cap)
        .read_to_end(&mut data)?;
    Ok(data)
}

fn error_path(err: &ignore::Error, root: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => rel_path(root, path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err, root)
        }
        ignore::Error::Loop { child, .. } => rel_path(root, child),
        _ => root.display().to_string(),
    }
}

fn short_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => short_error(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symlink loop (points back to {}); not followed",
                ancestor.display()
            )
        }
        other => other.to_string(),
    }
}
