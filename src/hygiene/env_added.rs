//! `dotenv-tracked` for the modes that scan commits or the index rather than a working tree:
//! an env file that the staged index adds (the pre-commit hook blocks it), or that a commit of
//! `--range` / `--branch` / `--since-commit` / `--history-only` / a bare or `.git` target added
//! or renamed into place. Templates (`.env.example`, ...) are not env files and pass.

use crate::model::check::{self as checks, CheckId};
use crate::model::env_history::Added;
use crate::model::finding::{Finding, Origin};
use crate::model::path_class as file_class;
use crate::model::rule::Severity;
use std::collections::HashMap;

/// Key findings per path, to raise an env file that holds keys to critical.
fn keys_by_path(findings: &[Finding]) -> HashMap<&str, usize> {
    let mut m: HashMap<&str, usize> = HashMap::new();
    for f in findings.iter().filter(|f| f.is_key()) {
        *m.entry(f.path.as_str()).or_default() += 1;
    }
    m
}

fn with_keys(f: &mut Finding, keys: usize) {
    if keys > 0 {
        f.severity = Severity::Critical;
        f.summary.push_str(&format!(
            ", with {keys} key{} in it",
            if keys == 1 { "" } else { "s" }
        ));
    }
}

/// The env files among `new_paths` (repository paths the index adds compared with HEAD: new
/// files and renames into place), as findings that block the commit.
pub fn staged(new_paths: &[String], findings: &[Finding]) -> Vec<Finding> {
    let keys = keys_by_path(findings);
    new_paths
        .iter()
        .filter(|p| file_class::is_dotenv(p))
        .map(|p| {
            let mut f = checks::finding(CheckId::DotenvTracked, p, 1, 1, Origin::Staged);
            f.summary = format!(
                "{p} is staged: this commit would add it to git, and everyone with a clone would have its contents"
            );
            with_keys(&mut f, keys.get(p.as_str()).copied().unwrap_or(0));
            let name = p.rsplit('/').next().unwrap_or(p);
            f.remediation = format!(
                "Unstage it and keep it out of git: `git rm --cached {p}` (the file stays on disk), then add `{name}` (or `.env` and `.env.*` with `!.env.example`) to .gitignore. Commit a template without values instead, e.g. `.env.example`."
            );
            f
        })
        .collect()
}

/// Env files that the scanned commits added (`added` from the history walk, repository
/// paths), as findings with the adding commit. `target_prefix` is the scan root inside the
/// repository (`web`, or empty) and `display_prefix` what reported paths start with.
pub fn committed(
    added: &[Added],
    target_prefix: &str,
    display_prefix: &str,
    findings: &[Finding],
) -> Vec<Finding> {
    let keys = keys_by_path(findings);
    added
        .iter()
        .filter_map(|a| {
            let below = if target_prefix.is_empty() {
                a.path.as_str()
            } else {
                a.path.strip_prefix(target_prefix)?.strip_prefix('/')?
            };
            let shown = format!("{display_prefix}{below}");
            let mut f = checks::finding(CheckId::DotenvTracked,
                &shown,
                1,
                1,
                Origin::Commit(a.commit.clone()),
            );
            f.summary = format!(
                "{} was added in commit {} (\"{}\"): everyone with a clone has its contents",
                a.path,
                &a.commit.sha[..a.commit.sha.len().min(10)],
                a.commit.summary
            );
            with_keys(&mut f, keys.get(shown.as_str()).copied().unwrap_or(0));
            f.remediation = format!(
                "Rotate every credential {0} holds, stop tracking it (`git rm --cached {0}`, add it to .gitignore, commit), and purge it from history (`git filter-repo --invert-paths --path {0}`) if the branch was pushed.",
                a.path
            );
            Some(f)
        })
        .collect()
}
