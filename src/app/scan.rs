//! `keyhound scan`: plan, scan, suppress, verify, report, exit code.

use crate::cli::ScanArgs;
use crate::config;
use crate::detect::Engine;
use crate::diag::Warnings;
use crate::model::rule::Rule;
use crate::plan::{self, Env, VerifyPlan};
use crate::report::{self, ReportContext};
use crate::scan::{ScanOutput, ScanPlan};
use crate::suppress::{self, allowlist::Allowlist, baseline::Baseline};
use crate::verify;
use std::io::IsTerminal;
use std::path::Path;

pub fn run(args: &ScanArgs, env: Env) -> Result<u8, String> {
    let warnings = Warnings::new(args.quiet);
    let cfg = config::load(args.config.as_deref(), &args.paths[0])?;
    let plan = plan::resolve(args, cfg, env)?;
    // Checked before scanning: a bad --verify-endpoint is an error, not a late surprise.
    let verify_client = verify_client(&plan.verify, &warnings)?;
    let mut out = scan_and_suppress(
        plan.rules,
        &plan.scan,
        &plan.allowlist,
        plan.baseline.as_deref(),
        &warnings,
    )?;
    // After suppression: allowlisted or baselined keys are never sent to a provider.
    if let Some(client) = &verify_client {
        verify::verify_findings(&mut out.findings, client, &warnings);
        if plan.verify.only_live {
            out.findings.retain(|f| f.is_live());
        }
    }
    let to_terminal = plan.report.output.is_none() && std::io::stdout().is_terminal();
    let ctx = ReportContext {
        no_redact: plan.report.no_redact,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        stats: out.stats,
        sarif: report::sarif::Limits {
            max_results: plan.report.sarif_max_results,
            ..Default::default()
        },
    };
    let format = plan.report.format;
    super::write_output(plan.report.output.as_deref(), |w| {
        report::render(format, &out.findings, &ctx, &warnings, w)
    })?;
    if !out.findings.is_empty() && format == report::Format::Human && !plan.quiet {
        eprintln!("\n{}", suppress::ALLOW_HINT);
    }
    Ok(plan.exit.exit_code(&out.findings, warnings.count()))
}

/// Scans, then drops what the allowlist allows and the baseline (when given) holds.
pub(super) fn scan_and_suppress(
    rules: Vec<Rule>,
    scan: &ScanPlan,
    allowlist: &Allowlist,
    baseline: Option<&Path>,
    warnings: &Warnings,
) -> Result<ScanOutput, String> {
    let base = baseline.map(Baseline::load).transpose()?;
    let engine = Engine::new(rules)?;
    let mut out = crate::scan::run(&engine, scan, warnings)?;
    let (kept, hidden) =
        suppress::apply(std::mem::take(&mut out.findings), allowlist, base.as_ref());
    out.findings = kept;
    if let Some(note) = hidden.note() {
        warnings.note(note);
    }
    Ok(out)
}

/// The verification client when `--verify` or `--only-live` is on; `--verify-endpoint` values are
/// validated either way.
fn verify_client(plan: &VerifyPlan, warnings: &Warnings) -> Result<Option<verify::Client>, String> {
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
