//! Git history scanning end to end: real repositories built with the git CLI, the real binary.

use crate::common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn key(seed: &str) -> String {
    openai_key(seed)
}

/// Findings whose redacted secret belongs to `secret`.
fn of<'a>(report: &'a Value, secret: &str) -> Vec<&'a Value> {
    let shown = keyhound::finding::redact(secret, "sk-proj-".len());
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["secret_redacted"] == shown.as_str())
        .collect()
}

/// Runs a scan expected to fail; returns (exit code, stderr).
fn scan_err(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = keyhound()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn one<'a>(report: &'a Value, secret: &str) -> &'a Value {
    let found = of(report, secret);
    assert_eq!(
        found.len(),
        1,
        "expected one finding for the key: {report:#}"
    );
    found[0]
}

#[test]
fn key_added_then_removed_is_found_attributed_and_history_only() {
    let dir = repo();
    let d = dir.path();
    write(d, "app.py", "print('hello')\n");
    commit_all(d, "initial");
    let k = key("removed");
    write(
        d,
        "settings.py",
        format!("DEBUG = True\nOPENAI_API_KEY = \"{k}\"\n"),
    );
    let added = commit_all(d, "add settings");
    std::fs::remove_file(d.join("settings.py")).unwrap();
    commit_all(d, "remove the key");

    let (code, report, _) = scan_json(d, &[]);
    assert_eq!(code, 1);
    let f = one(&report, &k);
    assert_eq!(f["origin"], "commit");
    assert_eq!(f["commit"], added.as_str());
    assert_eq!(f["author"], "Test Author");
    assert_eq!(f["email"], "author@example.com");
    assert_eq!(f["commit_summary"], "add settings");
    assert_eq!(f["path"], "settings.py");
    assert_eq!(f["line"], 2);
    assert_eq!(f["history_only"], true);
    let date = f["date"].as_str().unwrap();
    assert!(
        date.len() >= 20 && date.as_bytes()[10] == b'T',
        "RFC 3339 date: {date}"
    );
    let remediation = f["remediation"].as_str().unwrap().to_lowercase();
    assert!(
        remediation.contains("rotate") && remediation.contains("history"),
        "{remediation}"
    );
    assert_eq!(report["summary"]["commits_scanned"], 3);

    // The human report shows the commit; --no-history does not see the key.
    let out = keyhound()
        .current_dir(d)
        .args(["scan", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("commit {}", &added[..12])), "{text}");
    assert!(text.contains("history-only"), "{text}");
    let (code, report, _) = scan_json(d, &["--no-history"]);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn keys_only_on_a_side_branch_or_a_tag_are_found() {
    let dir = repo();
    let d = dir.path();
    write(d, "README.md", "# project\n");
    commit_all(d, "initial");
    git(d, &["checkout", "-q", "-b", "feature"]);
    let on_branch = key("side-branch");
    write(d, "feature.js", format!("const key = '{on_branch}';\n"));
    let branch_commit = commit_all(d, "feature work");
    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-q", "-b", "release-tmp"]);
    let on_tag = key("tag-only");
    write(d, "release.env", format!("OPENAI_API_KEY={on_tag}\n"));
    let tag_commit = commit_all(d, "release");
    git(d, &["tag", "-a", "v1.0", "-m", "v1.0"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["branch", "-q", "-D", "release-tmp"]);

    let (code, report, _) = scan_json(d, &[]);
    assert_eq!(code, 1);
    let f = one(&report, &on_branch);
    assert_eq!(f["commit"], branch_commit.as_str());
    assert_eq!(f["history_only"], true);
    let f = one(&report, &on_tag);
    assert_eq!(f["commit"], tag_commit.as_str());
    assert_eq!(f["path"], "release.env");

    // --branch: that ref's history only.
    let (_, report, _) = scan_json(d, &["--branch", "feature"]);
    assert_eq!(of(&report, &on_branch).len(), 1);
    assert!(of(&report, &on_tag).is_empty(), "{report:#}");
    let (code, stderr) = scan_err(d, &["--branch", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-branch"), "{stderr}");
}

#[test]
fn keys_only_in_the_stash_are_found_including_older_entries() {
    let dir = repo();
    let d = dir.path();
    write(d, "config.py", "DEBUG = False\n");
    commit_all(d, "initial");
    let older = key("stash-older");
    write(
        d,
        "config.py",
        format!("DEBUG = False\nKEY = \"{older}\"\n"),
    );
    git(d, &["stash", "-q"]);
    let newer = key("stash-newer");
    write(d, "config.py", format!("DEBUG = True\nKEY = \"{newer}\"\n"));
    git(d, &["stash", "-q"]);
    assert_eq!(
        std::fs::read_to_string(d.join("config.py")).unwrap(),
        "DEBUG = False\n"
    );

    let (code, report, _) = scan_json(d, &[]);
    assert_eq!(code, 1);
    for k in [&older, &newer] {
        let f = one(&report, k);
        assert_eq!(f["history_only"], true);
        assert_eq!(f["path"], "config.py");
    }
}

#[test]
fn the_same_key_in_fifty_commits_is_one_finding() {
    let dir = repo();
    let d = dir.path();
    let k = key("fifty");
    let mut body = format!("OPENAI_API_KEY = \"{k}\"\n");
    write(d, "settings.py", &body);
    let first = commit_all(d, "commit 0");
    for i in 1..50 {
        body.push_str(&format!("OPTION_{i} = {i}\n"));
        write(d, "settings.py", &body);
        commit_all(d, &format!("commit {i}"));
    }
    let (code, report, _) = scan_json(d, &["--history-only"]);
    assert_eq!(code, 1);
    let f = one(&report, &k);
    assert_eq!(f["commit"], first.as_str());
    assert_eq!(f["history_only"], false, "still in HEAD");
    assert_eq!(report["summary"]["commits_scanned"], 50);
    assert_eq!(report["summary"]["blobs_scanned"], 50);

    // With the working tree: still one finding, the working-tree one, noting its first commit.
    let (_, report, _) = scan_json(d, &[]);
    let f = one(&report, &k);
    assert_eq!(f["origin"], "working_tree");
    let notes = f["notes"].to_string();
    assert!(notes.contains(&first[..12]), "{notes}");
}

#[test]
fn a_key_in_a_later_renamed_file_is_found() {
    let dir = repo();
    let d = dir.path();
    let k = key("renamed");
    write(d, "old_name.py", format!("KEY = \"{k}\"\n"));
    let added = commit_all(d, "add");
    git(d, &["mv", "old_name.py", "new_name.py"]);
    commit_all(d, "rename");

    let (code, report, _) = scan_json(d, &["--history-only"]);
    assert_eq!(code, 1);
    let f = one(&report, &k);
    assert_eq!(f["path"], "old_name.py");
    assert_eq!(f["commit"], added.as_str());
    assert_eq!(f["history_only"], false, "the renamed file still holds it");

    // Renamed, then the key removed: history-only.
    write(d, "new_name.py", "KEY = os.environ['KEY']\n");
    commit_all(d, "use the environment");
    let (_, report, _) = scan_json(d, &[]);
    assert_eq!(one(&report, &k)["history_only"], true);
}

#[test]
fn range_and_since_commit_select_only_their_commits() {
    let dir = repo();
    let d = dir.path();
    let keys: Vec<String> = (0..3).map(|i| key(&format!("range-{i}"))).collect();
    let mut shas = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        write(d, &format!("file{i}.py"), format!("KEY = \"{k}\"\n"));
        shas.push(commit_all(d, &format!("commit {i}")));
    }
    let count = |report: &Value| keys.iter().map(|k| of(report, k).len()).collect::<Vec<_>>();

    let (code, report, _) = scan_json(d, &["--range", &format!("{}..{}", shas[0], shas[2])]);
    assert_eq!(code, 1);
    assert_eq!(count(&report), vec![0, 1, 1], "{report:#}");
    assert_eq!(report["summary"]["commits_scanned"], 2);
    assert_eq!(
        report["summary"]["files_scanned"], 0,
        "a range does not scan the working tree"
    );

    let (_, report, _) = scan_json(d, &["--range", &format!("{}..HEAD", shas[1])]);
    assert_eq!(count(&report), vec![0, 0, 1]);
    // A range whose base is the null sha (a new branch pushed in CI) scans all of B.
    let (_, report, _) = scan_json(d, &["--range", &format!("{}..{}", "0".repeat(40), shas[2])]);
    assert_eq!(count(&report), vec![1, 1, 1]);
    let (_, report, _) = scan_json(d, &["--since-commit", &shas[0]]);
    assert_eq!(count(&report), vec![0, 1, 1]);

    // A commit in the range that modifies a file holding an older key does not re-report it.
    write(d, "file0.py", format!("KEY = \"{}\"\nDEBUG = 1\n", keys[0]));
    let last = commit_all(d, "touch file0");
    let (code, report, _) = scan_json(d, &["--range", &format!("{}..{last}", shas[2])]);
    assert_eq!(
        code, 1,
        "the changed blob is new and still holds the key: {report:#}"
    );
    assert_eq!(count(&report), vec![1, 0, 0]);

    for bad in ["nonsense", "nosuchref..HEAD"] {
        let (code, stderr) = scan_err(d, &["--range", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(stderr.contains("--range"), "{stderr}");
    }
}

#[test]
fn a_shallow_clone_is_scanned_without_crashing() {
    let src = repo();
    let s = src.path();
    let k_old = key("shallow-old");
    write(s, "a.py", format!("KEY = \"{k_old}\"\n"));
    commit_all(s, "one");
    write(s, "a.py", "KEY = None\n");
    commit_all(s, "two");
    let k_new = key("shallow-new");
    write(s, "b.py", format!("KEY = \"{k_new}\"\n"));
    commit_all(s, "three");
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", s.display());
    git(
        parent.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
    );
    let d = parent.path().join("clone");

    let (code, report, stderr) = scan_json(&d, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(of(&report, &k_new).len(), 1);
    assert!(of(&report, &k_old).is_empty(), "not in the shallow clone");
    assert!(stderr.contains("shallow"), "{stderr}");
}

/// The loose object file of `oid` in the repository at `d`.
fn object_file(d: &Path, oid: &str) -> std::path::PathBuf {
    d.join(".git/objects").join(&oid[..2]).join(&oid[2..])
}

#[test]
fn missing_objects_are_warnings_and_the_rest_is_still_reported() {
    let dir = repo();
    let d = dir.path();
    let k_lost = key("lost-blob");
    let k_kept = key("kept-blob");
    write(d, "lost.py", format!("KEY = \"{k_lost}\"\n"));
    commit_all(d, "one");
    write(d, "kept.py", format!("KEY = \"{k_kept}\"\n"));
    std::fs::remove_file(d.join("lost.py")).unwrap();
    commit_all(d, "two");
    let lost_blob = git(d, &["rev-parse", "HEAD~1:lost.py"]).trim().to_string();
    std::fs::remove_file(object_file(d, &lost_blob)).unwrap();

    let (code, report, stderr) = scan_json(d, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(of(&report, &k_kept).len(), 1);
    assert!(of(&report, &k_lost).is_empty());
    assert!(
        stderr.contains("warning") && stderr.contains(&lost_blob),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.contains(&lost_blob)).count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_missing_commit_is_a_warning_and_other_history_is_scanned() {
    let dir = repo();
    let d = dir.path();
    write(d, "a.py", "x = 1\n");
    let first = commit_all(d, "one");
    let k = key("after-missing-commit");
    write(d, "b.py", format!("KEY = \"{k}\"\n"));
    commit_all(d, "two");
    std::fs::remove_file(d.join("b.py")).unwrap();
    commit_all(d, "three");
    std::fs::remove_file(object_file(d, &first)).unwrap();

    let (code, report, stderr) = scan_json(d, &["--history-only"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(of(&report, &k).len(), 1, "{report:#}");
    assert!(stderr.contains(&first), "{stderr}");
}

#[test]
fn bare_repositories_and_git_dirs_are_scanned_read_only() {
    let src = repo();
    let s = src.path();
    let k = key("bare");
    write(s, "deploy.sh", format!("export OPENAI_API_KEY={k}\n"));
    commit_all(s, "deploy");
    std::fs::remove_file(s.join("deploy.sh")).unwrap();
    commit_all(s, "cleanup");
    let (parent, bare) = bare_clone(s, "bare.git");
    let listing = |p: &Path| {
        let mut v: Vec<String> = walk_names(p);
        v.sort();
        v
    };
    let before = listing(&bare);
    let (code, report, _) = scan_json(parent.path(), &["bare.git"]);
    assert_eq!(code, 1);
    let f = one(&report, &k);
    assert_eq!(f["path"], "deploy.sh");
    assert_eq!(f["history_only"], true);
    assert_eq!(
        listing(&bare),
        before,
        "scanning must not write to the repository"
    );

    let (code, report, _) = scan_json(s, &[".git"]);
    assert_eq!(code, 1);
    assert_eq!(one(&report, &k)["path"], "deploy.sh");
}

fn walk_names(p: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap();
        out.push(e.path().display().to_string());
        if e.file_type().unwrap().is_dir() {
            out.extend(walk_names(&e.path()));
        }
    }
    out
}

#[test]
fn submodules_big_blobs_and_non_utf8_paths() {
    let dir = repo();
    let d = dir.path();
    let k = key("odd-path");
    #[cfg(unix)]
    let odd = {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(b"caf\xe9.env").to_owned()
    };
    #[cfg(not(unix))]
    let odd = std::ffi::OsString::from("café.env");
    std::fs::write(d.join(&odd), format!("OPENAI_API_KEY={k}\n")).unwrap();
    let big_key = key("big-blob");
    let mut big = format!("KEY = \"{big_key}\"\n");
    big.push_str(&"# padding line\n".repeat(200));
    write(d, "big.py", &big);
    commit_all(d, "odd files");
    // A gitlink (submodule) entry pointing to a commit that is not here.
    let head = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    git(
        d,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},vendor/lib"),
        ],
    );
    git(d, &["commit", "-q", "-m", "submodule"]);
    std::fs::remove_file(d.join("big.py")).unwrap();
    std::fs::remove_file(d.join(&odd)).unwrap();
    commit_all(d, "remove");

    let (code, report, stderr) = scan_json(d, &["--max-file-size", "1K"]);
    assert_eq!(code, 1, "{stderr}");
    let f = one(&report, &k);
    assert!(f["path"].as_str().unwrap().starts_with("caf"), "{f}");
    assert!(of(&report, &big_key).is_empty(), "over the size limit");
    assert!(
        stderr.contains("big.py") && stderr.contains("max-file-size"),
        "{stderr}"
    );
    assert!(
        stderr.contains("submodule") && stderr.contains("vendor/lib"),
        "{stderr}"
    );
}

#[test]
fn history_findings_in_sarif_carry_the_repository_path_and_commit() {
    let dir = repo();
    let d = dir.path();
    let k = key("sarif");
    write(d, "src/conf/keys.py", format!("KEY = \"{k}\"\n"));
    let sha = commit_all(d, "keys");
    std::fs::remove_file(d.join("src/conf/keys.py")).unwrap();
    commit_all(d, "remove");
    let out = keyhound()
        .current_dir(d)
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/conf/keys.py"
    );
    assert!(result["partialFingerprints"]["keyhound/location/v1"].is_string());
    assert_eq!(result["properties"]["commit"], sha.as_str());
    assert_eq!(result["properties"]["history_only"], true);
}

#[test]
fn a_subdirectory_scan_limits_history_to_it() {
    let dir = repo();
    let d = dir.path();
    let inside = key("inside-sub");
    let outside = key("outside-sub");
    write(d, "svc/api/keys.py", format!("KEY = \"{inside}\"\n"));
    write(d, "other/keys.py", format!("KEY = \"{outside}\"\n"));
    commit_all(d, "keys");
    std::fs::remove_dir_all(d.join("svc/api")).unwrap();
    std::fs::remove_dir_all(d.join("other")).unwrap();
    write(d, "svc/README.md", "service\n");
    commit_all(d, "remove");

    let (code, report, _) = scan_json(d, &["svc"]);
    assert_eq!(code, 1);
    assert_eq!(one(&report, &inside)["path"], "api/keys.py");
    assert!(of(&report, &outside).is_empty());
}

#[test]
fn history_flags_outside_a_repository_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "nothing\n");
    for flags in [
        &["--history-only"][..],
        &["--range", "a..b"],
        &["--branch", "main"],
    ] {
        let (code, stderr) = scan_err(dir.path(), flags);
        assert_eq!(code, 2, "{flags:?}");
        assert!(stderr.contains("not a git repository"), "{stderr}");
    }
    // Without history flags, a plain directory is just scanned.
    let (code, _, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0);
}

#[test]
fn a_key_in_many_versions_of_a_file_is_one_finding_from_the_oldest_commit() {
    // Each commit rewrites another line of a file whose keys stay: every version is a new blob
    // holding the same keys. History reports each key once, at the commit that added it.
    let dir = repo();
    let d = dir.path();
    let keys: Vec<String> = (0..3).map(|i| key(&format!("versions-{i}"))).collect();
    let body = |n: usize| {
        let mut s = format!("# revision {n}\n");
        for (i, k) in keys.iter().enumerate() {
            s.push_str(&format!("OPENAI_KEY_{i}={k}\n"));
        }
        s
    };
    write(d, "keys.txt", body(0));
    let first = commit_all(d, "add keys");
    for n in 1..5 {
        write(d, "keys.txt", body(n));
        commit_all(d, &format!("revision {n}"));
    }
    std::fs::remove_file(d.join("keys.txt")).unwrap();
    commit_all(d, "remove keys");
    let (code, report, _) = scan_json(d, &["--history-only"]);
    assert_eq!(code, 1, "{report}");
    for k in &keys {
        let f = one(&report, k);
        assert_eq!(f["commit"], first.as_str(), "{f}");
        assert_eq!(f["history_only"], true, "{f}");
    }
}

#[test]
fn in_a_file_dense_with_keys_each_key_is_found_at_the_commit_and_line_that_added_it() {
    // Searching such a file costs enough that later versions are searched only where they
    // change: the report must be the one a search of every version whole gives. Revision 5
    // adds a key, revision 8 drops one, revision 9 removes the allow comment above another.
    let dir = repo();
    let d = dir.path();
    let keys: Vec<String> = (0..300).map(|i| key(&format!("dense-{i}"))).collect();
    let new_key = key("dense-added");
    let body = |n: usize| {
        let mut lines = vec![format!("# revision {n}")];
        for (i, k) in keys.iter().enumerate() {
            if n >= 8 && i == 10 {
                continue;
            }
            if n < 9 && i == 20 {
                lines.push("# keyhound:allow-next-line".to_string());
            }
            lines.push(format!("OPENAI_KEY_{i}={k}"));
            if n >= 5 && i == 147 {
                lines.push(format!("NEW_KEY={new_key}"));
            }
        }
        lines.join("\n") + "\n"
    };
    write(d, "keys.txt", body(0));
    let mut commits = vec![commit_all(d, "add keys")];
    for n in 1..12 {
        write(d, "keys.txt", body(n));
        commits.push(commit_all(d, &format!("revision {n}")));
    }
    let (code, report, _) = scan_json(d, &["--history-only"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(findings(&report).len(), 301, "{report:#}");
    let f = one(&report, &new_key);
    assert_eq!(f["commit"], commits[5].as_str(), "{f}");
    assert_eq!(f["line"], 151, "{f}");
    assert_eq!(f["history_only"], false, "{f}");
    let allowed_before = one(&report, &keys[20]);
    assert_eq!(
        allowed_before["commit"],
        commits[9].as_str(),
        "{allowed_before}"
    );
    assert_eq!(allowed_before["line"], 21, "{allowed_before}");
    for (i, k) in keys.iter().enumerate().filter(|&(i, _)| i != 20) {
        let f = one(&report, k);
        assert_eq!(f["commit"], commits[0].as_str(), "{f}");
        assert_eq!(f["line"], i + 2 + usize::from(i > 20), "{f}");
        assert_eq!(f["history_only"], i == 10, "{f}");
    }
}
