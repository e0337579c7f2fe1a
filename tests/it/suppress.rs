//! Inline allow comments, --no-inline-allow, --fail-on, --exit-zero and --strict, end to end.

use crate::common;
use common::*;

fn paths(report: &serde_json::Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap(), f["line"]))
        .collect()
}

#[test]
fn inline_allow_comments_suppress_their_line_only() {
    let dir = tempfile::tempdir().unwrap();
    let k = |s: &str| openai_key(s);
    let text = format!(
        "a = \"{}\"  # keyhound:allow\n\
         # keyhound:allow-next-line\n\
         b = \"{}\"\n\
         c = \"{}\"  // gitleaks:allow\n\
         d = \"{}\"  # pragma: allowlist secret\n\
         e = \"{}\"  # keyhound:allow-next-line\n\
         f = \"{}\"\n",
        k("a"),
        k("b"),
        k("c"),
        k("d"),
        k("e"),
        k("f")
    );
    write(dir.path(), "app.py", &text);
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    // e's marker is about the next line (f), so e is reported and f is not.
    assert_eq!(paths(&report), ["app.py:6"]);
    assert_eq!(code, 1);

    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--no-inline-allow"]);
    assert_eq!(findings(&report).len(), 6, "{report}");
    assert_eq!(code, 1);
}

#[test]
fn a_comment_two_lines_up_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config.sh",
        format!(
            "# keyhound:allow-next-line\n\nOPENAI_API_KEY={}\n",
            openai_key("x")
        ),
    );
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(paths(&report), ["config.sh:3"]);
    assert_eq!(code, 1);
}

#[test]
fn human_report_says_how_to_fix_or_allow() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config.js",
        format!("const key = '{}';\n", openai_key("h")),
    );
    let out = keyhound()
        .current_dir(dir.path())
        .args(["scan", ".", "--no-history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("config.js") && stdout.contains("1:"),
        "{stdout}"
    );
    assert!(
        stderr.contains("keyhound:allow") && stderr.contains("baseline"),
        "{stderr}"
    );
    assert!(
        !stdout.contains(&openai_key("h")),
        "the key must be redacted"
    );
}

fn severities_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // A shell file, not an env file: only the key's finding, no hygiene findings.
    write(
        dir.path(),
        "a.sh",
        format!("export OPENAI_API_KEY={}\n", openai_key("sev")),
    );
    dir
}

#[test]
fn fail_on_sets_the_exit_threshold_but_still_reports() {
    let dir = severities_fixture();
    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--fail-on", "critical"]);
    assert_eq!(code, 1);
    let sev = findings(&report)[0]["severity"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sev, "critical");

    // Lower the rule's severity with a config file: now below the threshold, still reported.
    write(
        dir.path(),
        ".keyhound.toml",
        "[severity]\nopenai-project-key = \"medium\"\n",
    );
    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--fail-on", "high"]);
    assert_eq!(code, 0);
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(findings(&report)[0]["severity"], "medium");
    let (code, _, _) = scan_json(dir.path(), &["--no-history", "--fail-on", "medium"]);
    assert_eq!(code, 1);

    keyhound()
        .current_dir(dir.path())
        .args(["scan", ".", "--fail-on", "urgent"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown severity"));
}

#[test]
fn exit_zero_reports_but_exits_zero() {
    let dir = severities_fixture();
    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--exit-zero"]);
    assert_eq!(code, 0);
    assert_eq!(findings(&report).len(), 1);
}

#[test]
fn strict_turns_warnings_into_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.zip",
        b"PK\x03\x04 not really a zip archive",
    );
    let (code, _, stderr) = scan_json(dir.path(), &["--no-history", "--strict"]);
    assert!(
        stderr.contains("warning") && stderr.contains("broken.zip"),
        "{stderr}"
    );
    assert_eq!(code, 2);
    let (code, _, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(code, 0);
    // --strict wins over --exit-zero: the scan did not read everything.
    let (code, _, _) = scan_json(dir.path(), &["--no-history", "--strict", "--exit-zero"]);
    assert_eq!(code, 2);
}
