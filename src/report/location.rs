//! Paths that code scanning resolves: SARIF `uri`s relative to the repository root
//! (`%SRCROOT%`), and a JSON `repo_path` next to the `path` relative to the scan root. The
//! scan root's place in its repository comes from `scan::location::repo_prefix`.

/// `path` (relative to the scan root) as a repository path, given the scan root's prefix.
pub fn repo_path(prefix: Option<&str>, path: &str) -> String {
    match prefix {
        Some(p) => format!("{p}{path}"),
        None => path.to_string(),
    }
}
