//! Helpers shared by the end-to-end tests: the real binary, temp trees, real git repositories,
//! and fake keys generated at test time (the repository never holds a real-looking key).
#![allow(dead_code)]

pub mod http;
pub mod venv;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `keyhound` binary under test, copied once per test run to `target/debug/it-bin/`: the
/// packaging tests build the wheel with maturin into the same target directory, which relinks
/// `target/debug/keyhound` while other tests run it. The copy is renamed into place, so no test
/// ever sees a half-written or missing binary.
pub fn bin() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let src = assert_cmd::cargo::cargo_bin("keyhound");
        let dir = src.parent().expect("target dir").join("it-bin");
        std::fs::create_dir_all(&dir).unwrap();
        let dst = dir.join(src.file_name().expect("file name"));
        let tmp = dir.join(format!("keyhound.{}.tmp", std::process::id()));
        // The source can be missing for a moment while maturin relinks it: retry.
        for _ in 0..200 {
            if std::fs::copy(&src, &tmp).is_ok() {
                std::fs::rename(&tmp, &dst).unwrap();
                return dst;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("cannot copy {}", src.display())
    })
    .clone()
}

/// The `keyhound` binary under test, with a clean environment for colour and config.
pub fn keyhound() -> Command {
    let mut c = Command::new(bin());
    c.env("NO_COLOR", "1").env_remove("OPENAI_API_KEY");
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

/// A validator for the official OASIS SARIF 2.1.0 schema, vendored in `tests/data/`
/// (errata 01, from the OASIS TC's sarif-spec repository), so a clone alone runs the tests.
pub fn sarif_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    )))
    .unwrap();
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

/// `git commit` in `dir` with the keyhound under test first on PATH (so an installed pre-commit
/// hook runs it); returns (success, stdout + stderr).
pub fn commit_with_hook(dir: &Path, msg: &str) -> (bool, String) {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("git")
        .args(["commit", "-q", "-m", msg])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    (out.status.success(), printed(&out))
}

/// Neither the key nor any 12-character piece of the random part of its body (its last 40
/// characters, past a 6-character prefix) is in `text`.
pub fn assert_no_key(text: &str, key: &str) {
    assert!(!text.contains(key), "full key in output:\n{text}");
    let body = &key[key.len().saturating_sub(40).max(6)..];
    for i in 0..body.len().saturating_sub(12) {
        assert!(
            !text.contains(&body[i..i + 12]),
            "key fragment {} in output:\n{text}",
            &body[i..i + 12]
        );
    }
}

/// Live-check settings for stand-in servers on 127.0.0.1: short timeouts, two retries.
pub fn verify_settings() -> keyhound::live::Settings {
    use std::time::Duration;
    keyhound::live::Settings {
        timeout: Duration::from_millis(400),
        connect_timeout: Duration::from_millis(400),
        retries: 2,
        backoff: Duration::from_millis(1),
        max_wait: Duration::from_secs(3),
        concurrency: 8,
        per_second: 0.0,
    }
}

/// A verification client whose `provider` endpoint is `server`.
pub fn verify_client(
    server: &http::MockServer,
    provider: &str,
    settings: keyhound::live::Settings,
) -> keyhound::live::Client {
    let endpoints =
        keyhound::live::Endpoints::parse(&[format!("{provider}={}", server.url())]).unwrap();
    keyhound::live::Client::new(settings, endpoints)
}

/// Checks `secret` with `provider`'s verifier against `server`, with `settings`.
pub fn verify_with(
    server: &http::MockServer,
    provider: &str,
    secret: &str,
    settings: keyhound::live::Settings,
) -> keyhound::finding::Verification {
    verify_client(server, provider, settings).check(
        keyhound::live::verifier(provider).unwrap(),
        &keyhound::finding::Secret::new(secret),
    )
}

/// `--verify-endpoint openai=URL` for a stand-in server.
pub fn openai_endpoint(s: &http::MockServer) -> String {
    format!("openai={}", s.url())
}

/// A bare clone of the repository at `src`, as `<tempdir>/<name>`; the tempdir keeps it alive.
pub fn bare_clone(src: &Path, name: &str) -> (tempfile::TempDir, PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let bare = outer.path().join(name);
    git(
        outer.path(),
        &[
            "clone",
            "-q",
            "--bare",
            src.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    (outer, bare)
}

/// A pull request that adds `disabled_rules` for the key it commits.
pub fn pr_that_disables_the_rule_for_its_key() -> (tempfile::TempDir, String, String) {
    let dir = repo();
    write(dir.path(), "README.md", "# demo\n");
    let base = commit_all(dir.path(), "init");
    write(
        dir.path(),
        ".keyhound.toml",
        "disabled_rules = [\"openai-project-key\", \"generic-secret\"]\n",
    );
    write(
        dir.path(),
        "app.env",
        format!("OPENAI_API_KEY={}\n", openai_key("pr-range-config")),
    );
    let head = commit_all(dir.path(), "add config and key");
    (dir, base, head)
}
