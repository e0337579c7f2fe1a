//! `keyhound baseline create`: the findings of `keyhound scan PATH`, written as a baseline.

use crate::cli::BaselineCreateArgs;
use crate::config;
use crate::diag::Warnings;
use crate::plan::{self, Env};
use crate::suppress::baseline;

pub fn create(args: &BaselineCreateArgs, env: Env) -> Result<u8, String> {
    let warnings = Warnings::new(false);
    let cfg = config::load(args.config.as_deref(), &args.path)?;
    let (rules, scan, allowlist) = plan::resolve_baseline(args, cfg, env)?;
    let out = super::scan::scan_and_suppress(rules, &scan, &allowlist, None, &warnings)?;
    let n = baseline::write(&args.output, &out.findings)?;
    eprintln!(
        "keyhound: wrote {n} finding{} to {}; use it with `keyhound scan --baseline {}`",
        if n == 1 { "" } else { "s" },
        args.output.display(),
        args.output.display()
    );
    Ok(0)
}
