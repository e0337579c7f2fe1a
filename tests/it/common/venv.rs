//! Python tools the tests install themselves from PyPI, into venvs cached under
//! `target/venvs/NAME` between runs (CI pays the install once per machine).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

static LOCK: Mutex<()> = Mutex::new(());

/// `KEYHOUND_TEST_VENVS` (e.g. a directory CI keeps between runs), else `target/venvs`.
fn venvs_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KEYHOUND_TEST_VENVS") {
        return PathBuf::from(d);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("venvs")
}

/// A venv `name` holding `exe`, installed from the first of `packages` that installs (each entry
/// is one `pip install` argument list). Returns the path of `exe`.
pub fn tool(name: &str, exe: &str, packages: &[&[&str]]) -> PathBuf {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = venvs_dir().join(name);
    let bin = dir.join("bin").join(exe);
    if bin.is_file() {
        return bin;
    }
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .expect("python3 runs")
        .success();
    assert!(ok, "python3 -m venv {} failed", dir.display());
    let mut errors = String::new();
    for pkgs in packages {
        let out = Command::new(dir.join("bin/pip"))
            .args(["install", "-q", "--disable-pip-version-check"])
            .args(*pkgs)
            .output()
            .expect("pip runs");
        if out.status.success() && bin.is_file() {
            return bin;
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let last: Vec<&str> = err.lines().rev().take(3).collect();
        errors.push_str(&format!("pip install {pkgs:?}: {}\n", last.join(" / ")));
    }
    panic!("could not install {exe} into {}:\n{errors}", dir.display());
}
