//! Git history as a source: every distinct blob reachable from the selected refs, scanned once.
//!
//! Two stages run at the same time:
//! 1. a walker thread goes through the commits oldest first (topological order) and their trees,
//!    and sends a [`BlobRecord`] — blob id, the first commit that has it, its path there — for
//!    every blob it has not seen before. A tree already walked is skipped whole (every blob under
//!    it is already recorded), so the walk costs one visit per distinct tree. At the edge of a
//!    commit range, a tree or blob that a parent outside the range already has at the same path
//!    is not "introduced" and is skipped too.
//! 2. worker threads (rayon, one `git2::Repository` handle each: it is not `Sync`) read each
//!    blob (size limit) and push it, archives opened, into the [`BlobSink`]. Blob contents are
//!    dropped as soon as the sink returns, and the channel between the stages is bounded, so
//!    memory does not grow with the history.
//!
//! A blob that changes a version emitted before at the same path can be compared with it
//! ([`Earlier`]): where detection is costly, the scanner looks for keys only where lines
//! changed, as a commit's patch holds them, since the rest was scanned in that version.
//!
//! The scanner attributes findings to commits afterwards (oldest commit per secret and path,
//! history-only).

use super::archive::Unpacker;
use super::changes::changed_regions;
use super::{is_binary, Blob, BlobSink, Earlier, Provenance};
use crate::diag::Warnings;
use crate::git::{display_path, oid_key, path_from_bytes, GitTarget, OidSet};
use crate::model::env_history::{may_be_dotenv, Added};
use crate::model::error::Error;
use crate::model::path_class::is_dotenv;
use crate::model::units::human_size;
use git2::{ObjectType, Oid, Repository, Sort, Tree};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

/// Which commits to scan (from `--branch`, `--since-commit`, `--range`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistorySpec {
    /// Only this ref's history (default: every ref, HEAD and the stash).
    pub branch: Option<String>,
    /// Only commits after this one.
    pub since: Option<String>,
    /// `A..B` (or `A...B`): commits reachable from B and not from A.
    pub range: Option<String>,
}

impl HistorySpec {
    /// Whether this selects a part of the history rather than all of it.
    pub fn is_partial(&self) -> bool {
        self.branch.is_some() || self.since.is_some() || self.range.is_some()
    }

    /// The flag that asked for history, for error messages.
    pub fn flag(&self) -> &'static str {
        if self.range.is_some() {
            "--range"
        } else if self.since.is_some() {
            "--since-commit"
        } else if self.branch.is_some() {
            "--branch"
        } else {
            "--history-only"
        }
    }
}

/// How to walk and read a history.
#[derive(Debug, Clone, Copy)]
pub struct HistoryOptions<'a> {
    pub spec: &'a HistorySpec,
    /// Put before every path (the scan root's name when several roots are scanned).
    pub display_prefix: &'a str,
    pub threads: usize,
    /// Show a progress bar (the caller checked stderr is a terminal).
    pub progress: bool,
    /// Larger blobs are skipped with a warning.
    pub max_file_size: u64,
    /// Scan a blob again at each other path it appears at: on when suppression depends on the
    /// path (an `[allowlist] paths` glob, a baseline), so a blob allowed at one path is still
    /// reported at another.
    pub per_path: bool,
}

/// Blob records per message from the walker to the workers.
const BATCH: usize = 64;
/// Batches in flight: with `BATCH`, at most ~1,000 records (paths included) wait in memory.
const CHANNEL_BATCHES: usize = 16;

/// A blob first seen in `commit` at `path` (relative to the scan root).
#[derive(Debug)]
pub struct BlobRecord {
    pub blob: Oid,
    pub commit: Oid,
    /// Position of the commit in the walk, oldest first.
    pub order: u32,
    pub path: Vec<u8>,
    /// The version the walk emitted before at this path (see [`Earlier`]).
    pub prev: Option<Oid>,
}

/// What a history walk found besides blobs, and what it measured.
#[derive(Debug, Default)]
pub struct HistoryScan {
    /// Env files (`.env`, `*.env`, ...) any walked commit held, repository-relative, with the
    /// oldest such commit: the walk reads every tree anyway, so the `dotenv-tracked` check gets
    /// them here instead of walking the history a second time.
    pub env_files: Vec<Added>,
    pub commits: u64,
    pub blobs: u64,
    pub bytes: u64,
}

/// Pushes every blob of the history of `target` that `opts.spec` selects into `sink`, each
/// once, with the first commit that has it. Paths are reported as `display_prefix` + the path
/// below the scan root. Errors are bad revisions (exit 2); missing or corrupt objects are
/// warnings and the walk goes on.
pub fn scan(
    target: &GitTarget,
    opts: &HistoryOptions<'_>,
    unpack: &Unpacker<'_>,
    warnings: &Warnings,
    sink: &dyn BlobSink,
) -> Result<HistoryScan, Error> {
    let HistoryOptions {
        spec,
        display_prefix,
        threads,
        progress,
        max_file_size,
        per_path,
    } = *opts;
    let repo = &target.repo;
    let (tips, hides) = select(repo, spec, warnings)?;
    if repo.is_shallow() {
        warnings.note(format!(
            "{}: shallow clone: only the history it holds is scanned (fetch the rest with `git fetch --unshallow`)",
            display_root(target)
        ));
    }
    let commits = commit_list(repo, &tips, &hides, warnings);
    let pb = if progress && commits.len() >= 200 {
        let pb = ProgressBar::new(commits.len() as u64);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} history {bar:30} {pos}/{len} commits · {msg} ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let problems = Problems::new(warnings);
    let blobs = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    // Records travel in batches: one message (and at most one wake-up of a sleeping thread) per
    // BATCH blobs instead of per blob. On hugo, per-blob messages cost ~130,000 futex
    // wait/wake pairs, as the walker blocked on the full channel after every send.
    let (tx, rx) = sync_channel::<Vec<BlobRecord>>(CHANNEL_BATCHES);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("keyhound-history-{i}"))
        .build()
        .map_err(|e| Error::Internal(format!("starting worker threads: {e}")))?;
    let (git_dir, prefix) = (&target.git_dir, &target.prefix);
    let walked = std::thread::scope(|s| {
        let walker = s.spawn(|| {
            let repo = Repository::open(git_dir).map_err(|e| e.message().to_string())?;
            let mut walk = TreeWalk::new(&repo, prefix, &problems);
            walk.per_path = per_path;
            let mut batch = Vec::with_capacity(BATCH);
            walk.run(&commits, &pb, &mut |rec| {
                batch.push(rec);
                batch.len() < BATCH
                    || tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_ok()
            });
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            drop(tx);
            Ok::<_, String>((walk.submodules, walk.env_files))
        });
        pool.install(|| {
            rx.into_iter().par_bridge().for_each_init(
                || Repository::open(git_dir).ok(),
                |repo, batch| {
                    let Some(repo) = repo.as_ref() else { return };
                    let n = blobs.fetch_add(batch.len() as u64, Ordering::Relaxed);
                    pb.set_message(format!("{} blobs", n + batch.len() as u64));
                    for rec in batch {
                        let read = Read {
                            display_prefix,
                            max_file_size,
                            problems: &problems,
                            bytes: &bytes,
                        };
                        read.push(repo, rec, unpack, sink);
                    }
                },
            );
        });
        walker.join()
    });
    pb.finish_and_clear();
    let (submodules, env_files) = walked
        .map_err(|_| Error::Internal("the history walk crashed".to_string()))?
        .map_err(|message| Error::Git {
            context: format!("{}: cannot reopen the repository", display_root(target)),
            message,
        })?;
    if !submodules.is_empty() {
        let mut list: Vec<String> = submodules.iter().map(|p| display_path(p)).collect();
        list.sort();
        list.truncate(5);
        warnings.note(format!(
            "{}: {} submodule path(s) in history not followed ({}); scan them as repositories of their own",
            display_root(target),
            submodules.len(),
            list.join(", ")
        ));
    }
    problems.finish(&display_root(target));
    let env_files = env_files
        .into_iter()
        .filter_map(|(path, commit)| {
            let mut repo_path = prefix.clone();
            if !repo_path.is_empty() {
                repo_path.push(b'/');
            }
            repo_path.extend_from_slice(&path);
            Some(Added {
                path: String::from_utf8_lossy(&repo_path).into_owned(),
                commit: crate::git::commit_info(repo, commit)?,
            })
        })
        .collect();
    Ok(HistoryScan {
        env_files,
        commits: commits.len() as u64,
        blobs: blobs.load(Ordering::Relaxed),
        bytes: bytes.load(Ordering::Relaxed),
    })
}

fn display_root(target: &GitTarget) -> String {
    target.shown.clone()
}

/// What a worker needs to read a blob of the walk.
struct Read<'a> {
    display_prefix: &'a str,
    max_file_size: u64,
    problems: &'a Problems<'a>,
    bytes: &'a AtomicU64,
}

impl Read<'_> {
    /// Reads one blob and pushes it into the sink.
    fn push(&self, repo: &Repository, rec: BlobRecord, unpack: &Unpacker<'_>, sink: &dyn BlobSink) {
        let Ok(odb) = repo.odb() else { return };
        let max = self.max_file_size;
        let problems = self.problems;
        match odb.read_header(rec.blob) {
            Ok((size, _)) if size as u64 > max => {
                problems.oversize(&rec.path, size as u64, max);
                return;
            }
            Ok(_) => {}
            Err(e) => {
                problems.missing(
                    &format!("blob {} ({})", rec.blob, display_path(&rec.path)),
                    &e,
                );
                return;
            }
        }
        let obj = match odb.read(rec.blob) {
            Ok(o) => o,
            Err(e) => {
                problems.missing(
                    &format!("blob {} ({})", rec.blob, display_path(&rec.path)),
                    &e,
                );
                return;
            }
        };
        let data = obj.data();
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        let path = format!("{}{}", self.display_prefix, display_path(&rec.path));
        let earlier = rec.prev.map(|blob| EarlierVersion {
            odb: &odb,
            blob,
            path: &path,
            max_file_size: self.max_file_size,
        });
        let blob = Blob {
            path: &path,
            data,
            provenance: Provenance::History {
                blob: rec.blob,
                commit: rec.commit,
                order: rec.order,
                earlier: earlier.as_ref().map(|e| e as &dyn Earlier),
            },
            depth: 0,
        };
        unpack.push(blob, sink);
    }
}

/// A version read from the object database when the scanner asks for it.
struct EarlierVersion<'a> {
    odb: &'a git2::Odb<'a>,
    blob: Oid,
    path: &'a str,
    max_file_size: u64,
}

impl Earlier for EarlierVersion<'_> {
    fn changed_regions(&self, data: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
        let (size, _) = self.odb.read_header(self.blob).ok()?;
        if size as u64 > self.max_file_size {
            return None;
        }
        let old = self.odb.read(self.blob).ok()?;
        if is_binary(self.path, old.data()) {
            return None;
        }
        Some(changed_regions(old.data(), data))
    }
}

/// Resolves a revision to a commit, or says clearly which flag named what.
fn commit_of(repo: &Repository, flag: &'static str, rev: &str) -> Result<Oid, Error> {
    let bad = |message: String| Error::Revision {
        flag,
        rev: rev.to_string(),
        message,
    };
    let obj = repo
        .revparse_single(rev)
        .map_err(|e| bad(format!("unknown revision '{rev}': {}", e.message())))?;
    obj.peel_to_commit()
        .map(|c| c.id())
        .map_err(|_| bad(format!("'{rev}' does not name a commit")))
}

/// The config a `--range` scan should use when the range itself changes it: the scanned change
/// must not configure its own scan (a pull request that adds `disabled_rules` for the key it
/// commits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeBaseConfig {
    /// The range's base commit (short id).
    pub base: String,
    /// The config's path from the repository's top (`.keyhound.toml`, `web/.keyhound.toml`).
    pub path: String,
    /// Its text at the base; `None` when the base had no config there (built-in rules apply).
    pub text: Option<String>,
}

/// When `range` (`A..B`, `A...B`) changes the config a scan of `root` would read (`file_name`
/// in the root's directory, else at the repository's top), the config at the range's base (`A`,
/// or the merge base for `A...B`); `None` when the range does not change it, when the base is
/// the null id of a new branch, or outside a repository. A config at the base larger than
/// `max_bytes` is an error.
pub fn config_at_range_base(
    root: &Path,
    range: &str,
    file_name: &str,
    max_bytes: u64,
) -> Result<Option<RangeBaseConfig>, Error> {
    let Some(target) = crate::git::open_target(root) else {
        return Ok(None);
    };
    let repo = &target.repo;
    let (a, b, symmetric) = if let Some((a, b)) = range.split_once("...") {
        (a, b, true)
    } else if let Some((a, b)) = range.split_once("..") {
        (a, b, false)
    } else {
        return Ok(None); // The history scan reports the bad range.
    };
    let a = if a.is_empty() { "HEAD" } else { a };
    let b = if b.is_empty() { "HEAD" } else { b };
    if is_null_rev(a) {
        return Ok(None);
    }
    let head = commit_of(repo, "--range", b)?;
    let mut base = commit_of(repo, "--range", a)?;
    if symmetric {
        base = repo.merge_base(base, head).map_err(|e| Error::Revision {
            flag: "--range",
            rev: range.to_string(),
            message: format!("no merge base of '{a}' and '{b}': {}", e.message()),
        })?;
    }
    let tree_of = |c: Oid| {
        repo.find_commit(c)
            .and_then(|c| c.tree())
            .map_err(Error::git(format!("--range: commit {c} cannot be read")))
    };
    let (base_tree, head_tree) = (tree_of(base)?, tree_of(head)?);
    // Where `config::discover` looks: the root's directory, then the repository's top.
    let mut candidates = Vec::new();
    if !target.prefix.is_empty() {
        candidates.push(format!("{}/{file_name}", display_path(&target.prefix)));
    }
    candidates.push(file_name.to_string());
    let id_at = |tree: &Tree<'_>, path: &str| tree.get_path(Path::new(path)).ok().map(|e| e.id());
    if candidates
        .iter()
        .all(|p| id_at(&base_tree, p) == id_at(&head_tree, p))
    {
        return Ok(None);
    }
    let short = base.to_string()[..12].to_string();
    for path in &candidates {
        let Ok(entry) = base_tree.get_path(Path::new(path)) else {
            continue;
        };
        let refused = |message: String| Error::Config {
            path: format!("{path} at {short}"),
            line: None,
            message,
        };
        let blob = entry
            .to_object(repo)
            .ok()
            .and_then(|o| o.into_blob().ok())
            .ok_or_else(|| refused("not a file".to_string()))?;
        if blob.size() as u64 > max_bytes {
            return Err(refused(format!(
                "{} bytes, more than a config can be",
                blob.size()
            )));
        }
        let text = String::from_utf8(blob.content().to_vec())
            .map_err(|_| refused("not UTF-8 text".to_string()))?;
        return Ok(Some(RangeBaseConfig {
            base: short,
            path: path.clone(),
            text: Some(text),
        }));
    }
    Ok(Some(RangeBaseConfig {
        base: short,
        path: candidates.last().cloned().unwrap_or_default(),
        text: None,
    }))
}

/// A CI "before" sha for a new branch (`0000000…`): there is nothing to exclude.
fn is_null_rev(rev: &str) -> bool {
    rev.len() >= 7 && rev.bytes().all(|b| b == b'0')
}

/// The commits to walk from (tips) and those whose history is excluded (hides).
fn select(
    repo: &Repository,
    spec: &HistorySpec,
    warnings: &Warnings,
) -> Result<(Vec<Oid>, Vec<Oid>), Error> {
    let mut tips = Vec::new();
    let mut hides = Vec::new();
    if let Some(range) = &spec.range {
        let (a, b, symmetric) = if let Some((a, b)) = range.split_once("...") {
            (a, b, true)
        } else if let Some((a, b)) = range.split_once("..") {
            (a, b, false)
        } else {
            return Err(Error::Revision {
                flag: "--range",
                rev: range.clone(),
                message: format!(
                    "'{range}' is not a range; use BASE..HEAD (e.g. origin/main..HEAD)"
                ),
            });
        };
        let a = if a.is_empty() { "HEAD" } else { a };
        let b = if b.is_empty() { "HEAD" } else { b };
        let to = commit_of(repo, "--range", b)?;
        tips.push(to);
        if !is_null_rev(a) {
            let from = commit_of(repo, "--range", a)?;
            if symmetric {
                tips.push(from);
                if let Ok(base) = repo.merge_base(from, to) {
                    hides.push(base);
                }
            } else {
                hides.push(from);
            }
        }
        return Ok((tips, hides));
    }
    if let Some(branch) = &spec.branch {
        tips.push(commit_of(repo, "--branch", branch)?);
    } else {
        tips = all_tips(repo, warnings);
    }
    if let Some(since) = &spec.since {
        hides.push(commit_of(repo, "--since-commit", since)?);
    }
    Ok((tips, hides))
}

/// Every ref (branches, tags, remote-tracking refs, notes, the stash and its older entries)
/// and HEAD, as commits.
fn all_tips(repo: &Repository, warnings: &Warnings) -> Vec<Oid> {
    let mut seen = HashSet::new();
    let mut tips = Vec::new();
    let mut add = |oid: Oid, tips: &mut Vec<Oid>| {
        if seen.insert(oid) {
            tips.push(oid);
        }
    };
    if let Ok(head) = repo.head() {
        if let Ok(c) = head.peel_to_commit() {
            add(c.id(), &mut tips);
        }
    }
    match repo.references() {
        Ok(refs) => {
            for r in refs {
                let Ok(r) = r else { continue };
                match r.peel(ObjectType::Any) {
                    // A tag of a tree or blob is rare, and not history.
                    Ok(obj) => {
                        if obj.kind() == Some(ObjectType::Commit) {
                            add(obj.id(), &mut tips);
                        }
                    }
                    Err(e) if e.code() == git2::ErrorCode::NotFound && r.target().is_some() => {
                        warnings.warn(
                            &String::from_utf8_lossy(r.name_bytes()),
                            format!("points to a missing object: {}", e.message()),
                        )
                    }
                    Err(_) => {}
                }
            }
        }
        // libgit2 gives up on all refs for one bad `packed-refs` line: read the files, skipping
        // (and naming) only what is bad.
        Err(_) => {
            for (name, oid) in super::ref_files::ref_targets(repo, warnings) {
                match repo.find_object(oid, None) {
                    // A tag of a tree or blob is rare, and not history.
                    Ok(obj) => {
                        if let Ok(c) = obj.peel_to_commit() {
                            add(c.id(), &mut tips);
                        }
                    }
                    Err(e) => warnings.warn(
                        &name,
                        format!("points to a missing object: {}", e.message()),
                    ),
                }
            }
        }
    }
    // `refs/stash` is the newest stash; the older ones live in its reflog.
    for oid in stash_log(repo) {
        add(oid, &mut tips);
    }
    tips
}

/// The commits of `logs/refs/stash`, read as a plain file: libgit2's reflog reader creates a
/// missing log file, and a scanner must not write to the repository it scans.
fn stash_log(repo: &Repository) -> Vec<Oid> {
    let Ok(text) = std::fs::read(repo.commondir().join("logs/refs/stash")) else {
        return Vec::new();
    };
    text.split(|&b| b == b'\n')
        .filter_map(|line| line.split(|&b| b == b' ').nth(1))
        .filter_map(|new| std::str::from_utf8(new).ok())
        .filter_map(|new| Oid::from_str(new).ok())
        .filter(|oid| !oid.is_zero())
        .collect()
}

/// Commits reachable from `tips` and not from `hides`, parents before children.
fn commit_list(repo: &Repository, tips: &[Oid], hides: &[Oid], warnings: &Warnings) -> Vec<Oid> {
    let walked = (|| -> Result<Vec<Oid>, git2::Error> {
        let mut walk = repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        for &t in tips {
            walk.push(t)?;
        }
        for &h in hides {
            walk.hide(h)?;
        }
        walk.collect()
    })();
    match walked {
        Ok(list) => list,
        Err(e) => {
            warnings.warn(
                "git history",
                format!(
                    "history walk failed ({}); retrying commit by commit, skipping missing objects",
                    e.message()
                ),
            );
            manual_commit_list(repo, tips, hides, warnings)
        }
    }
}

/// The slow, forgiving walk for damaged repositories: a missing commit is a warning and its
/// ancestors that nothing else reaches are not scanned.
fn manual_commit_list(
    repo: &Repository,
    tips: &[Oid],
    hides: &[Oid],
    warnings: &Warnings,
) -> Vec<Oid> {
    let parents_of = |oid: Oid| -> Option<Vec<Oid>> {
        repo.find_commit(oid).ok().map(|c| c.parent_ids().collect())
    };
    let mut hidden: HashSet<Oid> = HashSet::new();
    let mut stack: Vec<Oid> = hides.to_vec();
    while let Some(oid) = stack.pop() {
        if hidden.insert(oid) {
            stack.extend(parents_of(oid).unwrap_or_default());
        }
    }
    // Iterative post-order DFS: a commit is emitted after all of its parents.
    let mut out = Vec::new();
    let mut done: HashSet<Oid> = hidden;
    let mut missing = 0usize;
    for &tip in tips {
        let mut stack: Vec<(Oid, bool)> = vec![(tip, false)];
        while let Some((oid, expanded)) = stack.pop() {
            if expanded {
                out.push(oid);
                continue;
            }
            if !done.insert(oid) {
                continue;
            }
            match parents_of(oid) {
                Some(parents) => {
                    stack.push((oid, true));
                    for p in parents.into_iter().rev() {
                        if !done.contains(&p) {
                            stack.push((p, false));
                        }
                    }
                }
                None => {
                    missing += 1;
                    if missing <= 5 {
                        warnings.warn(&format!("commit {oid}"), "missing or corrupt; it and the ancestors only it leads to are not scanned");
                    }
                }
            }
        }
    }
    if missing > 5 {
        warnings.warn(
            "git history",
            format!("{} more commits missing or corrupt", missing - 5),
        );
    }
    out
}

/// The serial half of the history scan: commits and trees to new blobs.
struct TreeWalk<'a> {
    repo: &'a Repository,
    prefix: &'a [u8],
    problems: &'a Problems<'a>,
    seen_trees: OidSet,
    seen_blobs: OidSet,
    /// Paths of gitlinks (submodules) met, not followed.
    submodules: HashSet<Vec<u8>>,
    /// Env file paths met (below the scan root) with the first commit that held each.
    env_files: Vec<(Vec<u8>, Oid)>,
    env_seen: HashSet<Vec<u8>>,
    /// Remember trees and blobs per path (see [`TreeWalk::seen_key`]).
    per_path: bool,
    /// The last blob emitted at each path: the version the next one there changes.
    last_at: HashMap<Vec<u8>, Oid>,
}

const MODE_TREE: i32 = 0o040000;
const MODE_LINK: i32 = 0o120000;
const MODE_GITLINK: i32 = 0o160000;

impl<'a> TreeWalk<'a> {
    fn new(repo: &'a Repository, prefix: &'a [u8], problems: &'a Problems<'a>) -> TreeWalk<'a> {
        TreeWalk {
            repo,
            prefix,
            problems,
            seen_trees: OidSet::default(),
            seen_blobs: OidSet::default(),
            submodules: HashSet::new(),
            env_files: Vec::new(),
            env_seen: HashSet::new(),
            per_path: false,
            last_at: HashMap::new(),
        }
    }

    /// Walks `commits` (parents first), calling `emit` for each new blob; stops when `emit`
    /// returns false (the scanners are gone).
    fn run(&mut self, commits: &[Oid], pb: &ProgressBar, emit: &mut dyn FnMut(BlobRecord) -> bool) {
        let in_walk: HashSet<Oid> = commits.iter().copied().collect();
        let mut stop = false;
        for (order, &oid) in commits.iter().enumerate() {
            if order % 64 == 0 {
                pb.set_position(order as u64);
            }
            let commit = match self.repo.find_commit(oid) {
                Ok(c) => c,
                Err(e) => {
                    self.problems.missing(&format!("commit {oid}"), &e);
                    continue;
                }
            };
            let Some(root) = self.root_of(commit.tree_id()) else {
                continue;
            };
            // Parents outside the walk (the base of a range, a shallow boundary): what they
            // already hold at a path is not new in this commit.
            let outside: Vec<Oid> = commit
                .parent_ids()
                .filter(|p| !in_walk.contains(p))
                .filter_map(|p| self.repo.find_commit(p).ok())
                .filter_map(|c| self.root_of(c.tree_id()))
                .collect();
            let mut path = Vec::new();
            let mut sink = |rec: BlobRecord| {
                if !stop && !emit(rec) {
                    stop = true;
                }
            };
            self.tree(root, &outside, &mut path, oid, order as u32, &mut sink);
            if stop {
                return;
            }
        }
        pb.set_position(commits.len() as u64);
    }

    /// The tree at the scan root's prefix inside a commit's root tree.
    fn root_of(&self, tree: Oid) -> Option<Oid> {
        if self.prefix.is_empty() {
            return Some(tree);
        }
        let t = self.repo.find_tree(tree).ok()?;
        let e = t.get_path(&path_from_bytes(self.prefix)).ok()?;
        (e.filemode() == MODE_TREE).then(|| e.id())
    }

    /// The key a tree or blob is remembered by: its id, and with `per_path` its path too (so the
    /// same blob at another path is scanned there as well, where path-based suppression may
    /// decide otherwise).
    fn seen_key(&self, oid: Oid, path: &[u8]) -> u128 {
        let k = oid_key(oid);
        if !self.per_path {
            return k;
        }
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        path.hash(&mut h);
        let h = h.finish() as u128;
        k ^ h ^ (h << 64)
    }

    /// Opens a tree to walk unless it was walked already (at this path, with `per_path`) or a
    /// parent outside the walk holds it.
    fn open(&mut self, oid: Oid, outside: &[Oid], path: &[u8]) -> Option<Frame<'a>> {
        let key = self.seen_key(oid, path);
        if !self.seen_trees.insert(key) || outside.contains(&oid) {
            return None;
        }
        let tree = match self.repo.find_tree(oid) {
            Ok(t) => t,
            Err(e) => {
                let at = if path.is_empty() {
                    "/".to_string()
                } else {
                    display_path(path)
                };
                self.problems.missing(&format!("tree {oid} ({at})"), &e);
                return None;
            }
        };
        let outside = outside
            .iter()
            .filter_map(|o| self.repo.find_tree(*o).ok())
            .collect();
        Some(Frame {
            tree,
            outside,
            next: 0,
            base: path.len(),
        })
    }

    /// Walks the tree `root` and everything below it with an explicit stack: a tree thousands
    /// of levels deep (a hostile repository) costs memory, not the thread's stack.
    fn tree(
        &mut self,
        root: Oid,
        outside: &[Oid],
        path: &mut Vec<u8>,
        commit: Oid,
        order: u32,
        emit: &mut dyn FnMut(BlobRecord),
    ) {
        let start = path.len();
        let mut stack: Vec<Frame<'a>> = Vec::new();
        if let Some(f) = self.open(root, outside, path) {
            stack.push(f);
        }
        while let Some(top) = stack.last_mut() {
            path.truncate(top.base);
            if top.base > 0 {
                path.push(b'/');
            }
            let name_at = path.len();
            // The entry is read into locals and dropped here: it borrows the frame's tree.
            let Some((id, mode)) = top.tree.get(top.next).map(|e| {
                path.extend_from_slice(e.name_bytes());
                (e.id(), e.filemode())
            }) else {
                stack.pop();
                continue;
            };
            top.next += 1;
            let name = &path[name_at..];
            match mode {
                MODE_TREE => {
                    let sub: Vec<Oid> = top
                        .outside
                        .iter()
                        .filter_map(|t| t.get_name_bytes(name))
                        .filter(|e| e.filemode() == MODE_TREE)
                        .map(|e| e.id())
                        .collect();
                    if let Some(f) = self.open(id, &sub, path.as_slice()) {
                        stack.push(f);
                    }
                }
                MODE_GITLINK => {
                    self.submodules.insert(path.clone());
                }
                // A symlink's blob is its target path, not content.
                MODE_LINK => {}
                _ => {
                    let in_outside = top
                        .outside
                        .iter()
                        .any(|t| t.get_name_bytes(name).is_some_and(|e| e.id() == id));
                    // A path the base of a range already held was not added by these commits.
                    if may_be_dotenv(name)
                        && is_dotenv(&String::from_utf8_lossy(path))
                        && !self.env_seen.contains(path.as_slice())
                        && !top.outside.iter().any(|t| t.get_name_bytes(name).is_some())
                    {
                        self.env_seen.insert(path.clone());
                        self.env_files.push((path.clone(), commit));
                    }
                    let key = self.seen_key(id, path);
                    if !self.seen_blobs.insert(key) || in_outside {
                        continue;
                    }
                    // The version emitted before at this path: one met only at another path
                    // (or in a range's base) was not scanned here.
                    let prev = match self.last_at.get_mut(path.as_slice()) {
                        Some(last) => Some(std::mem::replace(last, id)),
                        None => {
                            self.last_at.insert(path.clone(), id);
                            None
                        }
                    };
                    emit(BlobRecord {
                        blob: id,
                        commit,
                        order,
                        path: path.clone(),
                        prev,
                    });
                }
            }
        }
        path.truncate(start);
    }
}

/// A tree being walked: its entries from `next` on are still to visit.
struct Frame<'a> {
    tree: Tree<'a>,
    /// The same directory in parents outside the walk.
    outside: Vec<Tree<'a>>,
    next: usize,
    /// Length of the path of this tree.
    base: usize,
}

/// Missing or corrupt objects and oversized blobs: the first few are warned about one by one,
/// the rest summed up at the end, so a damaged repository does not flood the terminal.
struct Problems<'a> {
    warnings: &'a Warnings,
    missing: AtomicUsize,
    oversize: Mutex<HashSet<Vec<u8>>>,
}

const SHOWN_MISSING: usize = 10;

impl<'a> Problems<'a> {
    fn new(warnings: &'a Warnings) -> Problems<'a> {
        Problems {
            warnings,
            missing: AtomicUsize::new(0),
            oversize: Mutex::new(HashSet::new()),
        }
    }

    fn missing(&self, what: &str, e: &git2::Error) {
        let n = self.missing.fetch_add(1, Ordering::Relaxed) + 1;
        if n <= SHOWN_MISSING {
            let why = if e.code() == git2::ErrorCode::NotFound {
                "missing from the repository; not scanned".to_string()
            } else {
                format!("cannot be read ({}); not scanned", e.message())
            };
            self.warnings.warn(what, why);
        }
    }

    fn oversize(&self, path: &[u8], size: u64, max: u64) {
        // One warning per path, however many versions of it are too large.
        if self.oversize.lock().unwrap().insert(path.to_vec()) {
            self.warnings.warn(
                &display_path(path),
                format!(
                    "skipped in history: a version is {} (larger than --max-file-size {})",
                    human_size(size),
                    human_size(max)
                ),
            );
        }
    }

    fn finish(&self, root: &str) {
        let n = self.missing.load(Ordering::Relaxed);
        if n > SHOWN_MISSING {
            self.warnings.warn(
                root,
                format!(
                    "{} more objects missing or corrupt (partial or damaged clone?); the rest of the history was scanned",
                    n - SHOWN_MISSING
                ),
            );
        }
    }
}
