//! One entry point, [`run`]: the sources a [`ScanPlan`] names push their blobs into the
//! [`Scanner`] (detection, annotation, inline allow comments); history findings are then
//! attributed to the commit that introduced them, and the hygiene checks add theirs.

mod history;
pub mod location;
mod progress;
mod scanner;

pub use crate::source::git_history::{config_at_range_base, HistorySpec};

use crate::detect::Engine;
use crate::diag::Warnings;
use crate::git::{self, open_target, GitTarget};
use crate::model::error::Error;
use crate::model::finding::Finding;
use crate::model::stats::ScanStats;
use crate::source::archive::Unpacker;
use crate::source::git_history::{self, HistoryOptions, HistoryScan};
use crate::source::{staged, walk};
use scanner::Scanner;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to scan and how, resolved once from the command line and the config (see `plan`).
#[derive(Debug, Clone)]
pub struct ScanPlan {
    pub roots: Vec<Root>,
    pub options: ScanOptions,
}

/// A path to scan and what to scan there.
#[derive(Debug, Clone)]
pub struct Root {
    pub path: PathBuf,
    pub target: Target,
}

/// What to scan at a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The files under the root (`--no-history`, or any root that is not a repository).
    Tree,
    /// The files, and the history selected by the spec when the root is a git repository.
    TreeAndHistory(HistorySpec),
    /// Only the history selected by the spec (`--history-only`, `--branch`, `--since-commit`,
    /// `--range`): an error when the root is not a repository.
    HistoryOnly(HistorySpec),
    /// What the git index adds compared with HEAD (`--staged`).
    Staged,
}

/// How to read and scan, the same for every root.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub follow: bool,
    pub no_ignore: bool,
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Open archives and scan their members.
    pub archives: bool,
    /// Honour `keyhound:allow` comments (off with `--no-inline-allow`).
    pub inline_allow: bool,
    /// Report public-by-design values (publishable keys, anon keys, DSNs) at severity `info`
    /// (`--include-public`); by default they are not reported.
    pub include_public: bool,
    /// Walk into dependency directories (`node_modules/`, `vendor/`, ...) that git does not
    /// track (`--scan-dependencies`); tracked files in them are always scanned.
    pub scan_dependencies: bool,
    /// Show a progress bar for long history walks (the caller checked stderr is a terminal).
    pub progress: bool,
    /// Scan a history blob again at each other path it appears at: on when suppression depends
    /// on the path (an `[allowlist] paths` glob, a baseline), so a blob allowed at one path is
    /// still reported at another.
    pub per_path: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            follow: false,
            no_ignore: false,
            max_file_size: crate::model::units::DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            archives: true,
            inline_allow: true,
            include_public: false,
            scan_dependencies: false,
            progress: false,
            per_path: false,
        }
    }
}

impl ScanOptions {
    /// Worker threads: `threads`, or one per core when it is 0.
    pub fn worker_threads(&self) -> usize {
        if self.threads == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            self.threads
        }
    }

    /// Threads that read and scan history blobs: `threads`, or one per core and one more when it
    /// is 0. Readers wait on libgit2's pack locks and the walker's channel, so a core would
    /// otherwise sit idle: on hugo's full history the extra reader saves 7% of the wall time
    /// (3 paired runs of 2, 3 and 4 readers on 2 cores; 4 is no better than 3).
    pub fn history_threads(&self) -> usize {
        if self.threads == 0 {
            self.worker_threads() + 1
        } else {
            self.threads
        }
    }
}

/// The findings of a scan (sorted for the report) and what it measured.
#[derive(Debug)]
pub struct ScanOutput {
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
}

/// One root, opened: where its paths are shown and which sources run on it.
struct Opened<'p> {
    root: &'p Path,
    /// Put before reported paths when several roots are scanned (`root/`).
    prefix: String,
    tree: bool,
    history: Option<(GitTarget, &'p HistorySpec)>,
}

/// Runs the scan `plan` describes.
pub fn run(engine: &Engine, plan: &ScanPlan, warnings: &Warnings) -> Result<ScanOutput, Error> {
    let start = Instant::now();
    let opts = &plan.options;
    let unpack = Unpacker::new(opts.archives, opts.max_file_size, warnings);
    if let [Root {
        path,
        target: Target::Staged,
    }] = plan.roots.as_slice()
    {
        let scanner = Scanner::new(engine, opts, warnings);
        let new_env = staged::scan(path, opts.max_file_size, &unpack, warnings, &scanner)?;
        let (files, bytes) = scanner.counts();
        let mut findings = scanner.into_findings().0;
        let env = crate::hygiene::env_added::staged(&new_env, &findings);
        findings.extend(env);
        // Ordinals were counted per staged file, over all its findings (see `Scanner`).
        sort_findings(&mut findings);
        return Ok(ScanOutput {
            findings,
            stats: ScanStats {
                files,
                bytes,
                elapsed: start.elapsed(),
                ..ScanStats::default()
            },
        });
    }

    let opened = open_roots(plan)?;
    let threads = opts.worker_threads();
    // History first: its walk also collects the env files any commit added, which the hygiene
    // checks of the working tree need (one walk of the history, not two). Each repository's
    // history gets its own scanner, so its hits stay its own.
    let mut histories: Vec<Option<(HistoryScan, history::Hits)>> = Vec::with_capacity(opened.len());
    for o in &opened {
        histories.push(match &o.history {
            Some((target, spec)) => {
                // HEAD's blobs first: a hit is merged into its (rule, secret, path) as it
                // arrives, remembering only whether one of its versions is in HEAD.
                let sink = Scanner::new(engine, opts, warnings).with_head(git::head_blobs(target));
                let scan = git_history::scan(
                    target,
                    &HistoryOptions {
                        spec,
                        display_prefix: &o.prefix,
                        threads: opts.history_threads(),
                        progress: opts.progress,
                        max_file_size: opts.max_file_size,
                        per_path: opts.per_path,
                    },
                    &unpack,
                    warnings,
                    &sink,
                )?;
                Some((scan, sink.into_findings().1))
            }
            None => None,
        });
    }
    let scanner = Scanner::new(engine, opts, warnings);
    let walk_opts = walk::WalkOptions {
        follow: opts.follow,
        no_ignore: opts.no_ignore,
        max_file_size: opts.max_file_size,
        threads,
        skip_dependencies: !opts.scan_dependencies,
    };
    let mut env_files: Vec<Vec<PathBuf>> = Vec::with_capacity(opened.len());
    let counts = || scanner.counts();
    progress::with_progress(opts.progress, &counts, warnings, || {
        for o in &opened {
            env_files.push(if o.tree {
                walk::tree(o.root, &o.prefix, &walk_opts, &unpack, warnings, &scanner)
            } else {
                Vec::new()
            });
        }
    });
    let (files, mut bytes) = scanner.counts();
    let mut findings = scanner.into_findings().0;
    let roots: Vec<crate::hygiene::RootEnvFiles<'_>> = opened
        .iter()
        .zip(&env_files)
        .zip(&histories)
        .filter(|((o, _), _)| o.tree)
        .map(|((o, env_files), history)| crate::hygiene::RootEnvFiles {
            root: o.root,
            prefix: &o.prefix,
            env_files,
            env_history: history
                .as_ref()
                .map_or(&[], |(h, _)| h.env_files.as_slice()),
        })
        .collect();
    let hygiene = crate::hygiene::check(&roots, &findings);
    findings.extend(hygiene);
    sort_findings(&mut findings);

    let mut stats = ScanStats::default();
    for (o, walked) in opened.iter().zip(histories) {
        let (Some((target, _)), Some((walked, hits))) = (&o.history, walked) else {
            continue;
        };
        stats.commits += walked.commits;
        stats.blobs += walked.blobs;
        bytes += walked.bytes;
        history::attribute(target, &o.prefix, &mut findings, hits, o.tree);
        // Without a working-tree scan (a commit selection, --history-only, a bare or .git
        // target) the hygiene pass does not run: report the env files these commits added.
        if !o.tree {
            let env = crate::hygiene::env_added::committed(
                &walked.env_files,
                &git::display_path(&target.prefix),
                &o.prefix,
                &findings,
            );
            findings.extend(env);
        }
    }
    sort_findings(&mut findings);
    number_findings(&mut findings);
    stats.files = files;
    stats.bytes = bytes;
    stats.elapsed = start.elapsed();
    Ok(ScanOutput { findings, stats })
}

/// Checks every root and opens the repositories whose history the plan asks for.
fn open_roots(plan: &ScanPlan) -> Result<Vec<Opened<'_>>, Error> {
    let multi = plan.roots.len() > 1;
    let mut out = Vec::with_capacity(plan.roots.len());
    for root in &plan.roots {
        let prefix = if multi {
            format!("{}/", root.path.display().to_string().trim_end_matches('/'))
        } else {
            String::new()
        };
        let (tree, history) = match &root.target {
            Target::Tree => (true, None),
            Target::Staged => {
                return Err(Error::Usage("--staged scans one repository".to_string()))
            }
            Target::TreeAndHistory(spec) => match open_target(&root.path) {
                Some(t) => (t.has_workdir, Some((t, spec))),
                None => (true, None),
            },
            Target::HistoryOnly(spec) => match open_target(&root.path) {
                Some(t) => (false, Some((t, spec))),
                None => {
                    return Err(Error::NotARepository {
                        path: root.path.clone(),
                        message: format!(
                            "{}: not a git repository ({} scans git history)",
                            root.path.display(),
                            spec.flag()
                        ),
                    })
                }
            },
        };
        out.push(Opened {
            root: &root.path,
            prefix,
            tree,
            history,
        });
    }
    for o in out.iter().filter(|o| o.tree) {
        if let Err(error) = std::fs::symlink_metadata(o.root) {
            return Err(Error::Root {
                path: o.root.to_path_buf(),
                error,
            });
        }
    }
    Ok(out)
}

/// Sets each finding's [`Finding::ordinal`]: which of the findings with the same rule, path,
/// context and origin (working tree, staged, or the commit that introduced it) it is, from 1 in
/// report order. `findings` must be sorted ([`sort_findings`]).
pub fn number_findings(findings: &mut [Finding]) {
    use crate::model::finding::Origin;
    let mut seen: std::collections::HashMap<(String, String, Option<String>, Option<String>), u32> =
        std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let origin = match &f.origin {
            Origin::Commit(c) => Some(c.sha.clone()),
            Origin::Staged => Some(String::new()),
            Origin::WorkingTree => None,
        };
        let n = seen
            .entry((
                f.rule_id().to_string(),
                f.path.clone(),
                f.context.clone(),
                origin,
            ))
            .or_default();
        *n += 1;
        f.ordinal = *n;
    }
}

/// Report order: by path, then line and column, then rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.rule_id()).cmp(&(&b.path, b.line, b.column, b.rule_id()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(path: &Path, target: Target) -> ScanPlan {
        ScanPlan {
            roots: vec![Root {
                path: path.to_path_buf(),
                target,
            }],
            options: ScanOptions::default(),
        }
    }

    /// A caller tells a bad revision, a missing root and a missing repository apart by the
    /// error's kind, not by its text.
    #[test]
    fn errors_say_what_kind_of_problem_it_is() {
        let engine = Engine::new(Vec::new()).unwrap();
        let warnings = Warnings::new(true);
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let tree = repo.find_tree(tree).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "first", &tree, &[])
            .unwrap();

        let branch = HistorySpec {
            branch: Some("no-such-branch".into()),
            ..HistorySpec::default()
        };
        let e = run(
            &engine,
            &plan(dir.path(), Target::HistoryOnly(branch.clone())),
            &warnings,
        )
        .unwrap_err();
        assert!(
            matches!(&e, Error::Revision { flag: "--branch", rev, .. } if rev == "no-such-branch"),
            "{e:?}"
        );

        let missing = dir.path().join("missing");
        let e = run(&engine, &plan(&missing, Target::Tree), &warnings).unwrap_err();
        assert!(matches!(e, Error::Root { .. }), "{e:?}");

        let plain = tempfile::tempdir().unwrap();
        let e = run(
            &engine,
            &plan(plain.path(), Target::HistoryOnly(branch)),
            &warnings,
        )
        .unwrap_err();
        assert!(matches!(e, Error::NotARepository { .. }), "{e:?}");
    }
}
