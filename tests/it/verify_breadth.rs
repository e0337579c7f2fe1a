//! The verifiers added with the breadth rules (Airtable, Pinecone, Linear, Notion, Telegram,
//! Deepgram), each against a scripted server on 127.0.0.1: the read-only request each sends (method,
//! path, where the key travels), the verdict for each documented answer, no key in any detail, and
//! one end-to-end `scan --verify` through the binary.

use crate::common;

use common::http::{MockServer, Reply};
use common::{assert_no_key, fake, keyhound, write};
use keyhound::finding::{Verification, VerifyStatus};
use keyhound::live::{verifier, Endpoints, Settings};
use serde_json::Value;
use VerifyStatus::*;

/// One retry: the request counts below expect it.
fn check(server: &MockServer, provider: &str, secret: &str) -> Verification {
    let settings = Settings {
        retries: 1,
        ..common::verify_settings()
    };
    common::verify_with(server, provider, secret, settings)
}

/// Where a provider expects the key, as the server saw it.
fn key_sent(provider: &str, req: &common::http::Request) -> Option<String> {
    match provider {
        "pinecone" => req.header("api-key").map(str::to_string),
        "deepgram" => req
            .header("authorization")
            .and_then(|a| a.strip_prefix("Token "))
            .map(str::to_string),
        "linear" => req
            .header("authorization")
            .map(|a| a.trim_start_matches("Bearer ").to_string()),
        "telegram" => req
            .path()
            .strip_prefix("/bot")
            .and_then(|p| p.strip_suffix("/getMe"))
            .map(str::to_string),
        _ => req
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(str::to_string),
    }
}

struct Case {
    provider: &'static str,
    template: &'static str,
    method: &'static str,
    path: &'static str,
    reply: Reply,
    want: VerifyStatus,
    detail: &'static str,
}

fn c(
    provider: &'static str,
    template: &'static str,
    method: &'static str,
    path: &'static str,
    reply: Reply,
    want: VerifyStatus,
    detail: &'static str,
) -> Case {
    Case {
        provider,
        template,
        method,
        path,
        reply,
        want,
        detail,
    }
}

#[test]
fn each_new_verifier_maps_the_providers_answers() {
    let airtable = "pat{alnum:14}.{hex:64}";
    let pinecone = "pcsk_{alnum:6}_{alnum:63}";
    let linear = "lin_api_{alnum:40}";
    let linear_oauth = "lin_oauth_{hex:64}";
    let notion = "ntn_{alnum:46}";
    let telegram = "{digits:10}:AA{urlsafe:33}";
    let deepgram = "{hex:40}";
    let cases = vec![
        c(
            "airtable",
            airtable,
            "GET",
            "/v0/meta/whoami",
            Reply::new(
                200,
                r#"{"id":"usrX","scopes":["data.records:read","schema.bases:read"]}"#,
            ),
            Live,
            "scopes: data.records:read, schema.bases:read",
        ),
        c(
            "airtable",
            airtable,
            "GET",
            "/v0/meta/whoami",
            Reply::new(
                401,
                r#"{"error":{"type":"AUTHENTICATION_REQUIRED","message":"Authentication required"}}"#,
            ),
            Inactive,
            "AUTHENTICATION_REQUIRED: Authentication required",
        ),
        c(
            "airtable",
            airtable,
            "GET",
            "/v0/meta/whoami",
            Reply::new(
                403,
                r#"{"error":{"type":"INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND","message":"Invalid permissions"}}"#,
            ),
            Restricted,
            "INVALID_PERMISSIONS",
        ),
        c(
            "pinecone",
            pinecone,
            "GET",
            "/indexes",
            Reply::new(200, r#"{"indexes":[{"name":"a"},{"name":"b"}]}"#),
            Live,
            "2 index(es)",
        ),
        c(
            "pinecone",
            pinecone,
            "GET",
            "/indexes",
            Reply::new(
                401,
                r#"{"error":{"code":"UNAUTHENTICATED","message":"Invalid API Key"},"status":401}"#,
            ),
            Inactive,
            "UNAUTHENTICATED: Invalid API Key",
        ),
        c(
            "pinecone",
            pinecone,
            "GET",
            "/indexes",
            Reply::new(
                403,
                r#"{"error":{"code":"FORBIDDEN","message":"Insufficient permissions"},"status":403}"#,
            ),
            Restricted,
            "FORBIDDEN",
        ),
        c(
            "linear",
            linear,
            "POST",
            "/graphql",
            Reply::new(200, r#"{"data":{"viewer":{"id":"u1","name":"Ada"}}}"#),
            Live,
            "user Ada",
        ),
        c(
            "linear",
            linear,
            "POST",
            "/graphql",
            Reply::new(
                400,
                r#"{"errors":[{"message":"Authentication required, not authenticated","extensions":{"type":"authentication error","code":"AUTHENTICATION_ERROR"}}]}"#,
            ),
            Inactive,
            "AUTHENTICATION_ERROR: Authentication required",
        ),
        c(
            "linear",
            linear_oauth,
            "POST",
            "/graphql",
            Reply::new(
                401,
                r#"{"errors":[{"message":"Authentication required, not authenticated"}]}"#,
            ),
            Inactive,
            "Authentication required",
        ),
        c(
            "notion",
            notion,
            "GET",
            "/v1/users/me",
            Reply::new(
                200,
                r#"{"object":"user","id":"u","name":"Docs bot","type":"bot","bot":{}}"#,
            ),
            Live,
            "integration Docs bot",
        ),
        c(
            "notion",
            notion,
            "GET",
            "/v1/users/me",
            Reply::new(
                401,
                r#"{"object":"error","status":401,"code":"unauthorized","message":"API token is invalid."}"#,
            ),
            Inactive,
            "unauthorized: API token is invalid.",
        ),
        c(
            "notion",
            notion,
            "GET",
            "/v1/users/me",
            Reply::new(
                403,
                r#"{"object":"error","status":403,"code":"restricted_resource","message":"Insufficient permissions."}"#,
            ),
            Restricted,
            "restricted_resource",
        ),
        c(
            "telegram",
            telegram,
            "GET",
            "",
            Reply::new(
                200,
                r#"{"ok":true,"result":{"id":1,"is_bot":true,"username":"acme_bot"}}"#,
            ),
            Live,
            "bot @acme_bot",
        ),
        c(
            "telegram",
            telegram,
            "GET",
            "",
            Reply::new(
                401,
                r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
            ),
            Inactive,
            "Unauthorized",
        ),
        c(
            "deepgram",
            deepgram,
            "GET",
            "/v1/projects",
            Reply::new(200, r#"{"projects":[{"project_id":"p","name":"x"}]}"#),
            Live,
            "1 project(s)",
        ),
        c(
            "deepgram",
            deepgram,
            "GET",
            "/v1/projects",
            Reply::new(
                401,
                r#"{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"r"}"#,
            ),
            Inactive,
            "INVALID_AUTH: Invalid credentials.",
        ),
        c(
            "deepgram",
            deepgram,
            "GET",
            "/v1/projects",
            Reply::new(
                403,
                r#"{"err_code":"FORBIDDEN","err_msg":"Insufficient permissions."}"#,
            ),
            Restricted,
            "FORBIDDEN",
        ),
    ];
    for (i, case) in cases.into_iter().enumerate() {
        let key = fake(case.template, &format!("breadth-verify-{i}"));
        let path = if case.provider == "telegram" {
            format!("/bot{key}/getMe")
        } else {
            case.path.to_string()
        };
        let s = MockServer::start();
        s.on(&path, vec![case.reply]);
        let v = check(&s, case.provider, &key);
        assert_eq!(
            v.status, case.want,
            "case {i} ({}): {}",
            case.provider, v.detail
        );
        assert!(
            v.detail.contains(case.detail),
            "case {i} ({}): detail {:?} lacks {:?}",
            case.provider,
            v.detail,
            case.detail
        );
        assert_no_key(&v.detail, &key);
        let reqs = s.requests();
        assert_eq!(
            reqs.len(),
            1,
            "case {i}: one request, no retry of a definite answer"
        );
        let req = &reqs[0];
        assert_eq!(req.method, case.method, "case {i}");
        assert_eq!(req.path(), path, "case {i}");
        assert_eq!(
            key_sent(case.provider, req).as_deref(),
            Some(key.as_str()),
            "case {i}: key"
        );
        match case.provider {
            "notion" => assert_eq!(req.header("notion-version"), Some("2022-06-28")),
            "pinecone" => assert!(req.header("x-pinecone-api-version").is_some()),
            "linear" => {
                // A read: the viewer query, nothing else.
                let body: Value = serde_json::from_slice(&req.body).unwrap();
                let q = body["query"].as_str().unwrap();
                assert!(q.contains("viewer") && !q.contains("mutation"), "{q}");
                let auth = req.header("authorization").unwrap();
                assert_eq!(auth.starts_with("Bearer "), key.starts_with("lin_oauth_"));
            }
            _ => {}
        }
        if case.provider != "telegram" {
            assert!(!req.target.contains(&key), "case {i}: key in the URL");
        }
    }
}

#[test]
fn rate_limits_and_server_errors_are_retried_then_reported() {
    for (provider, template, path) in [
        ("airtable", "pat{alnum:14}.{hex:64}", "/v0/meta/whoami"),
        ("notion", "ntn_{alnum:46}", "/v1/users/me"),
        ("deepgram", "{hex:40}", "/v1/projects"),
    ] {
        let s = MockServer::start();
        s.on(path, vec![Reply::new(429, r#"{"message":"slow down"}"#)]);
        let v = check(&s, provider, &fake(template, provider));
        assert_eq!(v.status, RateLimited, "{provider}: {}", v.detail);
        assert_eq!(s.count(path), 2, "{provider}: first attempt + 1 retry");

        let s = MockServer::start();
        s.on(path, vec![Reply::new(503, "{}"), Reply::new(401, "{}")]);
        let v = check(&s, provider, &fake(template, provider));
        assert_eq!(v.status, Inactive, "{provider}: {}", v.detail);
    }
}

#[test]
fn linear_webhook_secrets_are_not_sent() {
    let s = MockServer::start();
    let v = check(&s, "linear", &fake("lin_wh_{alnum:40}", "wh"));
    assert_eq!(v.status, Unknown);
    assert!(v.detail.contains("webhook"), "{}", v.detail);
    assert!(s.requests().is_empty());
}

#[test]
fn new_verifiers_refuse_plain_http_to_other_hosts_and_default_to_their_official_host() {
    for (name, host) in [
        ("airtable", "https://api.airtable.com"),
        ("pinecone", "https://api.pinecone.io"),
        ("linear", "https://api.linear.app"),
        ("notion", "https://api.notion.com"),
        ("telegram", "https://api.telegram.org"),
        ("deepgram", "https://api.deepgram.com"),
    ] {
        let v = verifier(name).unwrap();
        assert_eq!(v.base, host);
        assert_eq!(Endpoints::default().base(v).url, host);
        let err = Endpoints::parse(&[format!("{name}=http://example.com")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("loopback"), "{name}: {err}");
    }
}

/// `keyhound scan --verify` through the binary: a Notion and a Telegram token in one `.env`, each
/// checked once against its own (overridden) endpoint, verdicts in the JSON report, no full key.
#[test]
fn scan_verify_checks_new_providers_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let notion = fake("ntn_{alnum:46}", "e2e-notion");
    let telegram = fake("{digits:10}:AA{urlsafe:33}", "e2e-telegram");
    write(
        dir.path(),
        "app/.env",
        format!("NOTION_TOKEN={notion}\nTELEGRAM_BOT_TOKEN={telegram}\n"),
    );
    let s = MockServer::start();
    s.on(
        "/v1/users/me",
        vec![Reply::new(200, r#"{"object":"user","name":"Wiki"}"#)],
    );
    s.on(
        &format!("/bot{telegram}/getMe"),
        vec![Reply::new(
            401,
            r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
        )],
    );
    let out = keyhound()
        .current_dir(dir.path())
        .env("KEYHOUND_VERIFY_TIMEOUT_MS", "500")
        .env("KEYHOUND_VERIFY_BACKOFF_MS", "1")
        .env("KEYHOUND_VERIFY_RATE", "0")
        .args(["scan", ".", "--no-history", "--verify", "--format", "json"])
        .arg("--verify-endpoint")
        .arg(format!("notion={}", s.url()))
        .arg("--verify-endpoint")
        .arg(format!("telegram={}", s.url()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
    let by_rule = |id: &str| -> Value {
        common::findings(&report)
            .into_iter()
            .find(|f| f["rule_id"] == id)
            .unwrap_or_else(|| panic!("no {id} finding in {report}"))
    };
    let n = by_rule("notion-integration-token");
    let t = by_rule("telegram-bot-token");
    let status = |f: &Value| f["verification"]["status"].as_str().map(str::to_string);
    assert_eq!(status(&n).as_deref(), Some("live"), "{n}");
    assert_eq!(status(&t).as_deref(), Some("inactive"), "{t}");
    assert_eq!(s.requests().len(), 2);
    assert!(!stdout.contains(&notion) && !stdout.contains(&telegram));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&telegram));
}
