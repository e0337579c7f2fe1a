//! Keys exposed to browsers, end to end, on framework layouts built in the test: build output,
//! source maps, framework public env variables, and AI SDK clients created in the browser.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn scan(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = keyhound()
        .current_dir(dir)
        .env("HOME", dir)
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).expect("JSON report"),
    )
}

fn at(report: &Value, rule: &str, path: &str) -> Value {
    let all: Vec<Value> = findings(report)
        .into_iter()
        .filter(|f| f["rule_id"] == rule && f["path"] == path)
        .collect();
    assert_eq!(
        all.len(),
        1,
        "expected one {rule} at {path}; report: {report:#}"
    );
    all[0].clone()
}

fn msg(f: &Value) -> &str {
    f["message"].as_str().unwrap()
}

const EXPOSED: &str =
    "anyone who loads the site can read this key; rotate it, and call the API from your server";

/// A Next.js app: .env.local with a NEXT_PUBLIC_ key, an app/ page that builds the SDK client in
/// the browser, and the compiled chunk in .next/static/chunks/ holding the inlined key.
fn next_app(d: &Path, key: &str) {
    write(d, ".gitignore", "/node_modules\n/.next/\n.env*.local\n");
    write(
        d,
        "package.json",
        r#"{"name": "web", "dependencies": {"next": "15.0.0", "openai": "4.0.0"}}"#,
    );
    write(
        d,
        ".env.local",
        format!("# local settings\nNEXT_PUBLIC_OPENAI_API_KEY={key}\n"),
    );
    write(
        d,
        "app/page.tsx",
        "'use client';\nimport OpenAI from 'openai';\n\nconst openai = new OpenAI({\n  apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY,\n  dangerouslyAllowBrowser: true,\n});\n",
    );
    write(
        d,
        ".next/static/chunks/app/page-3f2a9c1b8d7e6f50.js",
        format!("(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[931],{{7:function(e,t,n){{let o=new n.ZP({{apiKey:\"{key}\",dangerouslyAllowBrowser:!0}})}}}}]);"),
    );
}

#[test]
fn nextjs_tree_reports_every_exposure_once() {
    let dir = repo();
    let d = dir.path();
    let key = openai_key("next-1");
    next_app(d, &key);
    commit_all(d, "app");

    // .next/ and .env.local are ignored, as in a real Next.js repository: --no-ignore reads them.
    let (code, r) = scan(d, &["--no-ignore", "--no-history"]);
    assert_eq!(code, 1);
    let env = at(&r, "client-exposed-env", ".env.local");
    assert_eq!(env["severity"], "critical");
    assert_eq!(env["line"], 2);
    assert_eq!(env["provider"], "openai");
    assert!(
        msg(&env).contains("NEXT_PUBLIC_OPENAI_API_KEY") && msg(&env).contains("Next.js"),
        "{env}"
    );
    assert!(msg(&env).contains(EXPOSED));
    assert!(env["notes"]
        .to_string()
        .contains("key rule: openai-project-key"));
    assert!(env["remediation"]
        .as_str()
        .unwrap()
        .contains("without the NEXT_PUBLIC_ prefix"));

    let page = at(&r, "browser-sdk-client", "app/page.tsx");
    assert_eq!(
        (page["line"].as_u64(), page["column"].as_u64()),
        (Some(6), Some(3))
    );
    assert_eq!(
        page["severity"], "critical",
        "the key comes from a NEXT_PUBLIC_ variable"
    );
    assert!(page["secret_redacted"].is_null());

    let chunk = ".next/static/chunks/app/page-3f2a9c1b8d7e6f50.js";
    let bundled = at(&r, "openai-project-key", chunk);
    assert_eq!(bundled["severity"], "critical");
    assert_eq!(bundled["line"], 1);
    assert!(bundled["tags"]
        .as_array()
        .unwrap()
        .contains(&"client-bundle".into()));
    assert!(msg(&bundled).contains("ships to browsers") && msg(&bundled).contains(EXPOSED));
    let minified = at(&r, "browser-sdk-client", chunk);
    assert_eq!(minified["severity"], "critical");
    // Ignored env file: no hygiene finding, one finding per key.
    assert!(
        rule_ids(&r)
            .iter()
            .all(|id| !id.starts_with("dotenv") && id != "gitignore-missing"),
        "{r:#}"
    );
    assert_eq!(findings(&r).len(), 4);
    assert_eq!(r["summary"]["counts"]["exposed_to_browsers"], 4);
    assert_eq!(r["summary"]["counts"]["secrets"], 2);

    let out = keyhound()
        .current_dir(d)
        .env("HOME", d)
        .args(["scan", "--no-ignore", "--no-history"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("2 secrets, 4 exposed to browsers;"),
        "{last}"
    );

    // Without --no-ignore the ignored build output and .env.local are not read.
    let (_, r) = scan(d, &["--no-history"]);
    assert_eq!(rule_ids(&r), vec!["browser-sdk-client"], "{r:#}");
}

/// A Vite app outside git: .env with a VITE_ key, src/, and dist/assets/ with a hashed bundle
/// and its source map.
#[test]
fn vite_tree_with_source_map() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = openai_key("vite-1");
    write(d, ".env", format!("VITE_OPENAI_KEY={key}\n"));
    write(
        d,
        "src/openai.ts",
        "export const key = import.meta.env.VITE_OPENAI_KEY;\n",
    );
    write(
        d,
        "index.html",
        "<script type=\"module\" src=\"/src/main.ts\"></script>\n",
    );
    write(
        d,
        "dist/assets/index-BfQ9x2aZ.js",
        format!("const e=\"{key}\";fetch(u,{{headers:{{Authorization:`Bearer ${{e}}`}}}});\n"),
    );
    let map = serde_json::json!({
        "version": 3,
        "file": "index-BfQ9x2aZ.js",
        "sources": ["../../src/main.ts", "../../src/openai.ts"],
        "sourcesContent": ["import { key } from './openai';\n", format!("// fallback for local dev\nexport const key = \"{key}\";\n")],
        "mappings": "AAAA",
    });
    write(
        d,
        "dist/assets/index-BfQ9x2aZ.js.map",
        serde_json::to_string(&map).unwrap(),
    );

    let (code, r) = scan(d, &[]);
    assert_eq!(code, 1);
    let env = at(&r, "client-exposed-env", ".env");
    assert!(
        msg(&env).contains("VITE_OPENAI_KEY") && msg(&env).contains("Vite"),
        "{env}"
    );
    let js = at(&r, "openai-project-key", "dist/assets/index-BfQ9x2aZ.js");
    assert_eq!(js["severity"], "critical");
    let sm = at(
        &r,
        "openai-project-key",
        "dist/assets/index-BfQ9x2aZ.js.map",
    );
    assert_eq!(sm["severity"], "critical");
    assert!(
        msg(&sm).contains("sourcesContent (original source ../../src/openai.ts)"),
        "{sm}"
    );
    let tags = sm["tags"].to_string();
    assert!(
        tags.contains("client-bundle") && tags.contains("source-map"),
        "{tags}"
    );
    // The code that reads the public variable is where the rename happens: reported too.
    let read = at(&r, "client-exposed-env", "src/openai.ts");
    assert_eq!(read["line"], 1);
    assert!(msg(&read).contains("VITE_OPENAI_KEY"), "{read}");
    // The .env file itself: not ignored anywhere, with a key in it.
    let ni = at(&r, "dotenv-not-ignored", ".env");
    assert_eq!(ni["severity"], "high");
    // Its finding names the .gitignore to create: no second finding for the same file.
    assert!(
        ni["remediation"]
            .as_str()
            .unwrap()
            .starts_with("Create .gitignore with"),
        "{ni}"
    );
    assert!(rule_ids(&r).iter().all(|id| id != "gitignore-missing"));

    let out = keyhound().current_dir(d).args(["scan"]).output().unwrap();
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(
        last.starts_with("3 secrets, 4 exposed to browsers, 1 .env file not ignored;"),
        "{last}"
    );
}

#[test]
fn public_variables_in_code_and_source_maps_outside_build_dirs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = openai_key("cra-1");
    write(d, ".gitignore", ".env*\n");
    write(d, "src/config.js", format!("// CRA config\nexport const openaiKey =\n  process.env.REACT_APP_OPENAI_KEY || \"{key}\";\n"));
    write(
        d,
        "src/server.js",
        format!("const OPENAI_API_KEY = \"{key}\";\n"),
    );
    let (_, r) = scan(d, &[]);
    let f = at(&r, "client-exposed-env", "src/config.js");
    assert_eq!(f["line"], 3);
    assert!(msg(&f).contains("REACT_APP_OPENAI_KEY"));
    // Same key in server code: the key's own rule, not exposed.
    let s = at(&r, "openai-project-key", "src/server.js");
    assert!(!s["tags"].to_string().contains("client-bundle"));
    assert_eq!(r["summary"]["counts"]["exposed_to_browsers"], 1);
}

#[test]
fn browser_sdk_client_without_any_key_is_high_and_shows_in_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "src/chat.ts",
        "import Anthropic from '@anthropic-ai/sdk';\n// The user pastes their own key.\nexport const client = (k: string) => new Anthropic({ apiKey: k, dangerouslyAllowBrowser: true });\nconst off = { dangerouslyAllowBrowser: false };\n",
    );
    write(
        d,
        "docs/setup.md",
        "Set `dangerouslyAllowBrowser: true` only for demos.\n",
    );
    let (code, r) = scan(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    let f = at(&r, "browser-sdk-client", "src/chat.ts");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["line"], 3);

    let out = keyhound()
        .current_dir(d)
        .args(["scan", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&sarif);
    let res = &sarif["runs"][0]["results"][0];
    assert_eq!(res["ruleId"], "browser-sdk-client");
    assert_eq!(
        res["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}
