//! `keyhound scan`: plan, scan, suppress, verify, report, exit code.

use crate::cli::ScanArgs;
use crate::config;
use crate::detect::Engine;
use crate::diag::Warnings;
use crate::model::error::Error;
use crate::model::rule::Rule;
use crate::plan::{self, Env, VerifyPlan};
use crate::report::{self, ReportContext};
use crate::scan::{ScanOutput, ScanPlan};
use crate::suppress::{self, allowlist::Allowlist, baseline::Baseline};
use crate::verify;
use std::io::IsTerminal;
use std::path::Path;

pub fn run(args: &ScanArgs, env: Env) -> Result<u8, Error> {
    let warnings = Warnings::new(args.quiet);
    let cfg = config::load(args.config.as_deref(), &args.paths[0])?;
    let plan = plan::resolve(args, cfg, env)?;
    // Checked before scanning: a bad --verify-endpoint is an error, not a late surprise.
    let verify_client = verify_client(&plan.verify, &warnings)?;
    let base = if args.no_baseline {
        None
    } else {
        load_baseline(plan.baseline.as_deref(), &args.paths[0], &warnings)?
    };
    let mut out = scan_and_suppress(plan.rules, &plan.scan, &plan.allowlist, base, &warnings)?;
    // After suppression: allowlisted or baselined keys are never sent to a provider.
    if let Some(client) = &verify_client {
        verify::verify_findings(&mut out.findings, client, &warnings);
        if plan.verify.only_live {
            out.findings.retain(|f| f.is_live());
        }
    }
    // The exit code follows --fail-on over every finding; --min-severity only hides some.
    let code = plan.exit.exit_code(&out.findings, warnings.count());
    let hidden_below_min = report::apply_min_severity(&mut out.findings, plan.report.min_severity);
    let to_terminal = plan.report.output.is_none() && std::io::stdout().is_terminal();
    let ctx = ReportContext {
        no_redact: plan.report.no_redact,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        stats: out.stats,
        sarif: report::sarif::Limits {
            max_results: plan.report.sarif_max_results,
            ..Default::default()
        },
        min_severity: plan.report.min_severity,
        hidden_below_min,

        repo_prefix: {
            let paths: Vec<std::path::PathBuf> =
                plan.scan.roots.iter().map(|r| r.path.clone()).collect();
            let staged = plan
                .scan
                .roots
                .iter()
                .any(|r| r.target == crate::scan::Target::Staged);
            crate::scan::location::repo_prefix(&paths, staged)
        },
    };
    let format = plan.report.format;
    super::write_output(plan.report.output.as_deref(), |w| {
        report::render(format, &out.findings, &ctx, &warnings, w)
    })?;
    // How to fix or allow, only when something was shown.
    if !out.findings.is_empty() && format == report::Format::Human && !plan.quiet {
        // Hygiene and exposure findings carry their own fix; only keys need revoking.
        if out.findings.iter().any(|f| f.is_key()) {
            eprintln!("\n{}", suppress::FIX_KEYS_HINT);
        } else {
            eprintln!();
        }
        eprintln!("{}", suppress::ALLOW_HINT);
    }
    Ok(code)
}

/// Scans, then drops what the allowlist allows and the baseline (when given, with how to name
/// it) holds.
pub(super) fn scan_and_suppress(
    rules: Vec<Rule>,
    scan: &ScanPlan,
    allowlist: &Allowlist,
    base: Option<(Baseline, String)>,
    warnings: &Warnings,
) -> Result<ScanOutput, Error> {
    let engine = Engine::new(rules)?;
    let mut out = crate::scan::run(&engine, scan, warnings)?;
    let (kept, mut hidden) = suppress::apply(
        std::mem::take(&mut out.findings),
        allowlist,
        base.as_ref().map(|(b, _)| b),
    );
    out.findings = kept;
    if let Some((_, how)) = &base {
        let n = hidden.baseline;
        warnings.note(format!(
            "{how} applied: {n} finding{} hidden by it",
            if n == 1 { "" } else { "s" }
        ));
        hidden.baseline = 0;
    }
    if let Some(note) = hidden.note() {
        warnings.note(note);
    }
    Ok(out)
}

/// The baseline named by `--baseline` / `[scan] baseline` (an error if unreadable), else the
/// repository's `.keyhound-baseline.json` (a warning if unusable), with how to name it.
fn load_baseline(
    named: Option<&Path>,
    root: &Path,
    warnings: &Warnings,
) -> Result<Option<(Baseline, String)>, Error> {
    use crate::suppress::baseline::discover;
    if let Some(p) = named {
        return Ok(Some((
            Baseline::load(p)?,
            format!("baseline {}", p.display()),
        )));
    }
    let Some(p) = discover::find(root) else {
        return Ok(None);
    };
    match discover::load_untrusted(&p) {
        Ok(b) => Ok(Some((
            b,
            format!(
                "baseline {} (found at the repository root; --no-baseline turns it off)",
                p.display()
            ),
        ))),
        Err(e) => {
            warnings.warn("baseline", e.chain());
            Ok(None)
        }
    }
}

/// The verification client when `--verify` or `--only-live` is on; `--verify-endpoint` values are
/// validated either way.
fn verify_client(plan: &VerifyPlan, warnings: &Warnings) -> Result<Option<verify::Client>, Error> {
    let endpoints = verify::Endpoints::parse(&plan.endpoints)?;
    if !plan.enabled {
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
