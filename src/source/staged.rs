//! `--staged`: what the next commit adds, for pre-commit hooks.
//!
//! The index is diffed against HEAD's tree (the empty tree before the first commit) with rename
//! detection, and only the lines it adds are reported, with their line numbers in the staged
//! file. Files are read from the index, not the disk, so what is scanned is exactly what will be
//! committed. During a merge, a line counts only when it is new relative to every parent
//! (HEAD and each MERGE_HEAD): what the other branch already committed is not this commit's.
//!
//! Nothing else is read: no working-tree walk, no history, only the staged blobs.

use super::archive::Unpacker;
use super::{Blob, BlobSink, Provenance};
use crate::diag::Warnings;
use crate::git::{configure_libgit2, display_path};
use crate::model::error::Error;
use crate::model::units::human_size;
use git2::{Delta, DiffFindOptions, DiffOptions, Index, Oid, Repository, Tree};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Lines a staged file adds, by new path.
#[derive(Debug, Default)]
struct Change {
    blob: Option<Oid>,
    /// Binary content: no lines; archives are scanned whole, other binaries skipped.
    binary: bool,
    lines: BTreeSet<u32>,
}

/// Pushes what the index adds compared with HEAD into `sink`: every staged blob with new
/// lines, with the set of lines it adds. `root` names the repository (any directory inside its
/// working tree). Returns the env files the index adds (new, or renamed into place), as
/// repository paths, for the `dotenv-tracked` check.
pub fn scan(
    root: &Path,
    max_file_size: u64,
    unpack: &Unpacker<'_>,
    warnings: &Warnings,
    sink: &dyn BlobSink,
) -> Result<Vec<String>, Error> {
    configure_libgit2();
    let repo = Repository::discover(root).map_err(|_| {
        let shown = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Error::NotARepository {
            message: format!(
                "--staged: {} is not inside a git repository (run it from a working tree, e.g. in a pre-commit hook)",
                shown.display()
            ),
            path: shown,
        }
    })?;
    if repo.is_bare() {
        return Err(Error::NotARepository {
            path: root.to_path_buf(),
            message: format!(
                "--staged: {} is a bare repository: it has no index",
                root.display()
            ),
        });
    }
    let index = repo
        .index()
        .map_err(Error::git("--staged: cannot read the git index"))?;
    let parents = parent_trees(&repo, warnings)?;
    let changes = staged_changes(&repo, &index, &parents, warnings)?;

    for (path, change) in &changes {
        let Some(blob_id) = change.blob else { continue };
        if change.lines.is_empty() && !change.binary {
            continue;
        }
        let shown = display_path(path);
        let blob = match repo.find_blob(blob_id) {
            Ok(b) => b,
            Err(e) => {
                warnings.warn(
                    &shown,
                    format!("staged content cannot be read: {}", e.message()),
                );
                continue;
            }
        };
        if blob.size() as u64 > max_file_size {
            warnings.warn(
                &shown,
                format!(
                    "skipped: {} is larger than --max-file-size ({})",
                    human_size(blob.size() as u64),
                    human_size(max_file_size)
                ),
            );
            continue;
        }
        let staged = Blob {
            path: &shown,
            data: blob.content(),
            provenance: Provenance::Staged {
                added: &change.lines,
                binary: change.binary,
            },
            depth: 0,
        };
        unpack.push(staged, sink);
    }
    // Env files the index adds (new, or renamed into place): the commit would track them.
    let new_env = index
        .iter()
        .filter_map(|e| {
            let p = display_path(&e.path);
            let path = crate::git::path_from_bytes(&e.path);
            let in_parent = parents
                .iter()
                .any(|t| t.as_ref().is_some_and(|t| t.get_path(&path).is_ok()));
            (crate::model::path_class::is_dotenv(&p) && !in_parent).then_some(p)
        })
        .collect();
    Ok(new_env)
}

/// HEAD's tree (none before the first commit), then each MERGE_HEAD's during a merge.
fn parent_trees<'r>(
    repo: &'r Repository,
    warnings: &Warnings,
) -> Result<Vec<Option<Tree<'r>>>, Error> {
    let head = match repo.head() {
        Ok(h) => Some(
            h.peel_to_tree()
                .map_err(Error::git("--staged: HEAD does not point to a commit"))?,
        ),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            None
        }
        Err(e) => return Err(Error::git("--staged: cannot read HEAD")(e)),
    };
    let mut trees = vec![head];
    if let Ok(text) = std::fs::read_to_string(repo.path().join("MERGE_HEAD")) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match Oid::from_str(line)
                .ok()
                .and_then(|o| repo.find_commit(o).ok())
                .and_then(|c| c.tree().ok())
            {
                Some(t) => trees.push(Some(t)),
                None => warnings.warn(
                    "MERGE_HEAD",
                    format!("{line} is not a readable commit; lines are compared with HEAD only"),
                ),
            }
        }
    }
    Ok(trees)
}

/// For each staged file, the lines that are new relative to every parent tree.
fn staged_changes(
    repo: &Repository,
    index: &Index,
    parents: &[Option<Tree<'_>>],
    warnings: &Warnings,
) -> Result<Vec<(Vec<u8>, Change)>, Error> {
    let mut merged: Option<HashMap<Vec<u8>, Change>> = None;
    let mut conflicted = 0usize;
    for parent in parents {
        let mut changes = diff_against(repo, index, parent.as_ref(), &mut conflicted)?;
        merged = Some(match merged {
            None => changes,
            Some(mut acc) => {
                // Keep only what is new relative to this parent too.
                acc.retain(|path, c| match changes.remove(path) {
                    Some(other) => {
                        c.lines = c.lines.intersection(&other.lines).copied().collect();
                        c.binary &= other.binary;
                        !c.lines.is_empty() || c.binary
                    }
                    None => false,
                });
                acc
            }
        });
    }
    if conflicted > 0 {
        warnings.note(format!(
            "{} conflicted file(s) in the index are not scanned until the conflict is resolved and staged",
            conflicted / parents.len().max(1)
        ));
    }
    let mut out: Vec<(Vec<u8>, Change)> = merged.unwrap_or_default().into_iter().collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn diff_against(
    repo: &Repository,
    index: &Index,
    tree: Option<&Tree<'_>>,
    conflicted: &mut usize,
) -> Result<HashMap<Vec<u8>, Change>, Error> {
    let mut opts = DiffOptions::new();
    opts.context_lines(0)
        .interhunk_lines(0)
        .ignore_submodules(true);
    let mut diff = repo
        .diff_tree_to_index(tree, Some(index), Some(&mut opts))
        .map_err(Error::git("--staged: cannot diff the index against HEAD"))?;
    // A renamed file is not new content: only its edits count.
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .map_err(Error::git("--staged: rename detection failed"))?;
    let changes: RefCell<HashMap<Vec<u8>, Change>> = RefCell::new(HashMap::new());
    let wanted = |s: Delta| {
        matches!(
            s,
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        )
    };
    diff.foreach(
        &mut |delta, _| {
            if delta.status() == Delta::Conflicted {
                *conflicted += 1;
            }
            if wanted(delta.status()) {
                if let Some(p) = delta.new_file().path_bytes() {
                    let mut changes = changes.borrow_mut();
                    let c = changes.entry(p.to_vec()).or_default();
                    c.blob = Some(delta.new_file().id());
                    c.binary = delta.flags().is_binary();
                }
            }
            true
        },
        Some(&mut |delta, _| {
            if let Some(p) = delta.new_file().path_bytes() {
                if let Some(c) = changes.borrow_mut().get_mut(p) {
                    c.binary = true;
                }
            }
            true
        }),
        None,
        Some(&mut |delta, _, line| {
            if line.origin() == '+' && wanted(delta.status()) {
                if let (Some(p), Some(n)) = (delta.new_file().path_bytes(), line.new_lineno()) {
                    changes
                        .borrow_mut()
                        .entry(p.to_vec())
                        .or_default()
                        .lines
                        .insert(n);
                }
            }
            true
        }),
    )
    .map_err(Error::git("--staged: reading the staged changes"))?;
    Ok(changes.into_inner())
}
