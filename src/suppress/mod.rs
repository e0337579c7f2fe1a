//! Suppression, the last stage before the report: inline allow comments, `.keyhound.toml`
//! allowlists and the baseline; and the exit-code policy (`--fail-on`, `--exit-zero`, `--strict`).
//!
//! Inline allow comments ([`inline`]) are checked while the scanner still holds the blob's bytes,
//! so no file is read twice; the allowlist and the baseline apply to the findings of the scan.

pub mod allowlist;
pub mod baseline;
pub mod inline;

use crate::model::finding::Finding;
use crate::model::rule::Severity;
use allowlist::Allowlist;
use baseline::Baseline;

/// Printed after a report with keys in it: how to fix them.
pub const FIX_KEYS_HINT: &str =
    "To fix: remove the key from the file (and from history if it was committed), then revoke it.";

/// Printed after a report with findings: how to allow them.
pub const ALLOW_HINT: &str = "If it is not a secret (a test fixture, a placeholder), allow it with a `keyhound:allow` comment on its line\n\
(or `keyhound:allow-next-line` on the line above), an [allowlist] in .keyhound.toml, or a baseline:\n\
`keyhound baseline create` (scans, the hook and the Action then use .keyhound-baseline.json at the repository root).";

/// How many findings each mechanism removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Suppressed {
    pub allowlist: usize,
    pub baseline: usize,
}

impl Suppressed {
    /// "2 findings hidden by the baseline, 1 by the allowlist", or nothing.
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.baseline > 0 {
            parts.push(format!("{} by the baseline", self.baseline));
        }
        if self.allowlist > 0 {
            parts.push(format!(
                "{} by the .keyhound.toml allowlist",
                self.allowlist
            ));
        }
        let n = self.baseline + self.allowlist;
        (n > 0).then(|| {
            let s = if n == 1 { "" } else { "s" };
            format!("{n} finding{s} hidden: {}", parts.join(", "))
        })
    }
}

/// Drops findings the config allowlist allows or the baseline already holds.
pub fn apply(
    findings: Vec<Finding>,
    allowlist: &Allowlist,
    baseline: Option<&Baseline>,
) -> (Vec<Finding>, Suppressed) {
    let mut n = Suppressed::default();
    let kept = findings
        .into_iter()
        .filter(|f| {
            if !allowlist.is_empty()
                && allowlist.allows(&f.path, f.secret.as_ref().map(|s| s.expose()))
            {
                n.allowlist += 1;
                return false;
            }
            if baseline.is_some_and(|b| b.contains(f)) {
                n.baseline += 1;
                return false;
            }
            true
        })
        .collect();
    (kept, n)
}

/// The exit-code policy once the report is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExitPolicy {
    /// Exit 1 only for findings at least this severe (`--fail-on`; default: any).
    pub fail_on: Option<Severity>,
    /// Exit 0 whatever was found (`--exit-zero`).
    pub exit_zero: bool,
    /// Warnings (unreadable input) make the scan fail with 2 (`--strict`).
    pub strict: bool,
}

impl ExitPolicy {
    /// 2 when `--strict` and there were warnings; else 0 with `--exit-zero`; else 1 when a finding
    /// reaches the `--fail-on` severity; else 0.
    pub fn exit_code(&self, findings: &[Finding], warnings: usize) -> u8 {
        if self.strict && warnings > 0 {
            return 2;
        }
        if self.exit_zero {
            return 0;
        }
        let floor = self.fail_on.unwrap_or(Severity::Info);
        u8::from(findings.iter().any(|f| f.severity >= floor))
    }
}
