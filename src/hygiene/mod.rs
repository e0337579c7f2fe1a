//! Repository hygiene: env files that git tracks or once committed (`dotenv-tracked`), env
//! files that the next `git add .` would commit (`dotenv-not-ignored`), and repositories or
//! directories whose `.gitignore` does not cover their env files (`gitignore-missing`).
//!
//! Inside a git work tree, "ignored" means what git means: nested `.gitignore` files with
//! negations (deepest file first, the `ignore` crate's matcher), then `.git/info/exclude` and
//! `core.excludesFile` (`Repository::is_path_ignored`). Whether the *shared* rules cover a file
//! (`gitignore-missing`) is decided by the `.gitignore` files alone; outside git that is the
//! only rule set.

pub mod env_added;
pub mod env_content;

use crate::model::check::{self as checks, CheckId};
use crate::model::env_history::Added;
use crate::model::finding::{short_sha, Finding, Origin, Tag};
use crate::model::path_class as file_class;
use crate::model::rule::Severity;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

const EXCLUDE_ONLY: &str = "ignored only by this machine's .git/info/exclude or global excludes file, not by a shared .gitignore";

/// The directory a root stands for (its parent when the root is a file).
fn scan_dir(root: &Path) -> PathBuf {
    if root.is_file() {
        root.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    } else {
        root.to_path_buf()
    }
}

/// One scanned root and the env files its walk read (paths as the walk gave them).
pub struct RootEnvFiles<'a> {
    pub root: &'a Path,
    /// Prefix of reported paths (`root/` when several roots are scanned).
    pub prefix: &'a str,
    pub env_files: &'a [PathBuf],
    /// Env files that git history added (from the history walk; empty when history is not
    /// scanned), repository-relative, with the commit that added each.
    pub env_history: &'a [Added],
}

/// Runs every hygiene check for every root. `findings` are the key findings so far (a key
/// inside an env file raises the env file's severity).
pub fn check(roots: &[RootEnvFiles<'_>], findings: &[Finding]) -> Vec<Finding> {
    let with_keys: HashMap<&str, Vec<usize>> =
        findings
            .iter()
            .filter(|f| f.is_key())
            .fold(HashMap::new(), |mut m, f| {
                m.entry(f.path.as_str()).or_default().push(f.line);
                m
            });
    let mut out = Vec::new();
    for r in roots {
        let mut ctx = RootCheck::new(r, &with_keys);
        ctx.run(r.env_files, r.env_history.to_vec());
        out.extend(ctx.out);
    }
    out
}

/// Where an env file stands against the `.gitignore` files above it.
enum Cover {
    Covered,
    /// No `.gitignore` rule covers it: the rule belongs in `target` (which may not exist yet).
    Missing {
        target: PathBuf,
        exists: bool,
    },
    /// A negation (`!pattern`) in `target` re-includes it.
    Negated {
        target: PathBuf,
        rule: String,
    },
}

struct RootCheck<'a> {
    /// Canonical directory that reported paths are relative to.
    base: PathBuf,
    prefix: &'a str,
    /// Lines of key findings, per reported path.
    with_keys: &'a HashMap<&'a str, Vec<usize>>,
    gitignores: HashMap<PathBuf, Option<Gitignore>>,
    out: Vec<Finding>,
}

impl<'a> RootCheck<'a> {
    fn new(r: &RootEnvFiles<'a>, with_keys: &'a HashMap<&'a str, Vec<usize>>) -> RootCheck<'a> {
        let dir = scan_dir(r.root);
        RootCheck {
            base: dir.canonicalize().unwrap_or(dir),
            prefix: r.prefix,
            with_keys,
            gitignores: HashMap::new(),
            out: Vec::new(),
        }
    }

    /// The reported path of `abs` (canonical).
    fn shown(&self, abs: &Path) -> String {
        format!("{}{}", self.prefix, relative(&self.base, abs))
    }

    fn keys_in(&self, shown: &str) -> usize {
        self.key_lines(shown).len()
    }

    fn key_lines(&self, shown: &str) -> &[usize] {
        self.with_keys.get(shown).map_or(&[], Vec::as_slice)
    }

    fn run(&mut self, walked: &[PathBuf], added: Vec<Added>) {
        let walked: Vec<PathBuf> = walked
            .iter()
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        match git2::Repository::discover(&self.base) {
            Ok(repo) if repo.workdir().is_some() => self.in_repo(&repo, walked, added),
            _ => self.outside_git(walked),
        }
    }

    fn in_repo(&mut self, repo: &git2::Repository, walked: Vec<PathBuf>, added: Vec<Added>) {
        let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
            return;
        };
        // Env files in the index (tracked, or staged for the first commit), with their blobs.
        let mut tracked: Vec<PathBuf> = Vec::new();
        let mut blobs: HashMap<PathBuf, git2::Oid> = HashMap::new();
        if let Ok(index) = repo.index() {
            for e in index.iter() {
                let rel = String::from_utf8_lossy(&e.path).into_owned();
                let abs = workdir.join(crate::git::path_from_bytes(&e.path));
                if file_class::is_dotenv(&rel) && abs.starts_with(&self.base) {
                    blobs.insert(abs.clone(), e.id);
                    tracked.push(abs);
                }
            }
        }
        let tracked_set: HashSet<&PathBuf> = tracked.iter().collect();
        let added_at: HashMap<PathBuf, &Added> =
            added.iter().map(|a| (workdir.join(&a.path), a)).collect();
        // Env files that are covered by a per-file finding (tracked, or not ignored): that
        // finding says which `.gitignore` lines to add, so no `gitignore-missing` repeats it.
        let mut pending: Vec<(usize, PathBuf)> = Vec::new();
        // Env files with no finding of their own (ignored only by this machine's excludes):
        // `gitignore-missing` is the only place that says the shared rule is missing.
        let mut to_cover: Vec<(PathBuf, Option<&'static str>)> = Vec::new();

        for abs in &tracked {
            let shown = self.shown(abs);
            let keys = self.keys_in(&shown);
            // A committed defaults file (Vite's `.env.production`, a test file of `fake-…`
            // values, a template with empty values) holds nothing to rotate: not a finding.
            let text = blobs
                .get(abs)
                .and_then(|id| repo.find_blob(*id).ok())
                .map(|b| String::from_utf8_lossy(b.content()).into_owned());
            if text.is_some_and(|t| !env_content::worth_protecting(&t, self.key_lines(&shown))) {
                continue;
            }
            let origin = added_at
                .get(abs)
                .map_or(Origin::WorkingTree, |a| Origin::Commit(a.commit.clone()));
            let mut f = checks::finding(CheckId::DotenvTracked, &shown, 1, 1, origin);
            let name = relative(&workdir, abs);
            f.summary = match added_at.get(abs) {
                Some(a) => format!("{name} is tracked by git (added in commit {}): everyone with a clone has its contents", short_sha(&a.commit.sha)),
                None => format!("{name} is tracked by git (in the index): the next commit shares its contents"),
            };
            self.dotenv_tracked_details(&mut f, &name, keys);
            pending.push((self.out.len(), abs.clone()));
            self.out.push(f);
        }
        // Committed once, gone from the index now: still in every clone's history.
        for a in &added {
            let abs = workdir.join(&a.path);
            if tracked_set.contains(&abs) || !abs.starts_with(&self.base) {
                continue;
            }
            let shown = self.shown(&abs);
            let keys = self.keys_in(&shown);
            let mut f = checks::finding(
                CheckId::DotenvTracked,
                &shown,
                1,
                1,
                Origin::Commit(a.commit.clone()),
            );
            f.add_tag(Tag::HistoryOnly);
            f.summary = format!(
                "{} was committed in {} (\"{}\") and later removed, but it is still in git history",
                a.path,
                short_sha(&a.commit.sha),
                a.commit.summary
            );
            if keys > 0 {
                f.severity = Severity::Critical;
                f.summary
                    .push_str(&format!(" with {} key{}", keys, plural(keys)));
            }
            f.remediation = format!(
                "Rotate every credential {} ever held; it stays readable in history until you purge it: `git filter-repo --invert-paths --path {}`, force-push, and have collaborators re-clone.",
                a.path,
                crate::report::escape::shell(&a.path)
            );
            self.out.push(f);
        }
        // Untracked env files the walk read: git's own ignore rules decide.
        for abs in walked
            .iter()
            .filter(|p| !tracked_set.contains(p) && p.starts_with(&workdir))
        {
            let rel = relative(&workdir, abs);
            // The .gitignore files decide first (deepest wins); only when none of them has a
            // matching rule do git's excludes (.git/info/exclude, core.excludesFile) via libgit2.
            // libgit2 drops a nested .gitignore's negation of a parent's rule
            // (libgit2/libgit2#7284), so it cannot be asked about .gitignore rules directly.
            let ignored = match self.cover(abs, &workdir, true) {
                Cover::Covered => true,
                Cover::Negated { .. } => false,
                Cover::Missing { .. } => repo.is_path_ignored(Path::new(&rel)).unwrap_or(true),
            };
            if ignored {
                // Read anyway (`--no-ignore`): fine if a shared .gitignore covers it.
                to_cover.push((abs.clone(), Some(EXCLUDE_ONLY)));
                continue;
            }
            let shown = self.shown(abs);
            let keys = self.keys_in(&shown);
            let mut f =
                checks::finding(CheckId::DotenvNotIgnored, &shown, 1, 1, Origin::WorkingTree);
            f.summary = format!("{rel} is not tracked, but no ignore rule covers it: the next `git add .` commits it");
            self.not_ignored_details(&mut f, keys);
            pending.push((self.out.len(), abs.clone()));
            self.out.push(f);
        }
        // Env files in the scanned directory that the walk skipped because an ignore rule
        // matched: fine if a shared .gitignore covers them, worth saying if only this
        // machine's excludes do.
        if let Ok(rd) = std::fs::read_dir(&self.base) {
            for e in rd.flatten() {
                let abs = e.path();
                if e.file_type().is_ok_and(|t| t.is_file())
                    && file_class::is_dotenv(&e.file_name().to_string_lossy())
                    && !tracked_set.contains(&abs)
                    && !walked.contains(&abs)
                {
                    to_cover.push((abs, Some(EXCLUDE_ONLY)));
                }
            }
        }
        self.ignore_steps(&pending, &workdir, true);
        self.gitignore_missing(&to_cover, &workdir, true);
    }

    fn outside_git(&mut self, walked: Vec<PathBuf>) {
        let base = self.base.clone();
        let mut pending = Vec::new();
        for abs in walked.iter().filter(|p| p.starts_with(&base)) {
            if matches!(self.cover(abs, &base, false), Cover::Covered) {
                continue;
            }
            let shown = self.shown(abs);
            let keys = self.keys_in(&shown);
            let mut f =
                checks::finding(CheckId::DotenvNotIgnored, &shown, 1, 1, Origin::WorkingTree);
            f.summary = format!(
                "{} is not covered by any .gitignore above it: once this directory is a git repository, `git add .` commits it",
                relative(&base, abs)
            );
            self.not_ignored_details(&mut f, keys);
            pending.push((self.out.len(), abs.clone()));
            self.out.push(f);
        }
        self.ignore_steps(&pending, &base, false);
    }

    fn dotenv_tracked_details(&self, f: &mut Finding, name: &str, keys: usize) {
        if keys > 0 {
            f.severity = Severity::Critical;
            f.summary
                .push_str(&format!(", including {keys} key{}", plural(keys)));
        }
        // The name goes into shell commands the user may paste: quoted, so a file named
        // `x;touch PWNED;.env` is a file name there too. `{ignore}` is filled in by
        // `ignore_steps`, once every env file's .gitignore is known.
        let quoted = crate::report::escape::shell(name);
        let dashdash = if name.starts_with('-') { "-- " } else { "" };
        f.remediation = format!(
            "Rotate every credential in {name}, then stop tracking it: `git rm --cached {dashdash}{quoted}`, {{ignore}}, and commit. It stays in history: purge it with `git filter-repo --invert-paths --path {quoted}` if the repository was ever pushed."
        );
    }

    fn not_ignored_details(&mut self, f: &mut Finding, keys: usize) {
        if keys > 0 {
            f.severity = Severity::High;
            f.summary
                .push_str(&format!(", with {keys} key{} in it", plural(keys)));
        }
        f.remediation = "{ignore}.".to_string();
    }

    /// Fills in the `{ignore}` step of the per-file findings at `pending` (index into
    /// `self.out`, env file): which `.gitignore` gains which lines. Files whose rule belongs in
    /// the same `.gitignore` get the same lines, so following every finding's advice adds each
    /// line once; a negation that re-includes a file is named in its notes.
    fn ignore_steps(&mut self, pending: &[(usize, PathBuf)], top: &Path, in_git: bool) {
        let covers: Vec<Cover> = pending
            .iter()
            .map(|(_, abs)| self.cover(abs, top, in_git))
            .collect();
        let mut by_target: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for ((_, abs), c) in pending.iter().zip(&covers) {
            if let Cover::Missing { target, .. } | Cover::Negated { target, .. } = c {
                by_target
                    .entry(target.clone())
                    .or_default()
                    .push(abs.clone());
            }
        }
        for ((i, _), c) in pending.iter().zip(covers) {
            let (step, note) = match c {
                Cover::Covered => ("a shared .gitignore already covers it".to_string(), None),
                Cover::Missing { target, exists } => {
                    let shown = self.shown(&target);
                    let lines = lines_to_add(&by_target[&target]);
                    if exists {
                        let what = if lines.len() == 1 {
                            "this line"
                        } else {
                            "these lines"
                        };
                        (
                            format!("add {what} to {shown}: {}", printf(&lines, &shown)),
                            None,
                        )
                    } else {
                        let place = if in_git && target.parent() == Some(top) {
                            "this repository"
                        } else {
                            "this directory"
                        };
                        (
                            format!("create {shown} with {}", printf(&lines, &shown)),
                            Some(format!("{place} has no .gitignore")),
                        )
                    }
                }
                Cover::Negated { target, rule } => {
                    let shown = self.shown(&target);
                    (
                        format!("remove the negation `{rule}` from {shown}"),
                        Some(format!("re-included by `{rule}` in {shown}")),
                    )
                }
            };
            let f = &mut self.out[*i];
            f.remediation = upper_first(&f.remediation.replace("{ignore}", &step));
            f.notes.extend(note);
        }
    }

    /// One `gitignore-missing` finding per `.gitignore` that should gain rules.
    fn gitignore_missing(
        &mut self,
        env_files: &[(PathBuf, Option<&'static str>)],
        top: &Path,
        in_git: bool,
    ) {
        let mut by_target: BTreeMap<PathBuf, (bool, Vec<PathBuf>, Vec<String>)> = BTreeMap::new();
        for (abs, why) in env_files {
            let (target, exists, note) = match self.cover(abs, top, in_git) {
                Cover::Covered => continue,
                Cover::Missing { target, exists } => (target, exists, why.map(str::to_string)),
                Cover::Negated { target, rule } => {
                    let t = self.shown(&target);
                    (
                        target,
                        true,
                        Some(format!("re-included by `{rule}` in {t}")),
                    )
                }
            };
            let e = by_target
                .entry(target)
                .or_insert((exists, Vec::new(), Vec::new()));
            e.1.push(abs.clone());
            if let Some(n) = note {
                e.2.push(format!("{}: {n}", relative(top, abs)));
            }
        }
        for (target, (exists, files, notes)) in by_target {
            let shown = self.shown(&target);
            let dir = target.parent().unwrap_or(top);
            let names: Vec<String> = files.iter().map(|f| relative(dir, f)).collect();
            let mut f =
                checks::finding(CheckId::GitignoreMissing, &shown, 1, 1, Origin::WorkingTree);
            let place = if in_git && dir == top {
                "this repository"
            } else {
                "this directory"
            };
            f.summary = if exists {
                format!(
                    "{shown} has no rule for env files: {} not covered",
                    list(&names)
                )
            } else {
                format!(
                    "{place} holds env files ({}) but has no .gitignore",
                    list(&names)
                )
            };
            if files.iter().any(|p| self.keys_in(&self.shown(p)) > 0) {
                f.severity = Severity::High;
            }
            f.notes = notes;
            let lines = lines_to_add(&files);
            f.remediation = format!(
                "{} {shown}: {}{}",
                if exists {
                    "Add these lines to"
                } else {
                    "Create"
                },
                printf(&lines, &shown),
                if in_git {
                    "; then `git rm --cached` any env file that is already tracked."
                } else {
                    "."
                }
            );
            self.out.push(f);
        }
    }

    /// Whether the `.gitignore` files from `abs`'s directory up to `top` cover it (the deepest
    /// file with a matching rule decides, as in git). `in_git` false: a missing rule belongs
    /// next to the env file; true: in the repository's top `.gitignore`.
    fn cover(&mut self, abs: &Path, top: &Path, in_git: bool) -> Cover {
        let mut nearest: Option<PathBuf> = None;
        let mut dir = abs.parent();
        while let Some(d) = dir {
            if !d.starts_with(top) {
                break;
            }
            let gi_path = d.join(".gitignore");
            if let Some(gi) = self.gitignore(d) {
                nearest.get_or_insert_with(|| gi_path.clone());
                let m = gi.matched_path_or_any_parents(abs, false);
                if m.is_ignore() {
                    return Cover::Covered;
                }
                if let ignore::Match::Whitelist(g) = m {
                    return Cover::Negated {
                        target: gi_path,
                        rule: g.original().to_string(),
                    };
                }
            }
            if d == top {
                break;
            }
            dir = d.parent();
        }
        match nearest {
            Some(target) => Cover::Missing {
                target,
                exists: true,
            },
            None => {
                let dir = if in_git {
                    top
                } else {
                    abs.parent().unwrap_or(top)
                };
                Cover::Missing {
                    target: dir.join(".gitignore"),
                    exists: false,
                }
            }
        }
    }

    fn gitignore(&mut self, dir: &Path) -> Option<&Gitignore> {
        self.gitignores
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                let p = dir.join(".gitignore");
                if !p.is_file() {
                    return None;
                }
                let mut b = GitignoreBuilder::new(dir);
                b.add(&p);
                b.build().ok()
            })
            .as_ref()
    }
}

/// The `.gitignore` lines that cover `files` while keeping `.env.example` committable.
fn lines_to_add(files: &[PathBuf]) -> Vec<&'static str> {
    let mut lines = vec![".env", ".env.*", "!.env.example"];
    let suffixed = files.iter().any(|p| {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        n != ".env" && !n.starts_with(".env.") && n.ends_with(".env")
    });
    if suffixed {
        lines.insert(2, "*.env");
    }
    lines
}

/// "`.env`, `.env.*`, `!.env.example` (e.g. `printf '%s\n' .env '.env.*' '!.env.example' >> .gitignore`)"
fn printf(lines: &[&str], target: &str) -> String {
    let listed: Vec<String> = lines.iter().map(|l| format!("`{l}`")).collect();
    let quoted: Vec<String> = lines
        .iter()
        .map(|l| {
            if *l == ".env" {
                l.to_string()
            } else {
                format!("'{l}'")
            }
        })
        .collect();
    format!(
        "{} (e.g. `printf '%s\\n' {} >> {}`)",
        listed.join(", "),
        quoted.join(" "),
        crate::report::escape::shell(target)
    )
}

fn list(names: &[String]) -> String {
    const MAX: usize = 5;
    let mut s = names
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX {
        s.push_str(&format!(" and {} more", names.len() - MAX));
    }
    s
}

/// `s` with its first letter upper-cased.
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `path` relative to `base`, `/`-separated, with `..` when it lies outside.
pub fn relative(base: &Path, path: &Path) -> String {
    if let Ok(rel) = path.strip_prefix(base) {
        let s = rel
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        return if s.is_empty() { ".".into() } else { s };
    }
    let b: Vec<Component> = base.components().collect();
    let p: Vec<Component> = path.components().collect();
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c/.env")),
            "c/.env"
        );
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/b/.gitignore")),
            "../.gitignore"
        );
    }

    #[test]
    fn lines_cover_suffixed_env_files() {
        assert_eq!(
            lines_to_add(&[PathBuf::from("/x/.env.local")]),
            vec![".env", ".env.*", "!.env.example"]
        );
        assert_eq!(
            lines_to_add(&[PathBuf::from("/x/prod.env")]),
            vec![".env", ".env.*", "*.env", "!.env.example"]
        );
    }
}
