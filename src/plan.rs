//! The plan of a command: the command line and `.keyhound.toml`, resolved once by a pure
//! function (as ripgrep turns its low-level arguments into high-level ones). Everything after
//! this module works on a [`Plan`]; nothing reads clap types.

use crate::cli::{BaselineCreateArgs, ScanArgs};
use crate::config::Config;
use crate::model::error::Error;
use crate::model::rule::{Rule, Severity};
use crate::model::units::DEFAULT_MAX_FILE_SIZE;
use crate::report::Format;
use crate::scan::{HistorySpec, Root, ScanOptions, ScanPlan, Target};
use crate::suppress::allowlist::Allowlist;
use crate::suppress::ExitPolicy;
use std::path::PathBuf;

/// Everything `keyhound scan` does, resolved.
#[derive(Debug)]
pub struct Plan {
    /// The rules to run: built-in, merged with the config's.
    pub rules: Vec<Rule>,
    pub scan: ScanPlan,
    pub allowlist: Allowlist,
    /// Findings in this baseline file are not reported.
    pub baseline: Option<PathBuf>,
    pub verify: VerifyPlan,
    pub report: ReportPlan,
    pub exit: ExitPolicy,
    /// No warnings on stderr (`--quiet`).
    pub quiet: bool,
    /// What the config changes about detection (disabled, overridden or downgraded built-in
    /// rules, refused verifiers, skipped content), each naming the config: shown on stderr, in
    /// the human summary and in SARIF, never silent.
    pub notices: Vec<String>,
}

/// `--verify`, `--only-live`, `--verify-endpoint`.
#[derive(Debug, Clone, Default)]
pub struct VerifyPlan {
    /// Check found keys live (`--verify`, implied by `--only-live`).
    pub enabled: bool,
    /// Report only keys that authenticated.
    pub only_live: bool,
    /// `PROVIDER=URL` overrides, checked even when verification is off.
    pub endpoints: Vec<String>,
    /// At most this many distinct keys are checked live (`--verify-limit`).
    pub limit: usize,
}

/// How and where to write the report.
#[derive(Debug, Clone)]
pub struct ReportPlan {
    pub format: Format,
    /// A file instead of stdout.
    pub output: Option<PathBuf>,
    pub no_redact: bool,
    /// SARIF: at most this many results.
    pub sarif_max_results: usize,
    /// Show only findings at least this severe (`--min-severity`); the exit code ignores it.
    pub min_severity: Option<Severity>,
}

/// What the environment says, as values (so that [`resolve`] stays pure).
#[derive(Debug, Clone, Copy, Default)]
pub struct Env {
    /// Whether `--max-file-size` was given on the command line (else the config's value wins).
    pub max_file_size_given: bool,
    /// Whether stderr is a terminal (for the history progress bar).
    pub stderr_is_terminal: bool,
}

/// `keyhound scan`: the command line, with `.keyhound.toml`'s `[scan]` defaults where the
/// command line left a choice open.
pub fn resolve(args: &ScanArgs, cfg: Config, env: Env) -> Result<Plan, Error> {
    check_keywordless(&cfg, args.allow_keywordless_rules)?;
    let notices = config_notices(&cfg);
    let max_file_size = if env.max_file_size_given {
        args.max_file_size
    } else {
        cfg.max_file_size()?.unwrap_or(args.max_file_size)
    };
    // `no_history` yields to an explicit choice of what to scan in git.
    let no_history = args.no_history
        || (cfg.scan.no_history && !args.staged && !args.history_only && args.range.is_none());
    let git = GitChoice {
        staged: args.staged,
        no_history,
        history_only: args.history_only,
        spec: HistorySpec {
            branch: args.branch.clone(),
            since: args.since_commit.clone(),
            range: args.range.clone(),
        },
    };
    let options = ScanOptions {
        follow: args.follow,
        no_ignore: args.no_ignore,
        max_file_size,
        threads: args.threads,
        archives: !(args.no_archives || cfg.scan.no_archives),
        inline_allow: !args.no_inline_allow,
        include_public: args.include_public || cfg.scan.include_public,
        scan_dependencies: args.scan_dependencies || cfg.scan.scan_dependencies,
        progress: !args.quiet && env.stderr_is_terminal,
        // A blob allowed at one path must still be reported at another.
        per_path: cfg.allowlist.paths.is_some(),
    };
    let baseline = args.baseline.clone().or_else(|| cfg.baseline());
    let fail_on: Option<Severity> = args.fail_on.or(cfg.scan.fail_on);
    Ok(Plan {
        scan: ScanPlan {
            roots: roots(&args.paths, &git),
            options,
        },
        rules: cfg.rules,
        allowlist: cfg.allowlist,
        baseline,
        verify: VerifyPlan {
            enabled: args.verify || args.only_live,
            only_live: args.only_live,
            endpoints: args.verify_endpoint.clone(),
            limit: args.verify_limit,
        },
        report: ReportPlan {
            format: args.format,
            output: args.output.clone(),
            no_redact: args.no_redact,
            sarif_max_results: args.sarif_max_results,
            min_severity: args.min_severity.or(cfg.scan.min_severity),
        },
        exit: ExitPolicy {
            fail_on,
            exit_zero: args.exit_zero,
            strict: args.strict,
        },
        quiet: args.quiet,
        notices,
    })
}

/// "`.keyhound.toml`: disables built-in rule 'x'", one per change the config makes.
pub fn config_notices(cfg: &Config) -> Vec<String> {
    let from = cfg
        .path
        .as_ref()
        .map_or_else(String::new, |p| format!("{}: ", p.display()));
    cfg.changes.iter().map(|c| format!("{from}{c}")).collect()
}

/// A user rule without keywords runs its regex over every byte of every file, so one
/// pathological regex sets the scan's speed: refused unless `--allow-keywordless-rules`.
fn check_keywordless(cfg: &Config, allowed: bool) -> Result<(), Error> {
    if allowed {
        return Ok(());
    }
    let builtin = crate::model::rule::builtin_rules();
    match cfg.rules.iter().find(|r| {
        r.keywords.is_empty() && !builtin.iter().any(|b| b.id == r.id && b.regex == r.regex)
    }) {
        Some(r) => Err(Error::Rule {
            id: r.id.clone(),
            file: cfg.path.as_ref().map(|p| p.display().to_string()),
            line: None,
            message: format!(
                "rule '{}' has no keywords, so its regex would run over every byte of every file; give it keywords, or accept the cost with --allow-keywordless-rules",
                r.id
            ),
        }),
        None => Ok(()),
    }
}

/// `keyhound baseline create`: the same scan as `keyhound scan PATH` with its defaults (config,
/// allowlists, inline allow comments), without a baseline.
pub fn resolve_baseline(
    args: &BaselineCreateArgs,
    cfg: Config,
    env: Env,
) -> Result<(Vec<Rule>, ScanPlan, Allowlist), Error> {
    check_keywordless(&cfg, false)?;
    let git = GitChoice {
        staged: false,
        no_history: args.no_history || cfg.scan.no_history,
        history_only: false,
        spec: HistorySpec::default(),
    };
    let options = ScanOptions {
        max_file_size: cfg.max_file_size()?.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        archives: !cfg.scan.no_archives,
        include_public: cfg.scan.include_public,
        scan_dependencies: cfg.scan.scan_dependencies,
        progress: env.stderr_is_terminal,
        per_path: cfg.allowlist.paths.is_some(),
        ..ScanOptions::default()
    };
    let plan = ScanPlan {
        roots: roots(std::slice::from_ref(&args.path), &git),
        options,
    };
    Ok((cfg.rules, plan, cfg.allowlist))
}

/// The git flags of a scan.
struct GitChoice {
    staged: bool,
    no_history: bool,
    history_only: bool,
    spec: HistorySpec,
}

/// Per path, what to scan there: the working tree and the history of every ref by default, or
/// what the git flags select. `--staged` looks at one repository, the first path's.
fn roots(paths: &[PathBuf], git: &GitChoice) -> Vec<Root> {
    let target = if git.no_history {
        Target::Tree
    } else if git.history_only || git.spec.is_partial() {
        // A commit selection scans those commits, not the files on disk.
        Target::HistoryOnly(git.spec.clone())
    } else {
        Target::TreeAndHistory(git.spec.clone())
    };
    if git.staged {
        let path = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        return vec![Root {
            path,
            target: Target::Staged,
        }];
    }
    paths
        .iter()
        .map(|path| Root {
            path: path.clone(),
            target: target.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(argv: &[&str]) -> ScanArgs {
        let mut full = vec!["keyhound", "scan"];
        full.extend_from_slice(argv);
        match Cli::parse_from(full).command {
            Command::Scan(a) => a,
            _ => unreachable!(),
        }
    }

    fn plan(argv: &[&str], config: &str, env: Env) -> Plan {
        let cfg = crate::config::parse("k.toml", config).unwrap();
        resolve(&args(argv), cfg, env).unwrap()
    }

    #[test]
    fn targets_follow_the_git_flags() {
        let p = plan(&["a", "b"], "", Env::default());
        assert_eq!(p.scan.roots.len(), 2);
        assert!(p
            .scan
            .roots
            .iter()
            .all(|r| r.target == Target::TreeAndHistory(HistorySpec::default())));
        let p = plan(&["--no-history"], "", Env::default());
        assert_eq!(p.scan.roots[0].target, Target::Tree);
        let p = plan(&["--branch", "main"], "", Env::default());
        assert!(
            matches!(&p.scan.roots[0].target, Target::HistoryOnly(s) if s.branch.as_deref() == Some("main"))
        );
        let p = plan(&["--staged", "x", "y"], "", Env::default());
        assert_eq!(p.scan.roots.len(), 1);
        assert_eq!(p.scan.roots[0].target, Target::Staged);
    }

    #[test]
    fn config_defaults_yield_to_the_command_line() {
        let cfg = "[scan]\nno_history = true\nmax_file_size = \"1K\"\nfail_on = \"high\"\nno_archives = true\n";
        let p = plan(&[], cfg, Env::default());
        assert_eq!(p.scan.roots[0].target, Target::Tree);
        assert_eq!(p.scan.options.max_file_size, 1024);
        assert_eq!(p.exit.fail_on, Some(Severity::High));
        assert!(!p.scan.options.archives);
        let given = Env {
            max_file_size_given: true,
            ..Env::default()
        };
        let p = plan(
            &[
                "--max-file-size",
                "2K",
                "--range",
                "a..b",
                "--fail-on",
                "low",
            ],
            cfg,
            given,
        );
        assert!(matches!(p.scan.roots[0].target, Target::HistoryOnly(_)));
        assert_eq!(p.scan.options.max_file_size, 2048);
        assert_eq!(p.exit.fail_on, Some(Severity::Low));
    }

    #[test]
    fn baseline_create_scans_like_scan() {
        let cfg = || crate::config::parse("k.toml", "").unwrap();
        let a = BaselineCreateArgs {
            path: PathBuf::from("repo"),
            output: PathBuf::from("b.json"),
            no_history: false,
            config: None,
        };
        let (_, from_baseline, _) = resolve_baseline(&a, cfg(), Env::default()).unwrap();
        let from_scan = resolve(&args(&["repo"]), cfg(), Env::default())
            .unwrap()
            .scan;
        assert_eq!(format!("{from_baseline:?}"), format!("{from_scan:?}"));
    }
}
