//! 1. Embeds every `rules/*.toml` file into the binary, so adding a rule file needs no code change.
//!    The generated code names each file relative to `CARGO_MANIFEST_DIR`, resolved when the
//!    crate compiles, never as this checkout's absolute path: two checkouts that share a
//!    `CARGO_TARGET_DIR` (pre-commit's cache does this) each embed their own `rules/`.
//! 2. Sets `KEYHOUND_COMMIT` (short commit id, or "unknown") and `KEYHOUND_TARGET` (the target
//!    triple) for `keyhound --version`. The commit comes from git in a checkout, and from
//!    `.cargo_vcs_info.json` (written by `cargo package`) in a crates.io tarball, where there is
//!    no git.
use std::{env, fs, path::Path, process::Command};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").unwrap();
    let dir = Path::new(&manifest).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// (file name, TOML text) of every built-in rule file.\npub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        println!("cargo:rerun-if-changed=rules/{name}");
        out.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),\n",
            format!("/rules/{name}")
        ));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs"),
        out,
    )
    .unwrap();

    println!("cargo:rustc-env=KEYHOUND_COMMIT={}", commit(&manifest));
    println!(
        "cargo:rustc-env=KEYHOUND_TARGET={}",
        env::var("TARGET").unwrap()
    );
    println!("cargo:rerun-if-env-changed=KEYHOUND_COMMIT");
}

/// `KEYHOUND_COMMIT` from the environment (packagers), else git's short HEAD, else the sha1 in
/// `.cargo_vcs_info.json`, else "unknown".
fn commit(manifest: &str) -> String {
    if let Ok(c) = env::var("KEYHOUND_COMMIT") {
        return c;
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(manifest)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    // Only a repository whose top is this crate: a crate unpacked inside some other repository
    // (cargo's registry cache, a vendor/ directory) must not report that repository's commit.
    let top = git(&["rev-parse", "--show-toplevel"]);
    let ours = top.is_some_and(|t| fs::canonicalize(t).ok() == fs::canonicalize(manifest).ok());
    if ours {
        if let Some(sha) = git(&["rev-parse", "--short=10", "HEAD"]) {
            // Rebuild when HEAD moves (a new commit or checkout).
            // The branch's own ref file too: cargo does not see a file change inside a
            // watched directory reliably.
            let branch = git(&["symbolic-ref", "-q", "HEAD"]);
            for p in ["HEAD", "refs/heads", "packed-refs"]
                .into_iter()
                .chain(branch.as_deref())
            {
                if let Some(path) = git(&["rev-parse", "--git-path", p]) {
                    let path = Path::new(manifest).join(path);
                    if path.exists() {
                        println!("cargo:rerun-if-changed={}", path.display());
                    }
                }
            }
            return sha;
        }
    }
    fs::read_to_string(Path::new(manifest).join(".cargo_vcs_info.json"))
        .ok()
        .and_then(|t| {
            let i = t.find("\"sha1\"")?;
            let rest = &t[i + 6..];
            let start = rest.find('"')? + 1;
            let end = start + rest[start..].find('"')?;
            Some(rest[start..end.min(start + 10)].to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
