//! Progress of a working-tree scan on a terminal: after about a second (a fast scan shows
//! nothing), a line with files, bytes and elapsed time, redrawn a few times a second on stderr.
//! Warnings printed meanwhile go through [`Warnings`], which clears the line, prints, and
//! redraws it, so they never tear it.

use crate::diag::Warnings;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a scan runs before the line appears: `KEYHOUND_PROGRESS_AFTER_MS` (for tests), else
/// one second.
fn delay() -> Duration {
    std::env::var("KEYHOUND_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

/// Runs `work` while a thread shows its progress (when `enabled`: the caller checks that stderr
/// is a terminal and `--quiet` is off).
pub fn with_progress<T>(
    enabled: bool,
    counts: &(dyn Fn() -> (u64, u64) + Sync),
    warnings: &Warnings,
    work: impl FnOnce() -> T,
) -> T {
    if !enabled {
        return work();
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| tick(&done, counts, warnings));
        let out = work();
        done.store(true, Ordering::Release);
        out
    })
}

fn tick(done: &AtomicBool, counts: &(dyn Fn() -> (u64, u64) + Sync), warnings: &Warnings) {
    let start = Instant::now();
    let wait = delay();
    let mut pb: Option<ProgressBar> = None;
    while !done.load(Ordering::Acquire) {
        std::thread::sleep(Duration::from_millis(50));
        if pb.is_none() && start.elapsed() >= wait {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(
                ProgressStyle::with_template("{spinner} scanning {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            warnings.attach_progress(bar.clone());
            pb = Some(bar);
        }
        if let Some(bar) = &pb {
            let (files, bytes) = counts();
            bar.set_message(format!(
                "{files} file{} · {}",
                if files == 1 { "" } else { "s" },
                crate::model::units::human_size(bytes)
            ));
            bar.tick();
        }
    }
    if let Some(bar) = pb {
        warnings.detach_progress();
        bar.finish_and_clear();
    }
}
