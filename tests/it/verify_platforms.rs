//! Live verification of the cloud and platform tokens (Vercel, DigitalOcean, Cloudflare, Netlify,
//! Heroku, Render, Doppler) against a scripted server on 127.0.0.1: the read-only request each
//! verifier sends (method, path, header carrying the key), how each documented answer maps to a
//! verdict, tokens that are never sent, and one end-to-end `scan --verify` through the binary.

use crate::common;

use common::http::{MockServer, Reply};
use common::{fake, keyhound, write};
use keyhound::finding::{Verification, VerifyStatus};
use keyhound::live::{verifier, Endpoints, Settings};
use serde_json::Value;

/// One retry: the request counts below expect it.
fn check(server: &MockServer, provider: &str, secret: &str) -> Verification {
    let settings = Settings {
        retries: 1,
        ..common::verify_settings()
    };
    common::verify_with(server, provider, secret, settings)
}

/// (provider, key template, path, scripted answer, verdict, text the detail must hold)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Reply,
    VerifyStatus,
    &'static str,
);

fn cases() -> Vec<Case> {
    use VerifyStatus::*;
    let vercel = "vcp_{alnum:56}";
    let vercel_legacy = "{alnum:24}";
    let dop = "dop_v1_{hex:64}";
    let doo = "doo_v1_{hex:64}";
    let cf = "cfut_{alnum:48}";
    let cf_legacy = "{urlsafe:40}";
    let nfp = "nfp_{alnum:36}";
    let heroku = "HRKU-AA{urlsafe:58}";
    let render = "rnd_{alnum:32}";
    let doppler = "dp.st.prd.{alnum:43}";
    let cf_err = r#"{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}"#;
    vec![
        (
            "vercel",
            vercel,
            "/v2/user",
            Reply::new(
                200,
                r#"{"user":{"id":"u1","username":"alice","email":"a@corp.test"}}"#,
            ),
            Live,
            "user alice",
        ),
        (
            "vercel",
            vercel_legacy,
            "/v2/user",
            Reply::new(
                403,
                r#"{"error":{"code":"forbidden","message":"Not authorized","invalidToken":true}}"#,
            ),
            Inactive,
            "forbidden: Not authorized (invalid token)",
        ),
        (
            "vercel",
            vercel,
            "/v2/user",
            Reply::new(
                403,
                r#"{"error":{"code":"forbidden","message":"You don't have permission to access this resource."}}"#,
            ),
            Restricted,
            "scoped token",
        ),
        (
            "vercel",
            vercel,
            "/v2/user",
            Reply::new(
                401,
                r#"{"error":{"code":"unauthorized","message":"Unauthorized"}}"#,
            ),
            Inactive,
            "unauthorized",
        ),
        (
            "digitalocean",
            dop,
            "/v2/account",
            Reply::new(
                200,
                r#"{"account":{"email":"ops@corp.test","status":"active","droplet_limit":25}}"#,
            ),
            Live,
            "account ops@corp.test (active)",
        ),
        (
            "digitalocean",
            doo,
            "/v2/account",
            Reply::new(
                401,
                r#"{"id":"Unauthorized","message":"Unable to authenticate you"}"#,
            ),
            Inactive,
            "Unable to authenticate you",
        ),
        (
            "digitalocean",
            dop,
            "/v2/account",
            Reply::new(
                403,
                r#"{"id":"Forbidden","message":"You are not authorized to perform this operation"}"#,
            ),
            Restricted,
            "not authorized",
        ),
        (
            "digitalocean",
            dop,
            "/v2/account",
            Reply::new(
                200,
                r#"{"account":{"email":"ops@corp.test","status":"locked"}}"#,
            ),
            Restricted,
            "locked",
        ),
        (
            "cloudflare",
            cf,
            "/client/v4/user/tokens/verify",
            Reply::new(
                200,
                r#"{"success":true,"errors":[],"messages":[{"code":10000,"message":"This API Token is valid and active"}],"result":{"id":"t1","status":"active"}}"#,
            ),
            Live,
            "active",
        ),
        (
            "cloudflare",
            cf_legacy,
            "/client/v4/user/tokens/verify",
            Reply::new(
                200,
                r#"{"success":true,"errors":[],"result":{"id":"t1","status":"expired"}}"#,
            ),
            Inactive,
            "token status expired",
        ),
        (
            "cloudflare",
            cf,
            "/client/v4/user/tokens/verify",
            Reply::new(401, cf_err),
            Inactive,
            "1000: Invalid API Token",
        ),
        (
            "cloudflare",
            cf_legacy,
            "/client/v4/user/tokens/verify",
            Reply::new(400, cf_err),
            Inactive,
            "Invalid API Token",
        ),
        (
            "netlify",
            nfp,
            "/api/v1/user",
            Reply::new(
                200,
                r#"{"id":"1","full_name":"Alice","email":"alice@corp.test"}"#,
            ),
            Live,
            "user alice@corp.test",
        ),
        (
            "netlify",
            nfp,
            "/api/v1/user",
            Reply::new(
                401,
                r#"{"code":401,"message":"Access Denied: Invalid token"}"#,
            ),
            Inactive,
            "Invalid token",
        ),
        (
            "heroku",
            heroku,
            "/account",
            Reply::new(
                200,
                r#"{"email":"dev@corp.test","id":"01234567-89ab-cdef-0123-456789abcdef"}"#,
            ),
            Live,
            "account dev@corp.test",
        ),
        (
            "heroku",
            heroku,
            "/account",
            Reply::new(
                401,
                r#"{"id":"unauthorized","message":"Invalid credentials provided."}"#,
            ),
            Inactive,
            "unauthorized: Invalid credentials provided.",
        ),
        (
            "heroku",
            heroku,
            "/account",
            Reply::new(
                403,
                r#"{"id":"suspended","message":"This account has been suspended."}"#,
            ),
            Restricted,
            "suspended",
        ),
        (
            "render",
            render,
            "/v1/users",
            Reply::new(200, r#"{"email":"ops@corp.test","name":"Ops"}"#),
            Live,
            "user ops@corp.test",
        ),
        (
            "render",
            render,
            "/v1/users",
            Reply::new(401, r#"{"id":"unauthorized","message":"unauthorized"}"#),
            Inactive,
            "unauthorized",
        ),
        (
            "doppler",
            doppler,
            "/v3/me",
            Reply::new(
                200,
                r#"{"workplace":{"slug":"acme","name":"Acme"},"type":"service_token","token_preview":"dp.st.prd.abc...","name":"ci"}"#,
            ),
            Live,
            "service token in workplace Acme",
        ),
        (
            "doppler",
            doppler,
            "/v3/me",
            Reply::new(
                401,
                r#"{"messages":["Invalid Service token"],"success":false}"#,
            ),
            Inactive,
            "Invalid Service token",
        ),
        (
            "doppler",
            doppler,
            "/v3/me",
            Reply::new(
                403,
                r#"{"messages":["This token does not have access to requested resource"],"success":false}"#,
            ),
            Restricted,
            "does not have access",
        ),
        (
            "doppler",
            doppler,
            "/v3/me",
            Reply::new(
                429,
                r#"{"messages":["Rate limit exceeded"],"success":false}"#,
            ),
            RateLimited,
            "Rate limit",
        ),
    ]
}

#[test]
fn each_provider_gets_one_read_only_request_and_its_answers_map_to_verdicts() {
    for (i, (provider, template, path, reply, status, detail)) in cases().into_iter().enumerate() {
        let s = MockServer::start();
        s.on(path, vec![reply]);
        let key = fake(template, &format!("platform-case-{i}"));
        let v = check(&s, provider, &key);
        assert_eq!(v.status, status, "case {i} ({provider}): {}", v.detail);
        assert!(
            v.detail.contains(detail),
            "case {i} ({provider}): detail {:?} lacks {detail:?}",
            v.detail
        );
        assert!(!v.detail.contains(&key), "case {i}: key in the detail");
        let reqs = s.requests();
        assert!(!reqs.is_empty(), "case {i}: nothing sent");
        for req in &reqs {
            assert_eq!(req.method, "GET", "case {i}: only reads");
            assert_eq!(req.path(), path, "case {i}");
            assert!(req.body.is_empty(), "case {i}: a GET carries no body");
            assert_eq!(
                req.header("authorization"),
                Some(format!("Bearer {key}").as_str()),
                "case {i}: the key travels in the Authorization header"
            );
            assert!(!req.target.contains(&key), "case {i}: key in the URL");
        }
        if provider == "heroku" {
            assert_eq!(
                reqs[0].header("accept"),
                Some("application/vnd.heroku+json; version=3")
            );
        }
    }
}

#[test]
fn tokens_a_check_cannot_or_must_not_use_are_not_sent() {
    for (provider, template, why) in [
        ("vercel", "vcr_{alnum:56}", "rotate"),
        ("digitalocean", "dor_v1_{hex:64}", "rotate"),
        ("cloudflare", "cfat_{alnum:48}", "account id"),
    ] {
        let s = MockServer::start();
        let v = check(&s, provider, &fake(template, provider));
        assert_eq!(v.status, VerifyStatus::Unknown, "{provider}");
        assert!(v.detail.contains(why), "{provider}: {}", v.detail);
        assert!(s.requests().is_empty(), "{provider}: a request was sent");
    }
}

#[test]
fn server_errors_are_retried_then_the_verdict_is_taken() {
    let s = MockServer::start();
    s.on(
        "/v2/account",
        vec![
            Reply::new(503, r#"{"id":"service_unavailable","message":"try again"}"#),
            Reply::new(
                200,
                r#"{"account":{"email":"ops@corp.test","status":"active"}}"#,
            ),
        ],
    );
    let v = check(&s, "digitalocean", &fake("dop_v1_{hex:64}", "retry"));
    assert_eq!(v.status, VerifyStatus::Live, "{}", v.detail);
    assert_eq!(s.count("/v2/account"), 2);
}

#[test]
fn official_hosts_are_https_and_overrides_must_be_loopback_for_http() {
    for (name, host) in [
        ("vercel", "https://api.vercel.com"),
        ("digitalocean", "https://api.digitalocean.com"),
        ("cloudflare", "https://api.cloudflare.com"),
        ("netlify", "https://api.netlify.com"),
        ("heroku", "https://api.heroku.com"),
        ("render", "https://api.render.com"),
        ("doppler", "https://api.doppler.com"),
    ] {
        let v = verifier(name).unwrap_or_else(|| panic!("no verifier {name}"));
        assert_eq!(v.base, host);
        let err = Endpoints::parse(&[format!("{name}=http://api.example.net")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("loopback"), "{name}: {err}");
    }
}

/// `scan --verify` through the binary: a Vercel token and a DigitalOcean token in a `.env`, each
/// checked once at its own (overridden) endpoint; the reports carry the verdicts.
#[test]
fn scan_verify_reports_platform_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let vercel = fake("vcp_{alnum:56}", "e2e-vercel");
    let dop = fake("dop_v1_{hex:64}", "e2e-do");
    write(
        dir.path(),
        ".env",
        format!("VERCEL_TOKEN={vercel}\nDIGITALOCEAN_TOKEN={dop}\n"),
    );
    write(
        dir.path(),
        "deploy.sh",
        format!("doctl auth init -t {dop}\n"),
    );
    let s = MockServer::start();
    s.on(
        "/v2/user",
        vec![Reply::new(200, r#"{"user":{"username":"alice"}}"#)],
    );
    s.on(
        "/v2/account",
        vec![Reply::new(
            401,
            r#"{"id":"Unauthorized","message":"Unable to authenticate you"}"#,
        )],
    );
    let out = keyhound()
        .current_dir(dir.path())
        .env("KEYHOUND_VERIFY_TIMEOUT_MS", "500")
        .env("KEYHOUND_VERIFY_BACKOFF_MS", "1")
        .env("KEYHOUND_VERIFY_RATE", "0")
        .args(["scan", ".", "--verify", "--format", "json"])
        .arg("--verify-endpoint")
        .arg(format!("vercel={}", s.url()))
        .arg("--verify-endpoint")
        .arg(format!("digitalocean={}", s.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["verification"].is_object())
        .collect();
    let status_of = |rule: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["rule_id"] == rule)
            .map(|f| {
                f["verification"]["status"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(status_of("vercel-personal-access-token"), ["live"]);
    assert_eq!(status_of("digitalocean-pat"), ["inactive", "inactive"]);
    assert_eq!(s.count("/v2/user"), 1);
    assert_eq!(s.count("/v2/account"), 1, "one request per distinct key");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains(&vercel) && !text.contains(&dop),
        "full key in the report"
    );
}
