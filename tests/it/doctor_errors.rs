//! `keyhound doctor` against every documented OpenAI auth error (a scripted server on 127.0.0.1
//! stands in for OpenAI), `--model`, another provider's key, and the deploy-time causes.

use crate::common;

use common::http::{MockServer, Reply};
use common::{assert_no_key, fake, keyhound, openai_endpoint, openai_key, write};
use std::path::Path;

fn doctor(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut c = keyhound();
    c.current_dir(dir)
        .env("KEYHOUND_VERIFY_TIMEOUT_MS", "2000")
        .env("KEYHOUND_VERIFY_BACKOFF_MS", "1")
        .env("KEYHOUND_VERIFY_RETRIES", "1");
    for (k, _) in std::env::vars() {
        let u = k.to_ascii_uppercase();
        if u.contains("OPENAI")
            || u.contains("OPEN_AI")
            || [
                "VERCEL",
                "NETLIFY",
                "FLY_APP_NAME",
                "DYNO",
                "GITHUB_ACTIONS",
            ]
            .contains(&u.as_str())
        {
            c.env_remove(k);
        }
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.arg("doctor").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), common::printed(&out))
}

#[test]
fn each_401_code_gets_its_own_cause_and_fix_and_exit_1() {
    let key = openai_key("doctor-401");
    let org = fake("org-{alnum:24}", "doctor-401-org");
    let project = fake("proj_{alnum:24}", "doctor-401-proj");
    let echo = format!("Incorrect API key provided: {key}.");
    let cases: Vec<(Reply, Vec<&str>)> = vec![
        (
            Reply::openai_error(401, &echo, "invalid_request_error", Some("invalid_api_key")),
            vec!["invalid_api_key): it was revoked, deleted, or mistyped", "create a new key"],
        ),
        (
            Reply::openai_error(
                401,
                "OpenAI-Project header should match project for API key",
                "invalid_request_error",
                Some("mismatched_project"),
            ),
            vec![
                "does not belong to the project in the OpenAI-Project header (mismatched_project)",
                project.as_str(),
                "OPENAI_PROJECT_ID in the environment",
                "set OPENAI_PROJECT_ID to the id of the key's own project",
            ],
        ),
        (
            Reply::openai_error(
                401,
                "OpenAI-Organization header should match organization for API key",
                "invalid_request_error",
                Some("mismatched_organization"),
            ),
            vec![
                "(mismatched_organization)",
                org.as_str(),
                "set OPENAI_ORG_ID to the organization the key was created in",
            ],
        ),
        (
            Reply::openai_error(401, "", "invalid_request_error", Some("invalid_organization")),
            vec![
                "knows no organization",
                "(invalid_organization)",
                "not its display name",
            ],
        ),
        (
            Reply::openai_error(
                401,
                "You must be a member of an organization to use the API.",
                "invalid_request_error",
                Some("no_organization"),
            ),
            vec!["belongs to no organization (no_organization)", "invite you"],
        ),
        (
            Reply::openai_error(
                401,
                "You have insufficient permissions for this operation. Missing scopes: api.model.read.",
                "invalid_request_error",
                None,
            ),
            vec!["restricted key", "missing scopes: api.model.read", "Models: Read"],
        ),
        (
            Reply::openai_error(
                401,
                "Your IP address is not authorized to make this request.",
                "invalid_request_error",
                None,
            ),
            vec!["IP allowlist", "outgoing IP address"],
        ),
    ];
    for (reply, words) in cases {
        let dir = tempfile::tempdir().unwrap();
        let s = MockServer::start();
        s.on("/v1/models", vec![reply]);
        let (code, out) = doctor(
            dir.path(),
            &[
                ("OPENAI_API_KEY", &key),
                ("OPENAI_ORG_ID", &org),
                ("OPENAI_PROJECT_ID", &project),
            ],
            &["--verify-endpoint", &openai_endpoint(&s)],
        );
        assert_eq!(code, 1, "{words:?}: {out}");
        for w in &words {
            assert!(out.contains(w), "expected {w:?} in:\n{out}");
        }
        assert!(!out.contains("wait and try again"), "{out}");
        assert_no_key(&out, &key);
    }
}

#[test]
fn quota_region_rate_limit_and_server_errors() {
    let key = openai_key("doctor-429");
    let cases: Vec<(Reply, i32, &str)> = vec![
        (
            Reply::openai_error(
                429,
                "You exceeded your current quota",
                "insufficient_quota",
                Some("insufficient_quota"),
            ),
            1,
            "out of credit or over its budget (insufficient_quota)",
        ),
        (
            Reply::openai_error(
                429,
                "Rate limit reached for requests",
                "requests",
                Some("rate_limit_exceeded"),
            ),
            0,
            "exponential backoff",
        ),
        (
            Reply::openai_error(
                403,
                "Country, region, or territory not supported",
                "request_forbidden",
                Some("unsupported_country_region_territory"),
            ),
            1,
            "supported region on the hosting platform",
        ),
        (Reply::new(503, "{}"), 2, "status.openai.com"),
    ];
    for (reply, want, words) in cases {
        let dir = tempfile::tempdir().unwrap();
        let s = MockServer::start();
        s.on("/v1/models", vec![reply]);
        let (code, out) = doctor(
            dir.path(),
            &[("OPENAI_API_KEY", &key)],
            &["--verify-endpoint", &openai_endpoint(&s)],
        );
        assert_eq!(code, want, "{words}: {out}");
        assert!(out.contains(words), "expected {words:?} in:\n{out}");
    }
}

#[test]
fn model_access_is_checked_with_the_same_headers() {
    let key = openai_key("doctor-model");
    let project = fake("proj_{alnum:24}", "doctor-model-proj");
    let dir = tempfile::tempdir().unwrap();
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, r#"{"data":[]}"#)]);
    s.on(
        "/v1/models/gpt-4o-mini",
        vec![Reply::openai_error(
            404,
            "The model `gpt-4o-mini` does not exist or you do not have access to it.",
            "invalid_request_error",
            Some("model_not_found"),
        )],
    );
    let env = [
        ("OPENAI_API_KEY", key.as_str()),
        ("OPENAI_PROJECT_ID", &project),
    ];
    let (code, out) = doctor(
        dir.path(),
        &env,
        &[
            "--verify-endpoint",
            &openai_endpoint(&s),
            "--model",
            "gpt-4o-mini",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the key's project cannot use gpt-4o-mini"),
        "{out}"
    );
    assert!(out.contains("Settings → Project → Limits"), "{out}");
    let req = s
        .requests()
        .into_iter()
        .find(|r| r.path() == "/v1/models/gpt-4o-mini")
        .expect("the model was asked for");
    assert_eq!(req.header("openai-project"), Some(project.as_str()));

    // 403 on the model: the same advice.
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    s.on(
        "/v1/models/o3",
        vec![Reply::openai_error(
            403,
            "not allowed",
            "invalid_request_error",
            None,
        )],
    );
    let (code, out) = doctor(
        dir.path(),
        &env,
        &["--verify-endpoint", &openai_endpoint(&s), "--model", "o3"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cannot use o3"), "{out}");

    // Allowed.
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    s.on("/v1/models/o3", vec![Reply::new(200, r#"{"id":"o3"}"#)]);
    let (code, out) = doctor(
        dir.path(),
        &env,
        &["--verify-endpoint", &openai_endpoint(&s), "--model", "o3"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the key's project can use o3"), "{out}");

    // A model name is a path segment: nothing else gets through.
    let (code, out) = doctor(dir.path(), &env, &["--offline", "--model", "../admin"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not a model id"), "{out}");
}

#[test]
fn another_providers_key_is_named_and_never_sent_to_openai() {
    let key = fake("sk-ant-api03-{urlsafe:93}AA", "doctor-anthropic");
    let dir = tempfile::tempdir().unwrap();
    let s = MockServer::start();
    let (code, out) = doctor(
        dir.path(),
        &[("OPENAI_API_KEY", &key)],
        &["--verify-endpoint", &openai_endpoint(&s)],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(anthropic), not an OpenAI key"), "{out}");
    assert!(out.contains("move it to ANTHROPIC_API_KEY"), "{out}");
    assert!(
        s.requests().is_empty(),
        "an Anthropic key went to the OpenAI endpoint"
    );
    assert_no_key(&out, &key);
}

#[test]
fn deploy_time_places_are_compared_by_fingerprint() {
    let key = openai_key("doctor-deploy-new");
    let old = openai_key("doctor-deploy-old");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".env.production", format!("OPENAI_API_KEY={old}\n"));
    write(d, "vercel.json", "{}\n");
    write(
        d,
        ".github/workflows/deploy.yml",
        "env:\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n",
    );
    write(
        d,
        "Dockerfile",
        "FROM node:22\nARG OPENAI_API_KEY\nCOPY . /app\n",
    );
    write(d, ".env", format!("OPENAI_API_KEY={key}\n"));
    write(
        d,
        "app.py",
        "from dotenv import load_dotenv\nload_dotenv(override=True)\n",
    );
    write(
        d,
        ".next/static/chunks/main.js",
        format!("const k=\"{old}\";fetch(u,{{headers:{{a:k}}}})"),
    );
    let (code, out) = doctor(d, &[], &["--offline"]);
    assert_eq!(code, 1, "{out}");
    let fp = |k: &str| {
        use sha2::Digest;
        let h = sha2::Sha256::digest(k.as_bytes());
        h.iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let (new_fp, old_fp) = (fp(&key), fp(&old));
    assert!(out.contains(&format!("fingerprint {new_fp}")), "{out}");
    assert!(
        out.contains(&format!(
            ".env.production (line 1) holds a different key (fingerprint {old_fp}, here {new_fp})"
        )),
        "{out}"
    );
    assert!(out.contains("vercel.json: deployed on Vercel"), "{out}");
    assert!(out.contains("vercel env pull"), "{out}");
    assert!(
        out.contains(".github/workflows/deploy.yml passes OPENAI_API_KEY from a CI secret"),
        "{out}"
    );
    assert!(out.contains("sha256sum | cut -c1-12"), "{out}");
    assert!(
        out.contains("Dockerfile line 2 sets OPENAI_API_KEY at build time"),
        "{out}"
    );
    assert!(out.contains(".dockerignore does not exclude .env"), "{out}");
    assert!(
        out.contains("app.py line 2 loads .env with override"),
        "{out}"
    );
    assert!(
        out.contains(&format!("main.js holds another OpenAI key (fingerprint {old_fp}, here {new_fp}): a cached build")),
        "{out}"
    );
    assert_no_key(&out, &key);
    assert_no_key(&out, &old);
}
