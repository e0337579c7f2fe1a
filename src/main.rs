//! The `keyhound` binary: parse arguments, call the library, map outcomes to exit codes
//! (0 nothing found, 1 findings, 2 error).

use clap::{CommandFactory, FromArgMatches, Parser};
use keyhound::cli::{
    BaselineCommand, BaselineCreateArgs, Cli, Command, InstallHookArgs, RulesArgs, RulesFormat,
    ScanArgs,
};
use keyhound::detect::Engine;
use keyhound::diag::Warnings;
use keyhound::report::escape::text as esc;
use keyhound::report::{self, ReportContext};
use keyhound::rules;
use keyhound::scan::{self, ScanOptions};
use keyhound::{baseline, config, hook, suppress, verify};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // Whether --max-file-size was given (else .keyhound.toml's [scan] max_file_size applies).
    let size_given = matches.subcommand_matches("scan").is_some_and(|m| {
        m.value_source("max_file_size") == Some(clap::parser::ValueSource::CommandLine)
    });
    let result = match cli.command {
        Command::Scan(args) => run_scan(args, size_given),
        Command::Rules(args) => run_rules(args),
        Command::Baseline(BaselineCommand::Create(args)) => run_baseline_create(args),
        Command::InstallHook(args) => run_install_hook(args),
        Command::Doctor(args) => keyhound::doctor::run_cli(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!(
                "keyhound: error: {}",
                keyhound::report::escape::line(&keyhound::scrub::text(&e))
            );
            ExitCode::from(2)
        }
    }
}

/// Loads the config (filling in `args` from its `[scan]` defaults), scans, and applies the
/// allowlists and the baseline (unless `use_baseline` is false).
fn scan_and_suppress(
    args: &mut ScanArgs,
    size_given: bool,
    use_baseline: bool,
    warnings: &Warnings,
) -> Result<(scan::ScanResult, Vec<String>), String> {
    if let Some(note) = keyhound::fp_key::init() {
        warnings.note(note);
    }
    let cfg = if args.no_repo_config && args.config.is_none() {
        config::Config::builtin()
    } else {
        config::load(args.config.as_deref(), &args.paths[0], warnings)?
    };
    // What the config changes about detection is shown, never silent: the scanned repository
    // may have written it (a pull request that disables the rule its key would trip).
    let from = cfg
        .path
        .as_ref()
        .map_or_else(String::new, |p| p.display().to_string());
    let mut notices: Vec<String> = cfg.changes.iter().map(|c| format!("{from}: {c}")).collect();
    for n in &notices {
        warnings.note(n);
    }
    if !args.allow_keywordless_rules {
        let builtin = keyhound::rules::builtin_rules();
        if let Some(r) = cfg.rules.iter().find(|r| {
            r.keywords.is_empty() && !builtin.iter().any(|b| b.id == r.id && b.regex == r.regex)
        }) {
            return Err(format!(
                "{from}: rule '{}' has no keywords, so its regex would run over every byte of every file; give it keywords, or accept the cost with --allow-keywordless-rules",
                r.id
            ));
        }
    }
    // Free text (warnings, commit summaries, paths) is checked with the user's rules too.
    keyhound::scrub::set_rules(cfg.rules.clone());
    let baseline_given = args.baseline.is_some();
    cfg.apply_defaults(args, size_given)?;
    let base = match (&args.baseline, use_baseline) {
        // A baseline the scanned repository's config names is its input, not the user's: one
        // that is not a regular file (a symlink to `/dev/zero`) is a warning, not a hang.
        (Some(p), true) if !baseline_given && std::fs::metadata(p).is_ok_and(|m| !m.is_file()) => {
            warnings.warn(
                &keyhound::report::escape::text(&p.display().to_string()),
                "[scan] baseline is not a regular file; not read",
            );
            None
        }
        (Some(p), true) => Some(baseline::Baseline::load(p)?),
        _ => None,
    };
    if let Some(why) = base.as_ref().and_then(|b| b.key_mismatch()) {
        warnings.warn("--baseline", why);
    }
    let engine = Engine::new(cfg.rules.clone())?;
    let opts = ScanOptions {
        paths: args.paths.clone(),
        follow: args.follow,
        no_ignore: args.no_ignore,
        max_file_size: args.max_file_size,
        threads: args.threads,
        archives: !args.no_archives,
        inline_allow: !args.no_inline_allow,
        env_history: Vec::new(),
        per_path: cfg.allowlist.paths.is_some() || base.is_some(),
    };
    let mut result = if args.staged {
        keyhound::source::staged::run(&engine, &opts, warnings)?
    } else {
        scan::git::run(&engine, &opts, &git_options(args), warnings)?
    };
    // Before suppression and fingerprints: a path named after a key is reported (and
    // fingerprinted, and baselined) by its redacted name.
    keyhound::scrub::findings(&mut result.findings);
    let (kept, hidden) = suppress::apply(
        std::mem::take(&mut result.findings),
        &cfg.allowlist,
        base.as_ref(),
    );
    result.findings = kept;
    if let Some(note) = hidden.note() {
        warnings.note(&note);
        notices.push(note);
    }
    Ok((result, notices))
}

fn run_scan(mut args: ScanArgs, size_given: bool) -> Result<u8, String> {
    let warnings = Warnings::new(args.quiet);
    // Checked before scanning: a bad --verify-endpoint is an error, not a late surprise.
    let verify_client = verify_client(&args, &warnings)?;
    let (mut result, mut notices) = scan_and_suppress(&mut args, size_given, true, &warnings)?;
    // After suppression: allowlisted or baselined keys are never sent to a provider.
    if let Some(client) = &verify_client {
        let summary = verify::schedule::verify_findings_limited(
            &mut result.findings,
            client,
            &warnings,
            args.verify_limit,
        );
        if let Some(n) = summary.unchecked_note(args.verify_limit) {
            notices.push(n);
        }
        if args.only_live {
            result
                .findings
                .retain(|f| f.verification.as_ref().is_some_and(|v| v.status.is_live()));
        }
    }
    // A provider's reply may echo a key (percent-encoded, or another finding's).
    keyhound::scrub::findings(&mut result.findings);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ctx = ReportContext {
        no_redact: args.no_redact,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        files: result.files,
        bytes: result.bytes,
        elapsed: result.elapsed,
        commits: result.commits,
        blobs: result.blobs,
        notices,
    };
    write_report(args.output.as_deref(), |out| match args.format {
        report::Format::Sarif => {
            let limits = report::sarif::Limits {
                max_results: args.sarif_max_results,
                ..Default::default()
            };
            report::sarif::render_limited(&result.findings, &ctx, limits, &warnings, out)
        }
        format => report::render(format, &result.findings, &ctx, out),
    })?;
    if !result.findings.is_empty() && args.format == report::Format::Human && !args.quiet {
        eprintln!("\n{}", suppress::ALLOW_HINT);
    }
    let policy = suppress::ExitPolicy {
        fail_on: args.fail_on,
        exit_zero: args.exit_zero,
        strict: args.strict,
    };
    Ok(policy.exit_code(&result.findings, warnings.count()))
}

fn run_baseline_create(a: BaselineCreateArgs) -> Result<u8, String> {
    // The same scan as `keyhound scan PATH` (config, allowlists, inline allow), without a baseline.
    let mut argv: Vec<std::ffi::OsString> =
        vec!["keyhound".into(), "scan".into(), a.path.clone().into()];
    if a.no_history {
        argv.push("--no-history".into());
    }
    if let Some(c) = &a.config {
        argv.extend(["--config".into(), c.clone().into_os_string()]);
    }
    let Command::Scan(mut args) = Cli::try_parse_from(argv)
        .map_err(|e| e.to_string())?
        .command
    else {
        unreachable!("parsed a scan command")
    };
    let warnings = Warnings::new(false);
    let (result, _) = scan_and_suppress(&mut args, false, false, &warnings)?;
    let n = baseline::write(&a.output, &result.findings)?;
    eprintln!(
        "keyhound: wrote {n} finding{} to {}; use it with `keyhound scan --baseline {}`",
        if n == 1 { "" } else { "s" },
        esc(&a.output.display().to_string()),
        keyhound::report::escape::shell(&a.output.display().to_string())
    );
    Ok(0)
}

fn run_install_hook(a: InstallHookArgs) -> Result<u8, String> {
    match hook::install(&a.path, a.force)? {
        hook::Installed::New(p) => {
            eprintln!("keyhound: installed {}", esc(&p.display().to_string()))
        }
        hook::Installed::Updated(p) => {
            eprintln!("keyhound: updated {}", esc(&p.display().to_string()))
        }
        hook::Installed::Replaced(p, b) => {
            eprintln!(
                "keyhound: installed {} (the previous hook is saved as {})",
                esc(&p.display().to_string()),
                esc(&b.display().to_string())
            )
        }
    }
    eprintln!("keyhound: every `git commit` now runs `keyhound scan --staged`");
    Ok(0)
}

/// The git flags of `scan`: history by default, or the commits the flags select.
fn git_options(args: &ScanArgs) -> scan::git::GitOptions {
    use scan::git::History;
    scan::git::GitOptions {
        history: if args.no_history {
            History::Off
        } else if args.history_only {
            History::Only
        } else {
            History::Auto
        },
        spec: keyhound::source::git_history::HistorySpec {
            branch: args.branch.clone(),
            since: args.since_commit.clone(),
            range: args.range.clone(),
        },
        progress: !args.quiet && std::io::stderr().is_terminal(),
    }
}

/// The verification client when `--verify` or `--only-live` is on; `--verify-endpoint` values are
/// validated either way.
fn verify_client(args: &ScanArgs, warnings: &Warnings) -> Result<Option<verify::Client>, String> {
    let endpoints = verify::Endpoints::parse(&args.verify_endpoint)?;
    if !(args.verify || args.only_live) {
        if !endpoints.is_empty() {
            warnings.note("--verify-endpoint has no effect without --verify");
        }
        return Ok(None);
    }
    Ok(Some(verify::Client::new(
        verify::Settings::from_env(warnings),
        endpoints,
    )))
}

/// Writes a report to `path`, or to stdout.
fn write_report(
    path: Option<&std::path::Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match path {
        // Never through a symlink the scanned repository committed under the report's name.
        Some(p) => keyhound::safe_io::write_atomic(p, None, render),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            match render(&mut w).and_then(|_| w.flush()) {
                // A closed pipe (`keyhound scan | head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("writing the report: {e}"))
                }
                _ => Ok(()),
            }
        }
    }
}

fn run_rules(args: RulesArgs) -> Result<u8, String> {
    let rules = rules::builtin_rules();
    write_report(None, |out| match args.format {
        RulesFormat::Json => {
            // Regex rules, then the built-in context checks (marked "kind": "check").
            let mut all: Vec<serde_json::Value> =
                rules.iter().map(|r| serde_json::json!(r)).collect();
            all.extend(keyhound::context::checks::CHECKS.iter().map(|c| {
                let mut v = serde_json::json!(c);
                v["kind"] = "check".into();
                v["provider"] = "keyhound".into();
                v
            }));
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)
        }
        RulesFormat::Human => {
            writeln!(
                out,
                "{:<34} {:<14} {:<9} KEYWORDS",
                "ID", "PROVIDER", "SEVERITY"
            )?;
            for r in &rules {
                writeln!(
                    out,
                    "{:<34} {:<14} {:<9} {}",
                    r.id,
                    r.provider,
                    r.severity.as_str(),
                    r.keywords.join(", ")
                )?;
            }
            let checks = keyhound::context::checks::CHECKS;
            writeln!(
                out,
                "\nBuilt-in checks (repository hygiene and browser exposure):"
            )?;
            writeln!(
                out,
                "{:<34} {:<14} {:<9} WHAT",
                "ID", "PROVIDER", "SEVERITY"
            )?;
            for c in checks {
                writeln!(
                    out,
                    "{:<34} {:<14} {:<9} {}",
                    c.id,
                    "keyhound",
                    c.severity.as_str(),
                    c.name
                )?;
            }
            writeln!(
                out,
                "\n{} rules, {} checks. Details: keyhound rules --format json",
                rules.len(),
                checks.len()
            )
        }
    })?;
    Ok(0)
}
