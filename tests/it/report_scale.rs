//! The human report at scale: most severe first (then by path), `--min-severity` as a display
//! filter separate from `--fail-on`, each remediation once, no "To fix" footer when nothing is
//! shown, and singular/plural and a/an right. JSON keeps every finding's remediation.

use crate::common;
use common::*;

/// A tree with findings of three severities across files whose names sort against severity.
fn tree(dir: &std::path::Path) {
    // critical (Anthropic), three times, in files that sort last.
    for i in 0..3 {
        write(
            dir,
            &format!("z/service{i}.py"),
            format!(
                "ANTHROPIC_API_KEY = \"{}\"\n",
                fake("sk-ant-api03-{urlsafe:93}AA", &format!("ant{i}"))
            ),
        );
    }
    // low (Stripe test key), in a file that sorts first.
    write(
        dir,
        "a/billing.cfg",
        format!("STRIPE_KEY={}\n", fake("sk_test_{alnum:24}", "stripe")),
    );
    // high (Groq), in the middle.
    write(
        dir,
        "m/llm.ts",
        format!("const groq = '{}';\n", fake("gsk_{alnum:52}", "groq")),
    );
}

fn human(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = keyhound()
        .current_dir(dir)
        .args(["scan", "--no-history"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn most_severe_first_then_by_path() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (code, out, _) = human(dir.path(), &[]);
    assert_eq!(code, 1);
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} not in:\n{out}"));
    assert!(pos("z/service0.py") < pos("z/service1.py"));
    assert!(pos("z/service2.py") < pos("m/llm.ts"), "{out}");
    assert!(pos("m/llm.ts") < pos("a/billing.cfg"), "{out}");
}

#[test]
fn each_remediation_is_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (_, out, _) = human(dir.path(), &[]);
    let arrows = out.matches("→ ").count();
    assert_eq!(arrows, 3, "one per rule (anthropic, groq, stripe):\n{out}");
    // Under the first finding of its rule.
    let first = out.find("z/service0.py").unwrap();
    let arrow = out.find("→ ").unwrap();
    assert!(
        first < arrow && arrow < out.find("z/service1.py").unwrap(),
        "{out}"
    );
    // JSON keeps it on every finding.
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let all = findings(&report);
    assert_eq!(all.len(), 5);
    assert!(all
        .iter()
        .all(|f| f["remediation"].as_str().is_some_and(|r| r.len() > 20)));
}

#[test]
fn min_severity_hides_without_changing_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (code, out, _) = human(dir.path(), &["--min-severity", "critical"]);
    assert_eq!(code, 1);
    assert!(
        !out.contains("m/llm.ts") && !out.contains("a/billing.cfg"),
        "{out}"
    );
    assert!(out.contains("3 secrets"), "{out}");
    assert!(
        out.contains("2 findings below --min-severity critical not shown"),
        "{out}"
    );
    // The exit code follows --fail-on, over every finding, shown or not.
    let (code, _, _) = human(
        dir.path(),
        &["--min-severity", "critical", "--fail-on", "low"],
    );
    assert_eq!(code, 1);
    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--min-severity", "high"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 4);
    assert_eq!(report["summary"]["hidden_below_min_severity"], 1);
    // Everything hidden: no findings listed, no "To fix" footer, the exit code unchanged.
    let only_low = tempfile::tempdir().unwrap();
    write(
        only_low.path(),
        "a.cfg",
        format!("STRIPE_KEY={}\n", fake("sk_test_{alnum:24}", "s2")),
    );
    let (code, out, err) = human(only_low.path(), &["--min-severity", "high"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("no findings at or above high, 1 finding below --min-severity high not shown"),
        "{out}"
    );
    assert!(!err.contains("To fix"), "{err}");
}

#[test]
fn no_footer_and_singular_counts_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing to see\n");
    let (code, out, err) = human(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("no secrets found; scanned 1 file ("), "{out}");
    assert!(!err.contains("To fix") && !out.contains("To fix"), "{err}");
    // With findings the footer is there.
    let dirty = tempfile::tempdir().unwrap();
    tree(dirty.path());
    let (_, _, err) = human(dirty.path(), &[]);
    assert!(err.contains("To fix"), "{err}");
}

#[test]
fn doctor_says_an_for_anthropic() {
    let dir = tempfile::tempdir().unwrap();
    let key = fake("sk-ant-api03-{urlsafe:93}AA", "doctor");
    write(dir.path(), ".env", format!("OPENAI_API_KEY={key}\n"));
    let out = keyhound()
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .args(["doctor", "--offline"])
        .output()
        .unwrap();
    let text = printed(&out);
    assert!(text.contains("is an Anthropic"), "{text}");
    assert!(!text.contains("is a Anthropic"), "{text}");
}
