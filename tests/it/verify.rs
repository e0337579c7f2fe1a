//! Live verification against a scripted server on 127.0.0.1: OpenAI's error semantics, every
//! provider's main verdicts, retries (5xx, timeouts, dropped connections, 429 + Retry-After),
//! one request per distinct key, endpoint safety, and no full key in any output.

use crate::common;

use common::http::{MockServer, Reply};
use common::{assert_no_key, assert_valid_sarif, fake, keyhound, openai_key, write};
use keyhound::finding::{Secret, Verification, VerifyStatus};
use keyhound::live::{verifier, Client, Settings};
use serde_json::Value;
use std::time::{Duration, Instant};

fn settings() -> Settings {
    common::verify_settings()
}

fn client_for(server: &MockServer, provider: &str, s: Settings) -> Client {
    common::verify_client(server, provider, s)
}

/// Checks `secret` with `provider` against `server`.
fn check(server: &MockServer, provider: &str, secret: &str) -> Verification {
    common::verify_with(server, provider, secret, settings())
}

// ---------- OpenAI semantics ----------

#[test]
fn openai_200_is_live_and_sends_bearer_to_models() {
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::new(200, r#"{"object":"list","data":[]}"#)],
    );
    let key = openai_key("openai-live");
    let v = check(&s, "openai", &key);
    assert_eq!(v.status, VerifyStatus::Live);
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    assert!(reqs[0]
        .header("user-agent")
        .unwrap()
        .starts_with("keyhound/"));
}

#[test]
fn openai_401_invalid_api_key_is_inactive_and_the_echoed_key_is_redacted() {
    let s = MockServer::start();
    let key = openai_key("openai-401");
    let echo = format!("Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.");
    s.on(
        "/v1/models",
        vec![Reply::openai_error(
            401,
            &echo,
            "invalid_request_error",
            Some("invalid_api_key"),
        )],
    );
    let v = check(&s, "openai", &key);
    assert_eq!(v.status, VerifyStatus::Inactive);
    assert!(
        v.detail
            .starts_with("invalid_api_key: Incorrect API key provided: sk-proj-"),
        "{}",
        v.detail
    );
    assert_no_key(&v.detail, &key);
    assert_eq!(s.requests().len(), 1, "a definite answer is not retried");
}

/// OpenAI error answers that settle a verdict at once (no retry): the status, message, type
/// and code the API sends, the verdict keyhound gives, and what its detail must say.
#[test]
fn openai_error_answers_map_to_verdicts() {
    type Case = (u16, &'static str, &'static str, Option<&'static str>);
    let cases: [(Case, VerifyStatus, &str); 4] = [
        (
            (
                401,
                "You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization.",
                "invalid_request_error",
                None,
            ),
            VerifyStatus::Restricted,
            "Missing scopes: api.model.read",
        ),
        // Blocked by where the request comes from, not by the key: never "inactive".
        (
            (
                403,
                "Country, region, or territory not supported",
                "request_forbidden",
                Some("unsupported_country_region_territory"),
            ),
            VerifyStatus::Unknown,
            "not on the key",
        ),
        (
            (
                403,
                "You are not allowed to access this project.",
                "invalid_request_error",
                None,
            ),
            VerifyStatus::Restricted,
            "403",
        ),
        (
            (
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                Some("insufficient_quota"),
            ),
            VerifyStatus::QuotaExhausted,
            "insufficient_quota: You exceeded",
        ),
    ];
    for ((status, message, kind, code), verdict, detail) in cases {
        let s = MockServer::start();
        s.on(
            "/v1/models",
            vec![Reply::openai_error(status, message, kind, code)],
        );
        let v = check(&s, "openai", &openai_key(&format!("error-{status}")));
        assert_eq!(v.status, verdict, "{status} {message}");
        assert!(v.detail.contains(detail), "{status}: {}", v.detail);
        if let Some(code) = code {
            assert!(v.detail.starts_with(code), "{status}: {}", v.detail);
        }
        assert_eq!(
            s.count("/v1/models"),
            1,
            "{status}: a definite answer is not retried"
        );
    }
    assert!(VerifyStatus::Restricted.is_live());
}

#[test]
fn openai_429_rate_limit_is_retried_then_rate_limited() {
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::openai_error(
            429,
            "Rate limit reached for requests",
            "requests",
            Some("rate_limit_exceeded"),
        )],
    );
    let v = check(&s, "openai", &openai_key("rate"));
    assert_eq!(v.status, VerifyStatus::RateLimited);
    assert!(v.status.is_live());
    assert_eq!(s.count("/v1/models"), 3, "first attempt + 2 retries");
    assert!(v.detail.contains("after 3 attempts"), "{}", v.detail);
}

#[test]
fn retry_after_is_honoured_then_the_verdict_is_taken() {
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![
            Reply::openai_error(
                429,
                "Rate limit reached",
                "requests",
                Some("rate_limit_exceeded"),
            )
            .header("retry-after", "1"),
            Reply::new(200, r#"{"data":[]}"#),
        ],
    );
    let t = Instant::now();
    let v = check(&s, "openai", &openai_key("retry-after"));
    assert_eq!(v.status, VerifyStatus::Live);
    assert_eq!(s.count("/v1/models"), 2);
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "waited only {:?}",
        t.elapsed()
    );
}

#[test]
fn retry_after_beyond_the_cap_ends_the_retries() {
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::openai_error(
            429,
            "Rate limit reached",
            "requests",
            Some("rate_limit_exceeded"),
        )
        .header("retry-after", "3600")],
    );
    let t = Instant::now();
    let v = check(&s, "openai", &openai_key("retry-after-long"));
    assert_eq!(v.status, VerifyStatus::RateLimited);
    assert!(v.detail.contains("Retry-After 3600s"), "{}", v.detail);
    assert_eq!(s.count("/v1/models"), 1);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![
            Reply::new(
                503,
                r#"{"error":{"message":"overloaded","type":"server_error","code":null}}"#,
            ),
            Reply::new(200, "{}"),
        ],
    );
    assert_eq!(
        check(&s, "openai", &openai_key("503")).status,
        VerifyStatus::Live
    );
    assert_eq!(s.count("/v1/models"), 2);

    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::new(
            500,
            r#"{"error":{"message":"boom","type":"server_error","code":null}}"#,
        )],
    );
    let v = check(&s, "openai", &openai_key("500"));
    assert_eq!(v.status, VerifyStatus::Unknown);
    assert!(
        v.detail
            .starts_with("HTTP 500: server_error: boom (after 3 attempts)"),
        "{}",
        v.detail
    );
    assert_eq!(s.count("/v1/models"), 3);
}

#[test]
fn slow_answers_time_out_to_unknown() {
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::new(200, "{}").delay(Duration::from_millis(1500))],
    );
    let mut st = settings();
    st.timeout = Duration::from_millis(200);
    st.retries = 1;
    let t = Instant::now();
    let v = client_for(&s, "openai", st).check(
        verifier("openai").unwrap(),
        &Secret::new(openai_key("slow")),
    );
    assert_eq!(v.status, VerifyStatus::Unknown);
    assert!(
        v.detail.starts_with("timed out (127.0.0.1:"),
        "{}",
        v.detail
    );
    assert!(v.detail.contains("after 2 attempts"), "{}", v.detail);
    assert!(
        t.elapsed() < Duration::from_millis(1400),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn dropped_connections_are_retried_then_unknown() {
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::dropped()]);
    let v = check(&s, "openai", &openai_key("dropped"));
    assert_eq!(v.status, VerifyStatus::Unknown);
    assert!(v.detail.contains("after 3 attempts"), "{}", v.detail);
    assert_eq!(s.count("/v1/models"), 3);

    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::dropped(), Reply::new(200, "{}")]);
    assert_eq!(
        check(&s, "openai", &openai_key("dropped-once")).status,
        VerifyStatus::Live
    );
}

#[test]
fn a_redirect_to_another_host_is_not_followed_with_the_key() {
    let elsewhere = MockServer::start();
    elsewhere.on("/steal", vec![Reply::new(200, "{}")]);
    let s = MockServer::start();
    let to = format!(
        "http://localhost:{}/steal",
        elsewhere.url().rsplit(':').next().unwrap()
    );
    s.on(
        "/v1/models",
        vec![Reply::new(302, "").header("location", &to)],
    );
    let v = check(&s, "openai", &openai_key("redirect"));
    assert_eq!(v.status, VerifyStatus::Unknown);
    assert!(
        v.detail.contains("redirected to localhost; not followed"),
        "{}",
        v.detail
    );
    assert!(
        elsewhere.requests().is_empty(),
        "the key went to the redirect target"
    );
}

#[test]
fn admin_keys_are_checked_on_the_admin_api() {
    let s = MockServer::start();
    s.on(
        "/v1/organization/admin_api_keys",
        vec![Reply::new(200, r#"{"data":[]}"#)],
    );
    let key = fake("sk-admin-{urlsafe:58}T3BlbkFJ{urlsafe:58}", "admin");
    assert_eq!(check(&s, "openai", &key).status, VerifyStatus::Live);
    assert_eq!(
        s.requests()[0].target,
        "/v1/organization/admin_api_keys?limit=1"
    );
}

// ---------- other providers ----------

struct Case {
    provider: &'static str,
    key: &'static str,
    path: &'static str,
    reply: Reply,
    status: VerifyStatus,
    detail: &'static str,
}

fn case(
    provider: &'static str,
    key: &'static str,
    path: &'static str,
    reply: Reply,
    status: VerifyStatus,
    detail: &'static str,
) -> Case {
    Case {
        provider,
        key,
        path,
        reply,
        status,
        detail,
    }
}

#[test]
fn other_providers_main_verdicts() {
    use VerifyStatus::*;
    let ant = "sk-ant-api03-{urlsafe:93}AA";
    let gh = "ghp_{alnum:30}{github-crc32}";
    let gl = "glpat-{urlsafe:20}";
    let hf = "hf_{alpha:34}";
    let groq = "gsk_{alnum:52}";
    let or = "sk-or-v1-{hex:64}";
    let gem = "AIza{urlsafe:35}";
    let stripe = "sk_test_{alnum:24}";
    let slack = "xoxb-{digits:12}-{digits:12}-{alnum:24}";
    let ant_err = |t: &str, m: &str| {
        format!(
            r#"{{"type":"error","error":{{"type":"{t}","message":"{m}"}},"request_id":"req_1"}}"#
        )
    };
    let gem_err = |code: u16, status: &str, reason: &str, m: &str| {
        format!(
            r#"{{"error":{{"code":{code},"message":"{m}","status":"{status}","details":[{{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"{reason}","domain":"googleapis.com"}}]}}}}"#
        )
    };
    let cases = vec![
        case("anthropic", ant, "/v1/models", Reply::new(200, r#"{"data":[]}"#), Live, "authenticated"),
        case("anthropic", ant, "/v1/models", Reply::new(401, ant_err("authentication_error", "invalid x-api-key")), Inactive, "authentication_error: invalid x-api-key"),
        case("anthropic", ant, "/v1/models", Reply::new(403, ant_err("permission_error", "not allowed")), Restricted, "permission_error"),
        case("anthropic", ant, "/v1/models", Reply::new(402, ant_err("billing_error", "add credits")), QuotaExhausted, "billing_error"),
        case("github", gh, "/rate_limit", Reply::new(200, "{}").header("x-oauth-scopes", "repo, read:org"), Live, "scopes: repo, read:org"),
        case("github", gh, "/rate_limit", Reply::new(401, r#"{"message":"Bad credentials","status":"401"}"#), Inactive, "Bad credentials"),
        case("github", gh, "/rate_limit", Reply::new(403, r#"{"message":"Resource protected by organization SAML enforcement."}"#).header("x-github-sso", "required; url=https://github.com/orgs/x/sso"), Restricted, "SAML SSO"),
        case("gitlab", gl, "/api/v4/personal_access_tokens/self", Reply::new(200, r#"{"id":1,"revoked":false,"active":true,"scopes":["api","read_repository"],"expires_at":"2027-01-01"}"#), Live, "scopes: api, read_repository; expires 2027-01-01"),
        case("gitlab", gl, "/api/v4/personal_access_tokens/self", Reply::new(200, r#"{"id":1,"revoked":false,"active":false,"scopes":["api"]}"#), Inactive, "expired"),
        case("gitlab", gl, "/api/v4/personal_access_tokens/self", Reply::new(401, r#"{"message":"401 Unauthorized"}"#), Inactive, "401 Unauthorized"),
        case("gitlab", gl, "/api/v4/personal_access_tokens/self", Reply::new(403, r#"{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"read_api"}"#), Restricted, "insufficient_scope: The request requires higher privileges"),
        case("huggingface", hf, "/api/whoami-v2", Reply::new(200, r#"{"name":"alice","auth":{"accessToken":{"role":"write"}}}"#), Live, "user alice, write token"),
        case("huggingface", hf, "/api/whoami-v2", Reply::new(401, r#"{"error":"Invalid credentials in Authorization header"}"#), Inactive, "Invalid credentials"),
        case("groq", groq, "/openai/v1/models", Reply::new(401, r#"{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}"#), Inactive, "invalid_api_key: Invalid API Key"),
        case("groq", groq, "/openai/v1/models", Reply::new(400, r#"{"error":{"message":"Organization has been restricted.","type":"invalid_request_error","code":"organization_restricted"}}"#), Restricted, "organization_restricted"),
        case("openrouter", or, "/api/v1/key", Reply::new(200, r#"{"data":{"label":"x","limit":10,"usage":10,"limit_remaining":0}}"#), QuotaExhausted, "limit_remaining 0"),
        case("openrouter", or, "/api/v1/key", Reply::new(200, r#"{"data":{"label":"x","limit":null,"usage":1,"limit_remaining":null,"is_free_tier":true}}"#), Live, "free tier"),
        case("openrouter", or, "/api/v1/key", Reply::new(401, r#"{"error":{"message":"User not found.","code":401}}"#), Inactive, "User not found."),
        case("gemini", gem, "/v1beta/models", Reply::new(200, r#"{"models":[]}"#), Live, "authenticated"),
        case("gemini", gem, "/v1beta/models", Reply::new(400, gem_err(400, "INVALID_ARGUMENT", "API_KEY_INVALID", "API key not valid. Please pass a valid API key.")), Inactive, "API_KEY_INVALID: API key not valid"),
        case("gemini", gem, "/v1beta/models", Reply::new(403, gem_err(403, "PERMISSION_DENIED", "SERVICE_DISABLED", "Generative Language API has not been used in project 1 before or it is disabled.")), Restricted, "SERVICE_DISABLED"),
        case("gemini", gem, "/v1beta/models", Reply::new(400, r#"{"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}"#), Unknown, "not on the key"),
        case("stripe", stripe, "/v1/balance", Reply::new(200, r#"{"object":"balance"}"#), Live, "test mode"),
        case("stripe", stripe, "/v1/balance", Reply::new(401, r#"{"error":{"message":"Invalid API Key provided: sk_test_****abcd","type":"invalid_request_error"}}"#), Inactive, "invalid_request_error: Invalid API Key provided"),
        case("stripe", stripe, "/v1/balance", Reply::new(403, r#"{"error":{"message":"The provided key does not have the required permissions for this endpoint.","type":"invalid_request_error"}}"#), Restricted, "required permissions"),
        case("slack", slack, "/api/auth.test", Reply::new(200, r#"{"ok":true,"url":"https://x.slack.com/","team":"Acme","user":"deploybot","team_id":"T1","user_id":"U1","bot_id":"B1"}"#), Live, "bot token for deploybot in workspace Acme"),
        case("slack", slack, "/api/auth.test", Reply::new(200, r#"{"ok":false,"error":"invalid_auth"}"#), Inactive, "invalid_auth"),
        case("slack", slack, "/api/auth.test", Reply::new(200, r#"{"ok":false,"error":"missing_scope"}"#), Restricted, "missing_scope"),
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let s = MockServer::start();
        s.on(c.path, vec![c.reply]);
        let key = fake(c.key, &format!("provider-case-{i}"));
        let v = check(&s, c.provider, &key);
        assert_eq!(
            v.status, c.status,
            "case {i} ({} {}): {}",
            c.provider, c.path, v.detail
        );
        assert!(
            v.detail.contains(c.detail),
            "case {i} ({}): detail {:?} lacks {:?}",
            c.provider,
            v.detail,
            c.detail
        );
        assert_no_key(&v.detail, &key);
        let req = &s.requests()[0];
        // The key travels in the provider's header, nowhere else.
        let auth = match c.provider {
            "anthropic" => req.header("x-api-key").map(str::to_string),
            "gitlab" => req.header("private-token").map(str::to_string),
            "gemini" => req.header("x-goog-api-key").map(str::to_string),
            _ => req
                .header("authorization")
                .map(|a| a.trim_start_matches("Bearer ").to_string()),
        };
        assert_eq!(auth.as_deref(), Some(key.as_str()), "case {i}: auth header");
        assert!(!req.target.contains(&key), "case {i}: key in the URL");
        if c.provider == "anthropic" {
            assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
        }
        if c.provider == "slack" {
            assert_eq!(req.method, "POST");
        }
    }
}

#[test]
fn slack_webhooks_are_checked_with_an_invalid_body() {
    let key = fake(
        "https://hooks.slack.com/services/T{upper:8}/B{upper:8}/{alnum:24}",
        "webhook",
    );
    let path = key.trim_start_matches("https://hooks.slack.com");
    let s = MockServer::start();
    s.on(path, vec![Reply::new(400, "invalid_payload")]);
    let v = check(&s, "slack", &key);
    assert_eq!(v.status, VerifyStatus::Live, "{}", v.detail);
    let req = &s.requests()[0];
    assert_eq!(req.method, "POST");
    assert!(
        serde_json::from_slice::<Value>(&req.body).is_err(),
        "the body must not be a postable message"
    );

    let s = MockServer::start();
    s.on(path, vec![Reply::new(404, "no_service")]);
    assert_eq!(check(&s, "slack", &key).status, VerifyStatus::Inactive);
}

#[test]
fn tokens_a_check_would_rotate_are_not_sent() {
    let s = MockServer::start();
    let v = check(&s, "github", &fake("ghr_{alnum:36}", "refresh"));
    assert_eq!(v.status, VerifyStatus::Unknown);
    assert!(v.detail.contains("rotate"), "{}", v.detail);
    assert!(s.requests().is_empty());
}

// ---------- the binary ----------

/// `keyhound scan` with verification pointed at `server`, short timeouts.
/// `keyhound scan . ARGS` in `dir`, with OpenAI's endpoint at `server` and short timeouts.
fn scan_with(dir: &std::path::Path, server: &MockServer, args: &[&str]) -> std::process::Output {
    keyhound()
        .current_dir(dir)
        .env("KEYHOUND_VERIFY_TIMEOUT_MS", "500")
        .env("KEYHOUND_VERIFY_BACKOFF_MS", "1")
        .env("KEYHOUND_VERIFY_RATE", "0")
        .args(["scan", "."])
        .args(args)
        .arg("--verify-endpoint")
        .arg(format!("openai={}", server.url()))
        .output()
        .unwrap()
}

/// `scan_with` plus `--verify`.
fn scan(dir: &std::path::Path, server: &MockServer, extra: &[&str]) -> std::process::Output {
    scan_with(dir, server, &[&["--verify"], extra].concat())
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_key_in_three_files_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("three-files");
    write(
        dir.path(),
        "deploy.sh",
        format!("export OPENAI_API_KEY={key}\n"),
    );
    write(
        dir.path(),
        "src/config.py",
        format!("api_key = \"{key}\"\n"),
    );
    write(
        dir.path(),
        "notes/setup.txt",
        format!("use {key} for now\n"),
    );
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    let out = scan(dir.path(), &s, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    for f in findings {
        assert_eq!(f["verification"]["status"], "live", "{f}");
    }
    assert_eq!(s.count("/v1/models"), 1, "one request per distinct key");
    assert_eq!(report["summary"]["live"], 3);
}

#[test]
fn a_key_relabelled_as_client_exposed_is_still_verified() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("public-var");
    write(
        dir.path(),
        "src/config.js",
        format!("const k = process.env.X;\nexport const NEXT_PUBLIC_OPENAI_KEY = \"{key}\";\n"),
    );
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    let out = scan(dir.path(), &s, &["--format", "json"]);
    let report = json_of(&out);
    let f = &report["findings"].as_array().unwrap()[0];
    assert_eq!(f["rule_id"], "client-exposed-env", "{f}");
    assert_eq!(f["verification"]["status"], "live", "{f}");
    assert_eq!(s.count("/v1/models"), 1);
}

#[test]
fn verdicts_in_every_format_and_no_full_key_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let live = openai_key("fmt-live");
    let dead = fake("sk-proj-{urlsafe:58}T3BlbkFJ{urlsafe:58}", "fmt-dead");
    write(dir.path(), "a_dead.sh", format!("OPENAI_API_KEY={dead}\n"));
    write(dir.path(), "b_live.py", format!("KEY = \"{live}\"\n"));
    let s = MockServer::start();
    // One path, two keys: answer by key.
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    let echo = format!("Incorrect API key provided: {dead}.");
    let dead_server = MockServer::start();
    dead_server.on(
        "/v1/models",
        vec![Reply::openai_error(
            401,
            &echo,
            "invalid_request_error",
            Some("invalid_api_key"),
        )],
    );

    // JSON: the dead key through the server that rejects it.
    let out = scan(dir.path(), &dead_server, &["--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = json_of(&out);
    let dead_f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "a_dead.sh")
        .unwrap()
        .clone();
    assert_eq!(dead_f["verification"]["status"], "inactive");
    assert!(dead_f["verification"]["detail"]
        .as_str()
        .unwrap()
        .starts_with("invalid_api_key: Incorrect API key provided: sk-proj-"));
    for text in [&stdout, &stderr] {
        assert_no_key(text, &dead);
        assert_no_key(text, &live);
    }

    // SARIF: verdict in properties and message.
    let out = scan(dir.path(), &s, &["--format", "sarif"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_key(&stdout, &live);
    assert_no_key(&String::from_utf8_lossy(&out.stderr), &live);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert_eq!(r["properties"]["verification"]["status"], "live");
        assert!(
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("[verified: live, rotate it now"),
            "{r}"
        );
        assert_eq!(r["level"], "error");
    }

    // Human: live keys first, under a header.
    let out = scan(dir.path(), &dead_server, &[]);
    let human = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_key(&human, &dead);
    assert!(
        human.contains("verified: inactive (invalid_api_key"),
        "{human}"
    );
    let out = scan(dir.path(), &s, &[]);
    let human = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(human.starts_with("LIVE KEYS"), "{human}");
    assert!(human.contains("(2 live)"), "{human}");

    // --no-redact is the only way to see a key.
    let out = scan(dir.path(), &s, &["--format", "json", "--no-redact"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&live));
}

#[test]
fn only_live_keeps_keys_that_authenticated() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("only-live");
    write(dir.path(), "app.py", format!("KEY = \"{key}\"\n"));
    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::openai_error(
            401,
            "Incorrect API key provided",
            "invalid_request_error",
            Some("invalid_api_key"),
        )],
    );
    // No --verify: --only-live implies it.
    let out = scan_with(dir.path(), &s, &["--only-live", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a dead key is not reported with --only-live"
    );
    assert!(json_of(&out)["findings"].as_array().unwrap().is_empty());
    assert_eq!(s.count("/v1/models"), 1, "--only-live implies --verify");

    let s = MockServer::start();
    s.on(
        "/v1/models",
        vec![Reply::openai_error(
            429,
            "quota",
            "insufficient_quota",
            Some("insufficient_quota"),
        )],
    );
    let out = scan_with(dir.path(), &s, &["--only-live", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a live key (out of quota) still fails the scan"
    );
    let report = json_of(&out);
    assert_eq!(
        report["findings"][0]["verification"]["status"],
        "quota_exhausted"
    );
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        format!("KEY = \"{}\"\n", openai_key("http-refused")),
    );
    let out = keyhound()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--verify",
            "--verify-endpoint",
            "openai=http://10.1.2.3:8080",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("plain http:// is only allowed to a loopback host"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing scanned or sent");

    let out = keyhound()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--verify",
            "--verify-endpoint",
            "nosuch=https://x.example",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown provider 'nosuch'"));
}

#[test]
fn without_verify_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        format!("KEY = \"{}\"\n", openai_key("no-verify")),
    );
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    let out = scan_with(dir.path(), &s, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json_of(&out)["findings"][0]["verification"].is_null());
    assert!(s.requests().is_empty());
}
