//! `keyhound baseline create` and `keyhound scan --baseline`.

use crate::common;
use common::*;
use predicates::prelude::*;
use predicates::str::contains;

fn create(dir: &std::path::Path, extra: &[&str]) -> String {
    keyhound()
        .current_dir(dir)
        .args(["baseline", "create", "."])
        .args(extra)
        .assert()
        .code(0)
        .stderr(contains("keyhound: wrote"));
    std::fs::read_to_string(dir.join(".keyhound-baseline.json")).unwrap()
}

#[test]
fn baseline_hides_known_findings_and_reports_new_ones() {
    let dir = repo();
    let (k1, k2) = (openai_key("b1"), openai_key("b2"));
    write(dir.path(), "app/settings.py", format!("KEY = '{k1}'\n"));
    // A template name: a committed real env file would add dotenv-tracked findings.
    write(dir.path(), ".env.example", format!("OPENAI_API_KEY={k2}\n"));
    commit_all(dir.path(), "keys");
    let text = create(dir.path(), &[]);

    // Holds fingerprints, rule ids, paths and redacted secrets; never a secret.
    assert!(!text.contains(&k1) && !text.contains(&k2), "{text}");
    assert!(
        text.contains("\"rule_id\":\"openai-project-key\"") && text.contains("app/settings.py"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = v["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["path"], ".env.example", "sorted by path");
    assert!(entries[0]["secret"].as_str().unwrap().contains('…'));
    assert!(
        !text.contains("date") && !text.contains("\"line\""),
        "no timestamps, no line numbers"
    );

    let (code, report, stderr) = scan_json(
        dir.path(),
        &["--no-history", "--baseline", ".keyhound-baseline.json"],
    );
    assert!(findings(&report).is_empty(), "{report}");
    assert_eq!(code, 0);
    assert!(
        stderr.contains("baseline .keyhound-baseline.json applied: 2 findings hidden by it"),
        "{stderr}"
    );
    // The baseline file itself is not a finding (--no-baseline: it would be used on its own).
    let (_, report, _) = scan_json(dir.path(), &["--no-history", "--no-baseline"]);
    assert_eq!(findings(&report).len(), 2);

    // Moving the key to another line keeps it baselined.
    write(
        dir.path(),
        "app/settings.py",
        format!("# settings\n\nDEBUG = True\nKEY = '{k1}'\n"),
    );
    let (code, report, _) = scan_json(
        dir.path(),
        &["--no-history", "--baseline", ".keyhound-baseline.json"],
    );
    assert!(findings(&report).is_empty(), "{report}");
    assert_eq!(code, 0);

    // A different secret on the same line is new.
    let k3 = openai_key("b3");
    write(
        dir.path(),
        "app/settings.py",
        format!("# settings\n\nDEBUG = True\nKEY = '{k3}'\n"),
    );
    let (code, report, _) = scan_json(
        dir.path(),
        &["--no-history", "--baseline", ".keyhound-baseline.json"],
    );
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(findings(&report)[0]["line"], 4);
    assert_eq!(code, 1);

    // The same secret in another file is new too.
    write(dir.path(), "app/settings.py", format!("KEY = '{k1}'\n"));
    write(dir.path(), "copy.py", format!("KEY = '{k1}'\n"));
    let (_, report, _) = scan_json(
        dir.path(),
        &["--no-history", "--baseline", ".keyhound-baseline.json"],
    );
    let paths: Vec<_> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["copy.py"]);
}

#[test]
fn baseline_is_stable_and_diff_friendly() {
    let dir = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(dir.path(), ".gitignore", "*.env\n");
    for i in 0..5 {
        write(
            dir.path(),
            &format!("f{i}.env"),
            format!("OPENAI_API_KEY={}\n", openai_key(&format!("s{i}"))),
        );
    }
    let first = create(dir.path(), &["--no-history"]);
    let second = create(dir.path(), &["--no-history"]);
    assert_eq!(first, second, "same findings, same bytes");
    // One entry per line, so a new finding is a one-line diff.
    assert_eq!(
        first.lines().filter(|l| l.contains("fingerprint")).count(),
        5
    );
    write(
        dir.path(),
        "f2b.env",
        format!("OPENAI_API_KEY={}\n", openai_key("s9")),
    );
    let third = create(dir.path(), &["--no-history"]);
    let added: Vec<_> = third.lines().filter(|l| !first.contains(*l)).collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].contains("f2b.env"));
}

#[test]
fn custom_output_config_and_baseline_from_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        format!("OPENAI_API_KEY={}\n", openai_key("c1")),
    );
    keyhound()
        .current_dir(dir.path())
        .args([
            "baseline",
            "create",
            ".",
            "--no-history",
            "-o",
            "ci/known.json",
        ])
        .assert()
        .code(2)
        .stderr(contains("ci/known.json"));
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    keyhound()
        .current_dir(dir.path())
        .args([
            "baseline",
            "create",
            ".",
            "--no-history",
            "-o",
            "ci/known.json",
        ])
        .assert()
        .code(0);
    // [scan] baseline in .keyhound.toml, relative to the config file.
    write(
        dir.path(),
        ".keyhound.toml",
        "[scan]\nbaseline = \"ci/known.json\"\n",
    );
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert!(findings(&report).is_empty(), "{report}");
    assert_eq!(code, 0);
    // ... and `baseline create` ignores it (it records everything current).
    let text = create(dir.path(), &["--no-history"]);
    assert!(text.contains("a.env"));
}

#[test]
fn bad_or_missing_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    keyhound()
        .current_dir(dir.path())
        .args(["scan", ".", "--baseline", "nope.json"])
        .assert()
        .code(2)
        .stderr(contains("nope.json"));
    write(dir.path(), "bad.json", "{\n  \"findings\": [1,\n");
    keyhound()
        .current_dir(dir.path())
        .args(["scan", ".", "--baseline", "bad.json"])
        .assert()
        .code(2)
        .stderr(contains("bad.json:").and(contains("not a keyhound baseline")));
}

#[test]
fn baseline_applies_to_history_findings() {
    let dir = repo();
    let k = openai_key("h1");
    write(dir.path(), "old.env", format!("OPENAI_API_KEY={k}\n"));
    commit_all(dir.path(), "add");
    std::fs::remove_file(dir.path().join("old.env")).unwrap();
    commit_all(dir.path(), "remove");
    create(dir.path(), &[]);
    let (_, report, _) = scan_json(dir.path(), &["--baseline", ".keyhound-baseline.json"]);
    assert!(findings(&report).is_empty(), "{report}");
}
