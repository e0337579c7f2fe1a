//! Where a scan root sits in its repository, so that reports can give paths that code scanning
//! resolves: SARIF `uri`s relative to the repository root (`%SRCROOT%`), and a JSON `repo_path`
//! next to the `path` relative to the scan root.

use crate::source::git_repo::{display_path, open_target};
use std::path::Path;

/// The scan root relative to the top of its repository's working tree, with a trailing `/`
/// (`web/`), or `""` when the root is the top, a bare repository or a `.git` directory (their
/// paths are already repository paths), or for `--staged` (index paths are repository paths).
/// `None` outside a repository, or when several roots were scanned (their paths carry the
/// roots as given).
pub fn repo_prefix(paths: &[std::path::PathBuf], staged: bool) -> Option<String> {
    if staged {
        return Some(String::new());
    }
    let [root] = paths else { return None };
    prefix_of(root)
}

fn prefix_of(root: &Path) -> Option<String> {
    let t = open_target(root)?;
    if t.prefix.is_empty() {
        return Some(String::new());
    }
    Some(format!("{}/", display_path(&t.prefix)))
}

/// `path` (relative to the scan root) as a repository path, given [`repo_prefix`].
pub fn repo_path(prefix: Option<&str>, path: &str) -> String {
    match prefix {
        Some(p) => format!("{p}{path}"),
        None => path.to_string(),
    }
}
