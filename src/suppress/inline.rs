//! Inline allow comments: `keyhound:allow` (and `gitleaks:allow`, `pragma: allowlist secret`) on
//! a finding's line, `keyhound:allow-next-line` on the line above.

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
