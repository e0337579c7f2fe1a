//! `keyhound doctor`: the "my OpenAI key stopped working" checklist, offline and with one live
//! call to a scripted server on 127.0.0.1.

use crate::common;

use common::http::{MockServer, Reply};
use common::{assert_no_key, fake, keyhound, openai_endpoint, openai_key, write};
use std::path::Path;

/// Runs `keyhound doctor ARGS` in `dir` with exactly the OpenAI variables in `env`.
fn doctor(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut c = keyhound();
    c.current_dir(dir)
        .env("KEYHOUND_VERIFY_TIMEOUT_MS", "500")
        .env("KEYHOUND_VERIFY_BACKOFF_MS", "1");
    for (k, _) in std::env::vars() {
        if k.to_ascii_uppercase().contains("OPENAI") || k.to_ascii_uppercase().contains("OPEN_AI") {
            c.env_remove(k);
        }
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.arg("doctor").args(args).output().unwrap();
    let text = common::printed(&out);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn missing_key_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = doctor(dir.path(), &[], &["--offline"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PROBLEM  OPENAI_API_KEY is not set"), "{out}");
}

#[test]
fn empty_key_and_misspelt_variable() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("misspelt");
    write(dir.path(), ".env", "OPENAI_API_KEY=\n");
    let (code, out) = doctor(dir.path(), &[("OPENAI_KEY", &key)], &["--offline"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("OPENAI_API_KEY is set but empty in .env (line 1)"),
        "{out}"
    );
    assert!(
        out.contains("OPENAI_KEY is set in the environment instead of OPENAI_API_KEY"),
        "{out}"
    );
    assert!(
        out.contains("fix: rename OPENAI_KEY to OPENAI_API_KEY"),
        "{out}"
    );
    assert_no_key(&out, &key);

    let (_, out) = doctor(dir.path(), &[("OPEN_AI_API_KEY", &key)], &["--offline"]);
    assert!(
        out.contains("OPEN_AI_API_KEY is set in the environment instead"),
        "{out}"
    );
}

#[test]
fn whitespace_quotes_newline_and_bearer_are_problems() {
    let key = openai_key("dirty");
    let cases: Vec<(String, &str)> = vec![
        (format!("{key} "), "ends with whitespace"),
        (format!("{key}\n"), "ends with a newline"),
        (format!("\"{key}\""), "contains quote characters"),
        (format!("Bearer {key}"), "starts with \"Bearer \""),
        (
            format!("{}\n{}", &key[..80], &key[80..]),
            "line break inside it",
        ),
    ];
    for (value, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (code, out) = doctor(dir.path(), &[("OPENAI_API_KEY", &value)], &["--offline"]);
        assert_eq!(code, 1, "{expect}: {out}");
        assert!(out.contains(expect), "expected {expect:?} in:\n{out}");
        assert_no_key(&out, &key);
    }
    // In a .env file: quotes are dotenv syntax, a space inside them is not.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".env", format!("OPENAI_API_KEY=\"{key} \"\n"));
    let (code, out) = doctor(dir.path(), &[], &["--offline"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the value of OPENAI_API_KEY in .env (line 1) ends with whitespace"),
        "{out}"
    );
    write(dir.path(), ".env", format!("OPENAI_API_KEY=\"{key}\"\n"));
    let (code, out) = doctor(dir.path(), &[], &["--offline"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK       the value in .env (line 1) has the length and characters of an OpenAI project key"), "{out}");
    assert!(out.contains("key type: project key"), "{out}");
}

#[test]
fn wrong_length_or_alphabet() {
    let key = openai_key("short");
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = doctor(
        dir.path(),
        // Cut to 10 characters after `T3BlbkFJ`: a key keeps at least 20 on each side of the
        // marker (any longer part is accepted, so lengths OpenAI may change still pass).
        &[("OPENAI_API_KEY", &key[..100])],
        &["--offline"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("matches no OpenAI key format: cut off, or mistyped"),
        "{out}"
    );
    let masked = format!("{}****{}", &key[..20], &key[150..]);
    let (_, out) = doctor(dir.path(), &[("OPENAI_API_KEY", &masked)], &["--offline"]);
    assert!(out.contains("shortened or masked copy"), "{out}");
    let (_, out) = doctor(
        dir.path(),
        &[("OPENAI_API_KEY", "sk-proj-your-key-here")],
        &["--offline"],
    );
    assert!(out.contains("placeholder"), "{out}");
}

#[test]
fn environment_and_env_file_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let old = openai_key("stale");
    let new = openai_key("fresh");
    write(dir.path(), ".env", format!("OPENAI_API_KEY={new}\n"));
    let (code, out) = doctor(dir.path(), &[("OPENAI_API_KEY", &old)], &["--offline"]);
    assert_eq!(
        code, 0,
        "a disagreement is a warning, not a broken key: {out}"
    );
    assert!(
        out.contains("WARNING  the environment and .env (line 1) hold different keys"),
        "{out}"
    );
    assert!(out.contains("unset OPENAI_API_KEY"), "{out}");
    assert_no_key(&out, &old);
    assert_no_key(&out, &new);
}

#[test]
fn org_and_project_ids() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("ids");
    let org = fake("org-{alnum:24}", "org");
    let (code, out) = doctor(
        dir.path(),
        &[
            ("OPENAI_API_KEY", &key),
            ("OPENAI_ORG_ID", &org),
            ("OPENAI_PROJECT_ID", "project-one"),
        ],
        &["--offline"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("OK       OPENAI_ORG_ID is set"), "{out}");
    assert!(out.contains("OPENAI_PROJECT_ID in the environment (11 characters) does not look like an OpenAI id (they start with proj_)"), "{out}");
}

#[test]
fn live_check_verdicts_in_plain_words() {
    let key = openai_key("doctor-live");
    let echo = format!("Incorrect API key provided: {key}.");
    let cases: Vec<(Reply, i32, &str)> = vec![
        (Reply::new(200, "{}"), 0, "the key works"),
        (
            Reply::openai_error(401, &echo, "invalid_request_error", Some("invalid_api_key")),
            1,
            "revoked, deleted, or mistyped",
        ),
        (
            Reply::openai_error(
                429,
                "You exceeded your current quota",
                "insufficient_quota",
                Some("insufficient_quota"),
            ),
            1,
            "billing",
        ),
        (
            Reply::openai_error(
                429,
                "Rate limit reached",
                "requests",
                Some("rate_limit_exceeded"),
            ),
            0,
            "slow down",
        ),
        (
            Reply::openai_error(
                403,
                "Country, region, or territory not supported",
                "request_forbidden",
                Some("unsupported_country_region_territory"),
            ),
            1,
            "not the key",
        ),
        (
            Reply::openai_error(
                403,
                "not allowed for this project",
                "invalid_request_error",
                None,
            ),
            1,
            "permissions",
        ),
        (Reply::new(503, "{}"), 2, "status.openai.com"),
    ];
    for (reply, code, words) in cases {
        let dir = tempfile::tempdir().unwrap();
        let s = MockServer::start();
        s.on("/v1/models", vec![reply]);
        let (got, out) = doctor(
            dir.path(),
            &[("OPENAI_API_KEY", &key)],
            &["--verify-endpoint", &openai_endpoint(&s)],
        );
        assert_eq!(got, code, "{words}: {out}");
        assert!(out.contains(words), "expected {words:?} in:\n{out}");
        assert_no_key(&out, &key);
        assert!(s.count("/v1/models") >= 1);
    }
}

#[test]
fn live_check_sends_org_and_project_and_uses_the_cleaned_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("doctor-headers");
    let org = fake("org-{alnum:24}", "org2");
    let project = fake("proj_{alnum:24}", "proj2");
    let s = MockServer::start();
    s.on("/v1/models", vec![Reply::new(200, "{}")]);
    let (code, out) = doctor(
        dir.path(),
        &[
            ("OPENAI_API_KEY", &format!("{key}\n")),
            ("OPENAI_ORG_ID", &org),
            ("OPENAI_PROJECT_ID", &project),
        ],
        &["--verify-endpoint", &openai_endpoint(&s)],
    );
    assert_eq!(code, 1, "the trailing newline is still a problem: {out}");
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1, "one live call");
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    assert_eq!(reqs[0].header("openai-organization"), Some(org.as_str()));
    assert_eq!(reqs[0].header("openai-project"), Some(project.as_str()));
    assert!(out.contains("live check (GET http://127.0.0.1:"), "{out}");
}

#[test]
fn offline_makes_no_call_and_bad_endpoints_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("offline");
    let s = MockServer::start();
    let (code, _) = doctor(
        dir.path(),
        &[("OPENAI_API_KEY", &key)],
        &["--offline", "--verify-endpoint", &openai_endpoint(&s)],
    );
    assert_eq!(code, 0);
    assert!(s.requests().is_empty());
    let (code, out) = doctor(
        dir.path(),
        &[("OPENAI_API_KEY", &key)],
        &["--verify-endpoint", "openai=http://192.0.2.1"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("loopback"), "{out}");
}

#[test]
fn env_file_flag_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("env-file");
    write(
        dir.path(),
        "config/prod.env",
        format!("export OPENAI_API_KEY='{key}'\n"),
    );
    let (code, out) = doctor(
        dir.path(),
        &[],
        &["--offline", "--env-file", "config/prod.env"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("config/prod.env (line 1)"), "{out}");
    // The redacted form keeps the known prefix.
    assert!(out.contains(&format!("{}…", &key[..10])), "{out}");
    let (code, out) = doctor(dir.path(), &[], &["--offline", "--env-file", "missing.env"]);
    assert_eq!(code, 2, "{out}");
}
