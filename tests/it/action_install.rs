//! The Action's install step (scripts/action-install.sh) against a loopback HTTP server standing
//! in for the release host: a good asset is downloaded, verified and run; a wrong checksum fails
//! and says why; a missing asset (a branch ref) falls back, here to the `fallback-binary` input
//! pointed at the binary under test, so no compile runs.

use crate::common;
use common::http::{MockServer, Reply};
use common::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The release target the script picks for RUNNER_OS=Linux, RUNNER_ARCH=X64.
const TARGET: &str = "x86_64-unknown-linux-musl";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// A release archive as the release workflow packs it: `keyhound-<target>/keyhound` in a
/// .tar.gz. The "binary" is a small script that runs the binary under test, so the archive stays
/// small.
fn archive() -> Vec<u8> {
    let script = format!(
        "#!/bin/sh\nexec '{}' \"$@\"\n",
        crate::common::bin().display()
    );
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(script.len() as u64);
    header.set_mode(0o755);
    header.set_cksum();
    tar.append_data(
        &mut header,
        format!("keyhound-{TARGET}/keyhound"),
        script.as_bytes(),
    )
    .unwrap();
    tar.into_inner().unwrap().finish().unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A release `tag` on `server` with the archive and a sums file; `sum` replaces the archive's
/// real checksum when given.
fn publish(server: &MockServer, tag: &str, sum: Option<&str>) {
    let asset = archive();
    let sum = sum.map_or_else(|| sha256_hex(&asset), str::to_string);
    let base = format!("/releases/download/{tag}");
    server.on(
        &format!("{base}/keyhound-{TARGET}.tar.gz"),
        vec![Reply::bytes(200, asset)],
    );
    server.on(
        &format!("{base}/sha256sums.txt"),
        vec![Reply::new(
            200,
            format!(
                "{}  keyhound-aarch64-apple-darwin.tar.gz\n{sum}  keyhound-{TARGET}.tar.gz\n",
                "0".repeat(64)
            ),
        )],
    );
}

struct Step {
    code: i32,
    log: String,
    outputs: String,
    path: String,
    root: PathBuf,
}

/// Runs `action-install.sh MODE` as the action does, with its state in `dir`.
fn step(dir: &Path, mode: &str, env: &[(&str, &str)]) -> Step {
    let root_dir = dir.join("kh");
    let gh_out = dir.join("github_output");
    let gh_path = dir.join("github_path");
    let _ = std::fs::remove_file(&gh_out);
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/action-install.sh"))
        .arg(mode)
        .env("GITHUB_ACTION_PATH", root())
        .env("KEYHOUND_ROOT", &root_dir)
        .env("GITHUB_OUTPUT", &gh_out)
        .env("GITHUB_PATH", &gh_path)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("NO_COLOR", "1")
        .env_remove("KEYHOUND_FALLBACK_BINARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Step {
        code: out.status.code().unwrap_or(-1),
        log: printed(&out),
        outputs: std::fs::read_to_string(&gh_out).unwrap_or_default(),
        path: std::fs::read_to_string(&gh_path).unwrap_or_default(),
        root: root_dir,
    }
}

fn download(dir: &Path, server: &MockServer, action_ref: &str) -> Step {
    let base = format!("{}/releases/download", server.url());
    step(
        dir,
        "download",
        &[
            ("KEYHOUND_RELEASE_URL", &base),
            ("KEYHOUND_ACTION_REF", action_ref),
        ],
    )
}

/// The installed keyhound scans a repository with a key: exit 1, the key's rule.
fn assert_installed_binary_scans(bin: &Path) {
    let v = Command::new(bin).arg("--version").output().unwrap();
    assert!(
        String::from_utf8_lossy(&v.stdout).contains(version()),
        "{}",
        printed(&v)
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        format!("KEY = \"{}\"\n", openai_key("action-install")),
    );
    let out = Command::new(bin)
        .args(["scan", ".", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    assert!(printed(&out).contains("openai-project-key"));
}

#[test]
fn release_asset_is_downloaded_verified_and_put_on_path() {
    let server = MockServer::start();
    let tag = format!("v{}", version());
    publish(&server, &tag, None);
    let dir = tempfile::tempdir().unwrap();
    let s = download(dir.path(), &server, &tag);
    assert_eq!(s.code, 0, "{}", s.log);
    assert_eq!(s.outputs.trim(), "found=true");
    assert!(
        s.log.contains(&format!("installed release {tag}"))
            && s.log.contains("verified")
            && s.log.contains(&format!("keyhound-{TARGET}.tar.gz")),
        "{}",
        s.log
    );
    assert_eq!(s.path.trim(), s.root.join("bin").display().to_string());
    assert_installed_binary_scans(&s.root.join("bin/keyhound"));
    // The source-build steps would not run, and nothing was compiled.
    assert!(!s.log.contains("building from source"), "{}", s.log);
}

#[test]
fn major_tag_ref_downloads_the_release_of_the_actions_own_version() {
    // `uses: keyhound/keyhound@v0` checks out the commit the v0 tag points at; its Cargo.toml
    // names the release to download.
    let server = MockServer::start();
    let tag = format!("v{}", version());
    publish(&server, &tag, None);
    let major = tag.split('.').next().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let s = download(dir.path(), &server, &major);
    assert_eq!(s.code, 0, "{}", s.log);
    assert_eq!(s.outputs.trim(), "found=true");
    assert_eq!(
        server.count(&format!(
            "/releases/download/{tag}/keyhound-{TARGET}.tar.gz"
        )),
        1
    );
}

#[test]
fn wrong_checksum_fails_and_says_why_and_installs_nothing() {
    let server = MockServer::start();
    let tag = format!("v{}", version());
    let bad = "ab".repeat(32);
    publish(&server, &tag, Some(&bad));
    let dir = tempfile::tempdir().unwrap();
    let s = download(dir.path(), &server, &tag);
    assert_eq!(s.code, 1, "{}", s.log);
    assert!(
        s.log.contains("::error")
            && s.log.contains("checksum mismatch")
            && s.log.contains(&bad)
            && s.log.contains("refusing to run it"),
        "{}",
        s.log
    );
    assert!(!s.root.join("bin/keyhound").exists());
    assert!(s.outputs.is_empty() && s.path.is_empty(), "{}", s.outputs);
}

#[test]
fn asset_without_a_checksum_file_is_refused() {
    let server = MockServer::start();
    let tag = format!("v{}", version());
    server.on(
        &format!("/releases/download/{tag}/keyhound-{TARGET}.tar.gz"),
        vec![Reply::bytes(200, archive())],
    );
    let dir = tempfile::tempdir().unwrap();
    let s = download(dir.path(), &server, &tag);
    assert_eq!(s.code, 1, "{}", s.log);
    assert!(s.log.contains("no sha256sums.txt"), "{}", s.log);
    assert!(!s.root.join("bin/keyhound").exists());
}

#[test]
fn server_error_is_not_mistaken_for_a_missing_release() {
    let server = MockServer::start();
    let tag = format!("v{}", version());
    server.on(
        &format!("/releases/download/{tag}/keyhound-{TARGET}.tar.gz"),
        vec![Reply::new(503, "busy")],
    );
    let dir = tempfile::tempdir().unwrap();
    let s = download(dir.path(), &server, &tag);
    assert_eq!(s.code, 1, "{}", s.log);
    assert!(s.log.contains("HTTP 503"), "{}", s.log);
}

#[test]
fn branch_ref_without_release_falls_back_and_says_so() {
    let server = MockServer::start(); // serves 404 for every path
    let dir = tempfile::tempdir().unwrap();
    let s = download(dir.path(), &server, "main");
    assert_eq!(s.code, 0, "{}", s.log);
    assert_eq!(s.outputs.trim(), "found=false");
    assert!(
        s.log.contains("no release asset") && s.log.contains("404"),
        "{}",
        s.log
    );
    assert_eq!(
        server.count(&format!("/releases/download/main/keyhound-{TARGET}.tar.gz")),
        1
    );

    // The action's next step: the `fallback-binary` input instead of a cargo build.
    let bin = crate::common::bin();
    let fake_bin = dir.path().join("fakebin");
    // A cargo that fails loudly: the fallback must not compile.
    write(
        &fake_bin,
        "cargo",
        "#!/bin/sh\necho cargo ran >&2\nexit 99\n",
    );
    Command::new("chmod")
        .arg("+x")
        .arg(fake_bin.join("cargo"))
        .status()
        .unwrap();
    let path = format!(
        "{}:{}",
        fake_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let s = step(
        dir.path(),
        "build",
        &[
            ("KEYHOUND_FALLBACK_BINARY", bin.to_str().unwrap()),
            ("PATH", &path),
        ],
    );
    assert_eq!(s.code, 0, "{}", s.log);
    assert!(
        s.log.contains("no release binary for this ref")
            && s.log.contains("using fallback-binary")
            && !s.log.contains("cargo ran"),
        "{}",
        s.log
    );
    assert!(s.path.contains(&s.root.join("bin").display().to_string()));
    assert_installed_binary_scans(&s.root.join("bin/keyhound"));

    // Without the input, the fallback is a source build, and the log says so.
    let s = step(dir.path(), "build", &[("PATH", &path)]);
    assert_ne!(s.code, 0, "the fake cargo fails: {}", s.log);
    assert!(
        s.log.contains("building from source") && s.log.contains("cargo ran"),
        "{}",
        s.log
    );

    // A fallback-binary that does not exist is an error, not a silent source build.
    let s = step(
        dir.path(),
        "build",
        &[("KEYHOUND_FALLBACK_BINARY", "/nonexistent/keyhound")],
    );
    assert_eq!(s.code, 1, "{}", s.log);
    assert!(s.log.contains("fallback-binary"), "{}", s.log);
}
