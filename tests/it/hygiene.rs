//! Repository hygiene checks end to end: committed, unignored and history-only env files, and
//! missing .gitignore rules, in real git repositories and in plain directories.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// `keyhound scan` as JSON with HOME pointing into the test dir, so the developer's own global
/// git config and excludes file play no part.
fn scan(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = keyhound()
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).expect("JSON report");
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn human(dir: &Path, args: &[&str]) -> String {
    let out = keyhound()
        .current_dir(dir)
        .env("HOME", dir)
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn of_rule(report: &Value, rule: &str) -> Vec<Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

fn one(report: &Value, rule: &str, path: &str) -> Value {
    let all: Vec<Value> = of_rule(report, rule)
        .into_iter()
        .filter(|f| f["path"] == path)
        .collect();
    assert_eq!(
        all.len(),
        1,
        "expected one {rule} at {path}, got {all:#?}\nreport: {report:#}"
    );
    all[0].clone()
}

#[test]
fn committed_env_file_with_a_key_is_critical_and_names_the_commit() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        ".env",
        format!("OPENAI_API_KEY={}\n", openai_key("hyg-1")),
    );
    write(
        d,
        "config/prod.env",
        "DATABASE_URL=postgres://app:hunter2@db/app\n",
    );
    write(d, ".env.example", "OPENAI_API_KEY=\n");
    write(d, "README.md", "hello\n");
    let sha = commit_all(d, "initial import");

    let (code, r, _) = scan(d, &[]);
    assert_eq!(code, 1);
    let env = one(&r, "dotenv-tracked", ".env");
    assert_eq!(env["severity"], "critical");
    assert_eq!(env["line"], 1);
    assert_eq!(env["commit"], sha.as_str());
    assert_eq!(env["commit_summary"], "initial import");
    assert!(env["secret_redacted"].is_null());
    assert!(
        env["message"].as_str().unwrap().contains("including 1 key"),
        "{env}"
    );
    assert!(env["remediation"]
        .as_str()
        .unwrap()
        .contains("git rm --cached .env"));
    // No key inside: still reported, one step lower.
    let prod = one(&r, "dotenv-tracked", "config/prod.env");
    assert_eq!(prod["severity"], "high");
    // Templates are not env files.
    assert!(findings(&r).iter().all(|f| f["path"] != ".env.example"));
    // No .gitignore at all: each committed file's finding says to create one at the
    // repository root, with the same lines for both (one finding per problem: no separate
    // `gitignore-missing` for files that already have a finding of their own).
    assert!(of_rule(&r, "gitignore-missing").is_empty(), "{r:#}");
    for f in [&env, &prod] {
        let rem = f["remediation"].as_str().unwrap();
        assert!(
            rem.contains("create .gitignore with `.env`, `.env.*`, `*.env`, `!.env.example`"),
            "{rem}"
        );
        assert!(
            f["notes"]
                .to_string()
                .contains("this repository has no .gitignore"),
            "{f}"
        );
    }
    assert_eq!(r["summary"]["counts"]["dotenv_tracked"], 2);
    assert_eq!(r["summary"]["counts"]["gitignore_missing"], 0);
    assert_eq!(r["summary"]["counts"]["secrets"], 1);

    let text = human(d, &[]);
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("1 secret, 2 .env files committed;"),
        "{last}"
    );
}

#[test]
fn env_file_removed_later_is_still_reported_from_history() {
    let dir = repo();
    let d = dir.path();
    write(d, "src/main.py", "print('hi')\n");
    write(d, ".env", "SECRET=x\n");
    let first = commit_all(d, "add env");
    git(d, &["rm", "-q", "--cached", ".env"]);
    write(d, ".gitignore", ".env\n");
    commit_all(d, "stop tracking .env");

    let (_, r, _) = scan(d, &[]);
    let f = one(&r, "dotenv-tracked", ".env");
    assert_eq!(f["commit"], first.as_str());
    assert_eq!(f["history_only"], true);
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("still in git history"));
    assert!(f["remediation"]
        .as_str()
        .unwrap()
        .contains("git filter-repo --invert-paths --path .env"));
    // The file on disk is ignored now: nothing else to say.
    assert!(of_rule(&r, "dotenv-not-ignored").is_empty());
    assert!(of_rule(&r, "gitignore-missing").is_empty());

    // --no-history: the history-only finding goes.
    let (code, r, _) = scan(d, &["--no-history"]);
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn untracked_env_file_without_an_ignore_rule() {
    let dir = repo();
    let d = dir.path();
    write(d, ".gitignore", "node_modules/\n");
    write(d, "index.js", "console.log(1)\n");
    commit_all(d, "init");
    write(
        d,
        ".env.local",
        format!("OPENAI_API_KEY={}\n", openai_key("hyg-2")),
    );

    let (code, r, _) = scan(d, &[]);
    assert_eq!(code, 1);
    let f = one(&r, "dotenv-not-ignored", ".env.local");
    assert_eq!(f["severity"], "high");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("the next `git add .` commits it"));
    let rem = f["remediation"].as_str().unwrap();
    assert!(
        rem.starts_with("Add these lines to .gitignore: `.env`, `.env.*`, `!.env.example`"),
        "{rem}"
    );
    assert!(of_rule(&r, "gitignore-missing").is_empty(), "{r:#}");
    assert!(of_rule(&r, "dotenv-tracked").is_empty());

    // The fix the message gives works: nothing left but the key itself.
    write(
        d,
        ".gitignore",
        "node_modules/\n.env\n.env.*\n!.env.example\n",
    );
    let (_, r, _) = scan(d, &["--no-ignore"]);
    assert_eq!(rule_ids(&r), vec!["openai-project-key"], "{r:#}");
}

#[test]
fn nested_gitignores_with_negations_follow_git() {
    let dir = repo();
    let d = dir.path();
    write(d, ".gitignore", ".env*\n!.env.example\n");
    write(d, "api/.env", "A=1\n");
    write(d, "web/.gitignore", "!.env.local\n");
    write(d, "web/.env.local", "B=2\n");
    write(d, "web/.env.production", "C=3\n");
    write(d, "web/.env.example", "B=\n");
    write(d, "web/app.js", "x()\n");
    commit_all(d, "init");
    // .env.local is re-included by web/.gitignore, so `git add -A` committed it.
    let tracked = git(d, &["ls-files"]);
    assert!(
        tracked.contains("web/.env.local") && !tracked.contains("api/.env"),
        "{tracked}"
    );
    git(d, &["rm", "-q", "--cached", "web/.env.local"]);
    git(d, &["commit", "-q", "-m", "untrack"]);

    let (_, r, _) = scan(d, &["--no-history"]);
    let f = one(&r, "dotenv-not-ignored", "web/.env.local");
    assert_eq!(f["severity"], "medium");
    assert!(of_rule(&r, "dotenv-not-ignored").len() == 1, "{r:#}");
    let notes = f["notes"].to_string();
    assert!(
        notes.contains("re-included by `!.env.local` in web/.gitignore"),
        "{notes}"
    );
    assert!(
        f["remediation"]
            .as_str()
            .unwrap()
            .contains("Remove the negation `!.env.local` from web/.gitignore"),
        "{f}"
    );
    assert!(of_rule(&r, "gitignore-missing").is_empty(), "{r:#}");
}

#[test]
fn info_exclude_and_core_excludes_file_count_as_ignored() {
    let dir = repo();
    let d = dir.path();
    write(d, "main.go", "package main\n");
    commit_all(d, "init");
    write(d, ".git/info/exclude", ".env\n");
    write(d, ".env", "A=1\n");
    write(d, "svc/.env.staging", "B=1\n");
    write(d, "my-excludes", ".env.staging\n");
    git(
        d,
        &[
            "config",
            "core.excludesFile",
            d.join("my-excludes").to_str().unwrap(),
        ],
    );

    let (_, r, _) = scan(d, &[]);
    assert!(of_rule(&r, "dotenv-not-ignored").is_empty(), "{r:#}");
    // Ignored on this machine only: the repository still lacks a shared rule.
    let gi = one(&r, "gitignore-missing", ".gitignore");
    assert!(
        gi["notes"]
            .to_string()
            .contains("ignored only by this machine"),
        "{gi}"
    );

    // Without the excludes, git's own semantics say not ignored.
    std::fs::write(d.join(".git/info/exclude"), "").unwrap();
    let (_, r, _) = scan(d, &[]);
    one(&r, "dotenv-not-ignored", ".env");
    assert_eq!(of_rule(&r, "dotenv-not-ignored").len(), 1);
}

#[test]
fn committed_defaults_files_are_not_findings() {
    // What frameworks tell users to commit (Vite's `.env.[mode]`, Next.js's `.env`), test
    // files of fake values, templates with empty values: nothing in them to rotate.
    let dir = repo();
    let d = dir.path();
    write(d, ".gitignore", ".env.local\n");
    write(
        d,
        ".env.production",
        "MODE=production\nVITE_APP_API_URL=https://api.example.org/v2/\nVITE_APP_ENABLE_PWA=false\n",
    );
    write(
        d,
        ".env.test",
        "OPENAI_API_KEY=fake-api-key\nAWS_SECRET_ACCESS_KEY=fake-aws-secret-key\nDB_URL=mysql://fake:fake@localhost:3306/fake\n",
    );
    write(
        d,
        ".env",
        "# Use .env.local to change these\nOPENAI_API_KEY=#your provider API key\nOPENID_CLIENT_SECRET=\nMONGODB_URL=mongodb://localhost:27017/\n",
    );
    commit_all(d, "defaults");
    let (code, r, _) = scan(d, &["--no-history"]);
    assert_eq!(code, 0, "{r:#}");

    // The same file once it holds a real value: reported.
    write(
        d,
        ".env.test",
        format!(
            "OPENAI_API_KEY=fake-api-key\nDB_PASSWORD={}\n",
            fake("{alnum:12}", "hyg-defaults")
        ),
    );
    commit_all(d, "a password");
    let (code, r, _) = scan(d, &["--no-history"]);
    assert_eq!(code, 1);
    one(&r, "dotenv-tracked", ".env.test");
    assert_eq!(of_rule(&r, "dotenv-tracked").len(), 1, "{r:#}");
}

#[test]
fn staged_env_file_counts_as_tracked() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        ".env.production",
        format!("SESSION_SECRET={}\n", fake("{alnum:12}", "hyg-staged")),
    );
    git(d, &["add", ".env.production"]);
    let (_, r, _) = scan(d, &[]);
    let f = one(&r, "dotenv-tracked", ".env.production");
    assert!(
        f["message"].as_str().unwrap().contains("in the index"),
        "{f}"
    );
}

#[test]
fn plain_directories_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "proj/.env", "A=1\n");
    write(d, "proj/main.py", "print(1)\n");
    let (code, r, _) = scan(d, &[]);
    assert_eq!(code, 1);
    let f = one(&r, "dotenv-not-ignored", "proj/.env");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("not covered by any .gitignore"));
    assert!(
        f["remediation"]
            .as_str()
            .unwrap()
            .starts_with("Create proj/.gitignore with `.env`"),
        "{f}"
    );
    assert!(
        f["notes"]
            .to_string()
            .contains("this directory has no .gitignore"),
        "{f}"
    );
    assert!(of_rule(&r, "gitignore-missing").is_empty(), "{r:#}");

    // A .gitignore above it (up to the scan root) that covers it: clean.
    write(d, ".gitignore", "*.log\n.env\n");
    let (code, r, _) = scan(d, &[]);
    assert_eq!(code, 0, "{r:#}");
    // ...unless a deeper one re-includes it.
    write(d, "proj/.gitignore", "!.env\n");
    let (_, r, _) = scan(d, &[]);
    one(&r, "dotenv-not-ignored", "proj/.env");
}

#[test]
fn checks_are_listed_and_rendered_in_every_format() {
    let out = keyhound().args(["rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "dotenv-tracked",
        "dotenv-not-ignored",
        "gitignore-missing",
        "client-exposed-env",
        "browser-sdk-client",
    ] {
        assert!(text.contains(id), "{id} not listed:\n{text}");
    }
    let out = keyhound()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "dotenv-tracked")
        .unwrap();
    assert_eq!(check["kind"], "check");
    assert!(!check["remediation"].as_str().unwrap().is_empty());

    let dir = repo();
    write(
        dir.path(),
        ".env",
        format!("DB_PASSWORD={}\n", fake("{alnum:12}", "hyg-sarif")),
    );
    commit_all(dir.path(), "init");
    // Ignored only by this clone's excludes: the one case `gitignore-missing` is left for.
    write(dir.path(), ".git/info/exclude", ".env.local\n");
    write(dir.path(), ".env.local", "B=1\n");
    let out = keyhound()
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .args(["scan", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&sarif);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].to_string();
    assert!(
        rules.contains("dotenv-tracked") && rules.contains("gitignore-missing"),
        "{rules}"
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "dotenv-tracked"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".env"));
    let text = human(dir.path(), &[]);
    assert!(
        text.contains("rule dotenv-tracked") && text.contains("git rm --cached .env"),
        "{text}"
    );
}
