//! End-to-end: webhook URLs (Slack, Discord, Microsoft Teams connector and Workflows, Google
//! Chat, Zapier, Make, IFTTT) planted in `.env`, YAML, JSON and source files are each reported by
//! the real binary under their own rule, at the right line and column, redacted; and no webhook
//! rule but Slack's (whose check posts no message) has a verifier that could contact it.

mod common;

use common::{fake, findings, keyhound, write};
use serde_json::Value;

/// (rule id, template of the URL).
const HOOKS: &[(&str, &str)] = &[
    (
        "slack-webhook-url",
        "https://hooks.slack.com/services/T{upper:10}/B{upper:10}/{alnum:24}",
    ),
    (
        "discord-webhook-url",
        "https://discord.com/api/webhooks/{digits:19}/{urlsafe:68}",
    ),
    (
        "microsoft-teams-webhook-url",
        "https://contoso.webhook.office.com/webhookb2/{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}@{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}/IncomingWebhook/{hex:32}/{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}/V2{urlsafe:44}",
    ),
    (
        "microsoft-teams-workflow-webhook-url",
        "https://prod-{digits:2}.westus.logic.azure.com:443/workflows/{hex:32}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={urlsafe:43}",
    ),
    (
        "google-chat-webhook-url",
        "https://chat.googleapis.com/v1/spaces/AAAA{urlsafe:7}/messages?key=AIzaSy{urlsafe:33}&token={urlsafe:43}",
    ),
    (
        "zapier-webhook-url",
        "https://hooks.zapier.com/hooks/catch/{digits:8}/{lowernum:7}",
    ),
    ("make-webhook-url", "https://hook.eu1.make.com/{lowernum:32}"),
    (
        "ifttt-webhook-key",
        "https://maker.ifttt.com/trigger/deploy/with/key/{urlsafe:22}",
    ),
];

type Writer = fn(&[(String, String)]) -> String;

/// The file kinds, each writing (NAME, url) pairs its own way.
fn kinds() -> Vec<(&'static str, Writer)> {
    vec![
        (".env", |kv| {
            kv.iter().map(|(n, u)| format!("{n}={u}\n")).collect()
        }),
        ("deploy/alerts.yaml", |kv| {
            let mut s = String::from("alerting:\n  channels:\n");
            for (n, u) in kv {
                s.push_str(&format!(
                    "    - name: {}\n      url: \"{u}\"\n",
                    n.to_lowercase()
                ));
            }
            s
        }),
        ("config/hooks.json", |kv| {
            let items: Vec<String> = kv
                .iter()
                .map(|(n, u)| format!("    {{\"name\": \"{n}\", \"url\": \"{u}\"}}"))
                .collect();
            format!("{{\n  \"hooks\": [\n{}\n  ]\n}}\n", items.join(",\n"))
        }),
        ("src/notify.py", |kv| {
            let mut s = String::from("import requests\n\n");
            for (n, u) in kv {
                s.push_str(&format!(
                    "def notify_{}(text):\n    requests.post(\"{u}\", json={{\"text\": text}})\n\n",
                    n.to_lowercase()
                ));
            }
            s
        }),
        ("web/notify.ts", |kv| {
            let mut s = String::new();
            for (n, u) in kv {
                s.push_str(&format!("export const {n} = '{u}';\n"));
            }
            s
        }),
    ]
}

/// 1-based line and column of `needle` in `text`.
fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line as u64, (text[start..at].chars().count() + 1) as u64)
}

#[test]
fn every_webhook_in_every_file_kind_is_found_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new(); // (path, rule, line, column)
    let mut urls = Vec::new();
    for (k, (file, writer)) in kinds().into_iter().enumerate() {
        let kv: Vec<(String, String)> = HOOKS
            .iter()
            .enumerate()
            .map(|(i, (_, tpl))| (format!("HOOK_{i}"), fake(tpl, &format!("hook-{k}-{i}"))))
            .collect();
        let text = writer(&kv);
        for ((rule, _), (_, url)) in HOOKS.iter().zip(&kv) {
            let (line, col) = position(&text, url);
            // An IFTTT finding is the key in the URL, not the whole URL.
            let col = if *rule == "ifttt-webhook-key" {
                col + url.rfind('/').unwrap() as u64 + 1
            } else {
                col
            };
            expected.push((file.to_string(), rule.to_string(), line, col));
            urls.push(url.clone());
        }
        write(dir.path(), file, &text);
    }
    let out = keyhound()
        .current_dir(dir.path())
        .args(["scan", ".", "--no-history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let rules = keyhound::rules::builtin_rules();
    // Rule findings only: repository hygiene checks (`.env` not ignored, ...) are not rules.
    let mut got: Vec<(String, String, u64, u64)> = findings(&report)
        .iter()
        .filter(|f| rules.iter().any(|r| f["rule_id"] == r.id.as_str()))
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "report: {stdout}");
    // Redacted everywhere.
    for url in &urls {
        let secret_part = &url[url.len() - 16..];
        assert!(
            !stdout.contains(secret_part),
            "{secret_part} of {url} printed"
        );
    }
    // A webhook is never "verified" by posting to it: none of these rules names a verifier,
    // except Slack's, whose check sends a body Slack rejects without posting.
    for (id, _) in HOOKS {
        let r = rules.iter().find(|r| r.id == *id).unwrap();
        assert!(
            r.verify.is_none() || *id == "slack-webhook-url",
            "{id} has verifier {:?}",
            r.verify
        );
    }
}
