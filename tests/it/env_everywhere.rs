//! `dotenv-tracked` in the modes that scan the index or commits instead of a working tree:
//! the pre-commit scan (`--staged`) blocks a staged `.env` and lets templates pass, a `--range`
//! reports the `.env` its commits added, and bare and `.git` targets report committed env files.

use crate::common;
use common::*;

fn dotenv_findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["rule_id"] == "dotenv-tracked")
        .collect()
}

#[test]
fn a_staged_env_file_blocks_the_commit_and_a_template_passes() {
    let dir = repo();
    let d = dir.path();
    write(d, "README.md", "# app\n");
    commit_all(d, "init");

    write(d, ".env.example", "OPENAI_API_KEY=\nDATABASE_URL=\n");
    git(d, &["add", ".env.example"]);
    let (code, report, err) = scan_json(d, &["--staged"]);
    assert_eq!(code, 0, "a template is allowed: {report}\n{err}");

    write(
        d,
        ".env",
        format!("OPENAI_API_KEY={}\nDEBUG=1\n", openai_key("staged-env")),
    );
    git(d, &["add", ".env"]);
    let (code, report, _) = scan_json(d, &["--staged"]);
    assert_eq!(code, 1, "{report}");
    let env = dotenv_findings(&report);
    assert_eq!(env.len(), 1, "{report}");
    assert_eq!(env[0]["path"], ".env");
    assert_eq!(env[0]["origin"], "staged");
    assert_eq!(env[0]["severity"], "critical", "a key is inside");
    let fix = env[0]["remediation"].as_str().unwrap();
    assert!(fix.contains("git rm --cached .env"), "{fix}");
    assert!(fix.contains(".gitignore"), "{fix}");

    // The human report the hook prints says the same.
    let out = keyhound()
        .current_dir(d)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("git rm --cached .env"), "{text}");
}

#[test]
fn an_env_file_renamed_into_place_is_blocked_even_without_new_lines() {
    let dir = repo();
    let d = dir.path();
    write(d, "config/app.env.sample", "PORT=3000\n");
    commit_all(d, "template");
    git(d, &["mv", "config/app.env.sample", "config/app.env"]);
    let (code, report, _) = scan_json(d, &["--staged"]);
    assert_eq!(code, 1, "{report}");
    let env = dotenv_findings(&report);
    assert_eq!(env.len(), 1, "{report}");
    assert_eq!(env[0]["path"], "config/app.env");
    assert_eq!(env[0]["severity"], "high");
}

#[test]
fn a_range_that_adds_an_env_file_reports_it() {
    let dir = repo();
    let d = dir.path();
    write(d, "README.md", "# app\n");
    let c1 = commit_all(d, "init");
    write(d, ".env", "DEBUG=1\nSECRET_TOKEN_NAME=x\n");
    let c2 = commit_all(d, "add env");
    write(d, "README.md", "# app\nmore\n");
    let c3 = commit_all(d, "docs");

    let (code, report, _) = scan_json(d, &["--range", &format!("{c1}..{c3}")]);
    assert_eq!(code, 1, "{report}");
    let env = dotenv_findings(&report);
    assert_eq!(env.len(), 1, "{report}");
    assert_eq!(env[0]["path"], ".env");
    assert_eq!(env[0]["commit"], c2.as_str());
    assert!(
        env[0]["remediation"]
            .as_str()
            .unwrap()
            .contains("git rm --cached .env"),
        "{report}"
    );

    // A range after the commit that added it: not this range's doing.
    let (code, report, _) = scan_json(d, &["--range", &format!("{c2}..{c3}")]);
    assert_eq!(code, 0, "{report}");
    // --history-only sees it too.
    let (_, report, _) = scan_json(d, &["--history-only"]);
    assert_eq!(dotenv_findings(&report).len(), 1, "{report}");
}

#[test]
fn bare_and_dot_git_targets_report_committed_env_files() {
    let dir = repo();
    let d = dir.path();
    write(d, "README.md", "# app\n");
    write(d, "api/.env.production", "LOG_LEVEL=info\n");
    commit_all(d, "init");
    let (outer, bare) = bare_clone(d, "app.git");
    for target in [bare.clone(), d.join(".git")] {
        let (code, report, err) = scan_json(outer.path(), &[target.to_str().unwrap()]);
        assert_eq!(code, 1, "{}: {report}\n{err}", target.display());
        let env = dotenv_findings(&report);
        assert_eq!(env.len(), 1, "{report}");
        assert_eq!(env[0]["path"], "api/.env.production");
        assert_eq!(env[0]["origin"], "commit");
    }
}
