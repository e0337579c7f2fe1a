//! Public-by-design values (publishable keys, anon keys, DSNs) are not reported by default, and
//! are reported at severity `info` with the reason under `--include-public` or `[scan]
//! include_public`; well-known published non-secrets (emulator keys, documentation keys, jwt.io's
//! token) are never reported. Every key is generated at test time; the well-known values are
//! assembled from fragments so that this file does not hold them whole.

use crate::common;
use common::*;
use serde_json::Value;

/// (rule id, file, line template) for each kind of public value.
const PUBLIC: &[(&str, &str, &str)] = &[
    (
        "stripe-publishable-key",
        "web/checkout.js",
        "const stripe = Stripe('pk_live_51{alnum:97}');",
    ),
    (
        "supabase-anon-key",
        "src/env.js",
        "export const NEXT_PUBLIC_SUPABASE_ANON_KEY = '{jwt:iss=supabase,ref=*,role=anon,iat=1700000000,exp=+315360000}';",
    ),
    (
        "supabase-publishable-key",
        "src/supabase.ts",
        "export const supabase = createClient(url, 'sb_publishable_{alnum:22}_{alnum:8}');",
    ),
    (
        "mapbox-public-token",
        "src/map.js",
        "mapboxgl.accessToken = 'pk.eyJ1Ijoi{urlsafe:30}.{urlsafe:22}';",
    ),
    (
        "sentry-dsn",
        "sentry.client.config.ts",
        "Sentry.init({ dsn: \"https://{hex:32}@o{digits:6}.ingest.us.sentry.io/{digits:7}\" });",
    ),
    (
        "posthog-project-api-key",
        "src/analytics.js",
        "posthog.init('phc_{alnum:43}', { api_host: 'https://us.i.posthog.com' })",
    ),
    (
        "algolia-api-key",
        "config.yml",
        "algolia_search_api_key: {hex:32}",
    ),
    // A docs site's DocSearch config (Docusaurus), and a search box's config that names no
    // provider but holds an Algolia application id: the generic rule must not take either.
    (
        "algolia-docsearch-key",
        "website/docusaurus.config.js",
        "module.exports = {\n  themeConfig: {\n    algolia: {\n      appId: '{upper:10}',\n      apiKey: '{hex:32}',\n      indexName: 'docs',\n    },\n  },\n};",
    ),
    (
        "algolia-docsearch-key",
        "assets/js/main.js",
        "let searchConfig = {\n\tindex: 'sitedocs',\n\tapp_id: '{upper:5}{digits:5}',\n\tapi_key: '{hex:32}',\n};",
    ),
];

fn plant_public(dir: &std::path::Path) {
    for (i, (_, file, template)) in PUBLIC.iter().enumerate() {
        write(
            dir,
            file,
            format!("{}\n", fake(template, &format!("public-{i}"))),
        );
    }
}

#[test]
fn public_values_are_not_reported_by_default() {
    let dir = tempfile::tempdir().unwrap();
    plant_public(dir.path());
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(findings(&report), Vec::<Value>::new(), "{report:#}");
    assert_eq!(code, 0);
}

#[test]
fn include_public_reports_them_as_info_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    plant_public(dir.path());
    let (code, report, _) = scan_json(dir.path(), &["--no-history", "--include-public"]);
    let all = findings(&report);
    for (rule, file, _) in PUBLIC {
        let f = all
            .iter()
            .find(|f| f["rule_id"] == *rule && f["path"] == *file)
            .unwrap_or_else(|| panic!("{rule} not reported: {report:#}"));
        assert_eq!(f["path"], *file);
        assert_eq!(f["severity"], "info", "{rule}");
        let why = f["public"]
            .as_str()
            .unwrap_or_else(|| panic!("{rule}: no reason"));
        assert!(why.len() > 30, "{rule}: {why}");
        assert!(
            f["message"].as_str().unwrap().contains("public by design"),
            "{rule}: {f:#}"
        );
    }
    assert_eq!(all.len(), PUBLIC.len(), "{report:#}");
    // A public value in a public env variable is not "exposed to browsers": it is meant to be.
    assert_eq!(report["summary"]["counts"]["exposed_to_browsers"], 0);
    assert_eq!(code, 1);
    // --fail-on high ignores info findings.
    let (code, _, _) = scan_json(
        dir.path(),
        &["--no-history", "--include-public", "--fail-on", "low"],
    );
    assert_eq!(code, 0);
}

#[test]
fn config_switch_includes_public_values() {
    let dir = tempfile::tempdir().unwrap();
    plant_public(dir.path());
    write(
        dir.path(),
        ".keyhound.toml",
        "[scan]\ninclude_public = true\n",
    );
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    assert_eq!(findings(&report).len(), PUBLIC.len(), "{report:#}");
    assert!(findings(&report).iter().all(|f| f["severity"] == "info"));
}

#[test]
fn secret_counterparts_are_still_reported() {
    // Next to the public values: a Stripe secret key, a Supabase secret key, a Mapbox secret
    // token, a PostHog personal key, an Algolia admin key and a legacy Sentry DSN with its secret.
    let dir = tempfile::tempdir().unwrap();
    plant_public(dir.path());
    let secrets = [
        (
            "stripe-secret-key",
            "critical",
            "STRIPE_SECRET_KEY=sk_live_{alnum:24}",
        ),
        (
            "supabase-secret-key",
            "critical",
            "SUPABASE_SECRET_KEY=sb_secret_{urlsafe:31}",
        ),
        (
            "mapbox-secret-token",
            "high",
            "MAPBOX_TOKEN=sk.eyJ1Ijoi{urlsafe:30}.{urlsafe:22}",
        ),
        (
            "posthog-personal-api-key",
            "high",
            "POSTHOG_API_KEY=phx_{alnum:43}",
        ),
        ("algolia-api-key", "high", "ALGOLIA_ADMIN_API_KEY={hex:32}"),
        (
            "sentry-dsn",
            "low",
            "SENTRY_DSN=https://{hex:32}:{hex:32}@sentry.acme-corp.net/12",
        ),
    ];
    let text: String = secrets
        .iter()
        .enumerate()
        .map(|(i, (_, _, t))| fake(t, &format!("secret-{i}")) + "\n")
        .collect();
    write(dir.path(), "server/settings.ini", text);
    let (code, report, _) = scan_json(dir.path(), &["--no-history"]);
    let all = findings(&report);
    assert_eq!(all.len(), secrets.len(), "{report:#}");
    for (rule, sev, _) in secrets {
        let f = all.iter().find(|f| f["rule_id"] == rule).unwrap();
        assert_eq!(f["severity"], sev, "{rule}");
        assert_eq!(f["public"], Value::Null);
    }
    assert_eq!(code, 1);
}

/// Well-known published values, assembled from fragments at run time.
fn well_known() -> Vec<(&'static str, String)> {
    let azurite = [
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50u",
        "SRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    ]
    .concat();
    let aws_id = ["AKIAIOSF", "ODNN7EXAMPLE"].concat();
    let aws_secret = ["wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"].concat();
    let jwt_io = [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ]
    .concat();
    let stripe_docs = ["sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"].concat();
    let slack_docs = ["xoxb-", "17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"].concat();
    // The Supabase CLI's local keys: issuer `supabase-demo` (any signature).
    let demo = fake(
        "{jwt:iss=supabase-demo,role=service_role,exp=1983812996}",
        "supabase-demo",
    );
    vec![
        ("azurite", format!("AZURE_STORAGE_ACCESS_KEY={azurite}\nAZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\"\n")),
        ("aws", format!("aws_access_key_id = {aws_id}\naws_secret_access_key = {aws_secret}\n")),
        ("jwt.io", format!("Authorization: Bearer {jwt_io}\n")),
        ("stripe docs", format!("const stripe = require('stripe')('{stripe_docs}');\n")),
        ("slack docs", format!("{{\"ok\": true, \"access_token\": \"{slack_docs}\"}}\n")),
        ("supabase-demo", format!("SERVICE_ROLE_KEY={demo}\n")),
    ]
}

#[test]
fn well_known_examples_are_never_reported() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (_, text)) in well_known().iter().enumerate() {
        write(dir.path(), &format!("examples/{i}.txt"), text);
    }
    for args in [&["--no-history"][..], &["--no-history", "--include-public"]] {
        let (code, report, _) = scan_json(dir.path(), args);
        assert_eq!(
            findings(&report),
            Vec::<Value>::new(),
            "{args:?}: {report:#}"
        );
        assert_eq!(code, 0);
    }
}

#[test]
fn a_changed_well_known_value_is_reported() {
    // The list matches exact values: one character off, and the key rules report it again.
    let dir = tempfile::tempdir().unwrap();
    for (i, (what, text)) in well_known().iter().enumerate() {
        let changed = match *what {
            "azurite" => text.replace("FT50u", "FT51u"),
            // Still an `EXAMPLE` placeholder when changed: the placeholder filter drops it.
            "aws" => continue,
            "jwt.io" => text.replace(
                "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
                "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIzfQ",
            ),
            "stripe docs" => text.replace("HqLy", "HqLz"),
            "slack docs" => text.replace("pdFZ", "pdFY"),
            "supabase-demo" => continue,
            other => panic!("{other}"),
        };
        assert_ne!(&changed, text, "{what}");
        write(dir.path(), &format!("changed/{i}.txt"), changed);
    }
    let (_, report, _) = scan_json(dir.path(), &["--no-history"]);
    // Every changed value is reported again, by whichever key rule matches it.
    for (i, (what, _)) in well_known().iter().enumerate() {
        if matches!(*what, "aws" | "supabase-demo") {
            continue;
        }
        let path = format!("changed/{i}.txt");
        assert!(
            findings(&report).iter().any(|f| f["path"] == path.as_str()),
            "{what} ({path}) not reported once changed: {report:#}"
        );
    }
    assert!(rule_ids(&report).contains(&"jwt".to_string()), "{report:#}");
}
