//! `.keyhound-baseline.json` at the top of a repository is used on its own: by `scan`, by the
//! pre-commit hook (`scan --staged`) and from a subdirectory; `--no-baseline` turns it off; an
//! unusable file is a warning, not a failure.

use crate::common;
use common::*;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = keyhound().current_dir(dir).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), printed(&out))
}

#[test]
fn the_hook_uses_the_repository_baseline() {
    let dir = repo();
    let d = dir.path();
    write(d, "README.md", "# app\n");
    commit_all(d, "init");
    run(d, &["install-hook"]);
    // A known key, accepted into the baseline before it is committed.
    let old = openai_key("baseline-hook-old");
    write(d, "src/legacy.py", format!("KEY = \"{old}\"\n"));
    git(d, &["add", "src/legacy.py"]);
    let (code, out) = run(d, &["baseline", "create", "."]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("the pre-commit hook and the Action use it"),
        "{out}"
    );
    git(d, &["add", ".keyhound-baseline.json"]);

    // Without the baseline the staged key blocks; the hook finds the baseline and lets it pass.
    let (code, out) = run(d, &["scan", "--staged", "--no-baseline"]);
    assert_eq!(code, 1, "{out}");
    let (ok, out) = commit_with_hook(d, "legacy code with its accepted key");
    assert!(ok, "the baselined key blocked the commit:\n{out}");
    assert!(
        out.contains(".keyhound-baseline.json (found at the repository root; --no-baseline turns it off) applied: 1 finding hidden by it"),
        "{out}"
    );

    // A new key is still blocked.
    let new = openai_key("baseline-hook-new");
    write(d, "src/new.py", format!("KEY = \"{new}\"\n"));
    git(d, &["add", "src/new.py"]);
    let (ok, out) = commit_with_hook(d, "a new key");
    assert!(!ok, "a new key got through:\n{out}");
    assert!(out.contains("src/new.py"), "{out}");
    assert!(!out.contains("src/legacy.py"), "{out}");
}

#[test]
fn scans_find_it_from_a_subdirectory_and_no_baseline_turns_it_off() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "web/config.js",
        format!("const k = \"{}\";\n", openai_key("baseline-sub")),
    );
    commit_all(d, "add");
    let (code, out) = run(d, &["baseline", "create", ".", "--no-history"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(d, &["scan", ".", "--no-history"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("applied: 1 finding hidden by it"), "{out}");
    let (code, out) = run(d, &["scan", ".", "--no-history", "--no-baseline"]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("applied"), "{out}");
    // --baseline and --no-baseline contradict each other.
    let (code, _) = run(
        d,
        &[
            "scan",
            "--no-baseline",
            "--baseline",
            ".keyhound-baseline.json",
        ],
    );
    assert_eq!(code, 2);
    // Scanning a subdirectory: the baseline at the top applies, and matches (fingerprints use
    // paths from the repository's top, whatever the scan root).
    let (code, out) = run(&d.join("web"), &["scan", ".", "--no-history"]);
    assert!(out.contains("applied: 1 finding hidden by it"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_unusable_discovered_baseline_is_a_warning() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "app.py",
        format!("KEY = \"{}\"\n", openai_key("baseline-bad")),
    );
    write(d, ".keyhound-baseline.json", "{ not json");
    let (code, out) = run(d, &["scan", ".", "--no-history"]);
    assert_eq!(code, 1, "the scan went on: {out}");
    assert!(
        out.contains("keyhound: warning: baseline: ") && out.contains("not a keyhound baseline"),
        "{out}"
    );
    #[cfg(unix)]
    {
        std::fs::remove_file(d.join(".keyhound-baseline.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join(".keyhound-baseline.json")).unwrap();
        let (code, out) = run(d, &["scan", ".", "--no-history"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("not a regular file; ignored"), "{out}");
    }
}
