//! `keyhound rules check [FILE...]` through the real binary: the built-in rules pass, a user's
//! good rule file passes, a failing example exits 1 with a message naming the rule and the
//! example, and a broken rule is an error (exit 2).

use crate::common;

use common::{keyhound, printed, write};

const RULE: &str = r#"
[[rules]]
id = "acme-api-key"
name = "Acme API key"
provider = "acme"
severity = "high"
keywords = ["acme_live_"]
regex = '''(?:^|[^A-Za-z0-9_-])(acme_live_[A-Za-z0-9]{32})(?:[^A-Za-z0-9_-]|$)'''
min_entropy = 3.5
remediation = "Revoke the key in the Acme console and load it from the environment."
examples = ['ACME_KEY=acme_live_{alnum:32}']
negative_examples = ['ACME_KEY=acme_live_...']
"#;

#[test]
fn the_builtin_rules_pass() {
    let out = keyhound()
        .args(["rules", "check", "--seeds", "2"])
        .output()
        .unwrap();
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("ok: ") && text.contains("built-in rules"),
        "{text}"
    );
}

#[test]
fn a_good_custom_rule_file_passes_and_a_keyhound_toml_is_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "acme.toml", RULE);
    let out = keyhound()
        .args(["rules", "check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert!(
        printed(&out).contains("ok: 1 rule(s) in 1 file(s), 12 examples"),
        "{}",
        printed(&out)
    );

    let cfg = write(
        dir.path(),
        ".keyhound.toml",
        format!("disabled_rules = [\"fireworks-api-key\"]\n\n[allowlist]\npaths = [\"vendor/\"]\n{RULE}"),
    );
    let out = keyhound()
        .args(["rules", "check"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
}

#[test]
fn a_failing_example_exits_1_and_names_the_rule_and_the_example() {
    let dir = tempfile::tempdir().unwrap();
    // Example 1 is one character short; the negative is a real-looking key.
    let bad = RULE
        .replace(
            "examples = ['ACME_KEY=acme_live_{alnum:32}']",
            "examples = ['ACME_KEY=acme_live_{alnum:32}', 'ACME_KEY=acme_live_{alnum:31}']",
        )
        .replace(
            "negative_examples = ['ACME_KEY=acme_live_...']",
            "negative_examples = ['const k = \"acme_live_{alnum:32}\"']",
        );
    let f = write(dir.path(), "acme.toml", bad);
    let out = keyhound()
        .args(["rules", "check", "--seeds", "3"])
        .arg(&f)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    assert!(
        err.contains("FAIL rule 'acme-api-key' example 1 (seed 0): is not found by any rule"),
        "{err}"
    );
    assert!(
        err.contains("FAIL rule 'acme-api-key' negative 0 (seed 0): must not match, but is reported as acme-api-key"),
        "{err}"
    );
    assert!(err.contains("6 failure(s)"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_broken_rule_or_a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "broken.toml",
        RULE.replace("(acme_live_[A-Za-z0-9]{32})", "(acme_live_[A-Za-z0-9]{32}"),
    );
    let out = keyhound()
        .args(["rules", "check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(
        printed(&out).contains("rule 'acme-api-key': invalid regex"),
        "{}",
        printed(&out)
    );

    let out = keyhound()
        .args(["rules", "check", "nope.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        printed(&out).contains("keyhound: error: nope.toml: "),
        "{}",
        printed(&out)
    );
}

#[test]
fn help_documents_the_check() {
    let out = keyhound()
        .args(["rules", "check", "--help"])
        .output()
        .unwrap();
    let text = printed(&out);
    assert!(
        text.contains("every example must be found as its own rule"),
        "{text}"
    );
    assert!(text.contains("Exit codes: 0"), "{text}");
}
