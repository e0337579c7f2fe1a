//! Framework configs that inline server environment variables into the browser bundle, one
//! config per framework, reported as `client-exposed-env` at the config line; and the same in a
//! pre-commit scan, where only the added lines count; and in scans of commits (`--range`,
//! `--history-only`, bare repositories), attributed to the commit that added them.

use crate::common;
use common::*;

/// (rule_id, path, line, severity) of every `client-exposed-env` finding of a working-tree scan.
fn exposed(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
    let dir = tempfile::tempdir().unwrap();
    for (p, c) in files {
        write(dir.path(), p, c);
    }
    let (code, report, err) = scan_json(dir.path(), &["--no-history"]);
    let found: Vec<(String, usize, String)> = findings(&report)
        .iter()
        .filter(|f| f["rule_id"] == "client-exposed-env")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        code,
        if found.is_empty() { 0 } else { 1 },
        "{report}\n{err}"
    );
    found
}

fn one(path: &str, line: usize, sev: &str) -> Vec<(String, usize, String)> {
    vec![(path.to_string(), line, sev.to_string())]
}

#[test]
fn nextjs_env_block() {
    let cfg = "/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  env: {\n    SITE_URL: process.env.SITE_URL,\n    OPENAI_API_KEY: process.env.OPENAI_API_KEY,\n  },\n};\nexport default nextConfig;\n";
    assert_eq!(
        exposed(&[("next.config.mjs", cfg)]),
        one("next.config.mjs", 5, "critical")
    );
}

#[test]
fn vite_define_and_env_prefix() {
    let cfg = "import { defineConfig, loadEnv } from 'vite';\nexport default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd(), '');\n  return {\n    define: {\n      'process.env.API_TOKEN': JSON.stringify(env.API_TOKEN),\n    },\n    envPrefix: '',\n  };\n});\n";
    assert_eq!(
        exposed(&[("vite.config.ts", cfg)]),
        vec![
            ("vite.config.ts".to_string(), 6, "high".to_string()),
            ("vite.config.ts".to_string(), 8, "high".to_string()),
        ]
    );
    // The default public prefix is fine.
    assert!(exposed(&[(
        "vite.config.ts",
        "export default { envPrefix: ['VITE_'] };\n"
    )])
    .is_empty());
}

#[test]
fn webpack_define_and_environment_plugins() {
    let cfg = "const webpack = require('webpack');\nmodule.exports = {\n  plugins: [\n    new webpack.EnvironmentPlugin(['NODE_ENV', 'SUPABASE_SERVICE_ROLE_KEY']),\n  ],\n};\n";
    assert_eq!(
        exposed(&[("webpack.config.js", cfg)]),
        one("webpack.config.js", 4, "critical")
    );
}

#[test]
fn expo_public_variable_read_in_code() {
    let code = "import OpenAI from 'openai';\nexport const client = new OpenAI({\n  apiKey: process.env.EXPO_PUBLIC_OPENAI_API_KEY,\n});\nexport const api = process.env.EXPO_PUBLIC_API_URL;\n";
    assert_eq!(
        exposed(&[("app/lib/ai.ts", code)]),
        one("app/lib/ai.ts", 3, "critical")
    );
}

#[test]
fn sveltekit_public_env_import() {
    let code =
        "<script>\n  import { PUBLIC_ANTHROPIC_API_KEY } from '$env/static/public';\n</script>\n";
    assert_eq!(
        exposed(&[("src/routes/+page.svelte", code)]),
        one("src/routes/+page.svelte", 2, "critical")
    );
}

#[test]
fn nuxt_runtime_config_public() {
    let cfg = "export default defineNuxtConfig({\n  runtimeConfig: {\n    openaiApiKey: '',\n    public: {\n      groqApiKey: '',\n    },\n  },\n});\n";
    assert_eq!(
        exposed(&[("nuxt.config.ts", cfg)]),
        one("nuxt.config.ts", 5, "critical")
    );
}

#[test]
fn astro_public_variable() {
    let page = "---\nconst key = import.meta.env.PUBLIC_OPENAI_API_KEY;\nconst site = import.meta.env.PUBLIC_SITE_URL;\n---\n<p>hi</p>\n";
    assert_eq!(
        exposed(&[("src/pages/index.astro", page)]),
        one("src/pages/index.astro", 2, "critical")
    );
}

#[test]
fn staged_config_change_is_blocked_at_the_added_line_only() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "next.config.js",
        "module.exports = {\n  env: {\n    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,\n  },\n};\n",
    );
    commit_all(d, "old config");
    // A new exposure added: blocked, at its line; the old one is not this commit's.
    write(
        d,
        "next.config.js",
        "module.exports = {\n  env: {\n    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,\n    OPENAI_API_KEY: process.env.OPENAI_API_KEY,\n  },\n};\n",
    );
    git(d, &["add", "next.config.js"]);
    let (code, report, _) = scan_json(d, &["--staged"]);
    assert_eq!(code, 1, "{report}");
    let f = findings(&report);
    assert_eq!(f.len(), 1, "{report}");
    assert_eq!(f[0]["rule_id"], "client-exposed-env");
    assert_eq!(f[0]["line"], 4);
    assert_eq!(f[0]["origin"], "staged");
}

/// (rule_id, path, commit, history-only?) of the browser-exposure findings of a report.
fn browser_findings(report: &serde_json::Value) -> Vec<(String, String, String, bool)> {
    let mut out: Vec<_> = findings(report)
        .iter()
        .filter(|f| f["rule_id"] == "client-exposed-env" || f["rule_id"] == "browser-sdk-client")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["commit"].as_str().unwrap_or_default().to_string(),
                f["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == "history-only")),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn range_history_only_and_bare_scans_report_browser_exposure_from_commits() {
    let dir = repo();
    let d = dir.path();
    write(d, "README.md", "# app\n");
    let c1 = commit_all(d, "init");
    write(
        d,
        "next.config.js",
        "module.exports = {\n  env: {\n    OPENAI_API_KEY: process.env.OPENAI_API_KEY,\n  },\n};\n",
    );
    write(
        d,
        "app/chat.tsx",
        "\"use client\";\nimport OpenAI from \"openai\";\nconst client = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_KEY, dangerouslyAllowBrowser: true });\n",
    );
    let c2 = commit_all(d, "chat in the browser");
    // A later commit moves the SDK call to the server; the config stays.
    write(
        d,
        "app/chat.tsx",
        "export default function Chat() { return null; }\n",
    );
    let c3 = commit_all(d, "call the API from the server");

    let (code, report, err) = scan_json(d, &["--range", &format!("{c1}..{c3}")]);
    assert_eq!(code, 1, "{report}\n{err}");
    assert_eq!(
        browser_findings(&report),
        vec![
            (
                "browser-sdk-client".into(),
                "app/chat.tsx".into(),
                c2.clone(),
                true
            ),
            (
                "client-exposed-env".into(),
                "next.config.js".into(),
                c2.clone(),
                false
            ),
        ],
        "{report}"
    );

    // A range after the commit that added them: not this range's doing.
    let (code, report, _) = scan_json(d, &["--range", &format!("{c2}..{c3}")]);
    assert_eq!(code, 0, "{report}");

    let (_, report, _) = scan_json(d, &["--history-only"]);
    assert_eq!(browser_findings(&report).len(), 2, "{report}");

    // A bare clone has no working tree: the commits are what it has.
    let (outer, bare) = bare_clone(d, "app.git");
    let (_, report, _) = scan_json(outer.path(), &[bare.to_str().unwrap()]);
    assert_eq!(browser_findings(&report).len(), 2, "{report}");

    // A full scan reports them once, from the working tree: the fixed file is not reported.
    let (_, report, _) = scan_json(d, &[]);
    assert_eq!(
        browser_findings(&report),
        vec![(
            "client-exposed-env".into(),
            "next.config.js".into(),
            String::new(),
            false
        )],
        "{report}"
    );
}
