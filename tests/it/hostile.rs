//! A scanned repository is hostile input (issue 16): it must not make keyhound write through its
//! symlinks, read its devices without bound, drive the terminal, leak keys through free text or
//! steer verification. Each test plays one attack with the real binary on a real repository.

use crate::common::*;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Runs `keyhound ARGS` in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = keyhound()
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// How many findings of the OpenAI project key rule a JSON report holds.
fn openai_findings(report: &serde_json::Value) -> usize {
    findings(report)
        .iter()
        .filter(|f| f["rule_id"] == "openai-project-key")
        .count()
}

/// A repository holding a key, with `victim` outside it standing for `~/.bashrc`.
fn repo_with_key_and_victim() -> (tempfile::TempDir, tempfile::TempDir, std::path::PathBuf) {
    let dir = repo();
    write(
        dir.path(),
        "$(touch PWNED).env",
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-write")),
    );
    let home = tempfile::tempdir().unwrap();
    let victim = write(home.path(), ".bashrc", "echo hello\n");
    (dir, home, victim)
}

#[test]
fn baseline_create_refuses_a_committed_symlink_and_leaves_the_victim_unchanged() {
    let (dir, _home, victim) = repo_with_key_and_victim();
    symlink(&victim, dir.path().join(".keyhound-baseline.json")).unwrap();
    commit_all(dir.path(), "add");
    let (code, _, stderr) = run(dir.path(), &["baseline", "create", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "echo hello\n");
    assert!(
        std::fs::symlink_metadata(dir.path().join(".keyhound-baseline.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn report_output_refuses_a_symlink_and_a_device() {
    let (dir, _home, victim) = repo_with_key_and_victim();
    symlink(&victim, dir.path().join("keyhound.sarif")).unwrap();
    commit_all(dir.path(), "add");
    for format in ["sarif", "json", "human"] {
        let (code, stdout, stderr) = run(
            dir.path(),
            &["scan", ".", "-f", format, "-o", "keyhound.sarif"],
        );
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("symbolic link"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "echo hello\n");
    }
    // A regular report file is replaced whole, with no temporary file left behind.
    let out = dir.path().join("report.json");
    std::fs::write(&out, "old").unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &["scan", ".", "-f", "json", "-o", "report.json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(openai_findings(&report), 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn install_hook_refuses_a_committed_symlinked_hook() {
    let (dir, _home, victim) = repo_with_key_and_victim();
    std::fs::create_dir_all(dir.path().join(".githooks")).unwrap();
    symlink(&victim, dir.path().join(".githooks/pre-commit")).unwrap();
    commit_all(dir.path(), "hooks");
    git(dir.path(), &["config", "core.hooksPath", ".githooks"]);
    for args in [&["install-hook"][..], &["install-hook", "--force"]] {
        let (code, _, stderr) = run(dir.path(), args);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("symbolic link"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "echo hello\n");
    }
}

#[test]
fn config_and_baseline_pointing_at_devices_are_refused_with_a_warning() {
    let (dir, _home, _victim) = repo_with_key_and_victim();
    write(
        dir.path(),
        ".keyhound.toml",
        "[scan]\nbaseline = \"/dev/zero\"\n",
    );
    commit_all(dir.path(), "config");
    let (code, report, stderr) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(openai_findings(&report), 1);
    assert!(
        stderr.contains("/dev/zero") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    // A committed `.keyhound.toml -> /dev/zero`: the built-in rules apply, with a warning.
    std::fs::remove_file(dir.path().join(".keyhound.toml")).unwrap();
    symlink("/dev/zero", dir.path().join(".keyhound.toml")).unwrap();
    let (code, report, stderr) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(openai_findings(&report), 1);
    assert!(stderr.contains("config refused"), "{stderr}");
    // The user's own `--baseline /dev/zero` is an error.
    let (code, _, stderr) = run(dir.path(), &["scan", ".", "--baseline", "/dev/zero"]);
    assert_eq!(code, 2, "{stderr}");
}

/// Bytes a terminal would act on: C0 controls but `\n`, DEL, C1 controls, bidi controls.
fn raw_controls(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    text.char_indices()
        .filter(|&(_, c)| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|(i, c)| format!("{c:?} at {i}: {:?}", &text[i.saturating_sub(20)..(i + 20).min(text.len())]))
        .collect()
}

#[test]
fn names_messages_and_warnings_cannot_drive_the_terminal() {
    let dir = repo();
    let evil = "\x1b]0;owned\x07\x1b[2J\rNo secrets found\u{202e}vne";
    write(
        dir.path(),
        &format!("{evil}.env"),
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-terminal")),
    );
    // A file named like a shell command, tracked: its remediation pastes the name into commands.
    // (It holds a value to rotate: an env file of defaults only is not reported.)
    write(
        dir.path(),
        "x;touch PWNED;.env",
        format!(
            "SESSION_SECRET={}\n",
            fake("{alnum:24}", "hostile-shell-name")
        ),
    );
    // A broken archive whose name is escape codes: its warning prints the name.
    write(
        dir.path(),
        &format!("{evil}.zip"),
        "PK\x03\x04 not really a zip",
    );
    commit_all(dir.path(), &format!("add {evil}"));
    git(
        dir.path(),
        &[
            "-c",
            &format!("user.name=Mallory {evil}"),
            "commit",
            "-q",
            "--allow-empty",
            "--author",
            "Mallory\x1b[31m <m\u{202e}@example.com>",
            "-m",
            &format!("second {evil}"),
        ],
    );
    let (code, stdout, stderr) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(raw_controls(&stdout), Vec::<String>::new());
    assert_eq!(raw_controls(stderr.as_bytes()), Vec::<String>::new());
    let human = String::from_utf8_lossy(&stdout);
    assert!(
        human.contains("\\x1b]0;owned\\x07\\x1b[2J\\rNo secrets found\\u{202e}vne.env"),
        "{human}"
    );
    assert!(
        human.contains("git rm --cached 'x;touch PWNED;.env'")
            && human.contains("--path 'x;touch PWNED;.env'"),
        "{human}"
    );
    assert!(
        stderr.contains("\\x1b[2J"),
        "the archive warning names it, escaped: {stderr}"
    );
    // JSON keeps the exact name.
    let (_, report, _) = scan_json(dir.path(), &["."]);
    assert!(findings(&report)
        .iter()
        .any(|f| f["path"] == format!("{evil}.env")));
}

/// The first 12-character piece of `key` (past its first 8 characters) in `text`.
fn piece_of(text: &str, key: &str) -> Option<String> {
    let body = &key[8..];
    (0..=body.len().saturating_sub(12))
        .map(|i| &body[i..i + 12])
        .find(|p| text.contains(p))
        .map(str::to_string)
}

fn assert_no_piece(what: &str, text: &str, key: &str) {
    if let Some(p) = piece_of(text, key) {
        panic!("{what} holds a piece of the key ({p:?}):\n{text}");
    }
}

/// Every output of `keyhound scan . ARGS` in all three formats, stdout and stderr together.
fn all_outputs(dir: &Path, args: &[&str]) -> String {
    let mut all = String::new();
    for format in ["human", "json", "sarif"] {
        let (_, stdout, stderr) = run(dir, &[&["scan", ".", "-f", format], args].concat());
        all.push_str(&String::from_utf8_lossy(&stdout));
        all.push_str(&stderr);
    }
    all
}

#[test]
fn no_key_in_commit_summaries_authors_paths_or_member_names() {
    let dir = repo();
    let in_summary = openai_key("hostile-summary");
    let in_author = fake("ghp_{alnum:30}{github-crc32}", "hostile-author");
    let in_path = fake("sk-ant-api03-{urlsafe:93}AA", "hostile-path");
    let in_member = fake("hf_{alpha:34}", "hostile-member");
    // A history-only key whose commit message repeats it, by an author named after another.
    write(
        dir.path(),
        "old.env",
        format!("OPENAI_API_KEY={in_summary}\n"),
    );
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &[
            "commit",
            "-q",
            "--author",
            &format!("token {in_author} <{in_author}@example.com>"),
            "-m",
            &format!("add key {in_summary}"),
        ],
    );
    std::fs::remove_file(dir.path().join("old.env")).unwrap();
    // A file named after a key, and a zip member named after another.
    write(
        dir.path(),
        &format!("{in_path}.txt"),
        "nothing here\nDEBUG=1\n",
    );
    write(
        dir.path(),
        "keys.env",
        format!("ANTHROPIC_API_KEY={in_path}\n"),
    );
    let mut zip = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(&mut zip);
        w.start_file(
            format!("{in_member}.env"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        writeln!(w, "HF_TOKEN={in_member}").unwrap();
        w.finish().unwrap();
    }
    write(dir.path(), "bundle.zip", zip.into_inner());
    commit_all(dir.path(), "remove");
    let all = all_outputs(dir.path(), &[]);
    for key in [&in_summary, &in_author, &in_path, &in_member] {
        assert_no_piece("scan output", &all, key);
    }
    // The history-only finding is still there, with its commit (summary redacted).
    let (_, report, _) = scan_json(dir.path(), &["."]);
    let old = findings(&report)
        .into_iter()
        .find(|f| f["path"] == "old.env")
        .expect("history-only finding");
    assert!(old["commit_summary"]
        .as_str()
        .unwrap()
        .starts_with("add key sk-proj-"));
}

#[test]
fn no_key_in_config_errors_ref_names_or_endpoint_errors() {
    let dir = repo();
    let key = openai_key("hostile-config");
    write(dir.path(), "a.txt", "hello\n");
    commit_all(dir.path(), "init");
    let configs = [
        format!("disabled_rules = [\"{key}\"]\n"),
        format!("[severity]\n\"{key}\" = \"low\"\n"),
        format!("[allowlist]\nregexes = ['({key}']\n"),
        format!("[allowlist]\npaths = ['[{key}']\n"),
        format!("[scan]\nmax_file_size = \"{key}\"\n"),
        format!("[scan]\nfail_on = \"{key}\"\n"),
        format!("{key} = 1\n"),
        format!("[[rules]]\nid = \"{key}\"\n"),
        format!("[[rules]]\nid = \"x\"\nname = \"x\"\nprovider = \"x\"\nregex = \"({key}\"\nkeywords = [\"x\"]\n"),
    ];
    for cfg in &configs {
        write(dir.path(), ".keyhound.toml", cfg);
        let (code, stdout, stderr) = run(dir.path(), &["scan", ".", "--no-history"]);
        assert_eq!(code, 2, "{cfg}: {stderr}");
        assert_no_piece(
            &format!("config error for {cfg}"),
            &format!("{}{stderr}", String::from_utf8_lossy(&stdout)),
            &key,
        );
    }
    std::fs::remove_file(dir.path().join(".keyhound.toml")).unwrap();
    for args in [
        vec!["scan", ".", "--branch", &key],
        vec!["scan", ".", "--range", &format!("{key}..HEAD")],
        vec![
            "scan",
            ".",
            "--verify",
            "--verify-endpoint",
            &format!("openai=http://10.0.0.1/{key}"),
        ],
        vec![
            "scan",
            ".",
            "--verify",
            "--verify-endpoint",
            &format!("openai=ftp://{key}"),
        ],
        vec![
            "scan",
            ".",
            "--verify",
            "--verify-endpoint",
            &format!("{key}=https://example.com"),
        ],
    ] {
        let (code, stdout, stderr) = run(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_no_piece(
            &format!("{args:?}"),
            &format!("{}{stderr}", String::from_utf8_lossy(&stdout)),
            &key,
        );
    }
}

#[test]
fn no_key_from_doctor_ids() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("hostile-doctor");
    for var in ["OPENAI_PROJECT_ID", "OPENAI_ORG_ID"] {
        let out = keyhound()
            .current_dir(dir.path())
            .env("OPENAI_API_KEY", openai_key("hostile-doctor-main"))
            .env(var, &key)
            .args(["doctor", "--offline"])
            .output()
            .unwrap();
        assert_no_piece(&format!("doctor with {var}"), &printed(&out), &key);
    }
}

#[test]
fn a_percent_encoded_echo_from_a_verifier_is_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("hostile-echo");
    write(dir.path(), ".env", format!("OPENAI_API_KEY={key}\n"));
    let server = crate::common::http::MockServer::start();
    let encoded: String = key.bytes().map(|b| format!("%{b:02X}")).collect();
    let mixed = key.replace('-', "%2D").replace('_', "%5F");
    server.on(
        "/v1/models",
        vec![crate::common::http::Reply::openai_error(
            401,
            &format!("Incorrect API key provided: {mixed} (also {encoded})"),
            "invalid_request_error",
            Some("invalid_api_key"),
        )],
    );
    let mut all = String::new();
    for format in ["human", "json", "sarif"] {
        let out = keyhound()
            .current_dir(dir.path())
            .env("KEYHOUND_VERIFY_TIMEOUT_MS", "2000")
            .env("KEYHOUND_VERIFY_RATE", "0")
            .args(["scan", ".", "--verify", "-f", format, "--verify-endpoint"])
            .arg(format!("openai={}", server.url()))
            .output()
            .unwrap();
        all.push_str(&printed(&out));
    }
    assert!(server.count("/v1/models") >= 1);
    assert!(all.contains("inactive"), "{all}");
    assert_no_piece("verifier echo", &all, &key);
    let enc_piece = &encoded[30..66];
    assert!(!all.contains(enc_piece), "{all}");
}

/// (rule, fingerprint, redacted secret) of each finding of `keyhound scan ARGS` in `dir`, run
/// with `home` as the home directory (and config directory).
fn fingerprints(dir: &Path, args: &[&str], home: &Path) -> Vec<(String, String, String)> {
    let out = keyhound()
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["scan", "-f", "json", "--no-history", "--no-baseline"])
        .args(args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut v: Vec<_> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
                f["secret_redacted"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn fingerprint_of<'a>(fps: &'a [(String, String, String)], rule: &str) -> &'a str {
    &fps.iter()
        .find(|(r, _, _)| r == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {fps:?}"))
        .1
}

#[test]
fn fingerprints_need_no_key_and_do_not_depend_on_a_password() {
    let dir = repo();
    // Assembled here so the repository holds no password-shaped literal.
    let password = ["Kx9", "summer", "2024"].join("-");
    let key = openai_key("hostile-fp");
    let env_file = |pw: &str, key: &str| format!("DB_PASSWORD={pw}\nOPENAI_API_KEY={key}\n");
    write(dir.path(), "db.env", env_file(&password, &key));
    commit_all(dir.path(), "add");
    // Two fresh home directories (two CI runners): no installation state, same fingerprints.
    let (home_a, home_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = fingerprints(dir.path(), &["."], home_a.path());
    assert_eq!(a, fingerprints(dir.path(), &["."], home_b.path()));
    assert!(std::fs::read_dir(home_a.path()).unwrap().next().is_none());
    assert_eq!(
        a.iter().find(|(r, _, _)| r == "generic-secret").unwrap().2,
        "…",
        "no character of a generic secret is shown"
    );

    // Another password at the same name: the same fingerprint (the value is not hashed, so the
    // fingerprint cannot be used to test guesses of it). Another provider key: another one.
    let other_password = ["Zq4", "winter", "1999"].join("-");
    let other_key = openai_key("hostile-fp-other");
    write(dir.path(), "db.env", env_file(&other_password, &other_key));
    let b = fingerprints(dir.path(), &["."], home_a.path());
    assert_eq!(
        fingerprint_of(&a, "generic-secret"),
        fingerprint_of(&b, "generic-secret")
    );
    assert_ne!(
        fingerprint_of(&a, "openai-project-key"),
        fingerprint_of(&b, "openai-project-key")
    );
    // Another name: another assignment.
    write(
        dir.path(),
        "db.env",
        format!("REPLICA_PASSWORD={password}\nOPENAI_API_KEY={key}\n"),
    );
    let c = fingerprints(dir.path(), &["."], home_a.path());
    assert_ne!(
        fingerprint_of(&a, "generic-secret"),
        fingerprint_of(&c, "generic-secret")
    );
    assert_eq!(
        fingerprint_of(&a, "openai-project-key"),
        fingerprint_of(&c, "openai-project-key")
    );

    // No piece of the password in any output.
    write(dir.path(), "db.env", env_file(&password, &key));
    let all = all_outputs(dir.path(), &["--no-history"]);
    assert!(!all.contains("Kx9-s") && !all.contains("summer"), "{all}");
}

#[test]
fn fingerprints_use_repository_paths_so_a_root_baseline_matches_a_subdirectory_scan() {
    let dir = repo();
    let password = ["Kx9", "summer", "2024"].join("-");
    write(
        dir.path(),
        "web/db.env",
        format!(
            "DB_PASSWORD={password}\nOPENAI_API_KEY={}\n",
            openai_key("hostile-subdir")
        ),
    );
    commit_all(dir.path(), "add");
    let home = tempfile::tempdir().unwrap();
    // The secrets (the hygiene checks of a tree, `.gitignore` and the like, are about the root
    // that was scanned).
    let secrets = |root: &str| -> Vec<_> {
        fingerprints(dir.path(), &[root], home.path())
            .into_iter()
            .filter(|(_, _, shown)| !shown.is_empty())
            .collect()
    };
    let (top, sub) = (secrets("."), secrets("web"));
    assert_eq!(top.len(), 2, "{top:?}");
    assert_eq!(top, sub, "`scan .` and `scan web` agree");

    // The baseline at the repository's top, made with `scan .`, hides them in `scan web`.
    let out = keyhound()
        .current_dir(dir.path())
        .args(["baseline", "create", "."])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", printed(&out));
    let text = std::fs::read_to_string(dir.path().join(".keyhound-baseline.json")).unwrap();
    assert!(text.contains("\"path\":\"web/db.env\""), "{text}");
    for root in ["web", "."] {
        let (code, report, stderr) = scan_json(dir.path(), &[root, "--no-history"]);
        assert_eq!(code, 0, "{root}: {report} {stderr}");
        assert!(stderr.contains("findings hidden by it"), "{stderr}");
    }
    // From inside the subdirectory too.
    let (code, _, stderr) = scan_json(&dir.path().join("web"), &[".", "--no-history"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn an_old_baseline_is_refused_in_one_line_that_says_how_to_recreate_it() {
    let dir = repo();
    write(dir.path(), "a.txt", "nothing here\n");
    write(
        dir.path(),
        ".keyhound-baseline.json",
        "{\"keyhound_baseline\": 2, \"key_id\": \"ab\", \"findings\": []}\n",
    );
    commit_all(dir.path(), "add");
    // Discovered: a warning, and the scan goes on.
    let (code, _, stderr) = scan_json(dir.path(), &[".", "--no-history"]);
    assert_eq!(code, 0, "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("baseline format 2"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("keyhound baseline create"), "{line}");
    // Named: an error (exit 2), the same line.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "--no-history",
            "--baseline",
            ".keyhound-baseline.json",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("keyhound baseline create"), "{stderr}");
}

/// `git fast-import` in `dir` from `stream`.
fn fast_import(dir: &Path, stream: &[u8]) {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stream).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_tree_8000_levels_deep_is_walked_without_a_crash() {
    let dir = repo();
    let key = openai_key("hostile-deep");
    let deep = "d/".repeat(8000);
    let body = format!("OPENAI_API_KEY={key}\n");
    let stream = format!(
        "commit refs/heads/main\ncommitter T <t@example.com> 1700000000 +0000\ndata 4\ndeep\nM 100644 inline {deep}k.env\ndata {}\n{body}\n",
        body.len()
    );
    fast_import(dir.path(), stream.as_bytes());
    let (code, report, stderr) = scan_json(dir.path(), &[".", "--history-only"]);
    assert_eq!(code, 1, "{stderr}");
    // The key, and (a history-only scan reports env files its commits added) the env file.
    let found: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["rule_id"] == "openai-project-key")
        .collect();
    assert_eq!(found.len(), 1, "{stderr}");
    assert!(found[0]["path"].as_str().unwrap().ends_with("d/k.env"));
}

#[test]
fn a_blob_allowed_at_one_path_is_reported_at_another() {
    let dir = repo();
    let key = openai_key("hostile-two-paths");
    write(
        dir.path(),
        ".keyhound.toml",
        "[allowlist]\npaths = [\"tests/fixtures/**\"]\n",
    );
    let base = commit_all(dir.path(), "config");
    write(
        dir.path(),
        "tests/fixtures/sample.env",
        format!("OPENAI_API_KEY={key}\n"),
    );
    commit_all(dir.path(), "fixture");
    write(
        dir.path(),
        "web/prod.env",
        format!("OPENAI_API_KEY={key}\n"),
    );
    commit_all(dir.path(), "prod");
    for args in [
        vec![
            ".".to_string(),
            "--range".to_string(),
            format!("{base}..HEAD"),
        ],
        vec![".".to_string()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, report, stderr) = scan_json(dir.path(), &args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        let paths: Vec<String> = findings(&report)
            .iter()
            .filter(|f| f["rule_id"] == "openai-project-key")
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        assert!(
            paths.contains(&"web/prod.env".to_string()),
            "{args:?}: {paths:?}"
        );
        assert!(!paths.iter().any(|p| p.starts_with("tests/")), "{paths:?}");
    }
}

#[test]
fn a_stray_nul_does_not_hide_a_key_in_a_text_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, seed) in [("app.js", "hostile-nul-js"), (".env", "hostile-nul-env")] {
        write(
            dir.path(),
            name,
            format!("/* build \0 */\nconst k = \"{}\";\n", openai_key(seed)),
        );
    }
    // A real binary (many NULs) is still skipped.
    let mut bin = vec![0u8; 4096];
    bin.extend_from_slice(openai_key("hostile-nul-bin").as_bytes());
    write(dir.path(), "blob.bin", bin);
    let (code, report, stderr) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    let mut paths: Vec<String> = findings(&report)
        .iter()
        .filter(|f| f["rule_id"] == "openai-project-key")
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, vec![".env", "app.js"]);
}

#[test]
fn a_corrupt_index_is_a_warning_and_strict_fails() {
    let dir = repo();
    write(dir.path(), ".gitignore", "prod.env\n");
    write(
        dir.path(),
        "prod.env",
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-index")),
    );
    git(dir.path(), &["add", ".gitignore"]);
    git(dir.path(), &["add", "-f", "prod.env"]);
    git(dir.path(), &["commit", "-q", "-m", "add"]);
    std::fs::write(dir.path().join(".git/index"), b"DIRC garbage, not an index").unwrap();
    let (_, _, stderr) = scan_json(dir.path(), &[".", "--no-history"]);
    assert!(
        stderr.contains("index") && stderr.contains("not scanned"),
        "{stderr}"
    );
    let (code, _, stderr) = scan_json(dir.path(), &[".", "--no-history", "--strict"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_garbage_packed_refs_line_drops_only_itself() {
    let dir = repo();
    write(dir.path(), "a.txt", "hello\n");
    commit_all(dir.path(), "init");
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(
        dir.path(),
        "k.env",
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-refs")),
    );
    commit_all(dir.path(), "key on a branch");
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["pack-refs", "--all"]);
    let packed = dir.path().join(".git/packed-refs");
    let mut text = std::fs::read_to_string(&packed).unwrap();
    text.push_str("this is not a ref line\n");
    std::fs::write(&packed, text).unwrap();
    let (code, report, stderr) = scan_json(dir.path(), &[".", "--history-only"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        findings(&report).iter().any(|f| f["path"] == "k.env"),
        "{stderr}"
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("packed-refs") && warnings[0].contains("skipped"),
        "{stderr}"
    );
    let (code, _, _) = scan_json(dir.path(), &[".", "--history-only", "--strict"]);
    assert_eq!(code, 2);
}

/// A zip of `n` members, each holding `body`.
fn zip_of(n: usize, body: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..n {
            w.start_file(format!("m{i}.txt"), opts).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn archives_get_one_warning_each_and_lying_sizes_do_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "key.env",
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-zip")),
    );
    // 500 members whose local headers are all broken: one warning, not 500.
    let mut broken = zip_of(500, b"hello");
    let mut i = 0;
    while let Some(p) = broken[i..].windows(4).position(|w| w == b"PK\x03\x04") {
        broken[i + p + 3] = 0x05;
        i += p + 4;
    }
    write(dir.path(), "broken.zip", broken);
    // One member that declares 1,000 bytes and inflates to 20 MiB.
    let mut liar = zip_of(1, &vec![b'a'; 20 << 20]);
    let real = (20u32 << 20).to_le_bytes();
    let mut j = 0;
    while let Some(p) = liar[j..].windows(4).position(|w| w == real) {
        liar[j + p..j + p + 4].copy_from_slice(&1000u32.to_le_bytes());
        j += p + 4;
    }
    write(dir.path(), "liar.zip", liar);
    let (code, report, stderr) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(openai_findings(&report), 1);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("broken.zip") && w.contains("500 zip members")),
        "{stderr}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("liar.zip") && w.contains("zip bomb")),
        "{stderr}"
    );
}

#[test]
fn plain_http_to_a_name_that_resolves_elsewhere_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".env",
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-dns")),
    );
    let server = crate::common::http::MockServer::start();
    server.on(
        "/v1/models",
        vec![crate::common::http::Reply::new(200, "{\"data\":[]}")],
    );
    let port = server.url().rsplit(':').next().unwrap().to_string();
    let run_with = |resolve: &str, host: &str| {
        keyhound()
            .current_dir(dir.path())
            .env("KEYHOUND_RESOLVE", resolve)
            .env("KEYHOUND_VERIFY_TIMEOUT_MS", "2000")
            .args(["scan", ".", "--verify", "-f", "json", "--verify-endpoint"])
            .arg(format!("openai=http://{host}:{port}"))
            .output()
            .unwrap()
    };
    let out = run_with("attacker.localhost=10.0.0.1", "attacker.localhost");
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(
        printed(&out).contains("resolves to 10.0.0.1"),
        "{}",
        printed(&out)
    );
    assert_eq!(server.requests().len(), 0);
    // A name that resolves to loopback is fine, and the request goes to that address.
    let out = run_with("good.test=127.0.0.1", "good.test");
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    assert_eq!(server.count("/v1/models"), 1);
}

#[test]
fn a_repository_config_that_blinds_the_scan_is_shown_everywhere() {
    let dir = repo();
    write(
        dir.path(),
        "key.env",
        format!("OPENAI_API_KEY={}\n", openai_key("hostile-blind")),
    );
    write(
        dir.path(),
        ".keyhound.toml",
        "disabled_rules = [\"openai-project-key\"]\n[severity]\ngeneric-secret = \"info\"\n[scan]\nno_archives = true\n",
    );
    commit_all(dir.path(), "blind");
    let (code, stdout, stderr) = run(dir.path(), &["scan", ".", "--no-history"]);
    let human = String::from_utf8_lossy(&stdout);
    for text in [human.as_ref(), stderr.as_str()] {
        assert!(
            text.contains("disables built-in rule 'openai-project-key'"),
            "{text}"
        );
        assert!(text.contains("lowers rule 'generic-secret' from"), "{text}");
        assert!(text.contains("turns off archive scanning"), "{text}");
    }
    let (_, sarif, _) = run(dir.path(), &["scan", ".", "--no-history", "-f", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&sarif).unwrap();
    assert_valid_sarif(&log);
    let notes = log["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("disables built-in rule 'openai-project-key'")));
    assert!(code == 0 || code == 1);
    // --no-repo-config: the built-in rules judge, and the key is reported.
    let (code, report, stderr) = scan_json(dir.path(), &[".", "--no-history", "--no-repo-config"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(findings(&report)
        .iter()
        .any(|f| f["rule_id"] == "openai-project-key"));
    // An allowlist that hid a finding is listed too.
    write(
        dir.path(),
        ".keyhound.toml",
        "[allowlist]\npaths = [\"key.env\"]\n",
    );
    let (_, stdout, _) = run(dir.path(), &["scan", ".", "--no-history"]);
    assert!(
        String::from_utf8_lossy(&stdout).contains("hidden"),
        "{}",
        String::from_utf8_lossy(&stdout)
    );
}

#[test]
fn repository_rules_cannot_send_other_keys_to_a_verifier() {
    let dir = repo();
    let gh = fake("ghp_{alnum:30}{github-crc32}", "hostile-verifier");
    write(dir.path(), "t.txt", format!("token: {gh}\n"));
    write(
        dir.path(),
        ".keyhound.toml",
        "[[rules]]\nid = \"steal\"\nname = \"steal\"\nprovider = \"openai\"\nseverity = \"high\"\nremediation = \"x\"\nverify = \"openai\"\nkeywords = [\"token\"]\nregex = 'token: (\\S{20,})'\n",
    );
    commit_all(dir.path(), "rule");
    let server = crate::common::http::MockServer::start();
    server.on(
        "/v1/models",
        vec![crate::common::http::Reply::new(200, "{\"data\":[]}")],
    );
    let out = keyhound()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--no-history",
            "--verify",
            "-f",
            "json",
            "--verify-endpoint",
        ])
        .arg(format!("openai={}", server.url()))
        .output()
        .unwrap();
    assert_eq!(server.requests().len(), 0, "{}", printed(&out));
    assert!(
        printed(&out).contains("cannot choose a verifier"),
        "{}",
        printed(&out)
    );
    assert_no_piece("verifier refusal", &printed(&out), &gh);
}

#[test]
fn verify_limit_caps_live_checks_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<String> = (0..3)
        .map(|i| openai_key(&format!("hostile-limit-{i}")))
        .collect();
    for (i, k) in keys.iter().enumerate() {
        write(
            dir.path(),
            &format!("k{i}.env"),
            format!("OPENAI_API_KEY={k}\n"),
        );
    }
    let server = crate::common::http::MockServer::start();
    server.on(
        "/v1/models",
        vec![crate::common::http::Reply::new(200, "{\"data\":[]}")],
    );
    let out = keyhound()
        .current_dir(dir.path())
        .env("KEYHOUND_VERIFY_RATE", "0")
        .args([
            "scan",
            ".",
            "--verify",
            "--verify-limit",
            "1",
            "-f",
            "sarif",
            "--verify-endpoint",
        ])
        .arg(format!("openai={}", server.url()))
        .output()
        .unwrap();
    assert_eq!(server.count("/v1/models"), 1, "{}", printed(&out));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = log["runs"][0]["invocations"][0]["toolConfigurationNotifications"].to_string();
    assert!(
        notes.contains("--verify-limit 1 reached: 2 more"),
        "{notes}"
    );
    assert!(printed(&out).contains("not checked: --verify-limit 1 reached"));
}

#[test]
fn keywordless_user_rules_need_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "zzzz-8f3a91c2d7e4b056\n");
    write(
        dir.path(),
        ".keyhound.toml",
        "[[rules]]\nid = \"slow\"\nname = \"slow\"\nprovider = \"x\"\nseverity = \"low\"\nremediation = \"x\"\nno_keywords_reason = \"the format has no fixed part\"\nkeywords = []\nregex = 'zzzz-([0-9a-f]{16})'\n",
    );
    let (code, _, stderr) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--allow-keywordless-rules"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["scan", ".", "--allow-keywordless-rules"]);
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn a_range_that_changes_the_config_is_scanned_with_the_config_at_its_base() {
    let (dir, base, head) = pr_that_disables_the_rule_for_its_key();
    let range = format!("{base}..{head}");
    let (code, report, stderr) = scan_json(dir.path(), &[".", "--range", &range]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(openai_findings(&report), 1, "{report}");
    let note = stderr
        .lines()
        .find(|l| l.contains("changes .keyhound.toml"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        note.contains(&format!("config at its base {}", &base[..12])),
        "{note}"
    );
    // `--range-config head`: the pull request's own config, and what it disables is shown.
    let (_, report, stderr) = scan_json(
        dir.path(),
        &[".", "--range", &range, "--range-config", "head"],
    );
    assert_eq!(openai_findings(&report), 0, "{report}");
    assert!(
        stderr.contains("disables built-in rule 'openai-project-key'"),
        "{stderr}"
    );
    // A range that leaves the config alone uses the working tree's, without a note.
    write(dir.path(), "README.md", "# demo 2\n");
    let next = commit_all(dir.path(), "docs");
    let (_, report, stderr) = scan_json(dir.path(), &[".", "--range", &format!("{head}..{next}")]);
    assert_eq!(openai_findings(&report), 0, "{report}");
    assert!(!stderr.contains("changes .keyhound.toml"), "{stderr}");
    assert!(
        stderr.contains("disables built-in rule 'openai-project-key'"),
        "{stderr}"
    );
}

#[test]
fn a_second_assignment_of_a_baselined_name_is_new_in_the_pre_commit_hook_too() {
    let dir = repo();
    let d = dir.path();
    let pw = |season: &str| ["Kx9", season, "2024"].join("-");
    write(d, "db.env", format!("DB_PASSWORD={}\n", pw("summer")));
    commit_all(d, "add");
    let (code, _, err) = run(d, &["baseline", "create", ".", "--no-history"]);
    assert_eq!(code, 0, "{err}");
    commit_all(d, "baseline");
    // The password changed in place: the same assignment, still baselined (the trade-off).
    write(d, "db.env", format!("DB_PASSWORD={}\n", pw("autumn")));
    git(d, &["add", "db.env"]);
    let (code, _, err) = run(d, &["scan", "--staged"]);
    assert_eq!(code, 0, "{err}");
    // A second assignment of the same name, added below it: new, in the hook as in a scan.
    write(
        d,
        "db.env",
        format!(
            "DB_PASSWORD={}\nDB_PASSWORD={}\n",
            pw("autumn"),
            pw("winter")
        ),
    );
    git(d, &["add", "db.env"]);
    let (code, _, err) = run(d, &["scan", "--staged"]);
    assert_eq!(code, 1, "{err}");
    let (code, report, err) = scan_json(d, &[".", "--no-history"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(findings(&report).len(), 1, "{report}");
    assert_eq!(findings(&report)[0]["line"], 2);
}
