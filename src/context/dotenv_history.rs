//! Env files that any commit added, found from tree entry names alone (no blob is read). Every
//! distinct tree object of the history is read once: commits are visited oldest first and a tree
//! already seen is not entered again, so each env file path keeps the first commit that had it
//! and the cost is the number of distinct trees, not commits times tree size.

use crate::context::file_class;
use crate::finding::CommitInfo;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// An env file path (repository-relative, `/`-separated) and the first commit that added it.
#[derive(Debug, Clone)]
pub struct Added {
    pub path: String,
    pub commit: CommitInfo,
}

/// Every env file path any commit reachable from a ref (or HEAD) holds, with the oldest such
/// commit. An empty repository gives an empty list.
pub fn env_files_added(repo_dir: &Path) -> Result<Vec<Added>, git2::Error> {
    let repo = git2::Repository::discover(repo_dir)?;
    let mut walk = repo.revwalk()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let _ = walk.push_head();
    let _ = walk.push_glob("*");
    let mut seen: HashSet<git2::Oid> = HashSet::new();
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Added> = Vec::new();
    let mut stack: Vec<(git2::Oid, String)> = Vec::new();
    for oid in walk {
        let Ok(oid) = oid else { continue };
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        if !seen.insert(commit.tree_id()) {
            continue;
        }
        stack.push((commit.tree_id(), String::new()));
        let mut info: Option<CommitInfo> = None;
        while let Some((tree_id, prefix)) = stack.pop() {
            // A tree missing from a shallow or partial clone is skipped.
            let Ok(tree) = repo.find_tree(tree_id) else {
                continue;
            };
            for entry in tree.iter() {
                let name = entry.name_bytes();
                match entry.kind() {
                    Some(git2::ObjectType::Tree) if seen.insert(entry.id()) => {
                        let dir = format!("{prefix}{}/", String::from_utf8_lossy(name));
                        stack.push((entry.id(), dir));
                    }
                    Some(git2::ObjectType::Blob) if may_be_dotenv(name) => {
                        let path = format!("{prefix}{}", String::from_utf8_lossy(name));
                        if !file_class::is_dotenv(&path) {
                            continue;
                        }
                        if first.contains_key(&path) {
                            continue;
                        }
                        first.insert(path.clone(), out.len());
                        let commit = info
                            .get_or_insert_with(|| crate::source::git_repo::info_of(&commit))
                            .clone();
                        out.push(Added { path, commit });
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(out)
}

/// A cheap test on a tree entry name before the full one: `.env…` or `…env`.
fn may_be_dotenv(name: &[u8]) -> bool {
    name.len() >= 4
        && (name[..4].eq_ignore_ascii_case(b".env")
            || name[name.len() - 4..].eq_ignore_ascii_case(b".env"))
}
