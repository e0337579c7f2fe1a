//! Env files that any commit added, found from tree entry names alone (no blob is read): a
//! first-parent tree diff per commit over every ref, oldest first, so each path keeps the commit
//! that first added it.

use crate::context::file_class;
use crate::finding::CommitInfo;
use std::collections::HashMap;
use std::path::Path;

/// An env file path (repository-relative, `/`-separated) and the first commit that added it.
#[derive(Debug, Clone)]
pub struct Added {
    pub path: String,
    pub commit: CommitInfo,
}

/// Every env file path any commit reachable from a ref (or HEAD) added, with the oldest such
/// commit. An empty repository gives an empty list.
pub fn env_files_added(repo_dir: &Path) -> Result<Vec<Added>, git2::Error> {
    let repo = git2::Repository::discover(repo_dir)?;
    let mut walk = repo.revwalk()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let _ = walk.push_head();
    let _ = walk.push_glob("*");
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Added> = Vec::new();
    let mut opts = git2::DiffOptions::new();
    opts.skip_binary_check(true);
    for oid in walk {
        let Ok(oid) = oid else { continue };
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        let Ok(tree) = commit.tree() else { continue };
        // A parent missing from a shallow clone: compare with the empty tree.
        let parent_tree = commit.parent(0).ok().and_then(|p| p.tree().ok());
        let Ok(diff) = repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))
        else {
            continue;
        };
        for delta in diff.deltas() {
            if !matches!(
                delta.status(),
                git2::Delta::Added | git2::Delta::Copied | git2::Delta::Renamed
            ) {
                continue;
            }
            let Some(path) = delta.new_file().path_bytes() else {
                continue;
            };
            let path = String::from_utf8_lossy(path).into_owned();
            if !file_class::is_dotenv(&path) || first.contains_key(&path) {
                continue;
            }
            first.insert(path.clone(), out.len());
            out.push(Added {
                path,
                commit: commit_info(&commit),
            });
        }
    }
    Ok(out)
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
