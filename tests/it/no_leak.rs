//! Nothing keyhound writes holds a full secret unless `--no-redact`: planted keys (plain, in an
//! archive, base64-encoded, in a notebook) are scanned with every output format, to stdout and
//! to `--output` files, and every byte keyhound produced is searched for the secrets and for
//! long pieces of them.

use crate::common;

use base64::Engine as _;
use common::{fake, keyhound, openai_key, write};
use std::io::Write as _;
use std::path::Path;

/// Shortest piece of a secret's random body that counts as a leak. Redaction shows the known
/// prefix plus two characters and the last three; 12 characters of the body are never shown.
const PIECE: usize = 12;

struct Planted {
    dir: tempfile::TempDir,
    secrets: Vec<String>,
}

fn plant() -> Planted {
    let dir = tempfile::tempdir().unwrap();
    let plain = openai_key("leak-plain");
    let archived = openai_key("leak-archive");
    let encoded = openai_key("leak-base64");
    let notebook = fake("sk-proj-{alnum:48}", "leak-notebook");
    write(dir.path(), ".env", format!("OPENAI_API_KEY={plain}\n"));
    let mut zip = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut zip);
        w.start_file("config/app.env", zip::write::SimpleFileOptions::default())
            .unwrap();
        writeln!(w, "OPENAI_API_KEY={archived}").unwrap();
        w.finish().unwrap();
    }
    write(dir.path(), "bundle.zip", zip.into_inner());
    let b64 =
        base64::engine::general_purpose::STANDARD.encode(format!("OPENAI_API_KEY={encoded}\n"));
    write(
        dir.path(),
        "k8s/secret.yaml",
        format!("apiVersion: v1\nkind: Secret\ndata:\n  env: {b64}\n"),
    );
    write(
        dir.path(),
        "analysis.ipynb",
        format!(
            "{{\"cells\":[{{\"cell_type\":\"code\",\"source\":[\"client = OpenAI(api_key=\\\"{notebook}\\\")\\n\"]}}],\"nbformat\":4}}\n"
        ),
    );
    Planted {
        dir,
        secrets: vec![plain, archived, encoded, notebook],
    }
}

/// The first piece of `secret` (full or `PIECE` long, past its known prefix) found in `text`.
fn leak<'a>(text: &str, secret: &'a str) -> Option<&'a str> {
    if text.contains(secret) {
        return Some(secret);
    }
    let body = &secret["sk-proj-".len()..];
    (0..=body.len() - PIECE)
        .map(|i| &body[i..i + PIECE])
        .find(|piece| text.contains(piece))
}

fn assert_no_leak(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        if let Some(piece) = leak(text, s) {
            panic!("{what} leaks a secret (piece {piece:?}):\n{text}");
        }
    }
}

/// Runs `keyhound ARGS` in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = keyhound().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FORMATS: [&str; 3] = ["human", "json", "sarif"];

#[test]
fn no_format_leaks_a_secret() {
    let p = plant();
    for format in FORMATS {
        let (code, stdout, stderr) = run(p.dir.path(), &["scan", ".", "--format", format]);
        assert_eq!(code, 1, "{format}: {stderr}");
        // Every planted key was found: redaction, not a miss, keeps them out of the report.
        assert!(
            stdout.matches("sk-proj-").count() >= p.secrets.len(),
            "{format}: not every planted key was reported:\n{stdout}"
        );
        assert_no_leak(&format!("{format} stdout"), &stdout, &p.secrets);
        assert_no_leak(&format!("{format} stderr"), &stderr, &p.secrets);
    }
}

#[test]
fn report_files_do_not_leak() {
    let p = plant();
    let out_dir = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let file = out_dir.path().join(format!("report.{format}"));
        let (code, stdout, stderr) = run(
            p.dir.path(),
            &[
                "scan",
                ".",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 1, "{format}: {stderr}");
        let report = std::fs::read_to_string(&file).unwrap();
        assert!(report.contains("sk-proj-"), "{format}: empty report");
        assert_no_leak(&format!("{format} --output file"), &report, &p.secrets);
        assert_no_leak(&format!("{format} stdout"), &stdout, &p.secrets);
        assert_no_leak(&format!("{format} stderr"), &stderr, &p.secrets);
    }
}

#[test]
fn warnings_do_not_leak() {
    // A truncated archive and an oversized file sit beside the keys: their warnings must not
    // quote file content.
    let p = plant();
    let secret = &p.secrets[0];
    write(p.dir.path(), "cut.zip", format!("PK\x03\x04{secret}"));
    write(
        p.dir.path(),
        "big.env",
        format!("OPENAI_API_KEY={secret}\n").repeat(2000),
    );
    let (code, stdout, stderr) = run(p.dir.path(), &["scan", ".", "--max-file-size", "64K"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("warning"), "expected warnings: {stderr}");
    assert_no_leak("stderr with warnings", &stderr, &p.secrets);
    assert_no_leak("stdout with warnings", &stdout, &p.secrets);
}

#[test]
fn no_redact_shows_every_secret_in_every_format() {
    let p = plant();
    for format in FORMATS {
        let (code, stdout, stderr) = run(
            p.dir.path(),
            &["scan", ".", "--format", format, "--no-redact"],
        );
        assert_eq!(code, 1, "{format}: {stderr}");
        for s in &p.secrets {
            assert!(
                stdout.contains(s.as_str()),
                "{format} --no-redact does not show {s}:\n{stdout}"
            );
        }
        // Still only in the report, not in the log.
        assert_no_leak(&format!("{format} stderr"), &stderr, &p.secrets);
    }
}

#[test]
fn baseline_file_does_not_leak() {
    let p = plant();
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("baseline.json");
    let (code, stdout, stderr) = run(
        p.dir.path(),
        &[
            "baseline",
            "create",
            ".",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let baseline = std::fs::read_to_string(&file).unwrap();
    assert!(baseline.len() > 20, "empty baseline: {baseline}");
    assert_no_leak("baseline file", &baseline, &p.secrets);
    assert_no_leak("baseline stdout", &stdout, &p.secrets);
    assert_no_leak("baseline stderr", &stderr, &p.secrets);
}

/// A provider that echoes the key it was sent in its error message (OpenAI does:
/// "Incorrect API key provided: sk-proj-…").
fn echoing_server(key: &str) -> common::http::MockServer {
    let s = common::http::MockServer::start();
    let msg = format!("Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.");
    let replies = (0..20)
        .map(|_| {
            common::http::Reply::openai_error(
                401,
                &msg,
                "invalid_request_error",
                Some("invalid_api_key"),
            )
        })
        .collect::<Vec<_>>();
    s.on("/v1/models", replies.clone());
    s.on("/v1/me", replies);
    s
}

#[test]
fn verify_and_doctor_do_not_echo_a_provider_error_with_the_key() {
    let p = plant();
    let key = &p.secrets[0];
    let server = echoing_server(key);
    let endpoint = format!("openai={}", server.url());
    for format in FORMATS {
        let (_, stdout, stderr) = run(
            p.dir.path(),
            &[
                "scan",
                ".",
                "--format",
                format,
                "--verify",
                "--verify-endpoint",
                &endpoint,
            ],
        );
        assert!(
            !server.requests().is_empty(),
            "no verification request was made: {stderr}"
        );
        assert_no_leak(&format!("{format} --verify stdout"), &stdout, &p.secrets);
        assert_no_leak(&format!("{format} --verify stderr"), &stderr, &p.secrets);
    }
    for args in [
        vec!["doctor", "--offline"],
        vec!["doctor", "--verify-endpoint", &endpoint],
    ] {
        let out = keyhound()
            .current_dir(p.dir.path())
            .env("OPENAI_API_KEY", key)
            .env("KEYHOUND_VERIFY_TIMEOUT_MS", "2000")
            .args(&args)
            .output()
            .unwrap();
        let text = common::printed(&out);
        assert!(
            text.contains("sk-proj-"),
            "{args:?}: doctor does not mention the key at all:\n{text}"
        );
        assert_no_leak(&format!("{args:?}"), &text, &p.secrets);
    }
}
