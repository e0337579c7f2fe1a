//! Where a scan root sits in its repository, for reports whose paths must resolve from the
//! repository root (SARIF for code scanning, JSON `repo_path`).

use crate::git::{display_path, open_target};
use std::path::{Path, PathBuf};

/// The scan root relative to the top of its repository's working tree, with a trailing `/`
/// (`web/`), or `""` when the root is the top, a bare repository or a `.git` directory (their
/// paths are already repository paths), or for `--staged` (index paths are repository paths).
/// `None` outside a repository, or when several roots were scanned (their paths carry the
/// roots as given).
pub fn repo_prefix(paths: &[PathBuf], staged: bool) -> Option<String> {
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
