//! Attribution of history findings: one finding per (rule, secret, path), from the oldest commit
//! that introduced it; `history-only` when the secret is neither in HEAD nor in the working
//! tree; no duplicate of a working-tree finding.

use crate::git::{commit_info, path_from_bytes, GitTarget};
use crate::model::finding::{short_sha, Annotation, CommitInfo, Finding, Origin, Secret, Tag};
use git2::Oid;
use std::collections::{HashMap, HashSet};

/// A finding in history blobs, before attribution: one per (rule, secret, path), merged as the
/// blobs are scanned (a key in many versions of a file is one hit).
#[derive(Debug)]
pub struct Hit {
    pub finding: Finding,
    /// The commit it was first found in (the oldest of the walk).
    pub commit: Oid,
    /// Position of the commit in the walk, oldest first.
    pub order: u32,
    /// Whether one of those blobs is in HEAD's tree.
    pub in_head: bool,
}

/// What hits are merged by.
pub type HitKey = (String, Option<Secret>, String);

/// Hits merged as they arrive: keys per (rule, secret, path), findings without a secret (browser
/// exposure) per (rule, path, message).
#[derive(Debug, Default)]
pub struct Hits {
    keys: HashMap<HitKey, Hit>,
    checks: HashMap<(String, String, String), Hit>,
}

impl Hits {
    pub fn add(&mut self, h: Hit) {
        if h.finding.is_key() {
            let key = (
                h.finding.rule_id().to_string(),
                h.finding.secret.clone(),
                h.finding.path.clone(),
            );
            merge(&mut self.keys, key, h);
        } else {
            let key = (
                h.finding.rule_id().to_string(),
                h.finding.path.clone(),
                h.finding.summary.clone(),
            );
            merge(&mut self.checks, key, h);
        }
    }

    /// When a hit of (`rule_id`, `secret`, `path`) from an older commit is already kept, notes
    /// whether this version is in HEAD and returns true: the caller need not build the finding.
    /// A version scanned whole (the first at its path, a script) holds the keys of older ones;
    /// this keeps their cost to detection.
    pub fn seen_before(
        &mut self,
        rule_id: &str,
        secret: Secret,
        path: &str,
        order: u32,
        in_head: bool,
    ) -> bool {
        // Keys are looked up by value: building one costs two copies, still far less than a
        // finding (and its annotation).
        let key = (rule_id.to_string(), Some(secret), path.to_string());
        match self.keys.get_mut(&key) {
            Some(kept) if kept.order < order => {
                kept.in_head |= in_head;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
impl Hits {
    /// (rule, secret, path, commit order, line) of every key hit, sorted.
    pub fn summary(&self) -> Vec<(String, String, String, u32, usize)> {
        let mut out: Vec<_> = self
            .keys
            .iter()
            .map(|((rule, secret, path), h)| {
                let secret = secret
                    .as_ref()
                    .map(|s| s.expose().to_string())
                    .unwrap_or_default();
                (rule.clone(), secret, path.clone(), h.order, h.finding.line)
            })
            .collect();
        out.sort();
        out
    }
}

/// Keeps the oldest hit under `key`, and whether any is in HEAD.
fn merge<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Hit>, key: K, h: Hit) {
    match map.get_mut(&key) {
        Some(kept) => {
            let in_head = kept.in_head || h.in_head;
            if (h.order, h.finding.line) < (kept.order, kept.finding.line) {
                *kept = h;
            }
            kept.in_head = in_head;
        }
        None => {
            map.insert(key, h);
        }
    }
}

/// What the user must know about a key that only lives in history.
pub const HISTORY_ONLY_REMEDIATION: &str = "This key is only in git history: deleting the file did not make it safe. \
Rotate it (anyone with a clone can read it), and if the repository is public or shared, purge it from history \
(git filter-repo or BFG) and have every clone re-fetched.";

/// Merges history hits into the working-tree findings `wt`. `wt_scanned` says whether `wt` is a
/// working-tree scan of this repository (otherwise only HEAD decides whether a secret is still
/// present). `display_prefix` is what the scan put before paths below the scan root
/// (multi-root scans).
pub fn attribute(
    target: &GitTarget,
    display_prefix: &str,
    wt: &mut Vec<Finding>,
    hits: Hits,
    wt_scanned: bool,
) {
    // Findings without a secret (a browser SDK client, a framework config that inlines a
    // variable into the bundle) are about the files' content. A working-tree scan reports them
    // from the files themselves; without one (`--range`, `--history-only`, a bare repository)
    // they come from the commits, as keys do.
    let Hits { keys: best, checks } = hits;
    let mut infos = HashMap::new();
    if !wt_scanned {
        for hit in checks.into_values() {
            let mut f = hit.finding;
            let info = infos
                .entry(hit.commit)
                .or_insert_with(|| commit_info(&target.repo, hit.commit))
                .clone();
            f.origin = commit_origin(info, hit.commit);
            if !hit.in_head {
                f.add_tag(Tag::HistoryOnly);
                f.annotate(Annotation::HistoryOnly);
            }
            wt.push(f);
        }
    }
    // Secrets that are still present: in the working tree, or in a blob of HEAD's tree.
    let mut present: HashSet<Secret> = HashSet::new();
    if wt_scanned {
        present.extend(wt.iter().filter_map(|f| f.secret.clone()));
    }
    present.extend(
        best.iter()
            .filter(|(_, h)| h.in_head)
            .filter_map(|(_, h)| h.finding.secret.clone()),
    );

    let wt_index: HashMap<(String, Option<Secret>, String), usize> = wt
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                (f.rule_id().to_string(), f.secret.clone(), f.path.clone()),
                i,
            )
        })
        .collect();
    let head_tree = target.repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let mut out = Vec::new();
    for (key, hit) in best {
        let info = infos
            .entry(hit.commit)
            .or_insert_with(|| commit_info(&target.repo, hit.commit))
            .clone();
        let sha = hit.commit.to_string();
        let short = short_sha(&sha);
        if let Some(&i) = wt_index.get(&key) {
            // Keep the working-tree finding; say where it came from.
            let f = &mut wt[i];
            let note = match &info {
                Some(c) => format!("first committed in {short} by {} on {}", c.author, c.date),
                None => format!("first committed in {short}"),
            };
            f.notes.push(note);
            continue;
        }
        let mut f = hit.finding;
        f.origin = commit_origin(info, hit.commit);
        let secret = f.secret.clone();
        let still_present = secret.as_ref().is_none_or(|s| {
            present.contains(s)
                || in_head_at_path(
                    target,
                    head_tree.as_ref(),
                    f.path.strip_prefix(display_prefix).unwrap_or(&f.path),
                    s,
                )
        });
        if still_present {
            f.notes
                .push("still present in HEAD or the working tree".to_string());
        } else {
            f.add_tag(Tag::HistoryOnly);
            f.annotate(Annotation::HistoryOnly);
            f.remediation = format!("{HISTORY_ONLY_REMEDIATION} {}", f.remediation);
        }
        out.push(f);
    }
    wt.extend(out);
}

/// The origin of a finding first seen in `commit` (its id alone when the commit cannot be read).
fn commit_origin(info: Option<CommitInfo>, commit: Oid) -> Origin {
    Origin::Commit(info.unwrap_or_else(|| CommitInfo {
        sha: commit.to_string(),
        author: String::new(),
        email: String::new(),
        date: String::new(),
        summary: String::new(),
    }))
}

/// Whether HEAD's version of `path` (relative to the scan root) holds the secret: for partial
/// scans (`--range`, `--since-commit`), where HEAD's blobs were not all scanned.
fn in_head_at_path(
    target: &GitTarget,
    head: Option<&git2::Tree<'_>>,
    path: &str,
    secret: &Secret,
) -> bool {
    let Some(head) = head else { return false };
    let mut full = target.prefix.clone();
    if !full.is_empty() {
        full.push(b'/');
    }
    // Archive members (`a.zip!inner`) are looked up by their archive's path.
    let file = path.split('!').next().unwrap_or(path);
    full.extend_from_slice(file.as_bytes());
    let Ok(entry) = head.get_path(&path_from_bytes(&full)) else {
        return false;
    };
    let Ok(blob) = target.repo.find_blob(entry.id()) else {
        return false;
    };
    memchr::memmem::find(blob.content(), secret.expose().as_bytes()).is_some()
}
