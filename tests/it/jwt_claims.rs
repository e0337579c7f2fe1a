//! JWTs are judged by their decoded claims, end to end, in `.env`, YAML, JSON and source files:
//! a Supabase `service_role` key is critical, an `anon` key is public (not reported), and any
//! other JWT's severity follows its expiry. Tokens are built at test time from JSON claims and a
//! random signature.

use crate::common;
use common::*;
use serde_json::Value;

/// (template of the token, rule id expected, severity expected, words the message must hold);
/// rule id `None`: not reported.
struct Case {
    token: &'static str,
    rule: Option<&'static str>,
    severity: &'static str,
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        token: "{jwt:iss=supabase,ref=*,role=service_role,iat=1700000000,exp=+315360000}",
        rule: Some("supabase-service-role-key"),
        severity: "critical",
        says: &["role service_role", "project "],
    },
    Case {
        token: "{jwt:iss=supabase,ref=*,role=anon,iat=1700000000,exp=+315360000}",
        rule: None,
        severity: "",
        says: &[],
    },
    Case {
        token: "{jwt:iss=https://auth.example.org,sub=user-1,role=authenticated,exp=-86400}",
        rule: Some("jwt"),
        severity: "low",
        says: &["expired on", "issuer https://auth.example.org"],
    },
    Case {
        token: "{jwt:iss=acme-ci,sub=deploy-bot}",
        rule: Some("jwt"),
        severity: "high",
        says: &["never expires", "issuer acme-ci"],
    },
    Case {
        token: "{jwt:iss=https://login.example.org,sub=svc,exp=+86400}",
        rule: Some("jwt"),
        severity: "medium",
        says: &["expires on"],
    },
];

/// The findings that carry a secret (a `.env` outside git also gets a hygiene finding).
fn secrets(report: &Value) -> Vec<Value> {
    findings(report)
        .into_iter()
        .filter(|f| !f["secret_redacted"].is_null())
        .collect()
}

/// The token planted in each kind of file.
fn files(token: &str) -> Vec<(&'static str, String)> {
    vec![
        (".env", format!("SUPABASE_URL=https://x.supabase.co\nSUPABASE_KEY={token}\n")),
        ("config/app.yaml", format!("supabase:\n  url: https://x.supabase.co\n  key: \"{token}\"\n")),
        ("config/app.json", format!("{{\n  \"supabase\": {{\"key\": \"{token}\"}}\n}}\n")),
        ("src/client.ts", format!("import {{ createClient }} from '@supabase/supabase-js';\nexport const db = createClient(URL, '{token}');\n")),
    ]
}

#[test]
fn claims_decide_rule_and_severity_in_every_file_kind() {
    for (n, case) in CASES.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let token = fake(case.token, &format!("jwt-case-{n}"));
        let planted = files(&token);
        for (path, text) in &planted {
            write(dir.path(), path, text);
        }
        let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
        let all = secrets(&report);
        match case.rule {
            None => {
                assert_eq!(all, Vec::<Value>::new(), "case {n}: {report:#}");
                assert_eq!(report["summary"]["counts"]["secrets"], 0);
                // Reported as info, with the reason, when asked for.
                let (_, report, _) = scan_json(dir.path(), &["--no-history", "--include-public"]);
                let all = secrets(&report);
                assert_eq!(all.len(), planted.len(), "{report:#}");
                for f in &all {
                    assert_eq!(f["rule_id"], "supabase-anon-key");
                    assert_eq!(f["severity"], "info");
                    assert!(f["public"].as_str().unwrap().contains("row-level security"));
                }
            }
            Some(rule) => {
                assert_eq!(all.len(), planted.len(), "case {n}: {report:#}");
                for (path, _) in &planted {
                    let f = all
                        .iter()
                        .find(|f| f["path"] == *path)
                        .unwrap_or_else(|| panic!("case {n}: nothing in {path}: {report:#}"));
                    assert_eq!(f["rule_id"], rule, "case {n} {path}");
                    assert_eq!(f["severity"], case.severity, "case {n} {path}");
                    let msg = f["message"].as_str().unwrap();
                    for w in case.says {
                        assert!(msg.contains(w), "case {n} {path}: {msg:?} lacks {w:?}");
                    }
                    // The redacted secret never shows the payload.
                    assert!(!f["secret_redacted"].as_str().unwrap().contains(".eyJ"));
                }
                assert_eq!(code, 1);
            }
        }
    }
}

#[test]
fn service_role_remediation_names_the_dashboard_page() {
    let dir = tempfile::tempdir().unwrap();
    let token = fake(CASES[0].token, "remediation");
    write(
        dir.path(),
        ".env",
        format!("SUPABASE_SERVICE_ROLE_KEY={token}\n"),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let f = &secrets(&report)[0];
    let fix = f["remediation"].as_str().unwrap();
    assert!(fix.contains("Project Settings > API Keys"), "{fix}");
    assert!(fix.contains("row-level security"), "{fix}");
}

#[test]
fn a_service_role_key_in_a_public_env_variable_is_exposed() {
    // The secret one in NEXT_PUBLIC_: relabelled as exposed to browsers and counted.
    let dir = tempfile::tempdir().unwrap();
    let token = fake(CASES[0].token, "exposed");
    write(
        dir.path(),
        ".env.local",
        format!("NEXT_PUBLIC_SUPABASE_KEY={token}\n"),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let f = &secrets(&report)[0];
    assert_eq!(f["rule_id"], "client-exposed-env", "{report:#}");
    assert_eq!(report["summary"]["counts"]["exposed_to_browsers"], 1);
}
