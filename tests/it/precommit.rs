//! The pre-commit framework (installed from PyPI into target/venvs/precommit) running this
//! repository's `.pre-commit-hooks.yaml` with `pre-commit try-repo` in a temp repository.
//!
//! CI runs the `keyhound-system` hook with the freshly built binary on PATH. The `keyhound` hook
//! (`language: rust`) makes pre-commit `cargo install` the crate, a release build that takes
//! minutes; it has its own test, ignored by default: `cargo test --test precommit -- --ignored`.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pre_commit() -> PathBuf {
    venv::tool("precommit", "pre-commit", &[&["pre-commit>=3.2"]])
}

fn this_repo() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// Runs `pre-commit try-repo <this repo> HOOK` in `dir`; returns (success, output).
fn try_repo(dir: &Path, hook: &str) -> (bool, String) {
    let bin_dir = crate::common::bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = std::env::temp_dir().join("keyhound-pre-commit-home");
    let out = Command::new(pre_commit())
        .args(["try-repo", this_repo(), hook, "--verbose"])
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .env("PRE_COMMIT_COLOR", "never")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("pre-commit runs");
    let text = common::printed(&out);
    (out.status.success(), text)
}

fn blocks_a_key_and_passes_a_clean_commit(hook: &str) {
    let dir = repo();
    write(dir.path(), "README.md", "# demo\n");
    commit_all(dir.path(), "init");

    // A clean change passes.
    write(
        dir.path(),
        "src/app.py",
        "import os\nKEY = os.environ['OPENAI_API_KEY']\n",
    );
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = try_repo(dir.path(), hook);
    assert!(ok, "a clean commit must pass:\n{out}");
    commit_all(dir.path(), "clean");

    // A change that adds a key is blocked, with file, line, which key and how to fix or allow.
    let key = openai_key("precommit");
    write(
        dir.path(),
        "src/app.py",
        format!("import os\n\nKEY = \"{key}\"\n"),
    );
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = try_repo(dir.path(), hook);
    assert!(!ok, "the key must block the commit:\n{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(
        out.contains("src/app.py") && out.contains("3:"),
        "file and line:\n{out}"
    );
    assert!(
        out.contains("OpenAI API key") && out.contains("openai-project-key"),
        "which key:\n{out}"
    );
    assert!(out.contains("Revoke"), "how to fix:\n{out}");
    assert!(out.contains("keyhound:allow"), "how to allow:\n{out}");
    assert!(!out.contains(&key), "the key is redacted:\n{out}");

    // Allowing it inline lets the commit through.
    write(
        dir.path(),
        "src/app.py",
        format!("import os\n\nKEY = \"{key}\"  # keyhound:allow\n"),
    );
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = try_repo(dir.path(), hook);
    assert!(ok, "{out}");
}

#[test]
fn keyhound_system_hook() {
    blocks_a_key_and_passes_a_clean_commit("keyhound-system");
}

#[test]
#[ignore = "pre-commit builds the crate with cargo install (minutes); run with --ignored"]
fn keyhound_rust_hook() {
    blocks_a_key_and_passes_a_clean_commit("keyhound");
}

#[test]
fn hooks_file_declares_both_hooks() {
    let text =
        std::fs::read_to_string(Path::new(this_repo()).join(".pre-commit-hooks.yaml")).unwrap();
    for needle in [
        "- id: keyhound\n",
        "- id: keyhound-system\n",
        "language: rust",
        "language: system",
        "pass_filenames: false",
        "entry: keyhound scan --staged",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
}
