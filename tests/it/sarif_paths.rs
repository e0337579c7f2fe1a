//! Paths that code scanning resolves: in a monorepo, scanning a subdirectory (directly, from
//! inside it, over a commit range, or through the Action's `path:` input) gives SARIF URIs
//! relative to the repository root, and JSON keeps `path` relative to the scan root with a
//! `repo_path` beside it.

use crate::common;

use common::*;
use std::path::Path;
use std::process::Command;

/// A monorepo: a clean first commit, then a key in web/ and one in api/.
fn monorepo() -> (tempfile::TempDir, String, String) {
    let dir = repo();
    write(dir.path(), "README.md", "# mono\n");
    let c1 = commit_all(dir.path(), "init");
    write(
        dir.path(),
        "web/src/config.js",
        format!("export const key = \"{}\";\n", openai_key("mono-web")),
    );
    write(
        dir.path(),
        "api/app.py",
        format!("KEY = \"{}\"\n", openai_key("mono-api")),
    );
    let c2 = commit_all(dir.path(), "add services");
    (dir, c1, c2)
}

fn sarif(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let out = keyhound()
        .current_dir(cwd)
        .arg("scan")
        .args(args)
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (uri, uriBaseId) of every result.
fn locations(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                a["uri"].as_str().unwrap().to_string(),
                a["uriBaseId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn only_web(doc: &serde_json::Value) {
    let locs = locations(doc);
    assert!(!locs.is_empty());
    for (uri, base) in &locs {
        assert_eq!(uri, "web/src/config.js", "{locs:?}");
        assert_eq!(base, "%SRCROOT%");
    }
}

#[test]
fn a_subdirectory_scan_reports_repository_paths() {
    let (dir, c1, c2) = monorepo();
    let d = dir.path();
    // From the top, working tree and history.
    only_web(&sarif(d, &["web"]));
    // From inside the subdirectory.
    only_web(&sarif(&d.join("web"), &["."]));
    // A commit range, as the Action runs it.
    only_web(&sarif(d, &["web", "--range", &format!("{c1}..{c2}")]));
    // The top of the repository: paths are already repository paths.
    let all = locations(&sarif(d, &["--no-history"]));
    let mut uris: Vec<&str> = all.iter().map(|(u, _)| u.as_str()).collect();
    uris.sort();
    assert_eq!(uris, ["api/app.py", "web/src/config.js"]);
    // The document still validates.
    let doc = sarif(d, &["web"]);
    let v = sarif_validator();
    assert!(v.is_valid(&doc), "SARIF does not validate");
}

#[test]
fn json_keeps_path_and_adds_repo_path() {
    let (dir, _, _) = monorepo();
    let (code, report, _) = scan_json(dir.path(), &["web", "--no-history"]);
    assert_eq!(code, 1);
    let f = &findings(&report)[0];
    assert_eq!(f["path"], "src/config.js");
    assert_eq!(f["repo_path"], "web/src/config.js");

    // Outside a repository there is no repo_path.
    let plain = tempfile::tempdir().unwrap();
    write(
        plain.path(),
        "web/config.js",
        format!("k = \"{}\"\n", openai_key("plain")),
    );
    let (code, report, _) = scan_json(plain.path(), &["web"]);
    assert_eq!(code, 1);
    let f = &findings(&report)[0];
    assert_eq!(f["path"], "config.js");
    assert!(f.get("repo_path").is_none(), "{f}");
}

#[test]
fn the_action_path_input_gives_repository_paths() {
    let (dir, c1, c2) = monorepo();
    let gh = tempfile::tempdir().unwrap();
    let event = gh.path().join("event.json");
    std::fs::write(
        &event,
        serde_json::json!({"before": c1, "after": c2, "commits": [{"id": c2}]}).to_string(),
    )
    .unwrap();
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-scan.sh"))
        .current_dir(dir.path())
        .env("KEYHOUND_BIN", crate::common::bin())
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_OUTPUT", gh.path().join("out"))
        .env("GITHUB_STEP_SUMMARY", gh.path().join("summary.md"))
        .env("INPUT_PATH", "web")
        .env("INPUT_FAIL_ON_FINDINGS", "false")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("keyhound.sarif")).unwrap()).unwrap();
    only_web(&doc);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results[0]["properties"]["repo_path"], "web/src/config.js");
    assert_eq!(results[0]["properties"]["path"], "src/config.js");
}
