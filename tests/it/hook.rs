//! `keyhound install-hook`: a plain .git/hooks/pre-commit, core.hooksPath, --force.

use crate::common;
use common::*;
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn installs_an_executable_hook_that_blocks_a_key() {
    let dir = repo();
    keyhound()
        .current_dir(dir.path())
        .arg("install-hook")
        .assert()
        .code(0)
        .stderr(contains("installed").and(contains("pre-commit")));
    let hook = dir.path().join(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(
        text.starts_with("#!/bin/sh") && text.contains("scan --staged"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }

    write(dir.path(), "README.md", "hello\n");
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = commit_with_hook(dir.path(), "clean");
    assert!(ok, "a clean commit passes: {out}");

    let key = openai_key("hook");
    write(
        dir.path(),
        "src/client.py",
        format!("import openai\n\nclient = openai.OpenAI(api_key=\"{key}\")\n"),
    );
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = commit_with_hook(dir.path(), "add client");
    assert!(!ok, "the commit must be blocked: {out}");
    assert!(
        out.contains("src/client.py") && out.contains("3:"),
        "file and line: {out}"
    );
    assert!(out.contains("OpenAI"), "which key: {out}");
    assert!(out.contains("keyhound:allow"), "how to allow: {out}");
    assert!(!out.contains(&key), "redacted: {out}");

    // Allowed inline, it goes through.
    write(
        dir.path(),
        "src/client.py",
        format!("import openai\n\nclient = openai.OpenAI(api_key=\"{key}\")  # keyhound:allow\n"),
    );
    git(dir.path(), &["add", "-A"]);
    let (ok, out) = commit_with_hook(dir.path(), "add client");
    assert!(ok, "{out}");
}

#[test]
fn refuses_to_overwrite_a_foreign_hook_without_force() {
    let dir = repo();
    let hook = write(
        dir.path(),
        ".git/hooks/pre-commit",
        "#!/bin/sh\necho mine\n",
    );
    keyhound()
        .current_dir(dir.path())
        .arg("install-hook")
        .assert()
        .code(2)
        .stderr(contains("already exists").and(contains("--force")));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );

    keyhound()
        .current_dir(dir.path())
        .args(["install-hook", "--force"])
        .assert()
        .code(0)
        .stderr(contains("pre-commit.keyhound-backup"));
    assert!(std::fs::read_to_string(&hook)
        .unwrap()
        .contains("keyhound pre-commit hook"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".git/hooks/pre-commit.keyhound-backup")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    // Our own hook may be rewritten without --force.
    keyhound()
        .current_dir(dir.path())
        .arg("install-hook")
        .assert()
        .code(0)
        .stderr(contains("updated"));
}

#[test]
fn respects_core_hooks_path_and_subdirectories() {
    let dir = repo();
    git(dir.path(), &["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir_all(dir.path().join("deep/er")).unwrap();
    keyhound()
        .current_dir(dir.path().join("deep/er"))
        .arg("install-hook")
        .assert()
        .code(0);
    assert!(dir.path().join(".githooks/pre-commit").is_file());
    assert!(!dir.path().join(".git/hooks/pre-commit").exists());
}

#[test]
fn outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    keyhound()
        .current_dir(dir.path())
        .arg("install-hook")
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .assert()
        .code(2)
        .stderr(contains("not inside a git repository"));
}
