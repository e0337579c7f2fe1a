//! The pipeline for scan roots that are git repositories: the working tree and the history of
//! every ref by default, or the parts of history that `--branch`, `--since-commit`, `--range`
//! select. Roots that are not repositories get the working-tree scan only.

use super::{sort_findings, ScanOptions, ScanResult, Scanner};
use crate::context;
use crate::detect::Engine;
use crate::diag::Warnings;
use crate::source::git_history::{self, HistorySpec};
use crate::source::git_repo::{open_target, GitTarget};
use std::path::PathBuf;
use std::time::Instant;

/// How much git history to scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum History {
    /// Working tree and history (when the root is a repository).
    #[default]
    Auto,
    /// Working tree only (`--no-history`).
    Off,
    /// History only (`--history-only`, and implied by `--branch`, `--since-commit`, `--range`).
    Only,
}

#[derive(Debug, Clone, Default)]
pub struct GitOptions {
    pub history: History,
    pub spec: HistorySpec,
    /// Show a progress bar on stderr (the caller checks it is a terminal).
    pub progress: bool,
}

impl GitOptions {
    /// The flag that asked for history, for error messages.
    fn flag(&self) -> &'static str {
        if self.spec.range.is_some() {
            "--range"
        } else if self.spec.since.is_some() {
            "--since-commit"
        } else if self.spec.branch.is_some() {
            "--branch"
        } else {
            "--history-only"
        }
    }
}

/// Scans `opts.paths`: files, and git history where a root is a repository.
pub fn run(
    engine: &Engine,
    opts: &ScanOptions,
    git: &GitOptions,
    warnings: &Warnings,
) -> Result<ScanResult, String> {
    if git.history == History::Off {
        return super::run(engine, opts, warnings);
    }
    let start = Instant::now();
    // A commit selection scans those commits, not the files on disk.
    let history_only = git.history == History::Only || git.spec.is_partial();
    let mut targets: Vec<(PathBuf, GitTarget)> = Vec::new();
    let mut wt_paths = Vec::new();
    for p in &opts.paths {
        match open_target(p) {
            Some(t) => {
                if t.has_workdir && !history_only {
                    wt_paths.push(p.clone());
                }
                targets.push((p.clone(), t));
            }
            None if history_only => {
                return Err(format!(
                    "{}: not a git repository ({} scans git history)",
                    p.display(),
                    git.flag()
                ));
            }
            None => wt_paths.push(p.clone()),
        }
    }
    let threads = opts.worker_threads();
    // History first: its walk also collects the env files any commit added, which the
    // working-tree scan's hygiene checks need (one walk of the history, not two).
    let scanner = Scanner::new(engine, opts, warnings);
    let multi = opts.paths.len() > 1;
    let mut scans = Vec::with_capacity(targets.len());
    for (root, target) in &targets {
        let display_prefix = if multi {
            format!("{}/", root.display().to_string().trim_end_matches('/'))
        } else {
            String::new()
        };
        let scan = git_history::scan(
            target,
            &git.spec,
            &scanner,
            &display_prefix,
            threads,
            git.progress,
        )?;
        scans.push((display_prefix, scan));
    }
    let mut result = if wt_paths.is_empty() {
        ScanResult {
            findings: Vec::new(),
            files: 0,
            bytes: 0,
            elapsed: start.elapsed(),
            commits: 0,
            blobs: 0,
        }
    } else {
        let env_history = wt_paths
            .iter()
            .map(|p| {
                targets
                    .iter()
                    .position(|(root, _)| root == p)
                    .map(|i| std::mem::take(&mut scans[i].1.env_files))
                    .unwrap_or_default()
            })
            .collect();
        let wt_opts = ScanOptions {
            paths: wt_paths.clone(),
            env_history,
            ..opts.clone()
        };
        super::run(engine, &wt_opts, warnings)?
    };
    for ((root, target), (display_prefix, scan)) in targets.iter().zip(scans) {
        result.commits += scan.commits;
        result.blobs += scan.blobs;
        result.bytes += scan.bytes;
        let head = scan.head;
        let wt_scanned = wt_paths.contains(root);
        context::history::attribute(
            target,
            &display_prefix,
            &mut result.findings,
            scan.hits,
            &head,
            wt_scanned,
        );
    }
    sort_findings(&mut result.findings);
    result.elapsed = start.elapsed();
    Ok(result)
}
