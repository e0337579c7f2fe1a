//! Command-line definitions (clap types only). `plan` resolves them, with `.keyhound.toml`,
//! into what the rest of the program works on.

use crate::model::units::parse_size;
use crate::report::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "keyhound",
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (commit ",
        env!("KEYHOUND_COMMIT"),
        ", ",
        env!("KEYHOUND_TARGET"),
        ")"
    ),
    about = "Find leaked API keys (OpenAI, Anthropic and other AI providers, cloud and SaaS tokens) before and after they leave your laptop",
    after_help = "Exit codes: 0 nothing found, 1 findings, 2 error.\n\nExamples:\n  keyhound scan .                      working tree and, in a git repository, its whole history\n  keyhound scan . --verify             also check which found keys are still live\n  keyhound scan --staged               what the next commit adds (pre-commit)\n  keyhound scan --range main..HEAD --format sarif -o keyhound.sarif\n  keyhound doctor                      why OPENAI_API_KEY stopped working\n  keyhound rules                       list the built-in rules\n  keyhound rules check my-rules.toml   test custom rules' examples"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for secrets.
    Scan(ScanArgs),
    /// List the built-in rules, or check rule files (`keyhound rules check [FILE...]`).
    Rules(RulesArgs),
    /// Record current findings so later scans report only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Write a plain .git/hooks/pre-commit that runs `keyhound scan --staged`.
    InstallHook(InstallHookArgs),
    /// Diagnose an OpenAI key that stopped working (OPENAI_API_KEY in the environment and .env).
    Doctor(DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    #[command(
        after_help = "Examples:\n  keyhound completions bash > ~/.local/share/bash-completion/completions/keyhound\n  keyhound completions zsh > \"${fpath[1]}/_keyhound\"\n  keyhound completions fish > ~/.config/fish/completions/keyhound.fish\n  keyhound completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout; releases ship it as keyhound.1.
    #[command(hide = true)]
    Manpage,
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
    /// Also check that the key's project may use this model (GET /v1/models/NAME).
    #[arg(long, value_name = "NAME", value_parser = parse_model)]
    pub model: Option<String>,
}

/// A model id as OpenAI writes them (`gpt-4o-mini`, `ft:gpt-4o:org:name:id`): it goes into a
/// URL path, so nothing else is accepted.
fn parse_model(s: &str) -> Result<String, crate::model::error::Error> {
    let ok = !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(crate::model::error::Error::Usage(format!(
            "'{s}' is not a model id (letters, digits, - _ . : only)"
        )))
    }
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

    /// Also walk into dependency directories git does not track (node_modules/, vendor/,
    /// bower_components/, site-packages/, ...). By default they are skipped; files git tracks in
    /// them are always scanned.
    #[arg(long)]
    pub scan_dependencies: bool,

    /// Also report public-by-design values (Stripe publishable keys, Supabase anon and
    /// publishable keys, Mapbox public tokens, Sentry DSNs, PostHog project keys, Algolia
    /// search-only keys), at severity info, with why they are public.
    #[arg(long)]
    pub include_public: bool,

    /// Show only findings of at least this severity (info, low, medium, high, critical). A
    /// display filter: the exit code still follows --fail-on.
    #[arg(long, value_name = "LEVEL")]
    pub min_severity: Option<crate::model::rule::Severity>,

    /// Worker threads (default: one per core, and one more to read git history).
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

    /// With --range: which .keyhound.toml to use when the range changes it. `base` (the
    /// default): the config at the range's base, so a pull request cannot configure its own
    /// scan (stderr says so); `head`: the one in the working tree.
    #[arg(
        long,
        value_name = "WHICH",
        value_enum,
        default_value_t = RangeConfig::Base,
        help_heading = "Git",
        requires = "range"
    )]
    pub range_config: RangeConfig,

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

    /// Report only findings that are not in this baseline file (default: .keyhound-baseline.json
    /// at the top of the repository, when there is one).
    #[arg(long, value_name = "FILE", help_heading = "Suppression")]
    pub baseline: Option<PathBuf>,

    /// Use no baseline, not even the repository's .keyhound-baseline.json.
    #[arg(long, help_heading = "Suppression", conflicts_with = "baseline")]
    pub no_baseline: bool,

    /// Ignore keyhound:allow (and gitleaks:allow, pragma: allowlist secret) comments.
    #[arg(long, help_heading = "Suppression")]
    pub no_inline_allow: bool,

    /// Exit 1 only for findings of at least this severity.
    #[arg(long, value_name = "SEVERITY", help_heading = "Suppression")]
    pub fail_on: Option<crate::model::rule::Severity>,

    /// Always exit 0 when the scan ran (findings are still reported).
    #[arg(long, help_heading = "Suppression")]
    pub exit_zero: bool,

    /// SARIF: keep at most N results, the most severe first (GitHub code scanning accepts 25,000).
    #[arg(long, value_name = "N", default_value_t = 25_000)]
    pub sarif_max_results: usize,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: Option<RulesCommand>,
    /// Output format: a table, or JSON with every field.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check rule files: every example must be found as its own rule, no negative example may
    /// match anything. Without FILE, checks the built-in rules.
    #[command(
        after_help = "FILE is a rules file ([[rules]] tables, as in keyhound's rules/*.toml) or a .keyhound.toml. Its rules are checked within the rule set a scan would use: the built-in rules, with the file's rules merged in.\n\nExit codes: 0 every example passes, 1 an example or negative example fails (each failure names the rule, the example and the text), 2 the file cannot be read or a rule is invalid."
    )]
    Check(RulesCheckArgs),
}

#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    /// Rule files to check (default: the built-in rules).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Random keys generated per example template (12, `rulecheck::DEFAULT_SEEDS`: `cli` may
    /// not import it, see docs/architecture.md).
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub seeds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_file_size_is_the_library_default() {
        let Command::Scan(a) = Cli::parse_from(["keyhound", "scan"]).command else {
            unreachable!()
        };
        assert_eq!(a.max_file_size, crate::model::units::DEFAULT_MAX_FILE_SIZE);
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

/// `--range-config`: which config a `--range` scan uses when the range changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RangeConfig {
    /// The config at the range's base.
    Base,
    /// The config in the working tree (the range's head, in CI).
    Head,
}
