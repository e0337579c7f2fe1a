//! `keyhound baseline create`: the findings of `keyhound scan PATH`, written as a baseline.

use crate::cli::BaselineCreateArgs;
use crate::diag::Warnings;
use crate::model::error::Error;
use crate::plan::{self, Env};
use crate::suppress::baseline;

pub fn create(args: &BaselineCreateArgs, env: Env) -> Result<u8, Error> {
    let warnings = Warnings::new(false);
    let cfg = super::scan::load_config(args.config.as_deref(), &args.path, false, &warnings)?;
    for n in plan::config_notices(&cfg) {
        warnings.note(n);
    }
    let (rules, scan, allowlist) = plan::resolve_baseline(args, cfg, env)?;
    let prefix = super::scan::repo_prefix(&scan).unwrap_or_default();
    let mut notices = Vec::new();
    let out = super::scan::scan_and_suppress(
        rules,
        &scan,
        &allowlist,
        None,
        &warnings,
        &mut notices,
        true,
    )?;
    let n = baseline::write(&args.output, &out.findings, &prefix)?;
    let found = baseline::discover::find(&args.path)
        .and_then(|p| p.canonicalize().ok())
        .zip(args.output.canonicalize().ok())
        .is_some_and(|(d, o)| d == o);
    let how = if found {
        "commit it: scans, the pre-commit hook and the Action use it on their own".to_string()
    } else {
        format!(
            "use it with `keyhound scan --baseline {}`",
            crate::report::escape::shell(&args.output.display().to_string())
        )
    };
    eprintln!(
        "keyhound: wrote {n} finding{} to {}; {how}",
        if n == 1 { "" } else { "s" },
        crate::report::escape::text(&args.output.display().to_string()),
    );
    Ok(0)
}
