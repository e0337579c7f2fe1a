//! Suppression, the last stage before the report: inline allow comments, `.keyhound.toml`
//! allowlists and the baseline; and the exit-code policy (`--fail-on`, `--exit-zero`, `--strict`).
//!
//! Inline allow comments are checked by [`inline_allowed`] while the scanner still holds the
//! blob's bytes (see `Scanner::scan_blob`), so no file is read twice.

use crate::baseline::Baseline;
use crate::config::Allowlist;
use crate::finding::Finding;
use crate::rules::Severity;
use memchr::memmem;
use std::ops::Range;

/// Markers that allow a finding on the same line.
pub const SAME_LINE: &[&str] = &[
    "keyhound:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];
/// Markers that allow a finding on the next line.
pub const NEXT_LINE: &[&str] = &[
    "keyhound:allow-next-line",
    "pragma: allowlist nextline secret",
];

/// How far from the secret (bytes, on the same line) a marker is looked for: a comment at the end
/// of an ordinary line is found, a minified bundle's multi-megabyte line is not searched whole.
const REACH: usize = 4096;

/// Printed after a report with findings: how to fix or allow them.
pub const ALLOW_HINT: &str = "To fix: remove the key from the file (and from history if it was committed), then revoke it.\n\
If it is not a secret (a test fixture, a placeholder), allow it with a `keyhound:allow` comment on its line\n\
(or `keyhound:allow-next-line` on the line above), an [allowlist] in .keyhound.toml, or a baseline:\n\
`keyhound baseline create` then `keyhound scan --baseline .keyhound-baseline.json`.";

/// Whether the line(s) holding `span` in `data` carry an allow comment, or the line above carries
/// an allow-next-line comment.
pub fn inline_allowed(data: &[u8], span: Range<usize>) -> bool {
    let start = span.start.min(data.len());
    let end = span.end.clamp(start, data.len());
    // Every search stays within REACH of the secret: a line of many megabytes with thousands
    // of findings costs thousands of small windows, not thousands of passes over the line.
    let lo = start.saturating_sub(REACH);
    let hi = end.saturating_add(REACH).min(data.len());
    let nl_before = memchr::memrchr(b'\n', &data[lo..start]).map(|i| lo + i);
    let from = nl_before.map_or(lo, |i| i + 1);
    let to = memchr::memchr(b'\n', &data[end..hi]).map_or(hi, |i| end + i);
    if same_line_marker(&data[from..to]) {
        return true;
    }
    // The line above is looked at only when its end is within reach.
    let Some(line_start) = nl_before.map(|i| i + 1) else {
        return false;
    };
    let prev_end = line_start - 1;
    let prev_lo = prev_end.saturating_sub(REACH);
    let prev_start =
        memchr::memrchr(b'\n', &data[prev_lo..prev_end]).map_or(prev_lo, |i| prev_lo + i + 1);
    let prev = &data[prev_start..prev_end];
    NEXT_LINE
        .iter()
        .any(|m| memmem::find(prev, m.as_bytes()).is_some())
}

fn same_line_marker(line: &[u8]) -> bool {
    SAME_LINE.iter().any(|m| {
        memmem::find_iter(line, m.as_bytes()).any(|i| {
            // `keyhound:allow-next-line` on this line is about the next line, not this one.
            !(m.starts_with("keyhound") && line[i + m.len()..].starts_with(b"-next-line"))
        })
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(text: &str, needle: &str) -> bool {
        let i = text.find(needle).unwrap();
        inline_allowed(text.as_bytes(), i..i + needle.len())
    }

    #[test]
    fn markers() {
        assert!(allowed("a\nk = SECRET # keyhound:allow\nb", "SECRET"));
        assert!(allowed("k = SECRET // gitleaks:allow", "SECRET"));
        assert!(allowed("k = SECRET  # pragma: allowlist secret", "SECRET"));
        assert!(allowed(
            "# keyhound:allow-next-line\nk = SECRET\n",
            "SECRET"
        ));
        assert!(allowed(
            "# pragma: allowlist nextline secret\nk = SECRET\n",
            "SECRET"
        ));
        assert!(!allowed("k = SECRET\n", "SECRET"));
        // The marker is about the line below, not its own line, nor two lines down.
        assert!(!allowed(
            "k = SECRET # keyhound:allow-next-line\n",
            "SECRET"
        ));
        assert!(!allowed(
            "# keyhound:allow-next-line\n\nk = SECRET\n",
            "SECRET"
        ));
        assert!(!allowed("# keyhound:allow\nk = SECRET\n", "SECRET"));
        assert!(!allowed("k = SECRET\n# keyhound:allow", "SECRET"));
    }

    #[test]
    fn multi_line_secret_allowed_on_its_last_line() {
        assert!(allowed(
            "x = \"BEGIN\nEND\" # keyhound:allow\n",
            "BEGIN\nEND"
        ));
    }
}
