//! End-to-end tests of `keyhound scan` on directory trees: exit codes, formats, file kinds,
//! archives, base64, and the command-line surface.

use crate::common;
use common::*;

#[test]
fn clean_tree_exits_0_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/main.rs",
        "fn main() { println!(\"hi\"); }\n",
    );
    let out = keyhound().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no secrets found"), "{stdout}");
    assert!(stdout.contains("scanned 1 file ("), "{stdout}");
}

#[test]
fn finding_exits_1_with_redacted_human_report() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("human");
    write(
        dir.path(),
        "config/settings.py",
        format!("import os\n\nOPENAI_API_KEY = \"{key}\"\n"),
    );
    let out = keyhound().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("config/settings.py"), "{stdout}");
    assert!(stdout.contains("3:19"), "line:column of the key: {stdout}");
    assert!(
        stdout.contains(&format!("{}…", &key[..10])),
        "redacted key: {stdout}"
    );
    assert!(
        !stdout.contains(&key),
        "full key printed without --no-redact"
    );
    assert!(stdout.contains("Revoke this key"), "remediation: {stdout}");
    assert!(stdout.contains("1 secret"), "summary: {stdout}");
    assert!(!stdout.contains('\u{1b}'), "no colour when not a TTY");

    let out = keyhound()
        .arg("scan")
        .arg(dir.path())
        .arg("--no-redact")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&key));
}

#[test]
fn json_report_has_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(dir.path(), ".gitignore", ".env\n*.env\n");
    let key = openai_key("json");
    write(
        dir.path(),
        ".env",
        format!("# comment\nOPENAI_API_KEY={key}\n"),
    );
    let (code, report, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let f = &findings(&report)[0];
    assert_eq!(f["rule_id"], "openai-project-key");
    assert_eq!(f["provider"], "openai");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["path"], ".env");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 16);
    assert_eq!(f["origin"], "working_tree");
    let redacted = f["secret_redacted"].as_str().unwrap();
    assert!(
        redacted.starts_with("sk-proj-") && redacted.contains('…'),
        "{redacted}"
    );
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    assert!(
        f.get("secret").is_none(),
        "full secret only with --no-redact"
    );
    assert!(!report.to_string().contains(&key));
    assert_eq!(report["summary"]["findings"], 1);

    // The fingerprint is stable across runs and line moves.
    write(
        dir.path(),
        ".env",
        format!("# moved\n\n\nOPENAI_API_KEY={key}\n"),
    );
    let (_, again, _) = scan_json(dir.path(), &[]);
    assert_eq!(findings(&again)[0]["fingerprint"], f["fingerprint"]);
    assert_eq!(findings(&again)[0]["line"], 4);
}

#[test]
fn output_file_instead_of_stdout() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", format!("key: {}\n", openai_key("out")));
    let report = tempfile::tempdir().unwrap();
    let path = report.path().join("r.json");
    let out = keyhound()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "json", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn errors_exit_2_with_one_line() {
    let out = keyhound()
        .args(["scan", "/definitely/not/here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no such file or directory"), "{stderr}");

    let out = keyhound()
        .args(["scan", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = keyhound()
        .args(["scan", ".", "--max-file-size", "lots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a size"));
}

#[test]
fn scans_a_single_file_and_several_paths() {
    let a = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(a.path(), ".gitignore", ".env\n*.env\n");
    let b = tempfile::tempdir().unwrap();
    let file = write(a.path(), "one.env", format!("K={}\n", openai_key("one")));
    write(
        b.path(),
        "two.yaml",
        format!("key: {}\n", openai_key("two")),
    );
    let (code, report, _) = scan_json(a.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(findings(&report)[0]["path"], "one.env");

    let (_, report, _) = scan_json(
        a.path(),
        &[a.path().to_str().unwrap(), b.path().to_str().unwrap()],
    );
    let paths: Vec<String> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths.len(), 2);
    assert!(paths.iter().any(|p| p.ends_with("/one.env")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("/two.yaml")), "{paths:?}");
}

#[test]
fn hidden_files_are_scanned_and_dot_git_is_not() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".config/app.toml",
        format!("openai = \"{}\"\n", openai_key("hidden")),
    );
    write(
        dir.path(),
        ".git/config",
        format!("k = {}\n", openai_key("dotgit")),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let paths: Vec<_> = findings(&report)
        .iter()
        .map(|f| f["path"].clone())
        .collect();
    assert_eq!(paths, vec![serde_json::json!(".config/app.toml")]);
}

#[test]
fn respects_gitignore_in_a_repo_but_scans_tracked_ignored_files() {
    let dir = repo();
    write(dir.path(), ".gitignore", "secret.txt\nbuild/\n");
    write(
        dir.path(),
        "tracked.txt",
        format!("k {}\n", openai_key("tracked")),
    );
    commit_all(dir.path(), "init");
    // Tracked even though ignored: must be scanned.
    write(
        dir.path(),
        "build/out.js",
        format!("k=\"{}\"\n", openai_key("forced")),
    );
    common::git(dir.path(), &["add", "-f", "build/out.js"]);
    // Ignored and untracked: skipped unless --no-ignore.
    write(
        dir.path(),
        "secret.txt",
        format!("k {}\n", openai_key("ignored")),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let mut paths: Vec<String> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["build/out.js", "tracked.txt"]);
    let (_, report, _) = scan_json(dir.path(), &["--no-history", "--no-ignore"]);
    assert_eq!(findings(&report).len(), 3);
}

#[test]
fn gitignore_does_not_apply_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "*.txt\n");
    write(dir.path(), "a.txt", format!("k {}\n", openai_key("nogit")));
    let (_, report, _) = scan_json(dir.path(), &[]);
    assert_eq!(findings(&report).len(), 1);
}

#[test]
fn sarif_validates_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    // Env files covered by a .gitignore: only the key findings, no hygiene findings.
    write(dir.path(), ".gitignore", ".env\n*.env\n");
    write(
        dir.path(),
        "dir with space/app.js",
        format!("const k = \"{}\";\n", openai_key("sarif")),
    );
    write(
        dir.path(),
        ".env",
        format!("OPENAI_API_KEY={}\n", openai_key("sarif2")),
    );
    let out = keyhound()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let validator = sarif_validator();
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator.is_valid(&broken),
        "the validator must reject a bad log"
    );

    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&".env"), "{uris:?}");
    assert!(
        uris.contains(&"dir%20with%20space/app.js"),
        "relative, percent-encoded: {uris:?}"
    );
    for r in results {
        assert!(
            r["partialFingerprints"]["keyhound/location/v1"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "openai-project-key");
    assert!(rule["help"]["text"].as_str().unwrap().contains("Revoke"));
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&openai_key("sarif")));
}

#[test]
fn archives_are_opened() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("zip");
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            "inner/config.json",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        write!(z, "{{\n  \"k\": \"{key}\"\n}}\n").unwrap();
        z.finish().unwrap();
    }
    write(dir.path(), "bundle.zip", buf.into_inner());

    // A .tar.gz with a .env inside.
    let mut tar_bytes = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut tar_bytes, flate2::Compression::default());
        let mut t = tar::Builder::new(gz);
        let body = format!("OPENAI_API_KEY={}\n", openai_key("tgz"));
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, "app/.env", body.as_bytes()).unwrap();
        t.into_inner().unwrap().finish().unwrap();
    }
    write(dir.path(), "release.tar.gz", tar_bytes);

    let (code, report, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let mut got: Vec<(String, u64)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("bundle.zip!inner/config.json".to_string(), 2),
            ("release.tar.gz!app/.env".to_string(), 1)
        ]
    );
    assert!(findings(&report)
        .iter()
        .all(|f| f["tags"].as_array().unwrap().contains(&"archive".into())));

    let (code, _, _) = scan_json(dir.path(), &["--no-archives"]);
    assert_eq!(code, 0);
}

#[test]
fn base64_encoded_secrets_are_found_at_the_encoded_line() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("b64");
    let encoded = base64::engine::general_purpose::STANDARD.encode(&key);
    write(
        dir.path(),
        "k8s/secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: openai\ndata:\n  OPENAI_API_KEY: {encoded}\n"),
    );
    let (code, report, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let fs = findings(&report);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0]["rule_id"], "openai-project-key");
    assert_eq!(fs[0]["line"], 6);
    assert!(fs[0]["tags"].as_array().unwrap().contains(&"base64".into()));
}

#[test]
fn binary_and_oversized_files_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = b"\x00\x01binary".to_vec();
    bin.extend_from_slice(openai_key("bin").as_bytes());
    write(dir.path(), "blob.bin", bin);
    write(
        dir.path(),
        "big.txt",
        format!("{}\n{}", "x".repeat(2048), openai_key("big")),
    );
    write(dir.path(), "ok.txt", format!("{}\n", openai_key("ok")));
    let (code, report, stderr) = scan_json(dir.path(), &["--max-file-size", "1K"]);
    assert_eq!(code, 1);
    let paths: Vec<_> = findings(&report)
        .iter()
        .map(|f| f["path"].clone())
        .collect();
    assert_eq!(paths, vec![serde_json::json!("ok.txt")]);
    assert!(
        stderr.contains("big.txt: skipped") && stderr.contains("--max-file-size"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn rules_command_lists_rules() {
    let out = keyhound().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("openai-project-key") && s.contains("sk-proj-"),
        "{s}"
    );
    let out = keyhound()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "openai-project-key"));
}

#[test]
fn help_mentions_exit_codes() {
    let out = keyhound().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exit codes"));
}
