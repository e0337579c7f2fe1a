//! The `keyhound` binary: parse arguments, call the library, map outcomes to exit codes
//! (0 nothing found, 1 findings, 2 error).

use clap::Parser;
use keyhound::cli::{Cli, Command, RulesArgs, RulesFormat, ScanArgs};
use keyhound::detect::Engine;
use keyhound::diag::Warnings;
use keyhound::report::{self, ReportContext};
use keyhound::rules;
use keyhound::scan::{self, ScanOptions};
use keyhound::verify;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules(args) => run_rules(args),
        Command::Doctor(args) => keyhound::doctor::run_cli(&args),
        // Implemented by the baseline / hook work (issue 6).
        Command::Baseline(_) | Command::InstallHook(_) => {
            Err("this command is not implemented yet".to_string())
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("keyhound: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<u8, String> {
    let warnings = Warnings::new(args.quiet);
    let engine = Engine::new(rules::builtin_rules())?;
    // Checked before scanning: a bad --verify-endpoint is an error, not a late surprise.
    let verify_client = verify_client(&args, &warnings)?;
    let opts = ScanOptions {
        paths: args.paths.clone(),
        follow: args.follow,
        no_ignore: args.no_ignore,
        max_file_size: args.max_file_size,
        threads: args.threads,
        archives: !args.no_archives,
    };
    let mut result = scan::run(&engine, &opts, &warnings)?;
    if let Some(client) = &verify_client {
        verify::verify_findings(&mut result.findings, engine.rules(), client, &warnings);
        if args.only_live {
            result
                .findings
                .retain(|f| f.verification.as_ref().is_some_and(|v| v.status.is_live()));
        }
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ctx = ReportContext {
        no_redact: args.no_redact,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        files: result.files,
        bytes: result.bytes,
        elapsed: result.elapsed,
        commits: 0,
        blobs: 0,
    };
    write_report(args.output.as_deref(), |out| {
        report::render(args.format, &result.findings, &ctx, out)
    })?;
    Ok(if result.findings.is_empty() { 0 } else { 1 })
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
        Some(p) => {
            let file = std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut w = std::io::BufWriter::new(file);
            render(&mut w)
                .and_then(|_| w.flush())
                .map_err(|e| format!("{}: {e}", p.display()))
        }
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
            serde_json::to_writer_pretty(&mut *out, &rules)?;
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
            writeln!(
                out,
                "\n{} rules. Details: keyhound rules --format json",
                rules.len()
            )
        }
    })?;
    Ok(0)
}
