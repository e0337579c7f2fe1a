//! `.keyhound.toml`: discovery, --config, custom and disabled rules, allowlists, severity
//! overrides, [scan] defaults, and errors that name the file and line.

use crate::common;
use common::*;
use predicates::str::contains;

const ACME_RULE: &str = r#"
[[rules]]
id = "acme-token"
name = "Acme API token"
provider = "acme"
severity = "high"
keywords = ["acme_"]
regex = '''\b(acme_[a-z0-9]{24})\b'''
remediation = "Revoke it in the Acme console."
"#;

fn acme(seed: &str) -> String {
    fake("acme_{lower:24}", seed)
}

#[test]
fn custom_rule_from_the_scan_root_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".keyhound.toml", ACME_RULE);
    write(
        dir.path(),
        "src/main.rs",
        format!("let t = \"{}\";\n", acme("1")),
    );
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(rule_ids(&report), ["acme-token"]);
    assert_eq!(findings(&report)[0]["severity"], "high");
    assert_eq!(code, 1);
    // Run from elsewhere: the config of the scanned root still applies.
    let out = keyhound()
        .args(["scan", "--no-history", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("acme-token"));
}

#[test]
fn config_at_the_top_of_the_work_tree_applies_to_a_subdirectory_scan() {
    let dir = repo();
    write(dir.path(), ".keyhound.toml", ACME_RULE);
    write(dir.path(), "sub/a.txt", format!("{}\n", acme("2")));
    let (_, report, _) = scan_json(&dir.path().join("sub"), &["--no-history"]);
    assert_eq!(rule_ids(&report), ["acme-token"]);
}

#[test]
fn explicit_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = write(cfg_dir.path(), "policy.toml", ACME_RULE);
    write(dir.path(), "a.txt", format!("{}\n", acme("3")));
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert!(rule_ids(&report).is_empty());
    let (_, report, _) = scan_json(
        dir.path(),
        &["--no-history", "--config", cfg.to_str().unwrap()],
    );
    assert_eq!(rule_ids(&report), ["acme-token"]);
    keyhound()
        .current_dir(dir.path())
        .args(["scan", "--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(contains("missing.toml: config file not found"));
}

#[test]
fn disabled_rules_and_severity_overrides() {
    let dir = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(dir.path(), ".gitignore", "*.env\n");
    write(
        dir.path(),
        "a.env",
        format!("OPENAI_API_KEY={}\nT={}\n", openai_key("d"), acme("4")),
    );
    write(
        dir.path(),
        ".keyhound.toml",
        format!("disabled_rules = [\"openai-project-key\"]\n[severity]\nacme-token = \"low\"\n{ACME_RULE}"),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    // The disabled rule is gone (the generic rule may still see the assignment).
    let ids = rule_ids(&report);
    assert!(!ids.iter().any(|i| i == "openai-project-key"), "{ids:?}");
    let acme = findings(&report)
        .into_iter()
        .find(|f| f["rule_id"] == "acme-token")
        .expect("the custom rule fires");
    assert_eq!(acme["severity"], "low");
}

#[test]
fn allowlist_paths_regexes_stopwords() {
    let dir = tempfile::tempdir().unwrap();
    let (k1, k2, k3, k4) = (
        openai_key("p1"),
        openai_key("p2"),
        openai_key("p3"),
        openai_key("p4"),
    );
    write(dir.path(), "fixtures/keys.txt", format!("{k1}\n"));
    write(dir.path(), "src/snap.snap", format!("{k2}\n"));
    write(dir.path(), "src/a.py", format!("A = '{k3}'\nB = '{k4}'\n"));
    let tail = &k3[k3.len() - 12..];
    write(
        dir.path(),
        ".keyhound.toml",
        format!(
            "[allowlist]\npaths = [\"fixtures\", \"**/*.snap\"]\nregexes = ['{}$']\nstopwords = []\n",
            tail
        ),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let lines: Vec<_> = findings(&report)
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2], "{report}");

    // A stopword is a substring of the secret, case-insensitive.
    let word = k4[20..30].to_ascii_uppercase();
    write(
        dir.path(),
        ".keyhound.toml",
        format!("[allowlist]\nstopwords = [\"{word}\"]\n"),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(findings(&report).len(), 3);
}

#[test]
fn scan_defaults_apply_unless_the_command_line_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(dir.path(), ".gitignore", "*.env\n");
    write(
        dir.path(),
        "big.env",
        format!("OPENAI_API_KEY={}\n{}", openai_key("s"), "#".repeat(3000)),
    );
    write(
        dir.path(),
        ".keyhound.toml",
        "[scan]\nmax_file_size = \"1K\"\nfail_on = \"critical\"\n",
    );
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert!(
        findings(&report).is_empty(),
        "the file is over the configured size"
    );
    assert_eq!(code, 0);
    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--max-file-size", "1M"]);
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(code, 1);
    write(
        dir.path(),
        ".keyhound.toml",
        "[scan]\nmax_file_size = 1048576\n",
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(findings(&report).len(), 1);
}

fn config_error(toml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".keyhound.toml", toml);
    let out = keyhound()
        .current_dir(dir.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    err
}

#[test]
fn errors_name_file_and_line() {
    let e = config_error("[allowlist]\npaths = [\"a\"]\nregex = [\"b\"]\n");
    assert!(
        e.contains(".keyhound.toml:3:") && e.contains("regex"),
        "{e}"
    );

    let e = config_error("\n\n[allowlist]\nregexes = [\n  'ok',\n  '(unclosed',\n]\n");
    assert!(
        e.contains(".keyhound.toml:6: [allowlist] regexes: invalid regex"),
        "{e}"
    );

    let bad_rule = ACME_RULE.replace(r"\b(acme_[a-z0-9]{24})\b", "(acme_[a-z");
    let e = config_error(&format!("# my rules\n{bad_rule}"));
    assert!(
        e.contains(".keyhound.toml:3:") && e.contains("acme-token") && e.contains("regex"),
        "{e}"
    );

    let e = config_error(&ACME_RULE.replace(
        "remediation = \"Revoke it in the Acme console.\"",
        "remedy = \"x\"",
    ));
    assert!(e.contains(".keyhound.toml:") && e.contains("remedy"), "{e}");

    let e = config_error("disabled_rules = [\n  \"no-such-rule\",\n]\n");
    assert!(
        e.contains(".keyhound.toml:2:") && e.contains("no-such-rule"),
        "{e}"
    );

    let e = config_error("[severity]\nopenai-project-key = \"urgent\"\n");
    assert!(e.contains(".keyhound.toml:2:"), "{e}");

    let e = config_error("\n[severity]\nnope = \"low\"\n");
    assert!(
        e.contains(".keyhound.toml:3:") && e.contains("'nope'"),
        "{e}"
    );

    let e = config_error("[scan]\nmax_file_size = \"huge\"\n");
    assert!(
        e.contains(".keyhound.toml") && e.contains("max_file_size"),
        "{e}"
    );

    let e = config_error("[allowlist]\npaths = [\"src/[\"]\n");
    assert!(e.contains(".keyhound.toml:2:") && e.contains("glob"), "{e}");

    let e = config_error(&format!("{ACME_RULE}\n{ACME_RULE}"));
    assert!(e.contains("defined twice"), "{e}");
}
