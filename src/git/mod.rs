//! Git plumbing that every stage shares: opening a scan target as a repository, the files the
//! index tracks, paths as git stores them, commit information and object ids.

use crate::model::finding::CommitInfo;
use git2::{Oid, Repository};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// A scan root that is (inside) a git repository.
pub struct GitTarget {
    pub repo: Repository,
    /// The scan root as the user gave it, for messages.
    pub shown: String,
    /// The repository's git directory: worker threads reopen it (a `Repository` is not `Sync`).
    pub git_dir: PathBuf,
    /// The scan root is a working tree (not a bare repository or a `.git` directory).
    pub has_workdir: bool,
    /// The scan root relative to the working tree (`sub/dir`, no trailing slash), when it is a
    /// subdirectory: history is limited to that directory and its paths are reported relative
    /// to it, as the working-tree scan reports them. Empty at the top of the repository.
    pub prefix: Vec<u8>,
}

/// Process-wide libgit2 settings for a read-only scanner, applied once:
/// - repositories owned by another user are read (a scanner runs no hooks or config commands);
/// - object hashes are not re-verified on every read (a SHA-1 of every blob would cost more than
///   scanning it; a corrupt object is still reported when it cannot be inflated);
/// - pack files are mapped in windows of bounded total size, so peak memory does not grow with
///   the size of the repository.
pub fn configure_libgit2() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // SAFETY: called once, before any repository is opened by this process.
        unsafe {
            let _ = git2::opts::set_verify_owner_validation(false);
            // Small windows, many of them: the walker reads commits and trees while workers
            // read blobs from other parts of the pack, so two large windows were unmapped and
            // mapped again ~100,000 times on hugo (7 s of system time).
            let _ = git2::opts::set_mwindow_size(4 << 20);
            let _ = git2::opts::set_mwindow_mapped_limit(128 << 20);
            // Parsed trees and commits are read once each, so caching them buys nothing; the cache
            // is per repository handle (the walker's and one per worker), so keep it small.
            let _ = git2::opts::set_cache_max_size(4 << 20);
        }
    });
}

/// Opens `path` as a git repository: a working tree (or a directory inside one), a `.git`
/// directory or a bare repository. `None` when it is none of these.
pub fn open_target(path: &Path) -> Option<GitTarget> {
    configure_libgit2();
    let abs = path.canonicalize().ok()?;
    if !abs.is_dir() {
        return None;
    }
    let repo = match Repository::open(&abs) {
        Ok(r) => r,
        Err(_) => Repository::discover(&abs).ok()?,
    };
    let git_dir = repo
        .path()
        .canonicalize()
        .unwrap_or_else(|_| repo.path().to_path_buf());
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok());
    let (has_workdir, prefix) = match workdir {
        // PATH is the git directory itself (or inside it): scan the repository, not files.
        _ if abs.starts_with(&git_dir) => (false, Vec::new()),
        Some(w) => match abs.strip_prefix(&w) {
            Ok(rel) => (true, path_bytes(rel)),
            Err(_) => return None,
        },
        None => (false, Vec::new()),
    };
    Some(GitTarget {
        repo,
        shown: path.display().to_string(),
        git_dir,
        has_workdir,
        prefix,
    })
}

/// A relative native path as git path bytes (`/`-separated).
pub fn path_bytes(rel: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        rel.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        rel.to_string_lossy().replace('\\', "/").into_bytes()
    }
}

/// A git path (bytes, `/`-separated) as a native path; non-UTF-8 bytes are kept on Unix.
pub fn path_from_bytes(b: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(b))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(b).into_owned())
    }
}

/// Absolute paths of the files git tracks, when `root` is inside a git work tree; `None`
/// otherwise. `Some(Err(why))` when the index cannot be read (then the ignore rules decide
/// alone, and the caller says so: tracked files that `.gitignore` matches are not read).
pub fn tracked_files(root: &Path) -> Option<Result<Vec<PathBuf>, String>> {
    let repo = Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let index = match repo.index() {
        Ok(i) => i,
        Err(e) => {
            return Some(Err(format!(
                "{}: the git index cannot be read ({}); tracked files that .gitignore matches are not scanned",
                repo.path().join("index").display(),
                e.message()
            )))
        }
    };
    let root_abs = root.canonicalize().ok()?;
    let strip = |p: PathBuf| -> PathBuf {
        // Report paths under `root` as the walk sees them (root as given, not canonical).
        match p.strip_prefix(&root_abs) {
            Ok(rel) => root.join(rel),
            Err(_) => p,
        }
    };
    Some(Ok(index
        .iter()
        .map(|e| strip(workdir.join(path_from_bytes(&e.path))))
        .collect()))
}

/// Blob ids in HEAD's tree under the scan root (empty without HEAD).
pub fn head_blobs(target: &GitTarget) -> OidSet {
    let mut out = OidSet::default();
    let repo = &target.repo;
    let Some(tree) = repo.head().ok().and_then(|h| h.peel_to_tree().ok()) else {
        return out;
    };
    let root = if target.prefix.is_empty() {
        tree
    } else {
        match tree
            .get_path(&path_from_bytes(&target.prefix))
            .ok()
            .and_then(|e| repo.find_tree(e.id()).ok())
        {
            Some(t) => t,
            None => return out,
        }
    };
    // An explicit stack, not libgit2's recursive walk: a tree can be thousands of levels deep.
    let mut seen = OidSet::default();
    let mut stack = vec![root];
    while let Some(tree) = stack.pop() {
        for e in tree.iter() {
            match e.kind() {
                Some(git2::ObjectType::Blob) => {
                    out.insert(oid_key(e.id()));
                }
                Some(git2::ObjectType::Tree) if seen.insert(oid_key(e.id())) => {
                    if let Ok(t) = repo.find_tree(e.id()) {
                        stack.push(t);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A git path for display: non-UTF-8 bytes become U+FFFD.
pub fn display_path(p: &[u8]) -> String {
    String::from_utf8_lossy(p).into_owned()
}

/// Who made `oid`, when, and why; `None` when the commit cannot be read.
pub fn commit_info(repo: &Repository, oid: Oid) -> Option<CommitInfo> {
    Some(info_of(&repo.find_commit(oid).ok()?))
}

/// Author, date and summary of a commit.
pub fn info_of(c: &git2::Commit<'_>) -> CommitInfo {
    let author = c.author();
    let t = author.when();
    CommitInfo {
        sha: c.id().to_string(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        date: rfc3339(t.seconds(), t.offset_minutes()),
        summary: c
            .summary_bytes()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default(),
    }
}

/// `2024-05-01T13:45:00+02:00` for a Unix time shown in a time zone `offset_minutes` east of UTC.
pub fn rfc3339(unix: i64, offset_minutes: i32) -> String {
    let local = unix + i64::from(offset_minutes) * 60;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let zone = if offset_minutes == 0 {
        "Z".to_string()
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let off = offset_minutes.unsigned_abs();
        format!("{sign}{:02}:{:02}", off / 60, off % 60)
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A 128-bit key for an object id: the first 16 bytes of a (uniformly distributed) SHA-1.
/// Sets of these are half the size of sets of `Oid`, and collisions are out of reach.
pub fn oid_key(oid: Oid) -> u128 {
    let b = oid.as_bytes();
    let mut k = [0u8; 16];
    k.copy_from_slice(&b[..16]);
    u128::from_le_bytes(k)
}

/// A hasher for [`oid_key`]s: they are already uniformly distributed.
#[derive(Default, Clone, Copy)]
pub struct OidKeyHasher(u64);

impl std::hash::Hasher for OidKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(b);
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

/// A set of object ids (as [`oid_key`]s).
pub type OidSet = std::collections::HashSet<u128, std::hash::BuildHasherDefault<OidKeyHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000, 60), "2023-11-14T23:13:20+01:00");
        assert_eq!(rfc3339(1_700_000_000, -330), "2023-11-14T16:43:20-05:30");
        assert_eq!(rfc3339(951_782_400, 0), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1, 0), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn oid_keys_differ() {
        let a = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let b = Oid::from_str("1123456789abcdef0123456789abcdef01234567").unwrap();
        let mut s = OidSet::default();
        assert!(s.insert(oid_key(a)));
        assert!(s.insert(oid_key(b)));
        assert!(!s.insert(oid_key(a)));
    }
}
