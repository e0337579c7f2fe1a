//! The packages users install without a Rust toolchain, built here from the binary under test and
//! installed the way users install them, with no registry involved:
//! - the Python wheel (maturin, `bindings = "bin"`) into a fresh venv;
//! - the npm packages (`keyhound` + the platform package for this machine) into a scratch project,
//!   from local tarballs, offline;
//! - the pre-commit mirror hook (packaging/pre-commit/, `language: python`) with the real
//!   `pre-commit try-repo`, the wheel offered through a local find-links directory.
//!
//! Tools come from PyPI into venvs under target/venvs (tests/common/venv.rs): maturin and
//! pre-commit. The wheel is built with the dev profile into the target directory the tests run
//! from, so cargo reuses the binary it already built for the tests.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn binary() -> PathBuf {
    crate::common::bin()
}

/// The target directory the binary under test lives in (target/, or CARGO_TARGET_DIR).
fn target_dir() -> PathBuf {
    assert_cmd::cargo::cargo_bin("keyhound")
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/keyhound")
        .to_path_buf()
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} does not run: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", printed(&out));
    out
}

/// A directory with the keyhound wheel, built once per test run.
fn wheel_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let maturin = venv::tool("maturin", "maturin", &[&["maturin>=1.7,<2"]]);
        let out = target_dir().join("packaging/wheels");
        let _ = std::fs::remove_dir_all(&out);
        // The variables `cargo test` sets for tests (CARGO_PKG_*, CARGO_MANIFEST_DIR, ...) would
        // reach the nested cargo, and build scripts that watch them (ring's) would rerun and
        // rebuild half the dependency tree: the nested cargo gets the environment the outer one
        // had.
        let mut cmd = Command::new(maturin);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("CARGO_PKG_")
                || k.starts_with("CARGO_MANIFEST_")
                || k.starts_with("CARGO_BIN_")
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "OUT_DIR",
                ]
                .contains(&k.as_ref())
            {
                cmd.env_remove(k.as_ref());
            }
        }
        let started = Instant::now();
        let built = run(cmd
            .args([
                "build",
                "--profile",
                "dev",
                "--locked",
                "--auditwheel",
                "skip",
            ])
            .arg("--manifest-path")
            .arg(root().join("Cargo.toml"))
            .arg("--out")
            .arg(&out)
            .env("CARGO_TARGET_DIR", target_dir()));
        let log = printed(&built);
        let cargo_lines: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("Compiling") || l.contains("Finished") || l.contains("Blocking"))
            .collect();
        eprintln!(
            "maturin build: {:.1}s ({})",
            started.elapsed().as_secs_f64(),
            cargo_lines.join(" / ")
        );
        out
    })
}

fn wheel() -> PathBuf {
    std::fs::read_dir(wheel_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a .whl")
}

/// A temp directory holding a file with a fresh key, and a clean one.
fn dirs_to_scan() -> (tempfile::TempDir, tempfile::TempDir) {
    let dirty = tempfile::tempdir().unwrap();
    write(
        dirty.path(),
        "src/config.js",
        format!("export const key = \"{}\";\n", openai_key("packaging")),
    );
    let clean = tempfile::tempdir().unwrap();
    write(
        clean.path(),
        "src/config.js",
        "export const key = process.env.OPENAI_API_KEY;\n",
    );
    (dirty, clean)
}

/// `--version` names the version; a scan finds the key (exit 1) and passes a clean tree (exit 0).
fn assert_works(mut keyhound: impl FnMut() -> Command) {
    let out = run(keyhound().arg("--version"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("keyhound {} (commit ", version())),
        "{text}"
    );
    let (dirty, clean) = dirs_to_scan();
    let out = keyhound()
        .args(["scan", ".", "--format", "json"])
        .current_dir(dirty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rule_ids(&report), ["openai-project-key"], "{report}");
    let out = keyhound()
        .args(["scan", "."])
        .current_dir(clean.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
}

#[test]
fn wheel_installs_into_a_fresh_venv_and_scans() {
    let wheel = wheel();
    let name = wheel.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with(&format!("keyhound_cli-{}-py3-none-", version())),
        "{name}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let venv = tmp.path().join("venv");
    let started = Instant::now();
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "-q", "--no-index", "--disable-pip-version-check"])
        .arg(&wheel));
    let bin = venv.join("bin/keyhound");
    assert!(bin.is_file(), "the wheel installs bin/keyhound");
    run(Command::new(&bin)
        .args(["scan", "."])
        .current_dir(dirs_to_scan().1.path()));
    eprintln!(
        "empty venv -> first finished scan: {:.2}s",
        started.elapsed().as_secs_f64()
    );
    assert_works(|| Command::new(&bin));
}

/// `process.platform-process.arch` of this machine, as the npm packages name platforms.
fn node_platform() -> String {
    let out = run(Command::new("node").args(["-p", "process.platform + '-' + process.arch"]));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `npm pack`s the packages with this machine's binary; returns (platform tarball, main tarball).
fn npm_tarballs(dir: &Path) -> (PathBuf, PathBuf) {
    let out = run(Command::new("node")
        .arg(root().join("packaging/npm/pack.js"))
        .arg("--out")
        .arg(dir)
        .arg("--binary")
        .arg(format!("{}={}", node_platform(), binary().display())));
    let paths: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(
        name(&paths[0]),
        format!("keyhound-cli-{}-{}.tgz", node_platform(), version())
    );
    assert_eq!(name(&paths[1]), format!("keyhound-{}.tgz", version()));
    (paths[0].clone(), paths[1].clone())
}

/// npm with its cache in `home` (empty: nothing comes from a registry or an earlier run).
fn npm(home: &Path, project: &Path) -> Command {
    let mut c = Command::new("npm");
    c.current_dir(project)
        .env("npm_config_cache", home.join("npm-cache"))
        .env("npm_config_update_notifier", "false")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false");
    c
}

fn scratch_project(home: &Path, name: &str) -> PathBuf {
    let project = home.join(name);
    write(
        &project,
        "package.json",
        r#"{"name": "scratch", "version": "1.0.0", "private": true}"#,
    );
    project
}

#[test]
fn npm_packages_install_offline_and_npx_scans() {
    let home = tempfile::tempdir().unwrap();
    let (platform, main) = npm_tarballs(&home.path().join("dist"));
    let project = scratch_project(home.path(), "app");
    let started = Instant::now();
    run(npm(home.path(), &project)
        .args(["install", "--offline", "--save-dev"])
        .arg(&platform)
        .arg(&main));
    run(npm(home.path(), &project)
        .args(["exec", "--offline", "--", "keyhound", "scan"])
        .arg(dirs_to_scan().1.path()));
    eprintln!(
        "scratch npm project -> first finished scan: {:.2}s",
        started.elapsed().as_secs_f64()
    );
    // `npx keyhound` from the project, as a package.json script or lint-staged would run it.
    let npx = || {
        let mut c = Command::new("npx");
        c.args(["--offline", "--prefix"])
            .arg(&project)
            .arg("keyhound")
            .env("npm_config_cache", home.path().join("npm-cache"));
        c
    };
    assert_works(|| {
        let mut c = npx();
        c.current_dir(&project);
        c
    });

    // KEYHOUND_BINARY overrides the platform package: a missing file is a clear error (exit 2).
    let out = npx()
        .arg("--version")
        .env("KEYHOUND_BINARY", home.path().join("no-such-keyhound"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(
        printed(&out).contains("KEYHOUND_BINARY") && printed(&out).contains("does not exist"),
        "{}",
        printed(&out)
    );
    let out = run(npx()
        .args(["scan", "--help"])
        .env("KEYHOUND_BINARY", binary()));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--staged"));
}

#[test]
fn npm_launcher_without_its_platform_package_says_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let (_, main) = npm_tarballs(&home.path().join("dist"));
    let project = scratch_project(home.path(), "app");
    // As with --omit=optional: the launcher alone.
    run(npm(home.path(), &project)
        .args(["install", "--offline", "--omit=optional"])
        .arg(&main));
    let out = npm(home.path(), &project)
        .args(["exec", "--offline", "--", "keyhound", "--version"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    let text = printed(&out);
    assert!(
        text.contains(&format!("@keyhound/cli-{}", node_platform()))
            && text.contains("optional dependency"),
        "{text}"
    );
}

#[test]
fn pre_commit_mirror_pins_this_release() {
    let hooks = std::fs::read_to_string(root().join("packaging/pre-commit/.pre-commit-hooks.yaml"))
        .unwrap();
    assert!(
        hooks.contains("- id: keyhound\n")
            && hooks.contains("language: python")
            && hooks.contains("entry: keyhound scan --staged"),
        "{hooks}"
    );
    let pyproject =
        std::fs::read_to_string(root().join("packaging/pre-commit/pyproject.toml")).unwrap();
    let doc: toml::Value = toml::from_str(&pyproject).unwrap();
    assert_eq!(doc["project"]["version"].as_str(), Some(version()));
    let deps = doc["project"]["dependencies"].as_array().unwrap();
    assert_eq!(
        deps[0].as_str(),
        Some(format!("keyhound-cli=={}", version()).as_str())
    );
    let npm: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("packaging/npm/keyhound/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(npm["version"], version());
}

/// setuptools (the mirror's build backend) in a find-links directory cached under target/:
/// pip builds the mirror project in an isolated env, with no index.
fn find_links_with_setuptools() -> PathBuf {
    let dir = target_dir().join("packaging/find-links");
    let has_setuptools = std::fs::read_dir(&dir).is_ok_and(|rd| {
        rd.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("setuptools-"))
    });
    if !has_setuptools {
        let pip = venv::tool("maturin", "pip", &[&["pip"]]);
        run(Command::new(pip)
            .args([
                "download",
                "-q",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                "setuptools>=61",
                "-d",
            ])
            .arg(&dir));
    }
    dir
}

#[test]
fn pre_commit_mirror_hook_installs_the_wheel_and_blocks_a_key_without_cargo() {
    let pre_commit = venv::tool("precommit", "pre-commit", &[&["pre-commit>=3.2"]]);
    // The mirror repository, made from the template as the release process makes it.
    let mirror = tempfile::tempdir().unwrap();
    for f in [".pre-commit-hooks.yaml", "pyproject.toml", "README.md"] {
        std::fs::copy(
            root().join("packaging/pre-commit").join(f),
            mirror.path().join(f),
        )
        .unwrap();
    }
    git(mirror.path(), &["init", "-q", "-b", "main"]);
    commit_all(mirror.path(), "keyhound-pre-commit");

    // Offline: only the local wheel and setuptools, no index.
    let links = tempfile::tempdir().unwrap();
    for src in [find_links_with_setuptools(), wheel_dir().to_path_buf()] {
        for e in std::fs::read_dir(src).unwrap().flatten() {
            std::fs::copy(e.path(), links.path().join(e.file_name())).unwrap();
        }
    }
    // A cargo that records being run; the target directory's binary is not on PATH.
    let fake = tempfile::tempdir().unwrap();
    let cargo_log = fake.path().join("cargo.log");
    write(
        fake.path(),
        "cargo",
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nexit 99\n",
            cargo_log.display()
        ),
    );
    run(Command::new("chmod")
        .arg("+x")
        .arg(fake.path().join("cargo")));
    let path = format!(
        "{}:{}",
        fake.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let pc_home = tempfile::tempdir().unwrap();
    let try_repo = |dir: &Path| {
        let out = Command::new(&pre_commit)
            .arg("try-repo")
            .arg(mirror.path())
            .args(["keyhound", "--verbose"])
            .current_dir(dir)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", pc_home.path())
            .env("PIP_FIND_LINKS", links.path())
            .env("PIP_NO_INDEX", "1")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
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
        (out.status.success(), printed(&out))
    };

    let dir = repo();
    write(dir.path(), "README.md", "# demo\n");
    commit_all(dir.path(), "init");
    write(
        dir.path(),
        "src/app.py",
        "import os\nKEY = os.environ['OPENAI_API_KEY']\n",
    );
    git(dir.path(), &["add", "-A"]);
    let started = Instant::now();
    let (ok, out) = try_repo(dir.path());
    eprintln!(
        "pre-commit hook install + first run: {:.2}s",
        started.elapsed().as_secs_f64()
    );
    assert!(ok, "a clean commit passes:\n{out}");
    assert!(
        out.contains("keyhound (secret scan)") && out.contains("Passed"),
        "{out}"
    );
    commit_all(dir.path(), "clean");

    let key = openai_key("precommit-mirror");
    write(
        dir.path(),
        "src/app.py",
        format!("import os\n\nKEY = \"{key}\"\n"),
    );
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = try_repo(dir.path());
    assert!(!ok, "the key blocks the commit:\n{out}");
    assert!(
        out.contains("Failed")
            && out.contains("src/app.py")
            && out.contains("openai-project-key")
            && out.contains("keyhound:allow"),
        "{out}"
    );
    assert!(!out.contains(&key), "redacted:\n{out}");
    assert!(
        !cargo_log.exists(),
        "cargo ran: {:?}",
        std::fs::read_to_string(&cargo_log)
    );
    // The keyhound that ran is the wheel's, in pre-commit's virtualenv for the hook: there is none
    // on the PATH the hook was given.
    let on_path: Vec<PathBuf> = std::env::split_paths(&path)
        .map(|d| d.join("keyhound"))
        .filter(|p| p.is_file())
        .collect();
    assert!(on_path.is_empty(), "{on_path:?}");
}
