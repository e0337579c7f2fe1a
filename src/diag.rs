//! Warnings about input that could not be scanned: one line each on stderr, and counted so that
//! `--strict` can turn them into exit code 2.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub struct Warnings {
    count: AtomicUsize,
    quiet: bool,
}

impl Warnings {
    pub fn new(quiet: bool) -> Warnings {
        Warnings {
            count: AtomicUsize::new(0),
            quiet,
        }
    }

    /// Prints `keyhound: warning: {what}: {why}` as one line and counts it. The parts often
    /// hold what a scanned repository controls (paths, ref names): any key in them is redacted
    /// and control characters are escaped ([`crate::report::escape::line`]).
    pub fn warn(&self, what: &str, why: impl std::fmt::Display) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if !self.quiet {
            let line = format!(
                "keyhound: warning: {}",
                crate::report::escape::line(&crate::scrub::text(&format!("{what}: {why}")))
            );
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }

    /// A note that is not a problem (e.g. "shallow clone"), never counted for `--strict`.
    pub fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let line = format!(
                "keyhound: note: {}",
                crate::report::escape::line(&crate::scrub::text(&msg.to_string()))
            );
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}
