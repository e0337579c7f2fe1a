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
                        let commit = info.get_or_insert_with(|| commit_info(&commit)).clone();
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

/// Author, date and summary of a commit.
pub fn commit_info(c: &git2::Commit<'_>) -> CommitInfo {
    let a = c.author();
    let t = a.when();
    CommitInfo {
        sha: c.id().to_string(),
        author: String::from_utf8_lossy(a.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(a.email_bytes()).into_owned(),
        date: rfc3339(t.seconds(), t.offset_minutes()),
        summary: c
            .summary_bytes()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default(),
    }
}

/// `2026-11-23T13:45:00+01:00` for a Unix time and a UTC offset in minutes.
pub fn rfc3339(secs: i64, offset_min: i32) -> String {
    let local = secs + offset_min as i64 * 60;
    let (days, rem) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let sign = if offset_min < 0 { '-' } else { '+' };
    let off = offset_min.unsigned_abs();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        off / 60,
        off % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_795_000_000, 60), "2026-11-18T12:06:40+01:00");
        assert_eq!(rfc3339(951_782_400, -300), "2000-02-28T19:00:00-05:00");
    }
}
