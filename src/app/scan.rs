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
    let cfg = match range_base_config(args, &warnings)? {
        Some(cfg) => cfg,
        None => load_config(
            args.config.as_deref(),
            &args.paths[0],
            args.no_repo_config,
            &warnings,
        )?,
    };
    let mut plan = plan::resolve(args, cfg, env)?;
    // The human report lists the notices; when it is on the terminal, stderr (the same screen)
    // does not repeat them. Elsewhere (a file, JSON, SARIF, a CI log) stderr says them too.
    let to_terminal = plan.report.output.is_none() && std::io::stdout().is_terminal();
    let report_on_terminal = to_terminal && plan.report.format == report::Format::Human;
    if !report_on_terminal {
        for n in &plan.notices {
            warnings.note(n);
        }
    }
    // Checked before scanning: a bad --verify-endpoint is an error, not a late surprise.
    let verify_client = verify_client(&plan.verify, &warnings)?;
    let repo_prefix = repo_prefix(&plan.scan);
    let base = if args.no_baseline {
        None
    } else {
        load_baseline(
            plan.baseline.as_deref(),
            args.baseline.is_some(),
            &args.paths[0],
            &warnings,
        )?
    }
    .map(|(b, how)| {
        (
            b.with_repo_prefix(repo_prefix.as_deref().unwrap_or("")),
            how,
        )
    });
    // A baseline is path-based suppression too: a blob it holds at one path is still reported
    // at another.
    plan.scan.options.per_path |= base.is_some();
    let mut notices = plan.notices.clone();
    let mut out = scan_and_suppress(
        plan.rules,
        &plan.scan,
        &plan.allowlist,
        base,
        &warnings,
        &mut notices,
        !report_on_terminal,
    )?;
    // After suppression: allowlisted or baselined keys are never sent to a provider.
    if let Some(client) = &verify_client {
        let summary = verify::schedule::verify_findings_limited(
            &mut out.findings,
            client,
            &warnings,
            plan.verify.limit,
        );
        if let Some(n) = summary.unchecked_note(plan.verify.limit) {
            notices.push(n);
        }
        if plan.verify.only_live {
            out.findings.retain(|f| f.is_live());
        }
        // A provider's reply may echo a key (percent-encoded, or another finding's).
        crate::scrub::findings(&mut out.findings);
    }
    // The exit code follows --fail-on over every finding; --min-severity only hides some.
    let code = plan.exit.exit_code(&out.findings, warnings.count());
    let hidden_below_min = report::apply_min_severity(&mut out.findings, plan.report.min_severity);
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
        repo_prefix,
        notices,
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

/// For `--range A..B` when the range changes the scanned repository's `.keyhound.toml`: the
/// config at A (or the built-in rules when A had none), and a note that says so. `None` when
/// another config applies (`--config`, `--no-repo-config`, `--range-config head`, or a range
/// that does not touch the config).
fn range_base_config(
    args: &ScanArgs,
    warnings: &Warnings,
) -> Result<Option<config::Config>, Error> {
    let Some(range) = &args.range else {
        return Ok(None);
    };
    if args.config.is_some()
        || args.no_repo_config
        || args.range_config == crate::cli::RangeConfig::Head
    {
        return Ok(None);
    }
    let Some(at_base) = crate::scan::config_at_range_base(
        &args.paths[0],
        range,
        config::FILE_NAME,
        crate::safe_io::SMALL_FILE,
    )?
    else {
        return Ok(None);
    };
    let name = format!("{} at {}", at_base.path, at_base.base);
    let cfg = match &at_base.text {
        Some(text) => config::parse_repository_config(&name, text)?,
        None => config::Config::builtin(),
    };
    warnings.note(format!(
        "the range {range} changes {}: using the config at its base {} ({}); --range-config head uses the changed one",
        at_base.path,
        at_base.base,
        if at_base.text.is_some() { "its .keyhound.toml" } else { "none there: built-in rules" }
    ));
    crate::scrub::set_rules(cfg.rules.clone());
    Ok(Some(cfg))
}

/// The scan root's path inside its repository (`web/`), when one root inside a repository is
/// scanned: reports and fingerprints use repository paths.
pub(super) fn repo_prefix(scan: &ScanPlan) -> Option<String> {
    let paths: Vec<std::path::PathBuf> = scan.roots.iter().map(|r| r.path.clone()).collect();
    let staged = scan
        .roots
        .iter()
        .any(|r| r.target == crate::scan::Target::Staged);
    crate::scan::location::repo_prefix(&paths, staged)
}

/// The config of a scan: `--config FILE`, else (unless `--no-repo-config`) the scanned
/// repository's `.keyhound.toml`, else the built-in rules.
pub(super) fn load_config(
    explicit: Option<&Path>,
    root: &Path,
    no_repo_config: bool,
    warnings: &Warnings,
) -> Result<config::Config, Error> {
    if no_repo_config && explicit.is_none() {
        return Ok(config::Config::builtin());
    }
    let cfg = config::load(explicit, root, warnings)?;
    // Free text (warnings, commit summaries, paths) is checked with the user's rules too.
    crate::scrub::set_rules(cfg.rules.clone());
    Ok(cfg)
}

/// Scans, then drops what the allowlist allows and the baseline (when given, with how to name
/// it) holds; what they hid is added to `notices`, and said on stderr too when `echo` (a baseline
/// that hid nothing is said on stderr only).
pub(super) fn scan_and_suppress(
    rules: Vec<Rule>,
    scan: &ScanPlan,
    allowlist: &Allowlist,
    base: Option<(Baseline, String)>,
    warnings: &Warnings,
    notices: &mut Vec<String>,
    echo: bool,
) -> Result<ScanOutput, Error> {
    let engine = Engine::new(rules)?;
    let mut out = crate::scan::run(&engine, scan, warnings)?;
    // Before suppression and fingerprints: a path named after a key is reported (and
    // fingerprinted, and baselined) by its redacted name.
    crate::scrub::findings(&mut out.findings);
    let (kept, mut hidden) = suppress::apply(
        std::mem::take(&mut out.findings),
        allowlist,
        base.as_ref().map(|(b, _)| b),
    );
    out.findings = kept;
    if let Some((_, how)) = &base {
        let n = hidden.baseline;
        let note = format!(
            "{how} applied: {n} finding{} hidden by it",
            if n == 1 { "" } else { "s" }
        );
        if echo || n == 0 {
            warnings.note(&note);
        }
        if n > 0 {
            notices.push(note);
        }
        hidden.baseline = 0;
    }
    if let Some(note) = hidden.note() {
        if echo {
            warnings.note(&note);
        }
        notices.push(note);
    }
    Ok(out)
}

/// The baseline named by `--baseline` / `[scan] baseline` (an error if unreadable), else the
/// repository's `.keyhound-baseline.json` (a warning if unusable), with how to name it.
fn load_baseline(
    named: Option<&Path>,
    on_command_line: bool,
    root: &Path,
    warnings: &Warnings,
) -> Result<Option<(Baseline, String)>, Error> {
    use crate::suppress::baseline::discover;
    if let Some(p) = named.filter(|_| !on_command_line) {
        // Named by the scanned repository's config: its input, not the user's. One that is
        // not a regular file (a symlink to `/dev/zero`) is a warning, not a hang.
        return match discover::load_untrusted(p) {
            Ok(b) => Ok(Some((b, format!("baseline {}", p.display())))),
            Err(e) => {
                warnings.warn("[scan] baseline", e);
                Ok(None)
            }
        };
    }
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
