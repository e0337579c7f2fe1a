//! `keyhound scan --staged` end to end: real repositories, the real binary.

use crate::common;

use common::*;
use serde_json::Value;

fn staged(dir: &std::path::Path) -> (i32, Value, String) {
    scan_json(dir, &["--staged"])
}

fn lines_of(report: &Value) -> Vec<(String, u64)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_staged_new_key_fails_with_its_line_in_the_staged_file() {
    let dir = repo();
    let d = dir.path();
    write(d, "app.py", "import os\n\nprint('hi')\n");
    commit_all(d, "initial");
    let k = openai_key("staged-new");
    write(
        d,
        "app.py",
        format!("import os\n\nprint('hi')\nclient = OpenAI(api_key=\"{k}\")\n"),
    );
    git(d, &["add", "app.py"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(lines_of(&report), vec![("app.py".to_string(), 4)]);
    assert_eq!(findings(&report)[0]["origin"], "staged");
    assert_eq!(report["summary"]["files_scanned"], 1);

    // Human output says how to fix it.
    let out = keyhound()
        .current_dir(d)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("app.py"));
}

#[test]
fn a_clean_change_to_a_file_with_an_old_committed_key_passes() {
    let dir = repo();
    let d = dir.path();
    let old = openai_key("staged-old");
    write(
        d,
        "settings.py",
        format!("KEY = \"{old}\"\nDEBUG = False\n"),
    );
    commit_all(d, "old key, committed long ago");
    write(
        d,
        "settings.py",
        format!("KEY = \"{old}\"\nDEBUG = True\nTIMEOUT = 30\n"),
    );
    git(d, &["add", "settings.py"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 0, "only added lines count: {report:#}");

    // A new key in the same file, next to the old one: only the new one.
    let new = openai_key("staged-next");
    write(
        d,
        "settings.py",
        format!("KEY = \"{old}\"\nDEBUG = True\nKEY2 = \"{new}\"\n"),
    );
    git(d, &["add", "settings.py"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(lines_of(&report), vec![("settings.py".to_string(), 3)]);
}

#[test]
fn the_first_commit_has_no_head_and_still_works() {
    let dir = repo();
    let d = dir.path();
    let k = openai_key("first-commit");
    write(d, "README.md", "# new project\n");
    write(d, ".env", format!("OPENAI_API_KEY={k}\n"));
    git(d, &["add", "-A"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1, "{report:#}");
    // The key, and the staged .env itself (dotenv-tracked).
    assert_eq!(
        lines_of(&report),
        vec![(".env".to_string(), 1), (".env".to_string(), 1)]
    );
    assert!(rule_ids(&report).contains(&"dotenv-tracked".to_string()));
}

#[test]
fn only_the_index_is_scanned_not_the_working_tree() {
    let dir = repo();
    let d = dir.path();
    write(d, "a.py", "x = 1\n");
    commit_all(d, "initial");
    // An unstaged key is not what the commit will hold.
    let unstaged = openai_key("unstaged");
    write(d, "a.py", format!("x = 1\nKEY = \"{unstaged}\"\n"));
    write(d, "untracked.py", format!("KEY = \"{unstaged}\"\n"));
    let (code, _, _) = staged(d);
    assert_eq!(code, 0);
    // A staged key removed from the file afterwards is still committed.
    let staged_key = openai_key("staged-then-edited");
    write(d, "a.py", format!("x = 1\nKEY = \"{staged_key}\"\n"));
    git(d, &["add", "a.py"]);
    write(d, "a.py", "x = 1\n");
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(lines_of(&report), vec![("a.py".to_string(), 2)]);
}

#[test]
fn renames_and_deletions_of_files_with_old_keys_pass() {
    let dir = repo();
    let d = dir.path();
    let old = openai_key("rename-old");
    let body = format!("KEY = \"{old}\"\n{}", "line\n".repeat(20));
    write(d, "old.py", &body);
    write(d, "gone.py", format!("KEY = \"{old}\"\n"));
    commit_all(d, "initial");
    git(d, &["mv", "old.py", "new.py"]);
    git(d, &["rm", "-q", "gone.py"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 0, "a rename adds no content: {report:#}");

    // Rename plus an edit that adds a key: only the edit.
    let new = openai_key("rename-new");
    write(d, "new.py", format!("{body}KEY2 = \"{new}\"\n"));
    git(d, &["add", "new.py"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(lines_of(&report), vec![("new.py".to_string(), 22)]);
}

#[test]
fn crlf_files_report_the_right_line() {
    let dir = repo();
    let d = dir.path();
    git(d, &["config", "core.autocrlf", "false"]);
    write(d, "win.txt", "one\r\ntwo\r\n");
    commit_all(d, "initial");
    let k = openai_key("crlf");
    write(d, "win.txt", format!("one\r\ntwo\r\nkey={k}\r\nfour\r\n"));
    git(d, &["add", "win.txt"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(lines_of(&report), vec![("win.txt".to_string(), 3)]);
}

#[test]
fn binary_files_are_skipped_and_archives_are_opened() {
    let dir = repo();
    let d = dir.path();
    write(d, "a.txt", "a\n");
    commit_all(d, "initial");
    let k = openai_key("binary");
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(format!("key={k}\n").as_bytes());
    write(d, "blob.bin", &bin);
    git(d, &["add", "blob.bin"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 0, "binary content is not scanned: {report:#}");

    let zipped = openai_key("zipped");
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("conf/.env", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(format!("OPENAI_API_KEY={zipped}\n").as_bytes())
            .unwrap();
        w.finish().unwrap();
    }
    write(d, "bundle.zip", buf.into_inner());
    git(d, &["add", "bundle.zip"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(
        lines_of(&report),
        vec![("bundle.zip!conf/.env".to_string(), 1)]
    );
}

#[test]
fn during_a_merge_only_lines_new_to_every_parent_count() {
    let dir = repo();
    let d = dir.path();
    write(d, "base.txt", "base\n");
    commit_all(d, "base");
    git(d, &["checkout", "-q", "-b", "feature"]);
    let theirs = openai_key("merge-theirs");
    write(d, "feature.py", format!("KEY = \"{theirs}\"\n"));
    commit_all(d, "feature adds a key (already committed there)");
    git(d, &["checkout", "-q", "main"]);
    write(d, "main.txt", "main\n");
    commit_all(d, "main moves on");
    git(d, &["merge", "-q", "--no-commit", "--no-ff", "feature"]);
    let (code, report, _) = staged(d);
    assert_eq!(
        code, 0,
        "the merged-in key is not new in this commit: {report:#}"
    );

    // A key added while resolving the merge is new.
    let ours = openai_key("merge-ours");
    write(d, "base.txt", format!("base\nKEY = \"{ours}\"\n"));
    git(d, &["add", "base.txt"]);
    let (code, report, _) = staged(d);
    assert_eq!(code, 1);
    assert_eq!(lines_of(&report), vec![("base.txt".to_string(), 2)]);
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = keyhound()
        .current_dir(dir.path())
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--staged") && stderr.contains("not inside a git repository"),
        "{stderr}"
    );
}

#[test]
fn nothing_staged_is_clean_and_quick_to_say_so() {
    let dir = repo();
    let d = dir.path();
    write(d, "a.txt", "a\n");
    commit_all(d, "initial");
    let (code, report, stderr) = staged(d);
    assert_eq!(code, 0, "{stderr}");
    assert!(findings(&report).is_empty());
    assert!(stderr.is_empty(), "{stderr}");
}
