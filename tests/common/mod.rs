//! Helpers shared by the end-to-end tests: the real binary, temp trees, real git repositories,
//! and fake keys generated at test time (the repository never holds a real-looking key).
#![allow(dead_code)]

pub mod http;
pub mod venv;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `keyhound` binary under test, with a clean environment for colour and config.
pub fn keyhound() -> Command {
    let mut c = Command::cargo_bin("keyhound").expect("binary");
    c.env("NO_COLOR", "1").env_remove("OPENAI_API_KEY");
    // The per-installation fingerprint key (scans outside git) lives in the build's temp dir,
    // not in the home directory of whoever runs the tests.
    c.env("XDG_CONFIG_HOME", env!("CARGO_TARGET_TMPDIR"))
        .env_remove("KEYHOUND_FINGERPRINT_KEY");
    c
}

/// Everything a process printed, stdout then stderr, as text.
pub fn printed(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A format-valid fake key from a template (see `keyhound::testkeys`).
pub fn fake(template: &str, seed: &str) -> String {
    keyhound::testkeys::expand(template, keyhound::testkeys::seed_for(seed))
}

/// An OpenAI project key (current long form).
pub fn openai_key(seed: &str) -> String {
    fake("sk-proj-{urlsafe:74}T3BlbkFJ{urlsafe:74}", seed)
}

/// Writes `content` to `dir/rel`, creating parent directories.
pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// Runs git in `dir` with a fixed identity; panics with git's stderr on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new git repository in a temp dir (default branch `main`).
pub fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// Stages everything and commits with `msg`; returns the commit sha.
pub fn commit_all(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

/// Runs `keyhound scan ARGS --format json` and returns (exit code, parsed JSON, stderr).
pub fn scan_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = keyhound()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The findings array of a JSON report.
pub fn findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

/// Rule ids of a JSON report's findings.
pub fn rule_ids(report: &serde_json::Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A validator for the official SARIF 2.1.0 schema (`shared/schemas/` next to the repository).
pub fn sarif_validator() -> jsonschema::Validator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_path = root
        .ancestors()
        .map(|a| a.join("shared/schemas/sarif-schema-2.1.0.json"))
        .find(|p| p.exists())
        .expect("shared/schemas/sarif-schema-2.1.0.json next to the repository");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Asserts that `log` is valid SARIF 2.1.0.
pub fn assert_valid_sarif(log: &serde_json::Value) {
    let errors: Vec<String> = sarif_validator()
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
}
