//! The pipeline: sources -> detection -> context -> report list. One call, [`run`], used by the
//! CLI; every stage is its own module and data flows one way through here.

use crate::context;
use crate::detect::{Engine, ScanHints};
use crate::diag::Warnings;
use crate::finding::{locate, Finding, Origin, Tag};
use crate::source::{self, archive, walk};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub mod git;

/// Findings reported per file (per blob, per archive member); past it, one warning.
pub const MAX_FINDINGS_PER_FILE: usize = 1000;

/// Everything a scan needs to know, resolved from the command line and config.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub follow: bool,
    pub no_ignore: bool,
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Open archives and scan their members.
    pub archives: bool,
    /// Honour `keyhound:allow` comments (off with `--no-inline-allow`).
    pub inline_allow: bool,
    /// Per path in `paths`: env files git history added (`dotenv-tracked`), as the history walk
    /// found them (`scan::git`); empty when history is not scanned.
    pub env_history: Vec<Vec<context::dotenv_history::Added>>,
    /// Scan a history blob again at each other path it appears at: on when suppression depends
    /// on the path (an `[allowlist] paths` glob, a baseline), so a blob allowed at one path is
    /// still reported at another.
    pub per_path: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: vec![PathBuf::from(".")],
            follow: false,
            no_ignore: false,
            max_file_size: 25 << 20,
            threads: 0,
            archives: true,
            inline_allow: true,
            env_history: Vec::new(),
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
}

/// What a scan measured, for the summary line and benchmarks.
#[derive(Debug, Default)]
pub struct Stats {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
}

#[derive(Debug)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub files: u64,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Commits walked and distinct blobs scanned in git history (0 without history).
    pub commits: u64,
    pub blobs: u64,
}

/// Scans blobs and collects findings; shared by every source.
pub struct Scanner<'a> {
    pub engine: &'a Engine,
    pub warnings: &'a Warnings,
    pub opts: &'a ScanOptions,
    pub stats: Stats,
    findings: Mutex<Vec<Finding>>,
    /// Paths whose findings were capped: warned about once (1,000 versions of a file in
    /// history are one warning).
    capped: Mutex<std::collections::HashSet<String>>,
}

impl<'a> Scanner<'a> {
    pub fn new(engine: &'a Engine, opts: &'a ScanOptions, warnings: &'a Warnings) -> Scanner<'a> {
        Scanner {
            engine,
            warnings,
            opts,
            stats: Stats::default(),
            findings: Mutex::new(Vec::new()),
            capped: Mutex::new(Default::default()),
        }
    }

    fn archive_limits(&self) -> archive::Limits {
        archive::Limits {
            member: self.opts.max_file_size,
            total: (self.opts.max_file_size * 8).max(256 << 20),
            depth: 3,
        }
    }

    /// Scans one blob: opens archives, skips binary content, runs detection and turns matches
    /// into findings with line, column and context tags.
    pub fn scan_blob(&self, blob: source::Blob<'_>) {
        let found = self.scan_blob_findings(blob);
        if !found.is_empty() {
            self.findings.lock().unwrap().extend(found);
        }
    }

    /// [`Scanner::scan_blob`], returning the blob's findings instead of collecting them (git
    /// history attributes each blob's findings to its commit afterwards).
    pub fn scan_blob_findings(&self, blob: source::Blob<'_>) -> Vec<Finding> {
        let mut budget = self.archive_limits().total;
        let mut found = Vec::new();
        self.scan_nested(blob, 0, &mut budget, &mut found);
        found
    }

    fn scan_nested(
        &self,
        blob: source::Blob<'_>,
        depth: usize,
        budget: &mut u64,
        found: &mut Vec<Finding>,
    ) {
        let limits = self.archive_limits();
        if self.opts.archives {
            if let Some(kind) = archive::kind(&blob.path) {
                if depth >= limits.depth {
                    self.warnings.warn(
                        &blob.path,
                        format!("archive nested more than {} deep; not opened", limits.depth),
                    );
                    return;
                }
                let origin = blob.origin.clone();
                archive::expand(
                    &blob.path,
                    blob.data,
                    kind,
                    limits,
                    budget,
                    self.warnings,
                    &mut |path, data, budget| {
                        let inner = source::Blob {
                            path,
                            data,
                            origin: origin.clone(),
                        };
                        self.scan_nested(inner, depth + 1, budget, found);
                    },
                );
                return;
            }
        }
        if source::is_binary(&blob.path, blob.data) {
            return;
        }
        self.stats.files.fetch_add(1, Ordering::Relaxed);
        self.stats
            .bytes
            .fetch_add(blob.data.len() as u64, Ordering::Relaxed);
        let hints = ScanHints {
            generic: !context::file_class::is_hash_list(&blob.path),
            decode_base64: true,
        };
        // A file of a million key-shaped strings is capped: its first findings are reported
        // (and a warning says so), the rest would only cost memory and a report nobody reads.
        let mut matches =
            self.engine
                .scan_limited(blob.data, hints, MAX_FINDINGS_PER_FILE.saturating_mul(4));
        if matches.len() > MAX_FINDINGS_PER_FILE {
            matches.sort_by_key(|m| m.span.start);
            matches.truncate(MAX_FINDINGS_PER_FILE);
            if self.capped.lock().unwrap().insert(blob.path.clone()) {
                self.warnings.warn(
                &blob.path,
                    format!("more than {MAX_FINDINGS_PER_FILE} findings; only the first {MAX_FINDINGS_PER_FILE} are reported"),
                );
            }
        }
        if matches.is_empty() {
            let mut out = Vec::new();
            context::annotate_blob(
                &blob.path,
                blob.data,
                &blob.origin,
                &mut out,
                &[],
                self.warnings,
            );
            found.extend(out);
            return;
        }
        let offsets: Vec<usize> = matches.iter().map(|m| m.span.start).collect();
        let mut order: Vec<usize> = (0..matches.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let sorted: Vec<usize> = order.iter().map(|&i| offsets[i]).collect();
        let positions = locate(blob.data, &sorted);
        let mut out = Vec::with_capacity(matches.len());
        for (k, &i) in order.iter().enumerate() {
            let m = &matches[i];
            if self.opts.inline_allow && crate::suppress::inline_allowed(blob.data, m.span.clone())
            {
                continue;
            }
            let rule = &self.engine.rules()[m.rule];
            let (line, column) = positions[k];
            let mut f = Finding::for_secret(
                rule,
                &m.secret,
                &blob.path,
                line,
                column,
                blob.origin.clone(),
            );
            if m.decoded {
                f.add_tag(Tag::Base64);
                f.message.push_str(" (base64-encoded)");
            }
            if depth > 0 {
                f.add_tag(Tag::Archive);
            }
            context::classify(&mut f, blob.data, m.span.start);
            out.push(f);
        }
        context::annotate_blob(
            &blob.path,
            blob.data,
            &blob.origin,
            &mut out,
            &sorted,
            self.warnings,
        );
        found.extend(out);
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings.into_inner().unwrap()
    }
}

/// Runs a scan of the working tree(s) named in `opts`.
pub fn run(engine: &Engine, opts: &ScanOptions, warnings: &Warnings) -> Result<ScanResult, String> {
    let start = Instant::now();
    for p in &opts.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    let scanner = Scanner::new(engine, opts, warnings);
    let threads = opts.worker_threads();
    let walk_opts = walk::WalkOptions {
        follow: opts.follow,
        no_ignore: opts.no_ignore,
        max_file_size: opts.max_file_size,
        threads,
    };
    let multi = opts.paths.len() > 1;
    let mut env_files: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for root in &opts.paths {
        let tracked = crate::source::tracked_files(root, Some(warnings));
        let prefix = if multi {
            format!("{}/", root.display().to_string().trim_end_matches('/'))
        } else {
            String::new()
        };
        let envs = Mutex::new(Vec::new());
        walk::walk(root, &walk_opts, tracked.as_deref(), warnings, &|file| {
            if context::file_class::is_dotenv(&file.rel) {
                envs.lock().unwrap().push(file.abs.to_path_buf());
            }
            scanner.scan_blob(source::Blob {
                path: format!("{prefix}{}", file.rel),
                data: &file.data,
                origin: Origin::WorkingTree,
            });
        });
        env_files.push((prefix, envs.into_inner().unwrap()));
    }
    let files = scanner.stats.files.load(Ordering::Relaxed);
    let bytes = scanner.stats.bytes.load(Ordering::Relaxed);
    let mut findings = scanner.into_findings();
    let roots: Vec<context::hygiene::RootEnvFiles<'_>> = opts
        .paths
        .iter()
        .zip(&env_files)
        .enumerate()
        .map(
            |(i, (root, (prefix, env_files)))| context::hygiene::RootEnvFiles {
                root,
                prefix,
                env_files,
                env_history: opts.env_history.get(i).map_or(&[], Vec::as_slice),
            },
        )
        .collect();
    let hygiene = context::hygiene::check(&roots, &findings);
    findings.extend(hygiene);
    sort_findings(&mut findings);
    Ok(ScanResult {
        findings,
        files,
        bytes,
        elapsed: start.elapsed(),
        commits: 0,
        blobs: 0,
    })
}

/// Report order: by path, then line and column, then rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
}
