//! Dependency code (`node_modules/`, `vendor/`, ...) is not the user's shipped bundle: it is
//! tagged `dependency`, never `client-bundle`, and never counted as exposed to browsers. Untracked
//! dependency directories are skipped unless `--scan-dependencies`; files git tracks in them are
//! always scanned.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// A web app: its own build output with a key, and an installed package whose build holds
/// another (a package's `dist/` is what it published, not what this site serves).
fn app(dir: &Path) -> (String, String) {
    let own = openai_key("own-bundle");
    let dep = openai_key("dependency");
    write(dir, "src/app.js", "export const x = 1;\n");
    write(
        dir,
        "dist/assets/index-BfQ9x2aZ.js",
        format!("const k=\"{own}\";\n"),
    );
    write(
        dir,
        "node_modules/some-sdk/build/server.js",
        format!("module.exports = {{ apiKey: \"{dep}\" }};\n"),
    );
    write(
        dir,
        "node_modules/some-sdk/dist/index.min.js",
        format!("var a=\"{dep}\";\n"),
    );
    (own, dep)
}

fn by_path<'a>(all: &'a [Value], path: &str) -> Option<&'a Value> {
    all.iter().find(|f| f["path"] == path)
}

#[test]
fn untracked_dependency_dirs_are_skipped_by_default() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{report:#}");
    let own = &all[0];
    assert_eq!(own["path"], "dist/assets/index-BfQ9x2aZ.js");
    assert!(own["tags"]
        .as_array()
        .unwrap()
        .contains(&"client-bundle".into()));
    assert_eq!(report["summary"]["counts"]["exposed_to_browsers"], 1);
    assert_eq!(code, 1);
    // Scanning the dependency directory itself scans it.
    let (_, report, _) = scan_json(&dir.path().join("node_modules/some-sdk"), &["--no-history"]);
    assert_eq!(findings(&report).len(), 2, "{report:#}");
}

#[test]
fn scan_dependencies_tags_them_and_keeps_the_exposed_count_true() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let (_, report, _) = scan_json(dir.path(), &["--no-history", "--scan-dependencies"]);
    let all = findings(&report);
    assert_eq!(all.len(), 3, "{report:#}");
    for path in [
        "node_modules/some-sdk/build/server.js",
        "node_modules/some-sdk/dist/index.min.js",
    ] {
        let f = by_path(&all, path).unwrap_or_else(|| panic!("{path}: {report:#}"));
        let tags = f["tags"].as_array().unwrap();
        assert!(tags.contains(&"dependency".into()), "{path}: {tags:?}");
        assert!(!tags.contains(&"client-bundle".into()), "{path}: {tags:?}");
        assert!(
            !f["message"].as_str().unwrap().contains("browsers"),
            "{f:#}"
        );
    }
    // Only the app's own bundle is exposed.
    assert_eq!(report["summary"]["counts"]["exposed_to_browsers"], 1);
    // The human summary says so too.
    let out = keyhound()
        .current_dir(dir.path())
        .args(["scan", "--no-history", "--scan-dependencies"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 secrets, 1 exposed to browsers"), "{text}");
}

#[test]
fn config_switch_scans_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    write(
        dir.path(),
        ".keyhound.toml",
        "[scan]\nscan_dependencies = true\n",
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(findings(&report).len(), 3, "{report:#}");
}

#[test]
fn committed_dependency_code_is_scanned_and_tagged() {
    // A repository that commits its vendor/ directory: git tracks it, so it is scanned.
    let dir = repo();
    let key = openai_key("vendored");
    write(
        dir.path(),
        "vendor/lib/client.go",
        format!("const key = \"{key}\"\n"),
    );
    write(dir.path(), "node_modules/.gitkeep", "");
    write(dir.path(), "main.go", "package main\n");
    commit_all(dir.path(), "vendor deps");
    // An untracked, ignored-by-nothing node_modules file next to it is skipped.
    write(
        dir.path(),
        "node_modules/pkg/index.js",
        format!("x=\"{}\"\n", openai_key("untracked-dep")),
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{report:#}");
    assert_eq!(all[0]["path"], "vendor/lib/client.go");
    assert!(all[0]["tags"]
        .as_array()
        .unwrap()
        .contains(&"dependency".into()));
}
