//! Progress of a working-tree scan: on a terminal only (a pseudo-terminal from `script`), with
//! files, bytes and elapsed time, and warnings printed above the line, never through it.

use crate::common;
use common::*;
use std::process::Command;

/// A tree big enough that the scan outlasts the (shortened) delay, with files that warn.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let line = "let value = compute(alpha, beta, gamma); // ordinary code\n".repeat(40);
    for i in 0..3000 {
        write(dir.path(), &format!("src/m{}/f{i}.js", i % 30), &line);
    }
    for i in 0..20 {
        write(dir.path(), &format!("big/b{i}.txt"), "x".repeat(200_000));
    }
    dir
}

#[test]
fn a_terminal_gets_progress_and_warnings_do_not_tear_it() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("`script` (util-linux) is not installed; skipped");
        return;
    }
    let dir = tree();
    let bin = crate::common::bin();
    let cmd = format!(
        "{} scan {} --no-history -j 1 --max-file-size 100K",
        bin.display(),
        dir.path().display()
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("KEYHOUND_PROGRESS_AFTER_MS", "0")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("scanning "), "no progress line:\n{text}");
    assert!(text.contains(" files · "), "no file count:\n{text}");
    let warnings: Vec<usize> = text
        .match_indices("keyhound: warning:")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(warnings.len(), 20, "{text}");
    for i in warnings {
        let before = &text[..i];
        assert!(
            before.is_empty()
                || before.ends_with('\n')
                || before.ends_with('\r')
                || before.ends_with("\x1b[2K")
                || before.ends_with("\x1b[K"),
            "a warning tore the progress line: {:?}",
            &before[before.len().saturating_sub(80)..]
        );
    }
}

#[test]
fn no_progress_when_stderr_is_not_a_terminal_or_quiet() {
    let dir = tree();
    let out = keyhound()
        .env("KEYHOUND_PROGRESS_AFTER_MS", "0")
        .args(["scan", "--no-history", "-j", "1", "--max-file-size", "100K"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("scanning "), "{err}");
    assert_eq!(err.matches("keyhound: warning:").count(), 20, "{err}");
}
