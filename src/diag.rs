//! Warnings about input that could not be scanned: one line each on stderr, and counted so that
//! `--strict` can turn them into exit code 2.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub struct Warnings {
    count: AtomicUsize,
    quiet: bool,
    /// A progress line on stderr: lines are printed above it, never through it.
    progress: std::sync::Mutex<Option<indicatif::ProgressBar>>,
}

impl Warnings {
    pub fn new(quiet: bool) -> Warnings {
        Warnings {
            count: AtomicUsize::new(0),
            quiet,
            progress: std::sync::Mutex::new(None),
        }
    }

    /// Prints warnings and notes above `pb` from now on (`scan::progress`).
    pub fn attach_progress(&self, pb: indicatif::ProgressBar) {
        *self.progress.lock().unwrap() = Some(pb);
    }

    pub fn detach_progress(&self) {
        *self.progress.lock().unwrap() = None;
    }

    /// Writes one line to stderr, above the progress line when there is one.
    fn line(&self, line: &str) {
        let pb = self.progress.lock().unwrap().clone();
        match pb {
            Some(pb) => pb.suspend(|| {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }),
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
        }
    }

    /// Prints `keyhound: warning: {what}: {why}` as one line (newlines in the parts are
    /// flattened) and counts it.
    pub fn warn(&self, what: &str, why: impl std::fmt::Display) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if !self.quiet {
            let line = format!("keyhound: warning: {what}: {why}").replace(['\n', '\r'], " ");
            self.line(&line);
        }
    }

    /// A note that is not a problem (e.g. "shallow clone"), never counted for `--strict`.
    pub fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let line = format!("keyhound: note: {msg}").replace(['\n', '\r'], " ");
            self.line(&line);
        }
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}
