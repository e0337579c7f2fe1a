//! Warnings about input that could not be scanned: one line each on stderr, and counted so that
//! `--strict` can turn them into exit code 2.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What every warning and note goes through before it is printed: the application installs
/// one ([`set_filter`]) that redacts keys and escapes control characters (the text often holds
/// what a scanned repository controls: paths, ref names, config values). Without one, line
/// breaks and other control characters are replaced by `?`.
static FILTER: std::sync::OnceLock<fn(&str) -> String> = std::sync::OnceLock::new();

/// Installs the filter for warnings and notes (once per process; later calls are ignored).
pub fn set_filter(f: fn(&str) -> String) {
    let _ = FILTER.set(f);
}

/// One line of text, filtered.
fn clean(text: &str) -> String {
    match FILTER.get() {
        Some(f) => f(text),
        None => text
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect(),
    }
}

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

    /// Prints `keyhound: warning: {what}: {why}` as one line and counts it. The parts often
    /// hold what a scanned repository controls (paths, ref names): any key in them is redacted
    /// and control characters are escaped ([`crate::report::escape::line`]).
    pub fn warn(&self, what: &str, why: impl std::fmt::Display) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if !self.quiet {
            let line = format!("keyhound: warning: {}", clean(&format!("{what}: {why}")));
            self.line(&line);
        }
    }

    /// A note that is not a problem (e.g. "shallow clone"), never counted for `--strict`.
    pub fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let line = format!("keyhound: note: {}", clean(&msg.to_string()));
            self.line(&line);
        }
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}
