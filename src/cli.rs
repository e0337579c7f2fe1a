//! Command-line definitions (clap). `main.rs` turns them into library calls.

use crate::report::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "keyhound",
    version,
    about = "Find leaked API keys (OpenAI, Anthropic and other AI providers, cloud and SaaS tokens) before and after they leave your laptop",
    after_help = "Exit codes: 0 nothing found, 1 findings, 2 error.\n\nExamples:\n  keyhound scan .                      working tree and, in a git repository, its whole history\n  keyhound scan . --verify             also check which found keys are still live\n  keyhound scan --staged               what the next commit adds (pre-commit)\n  keyhound scan --range main..HEAD --format sarif -o keyhound.sarif\n  keyhound doctor                      why OPENAI_API_KEY stopped working\n  keyhound rules                       list the built-in rules"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for secrets.
    Scan(ScanArgs),
    /// List the built-in rules.
    Rules(RulesArgs),
    /// Record current findings so later scans report only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Write a plain .git/hooks/pre-commit that runs `keyhound scan --staged`.
    InstallHook(InstallHookArgs),
    /// Diagnose an OpenAI key that stopped working (OPENAI_API_KEY in the environment and .env).
    Doctor(DoctorArgs),
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan PATH and write every finding's fingerprint to the baseline file.
    Create(BaselineCreateArgs),
}

#[derive(Debug, Args)]
pub struct BaselineCreateArgs {
    /// What to scan (as for `keyhound scan`).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write the baseline.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = ".keyhound-baseline.json"
    )]
    pub output: PathBuf,
    /// Scan the working tree only, not git history.
    #[arg(long)]
    pub no_history: bool,
    /// Configuration file (default: .keyhound.toml at the scan root, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Repository to install into (default: the one containing the current directory).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing pre-commit hook.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Env file to inspect besides .env and .env.local of the current directory.
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// Make no network call; only check the key's shape and configuration.
    #[arg(long)]
    pub offline: bool,
    /// Send the live check to this endpoint instead of the official host (openai=URL).
    #[arg(long, value_name = "PROVIDER=URL")]
    pub verify_endpoint: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Show full secrets in the report (they are redacted by default).
    #[arg(long)]
    pub no_redact: bool,

    /// Skip files larger than this (bytes, or with a K/M/G suffix).
    #[arg(long, value_name = "SIZE", default_value = "25M", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Follow symbolic links (loops are detected and skipped).
    #[arg(long)]
    pub follow: bool,

    /// Also scan files that .gitignore and git's excludes ignore.
    #[arg(long)]
    pub no_ignore: bool,

    /// Do not open archives (.zip, .jar, .tar, .tar.gz, .gz).
    #[arg(long)]
    pub no_archives: bool,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Print no warnings on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Turn warnings (unreadable files, corrupt objects, ...) into exit code 2.
    #[arg(long)]
    pub strict: bool,

    // --- git ---
    /// Scan the working tree only, not git history.
    #[arg(long, help_heading = "Git", conflicts_with_all = ["history_only", "staged", "range"])]
    pub no_history: bool,

    /// Scan git history only, not the working tree.
    #[arg(long, help_heading = "Git", conflicts_with_all = ["staged"])]
    pub history_only: bool,

    /// Scan only the history of this ref (branch, tag, commit).
    #[arg(long, value_name = "REF", help_heading = "Git")]
    pub branch: Option<String>,

    /// Scan only commits after REV.
    #[arg(long, value_name = "REV", help_heading = "Git")]
    pub since_commit: Option<String>,

    /// Scan only blobs introduced by commits in A..B (what CI uses for a push or pull request).
    #[arg(long, value_name = "A..B", help_heading = "Git", conflicts_with_all = ["staged", "branch", "since_commit"])]
    pub range: Option<String>,

    /// Scan only the lines the git index adds compared with HEAD (for pre-commit hooks).
    #[arg(long, help_heading = "Git")]
    pub staged: bool,

    // --- verification ---
    /// Check each found key live against its provider (network; opt-in).
    #[arg(long, help_heading = "Verification")]
    pub verify: bool,

    /// Send PROVIDER's live checks to URL instead of its official host (repeatable;
    /// plain http only to loopback), e.g. openai=http://127.0.0.1:8080.
    #[arg(long, value_name = "PROVIDER=URL", help_heading = "Verification")]
    pub verify_endpoint: Vec<String>,

    /// Report only keys that authenticated (implies --verify).
    #[arg(long, help_heading = "Verification")]
    pub only_live: bool,

    /// Check at most N distinct keys live; the rest are reported unchecked, and the output
    /// says the limit was reached.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100,
        help_heading = "Verification"
    )]
    pub verify_limit: usize,

    // --- suppression and policy ---
    /// Configuration file (default: .keyhound.toml at the scan root, if any).
    #[arg(long, value_name = "FILE", help_heading = "Suppression")]
    pub config: Option<PathBuf>,

    /// Do not read the scanned repository's .keyhound.toml (built-in rules, or --config only):
    /// for CI, where the config is part of the change under review.
    #[arg(long, help_heading = "Suppression")]
    pub no_repo_config: bool,

    /// Allow user rules without keywords, which run their regex over every byte of every file
    /// (a pathological regex then sets the scan's speed).
    #[arg(long, help_heading = "Suppression")]
    pub allow_keywordless_rules: bool,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", help_heading = "Suppression")]
    pub baseline: Option<PathBuf>,

    /// Ignore keyhound:allow (and gitleaks:allow, pragma: allowlist secret) comments.
    #[arg(long, help_heading = "Suppression")]
    pub no_inline_allow: bool,

    /// Exit 1 only for findings of at least this severity.
    #[arg(long, value_name = "SEVERITY", help_heading = "Suppression")]
    pub fail_on: Option<crate::rules::Severity>,

    /// Always exit 0 when the scan ran (findings are still reported).
    #[arg(long, help_heading = "Suppression")]
    pub exit_zero: bool,

    /// SARIF: keep at most N results, the most severe first (GitHub code scanning accepts 25,000).
    #[arg(long, value_name = "N", default_value_t = 25_000)]
    pub sarif_max_results: usize,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format: a table, or JSON with every field.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

/// `25M`, `1G`, `512K`, `100000`, `25MiB`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let lower = lower.trim_end_matches("ib").trim_end_matches('b');
    let (num, mult) = match lower.char_indices().last() {
        Some((i, 'k')) => (&lower[..i], 1u64 << 10),
        Some((i, 'm')) => (&lower[..i], 1 << 20),
        Some((i, 'g')) => (&lower[..i], 1 << 30),
        _ => (lower, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("'{s}' is not a size (examples: 25M, 512K, 1G, 100000)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("25M").unwrap(), 25 << 20);
        assert_eq!(parse_size("25MiB").unwrap(), 25 << 20);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
