//! The built-in rule set, rule by rule: every example template matches (and is reported as that
//! rule), no negative example produces any finding, every rule is documented, and one key of each
//! provider planted in files of different kinds is found by the real binary at the right place.

use crate::common;

use keyhound::engine::{Engine, ScanHints};
use keyhound::rules::{builtin_rules, Rule};
use keyhound::testkeys::{expand, seed_for};
use std::collections::BTreeMap;

/// Seeds per example template: enough to shake out length and alphabet edge cases.
const SEEDS: u64 = 12;

fn engine() -> Engine {
    let e = Engine::new(builtin_rules()).expect("built-in rules load");
    e.compile_all().expect("built-in rules compile");
    e
}

/// "rule-id: text -> [(rule-id, secret)]" for every finding, for failure messages.
fn describe(e: &Engine, text: &str) -> Vec<(String, String)> {
    e.scan(text.as_bytes(), ScanHints::default())
        .into_iter()
        .map(|m| (e.rules()[m.rule].id.clone(), m.secret))
        .collect()
}

/// The rules check (`keyhound rules check`, `keyhound::rulecheck`) on the built-in rules: every
/// example template, expanded with several seeds, is found and reported as its own rule and no
/// other, its secret is the key and not its surroundings, it holds one of the rule's keywords;
/// no negative example produces any finding; every rule has examples and negatives.
#[test]
fn every_builtin_rule_passes_the_rules_check() {
    let report = keyhound::rulecheck::check_builtin(SEEDS).expect("built-in rules load");
    assert!(report.rules > 100, "{} rules checked", report.rules);
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_is_documented_and_testable() {
    for rule in builtin_rules() {
        assert!(!rule.examples.is_empty(), "{} has no example", rule.id);
        assert!(
            !rule.negative_examples.is_empty(),
            "{} has no negative example",
            rule.id
        );
        assert!(
            rule.remediation.trim().len() > 20,
            "{} has no useful remediation",
            rule.id
        );
        assert!(!rule.keywords.is_empty(), "{} has no keywords", rule.id);
        for k in &rule.keywords {
            assert!(
                k.len() >= 3 || rule.generic,
                "{}: keyword {k:?} is too short to be distinctive",
                rule.id
            );
            assert!(
                !["key", "api", "sk-", "sk"].contains(&k.to_ascii_lowercase().as_str()),
                "{}: keyword {k:?}",
                rule.id
            );
        }
        if let Some(v) = &rule.verify {
            assert!(!v.is_empty(), "{}: empty verifier name", rule.id);
        }
    }
}

#[test]
fn provider_coverage() {
    let rules = builtin_rules();
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "openai-user-key",
        "openai-project-key",
        "openai-service-account-key",
        "openai-admin-key",
        "openai-none-key",
        "anthropic-api-key",
        "anthropic-admin-key",
        "google-api-key",
        "groq-api-key",
        "huggingface-token",
        "huggingface-org-token",
        "replicate-api-token",
        "openrouter-api-key",
        "xai-api-key",
        "perplexity-api-key",
        "deepseek-api-key",
        "mistral-api-key",
        "cohere-api-key",
        "together-api-key",
        "together-api-key-legacy",
        "fireworks-api-key",
        "cerebras-api-key",
        "nvidia-api-key",
        "elevenlabs-api-key",
        "elevenlabs-api-key-legacy",
        "azure-openai-api-key",
        "azure-ai-services-key",
        "aws-access-key-id",
        "aws-secret-access-key",
        "github-pat",
        "github-oauth-token",
        "github-user-to-server-token",
        "github-server-to-server-token",
        "github-refresh-token",
        "github-fine-grained-pat",
        "gitlab-pat",
        "slack-bot-token",
        "slack-user-token",
        "slack-app-token",
        "slack-webhook-url",
        "stripe-secret-key",
        "stripe-restricted-key",
        "stripe-test-key",
        "npm-access-token",
        "pypi-upload-token",
        "twilio-auth-token",
        "sendgrid-api-key",
        "gcp-service-account-key",
        "private-key",
        "generic-secret",
    ] {
        assert!(ids.contains(&id), "no rule {id}");
    }
    assert_eq!(
        rules.iter().filter(|r| r.generic).count(),
        1,
        "exactly one generic rule"
    );
    let openai: Vec<&Rule> = rules.iter().filter(|r| r.provider == "openai").collect();
    assert!(openai.iter().all(|r| r.verify.as_deref() == Some("openai")));
    let types: Vec<&str> = openai
        .iter()
        .filter_map(|r| r.key_type.as_deref())
        .collect();
    for t in ["user", "project", "service account", "admin"] {
        assert!(types.contains(&t), "no OpenAI rule with key_type {t}");
    }
    let gemini = rules.iter().find(|r| r.id == "google-api-key").unwrap();
    assert_eq!(gemini.verify.as_deref(), Some("gemini"));
    let stripe_test = rules.iter().find(|r| r.id == "stripe-test-key").unwrap();
    let stripe_live = rules.iter().find(|r| r.id == "stripe-secret-key").unwrap();
    assert!(stripe_test.severity < stripe_live.severity);
}

#[test]
fn test_keys_with_a_bad_checksum_are_not_reported() {
    let e = engine();
    for (prefix, rule) in [
        ("ghp_", "github-pat"),
        ("gho_", "github-oauth-token"),
        ("npm_", "npm-access-token"),
    ] {
        let good = expand(
            &format!("x = \"{prefix}{{alnum:30}}{{github-crc32}}\""),
            seed_for(rule),
        );
        assert_eq!(
            describe(&e, &good).first().map(|f| f.0.as_str()),
            Some(rule),
            "{good}"
        );
        // Change one character of the random part: the checksum no longer matches.
        let mut bad = good.clone().into_bytes();
        let at = 5 + prefix.len();
        bad[at] = if bad[at] == b'a' { b'b' } else { b'a' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(describe(&e, &bad).is_empty(), "{bad}");
    }
}

#[test]
fn one_key_is_reported_once_by_the_most_specific_rule() {
    let e = engine();
    let cases = [
        (
            "OPENAI_API_KEY=sk-proj-{urlsafe:74}T3BlbkFJ{urlsafe:74}",
            "openai-project-key",
        ),
        ("MISTRAL_API_KEY={alnum:32}", "mistral-api-key"),
        ("AWS_SECRET_ACCESS_KEY={base64:40}", "aws-secret-access-key"),
        ("GITHUB_TOKEN=ghp_{alnum:30}{github-crc32}", "github-pat"),
        (
            "ANTHROPIC_API_KEY=sk-ant-api03-{urlsafe:93}AA",
            "anthropic-api-key",
        ),
        ("DEEPSEEK_API_KEY=sk-{hex:32}", "deepseek-api-key"),
        ("ELEVENLABS_API_KEY=sk_{hex:48}", "elevenlabs-api-key"),
        ("OPENROUTER_API_KEY=sk-or-v1-{hex:64}", "openrouter-api-key"),
    ];
    for (template, want) in cases {
        let text = expand(template, seed_for(want));
        let found = describe(&e, &text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].0, want, "{text}");
    }
}

/// Every file kind the brief names, with one key of each provider planted in one of them. The
/// binary must report each with the right rule id, line and column.
#[test]
fn end_to_end_every_provider_in_every_file_kind() {
    let dir = tempfile::tempdir().unwrap();
    let rules = builtin_rules();
    let template = |id: &str| -> String {
        let r = rules
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no rule {id}"));
        r.examples[0].clone()
    };
    // (rule id, key template) — the key alone, planted below in different file kinds.
    let keys: Vec<(&str, String)> = vec![
        (
            "openai-project-key",
            "sk-proj-{urlsafe:74}T3BlbkFJ{urlsafe:74}".into(),
        ),
        ("openai-user-key", "sk-{alnum:20}T3BlbkFJ{alnum:20}".into()),
        (
            "openai-service-account-key",
            "sk-svcacct-{urlsafe:74}T3BlbkFJ{urlsafe:74}".into(),
        ),
        (
            "openai-admin-key",
            "sk-admin-{urlsafe:58}T3BlbkFJ{urlsafe:58}".into(),
        ),
        (
            "openai-none-key",
            "sk-None-{urlsafe:74}T3BlbkFJ{urlsafe:74}".into(),
        ),
        ("anthropic-api-key", "sk-ant-api03-{urlsafe:93}AA".into()),
        (
            "anthropic-admin-key",
            "sk-ant-admin01-{urlsafe:93}AA".into(),
        ),
        ("google-api-key", "AIzaSy{urlsafe:33}".into()),
        ("groq-api-key", "gsk_{alnum:52}".into()),
        ("huggingface-token", "hf_{alpha:34}".into()),
        ("huggingface-org-token", "api_org_{alpha:34}".into()),
        ("replicate-api-token", "r8_{alnum:37}".into()),
        ("openrouter-api-key", "sk-or-v1-{hex:64}".into()),
        ("xai-api-key", "xai-{alnum:80}".into()),
        ("perplexity-api-key", "pplx-{alnum:48}".into()),
        ("together-api-key", "tgp_v1_{urlsafe:43}".into()),
        ("fireworks-api-key", "fw_{alnum:24}".into()),
        ("cerebras-api-key", "csk-{lowernum:48}".into()),
        ("nvidia-api-key", "nvapi-{urlsafe:64}".into()),
        ("elevenlabs-api-key", "sk_{hex:48}".into()),
        (
            "azure-ai-services-key",
            "{alnum:52}JQQJ99BD{alnum:16}ACOG{alnum:4}".into(),
        ),
        ("aws-access-key-id", "AKIA{base32:16}".into()),
        ("github-pat", "ghp_{alnum:30}{github-crc32}".into()),
        (
            "github-fine-grained-pat",
            "github_pat_11A{alnum:19}_{alnum:59}".into(),
        ),
        ("gitlab-pat", "glpat-{urlsafe:20}".into()),
        (
            "slack-bot-token",
            "xoxb-{digits:12}-{digits:13}-{alnum:24}".into(),
        ),
        (
            "slack-webhook-url",
            "https://hooks.slack.com/services/T{upper:10}/B{upper:10}/{alnum:24}".into(),
        ),
        ("stripe-secret-key", "sk_live_{alnum:24}".into()),
        ("npm-access-token", "npm_{alnum:30}{github-crc32}".into()),
        (
            "pypi-upload-token",
            "pypi-AgEIcHlwaS5vcmc{urlsafe:160}".into(),
        ),
        ("sendgrid-api-key", "SG.{urlsafe:22}.{urlsafe:43}".into()),
    ];
    // Name-anchored rules: the whole example line (name + value) is what gets planted.
    let anchored: Vec<(&str, String)> = [
        "deepseek-api-key",
        "mistral-api-key",
        "cohere-api-key",
        "together-api-key-legacy",
        "elevenlabs-api-key-legacy",
        "azure-openai-api-key",
        "aws-secret-access-key",
        "twilio-auth-token",
        "generic-secret",
    ]
    .iter()
    .map(|id| (*id, template(id)))
    .collect();

    // File writers: each takes (name, key) pairs and returns the file text; the key's position is
    // found afterwards by searching for the expanded key.
    type Writer = fn(&[(String, String)]) -> String;
    let kinds: Vec<(&str, Writer)> = vec![
        (".env", |kv| {
            kv.iter().map(|(n, k)| format!("{n}={k}\n")).collect()
        }),
        ("config/settings.json", |kv| {
            // A JSON string that holds an escaped JSON document with \n escapes.
            let inner: Vec<String> = kv
                .iter()
                .map(|(n, k)| format!("\\\"{n}\\\": \\\"{k}\\\""))
                .collect();
            format!("{{\n  \"blob\": \"{{\\n{}\\n}}\"\n}}\n", inner.join(",\\n"))
        }),
        ("dist/app.min.js", |kv| {
            let parts: Vec<String> = kv
                .iter()
                .map(|(n, k)| format!("{}:\"{k}\"", n.to_lowercase()))
                .collect();
            format!(
                "!function(){{var e={{{}}};window.__cfg=e}}();",
                parts.join(",")
            )
        }),
        ("deploy/values.yaml", |kv| {
            let mut s = String::from("app:\n  env:\n");
            for (n, k) in kv {
                s.push_str(&format!("    {}: \"{k}\"\n", n.to_lowercase()));
            }
            s
        }),
        ("src/main/resources/application.properties", |kv| {
            kv.iter()
                .map(|(n, k)| format!("{}={k}\n", n.to_lowercase().replace('_', ".")))
                .collect()
        }),
        ("scripts/deploy.sh", |kv| {
            let mut s = String::from("#!/bin/sh\nset -e\n");
            for (n, k) in kv {
                s.push_str(&format!("export {n}=\"{k}\"\n"));
            }
            s
        }),
        ("infra/main.tf", |kv| {
            let mut s = String::new();
            for (n, k) in kv {
                s.push_str(&format!(
                    "variable \"{}\" {{\n  default = \"{k}\"\n}}\n",
                    n.to_lowercase()
                ));
            }
            s
        }),
        ("notebooks/explore.ipynb", |kv| {
            let lines: Vec<String> = kv
                .iter()
                .map(|(n, k)| format!("\"os.environ[\\\"{n}\\\"] = \\\"{k}\\\"\\n\""))
                .collect();
            format!(
                "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import os\\n\",\n    {}\n   ]\n  }}\n ],\n \"nbformat\": 4\n}}\n",
                lines.join(",\n    ")
            )
        }),
    ];

    // Spread the prefixed keys over the file kinds round-robin, each under a neutral name.
    let mut plan: BTreeMap<&str, Vec<(String, String, String)>> = BTreeMap::new(); // file -> (rule, name, key)
    for (i, (rule, tpl)) in keys.iter().enumerate() {
        let (file, _) = kinds[i % kinds.len()];
        let key = expand(tpl, seed_for(&format!("e2e-{rule}")));
        plan.entry(file)
            .or_default()
            .push((rule.to_string(), format!("VALUE_{i}"), key));
    }
    let mut expected: Vec<(String, String, usize, usize)> = Vec::new(); // (path, rule, line, column)
    for (file, writer) in &kinds {
        let entries = plan.remove(file).unwrap_or_default();
        let kv: Vec<(String, String)> = entries
            .iter()
            .map(|(_, n, k)| (n.clone(), k.clone()))
            .collect();
        let text = writer(&kv);
        for (rule, _, key) in &entries {
            let (line, column) = position(&text, key);
            expected.push((file.to_string(), rule.clone(), line, column));
        }
        common::write(dir.path(), file, &text);
    }
    // Name-anchored examples are planted as whole lines, one file per kind of text.
    let mut lines = String::from("# settings\n\n");
    let mut anchored_expect = Vec::new();
    for (i, (rule, tpl)) in anchored.iter().enumerate() {
        let text = expand(tpl, seed_for(&format!("e2e-anchored-{rule}")));
        let e = engine();
        let m = e.scan(text.as_bytes(), ScanHints::default());
        assert_eq!(m.len(), 1, "{rule}: {text}");
        let secret = m[0].secret.clone();
        lines.push_str(&text);
        lines.push('\n');
        if i % 3 == 0 {
            lines.push_str("\n# next\n");
        }
        anchored_expect.push((rule.to_string(), secret));
    }
    common::write(dir.path(), "conf/anchored.conf", &lines);
    for (rule, secret) in anchored_expect {
        let (line, column) = position(&lines, &secret);
        expected.push(("conf/anchored.conf".into(), rule, line, column));
    }

    let (code, report, stderr) = common::scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    let mut got: Vec<(String, String, usize, usize)> = common::findings(&report)
        .iter()
        // Repository-hygiene findings (`.env` not ignored, ...) are not rule matches.
        .filter(|f| rules.iter().any(|r| f["rule_id"] == r.id.as_str()))
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
                f["column"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "stderr: {stderr}");
}

/// 1-based line and column (in characters) of the first occurrence of `needle`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

/// docs/rules.md lists every built-in rule in a generated table. Run with
/// `KEYHOUND_BLESS=1 cargo test --test rules docs_table` to regenerate it after changing rules.
#[test]
fn docs_table_lists_every_rule() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let doc = std::fs::read_to_string(&path).expect("docs/rules.md");
    const BEGIN: &str =
        "<!-- BEGIN GENERATED RULE TABLE (tests/it/rules.rs docs_table_lists_every_rule) -->\n";
    const END: &str = "<!-- END GENERATED RULE TABLE -->";
    let (head, rest) = doc
        .split_once(BEGIN)
        .expect("docs/rules.md has the BEGIN marker");
    let (_, tail) = rest
        .split_once(END)
        .expect("docs/rules.md has the END marker");
    let table = rule_table(&builtin_rules());
    let fresh = format!("{head}{BEGIN}{table}{END}{tail}");
    if std::env::var_os("KEYHOUND_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        fresh == doc,
        "docs/rules.md's rule table is out of date: run `KEYHOUND_BLESS=1 cargo test --test rules docs_table`"
    );
    for r in builtin_rules() {
        assert!(
            doc.contains(&format!("`{}`", r.id)),
            "docs/rules.md does not list {}",
            r.id
        );
    }
}

fn rule_table(rules: &[Rule]) -> String {
    let mut s = String::from(
        "| id | provider | key type | severity | keywords | checks |\n|---|---|---|---|---|---|\n",
    );
    for r in rules {
        let mut checks = Vec::new();
        if let Some(e) = r.min_entropy {
            checks.push(format!("entropy ≥ {e}"));
        }
        if let Some(c) = r.checksum {
            checks.push(
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        if let Some(v) = &r.verify {
            checks.push(format!("verify: {v}"));
        }
        if r.generic {
            checks.push("generic".into());
        }
        let keywords: Vec<String> = r
            .keywords
            .iter()
            .map(|k| format!("`{}`", k.replace('|', "\\|")))
            .collect();
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            r.id,
            r.provider,
            r.key_type.as_deref().unwrap_or("—"),
            r.severity,
            keywords.join(" "),
            checks.join(", ")
        ));
    }
    s
}
