//! Whether a committed env file holds anything worth protecting.
//!
//! Frameworks tell users to commit some env files: Vite's `.env.[mode]`, Next.js's `.env`,
//! `.env.development` and `.env.production` ("should be included in your repository as they
//! define defaults"), test and CI files full of `fake-…` values, templates with empty values.
//! Reporting every tracked env file made most `dotenv-tracked` findings on real repositories
//! ones nobody would act on, so a tracked file is reported when its text holds
//! - a non-empty value, not a placeholder or a reference, of a server-side secret-named variable
//!   (`*_KEY`, `*_SECRET`, `*_TOKEN`, `*PASSWORD*`, …; not `*_ID`, `*_URL`, not a `VITE_`-style
//!   public variable, which the framework ships to browsers anyway);
//! - a connection URI with a real-looking password (`postgres://app:<password>@db/app`);
//! - or a key that a key rule found outside a public variable's line.

/// Variables with these prefixes are inlined into browser bundles by their framework: nothing in
/// them is server-only, so a committed file of them exposes nothing the site does not.
const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "VUE_APP_",
    "GATSBY_",
    "PUBLIC_",
    "STORYBOOK_",
];

const SECRET_STEMS: &[&str] = &[
    "KEY",
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "DSN",
    "SALT",
    "CONNECTION_STRING",
];

/// Name endings that say what the value is about, not the secret itself.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "_ID",
    "_URL",
    "_URI",
    "_HOST",
    "_PORT",
    "_NAME",
    "_USER",
    "_USERNAME",
    "_REGION",
    "_VERSION",
    "_ENDPOINT",
    "_PATH",
    "_FILE",
    "_DIR",
    "_MODE",
    "_TYPE",
    "_HEADER",
    "_EXPIRY",
    "_TTL",
];

/// Fragments of values that only placeholders hold (compared lowercased).
const PLACEHOLDERS: &[&str] = &[
    "fake",
    "dummy",
    "example",
    "placeholder",
    "your",
    "changeme",
    "change_me",
    "change-me",
    "xxx",
    "***",
    "...",
    "<",
    "${",
    "{{",
    "todo",
    "replace",
    "sample",
    "test",
    "secret",
    "password",
];

/// True when `text`, an env file, holds a value worth protecting (see the module docs).
/// `key_lines` are the 1-based lines where key rules found secrets in it.
pub fn worth_protecting(text: &str, key_lines: &[usize]) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let public_line = |n: usize| {
        lines
            .get(n.wrapping_sub(1))
            .and_then(|l| assignment(l))
            .is_some_and(|(name, _)| is_public(name))
    };
    if key_lines.iter().any(|&n| !public_line(n)) {
        return true;
    }
    lines
        .iter()
        .filter_map(|l| assignment(l))
        .any(|(name, value)| {
            (is_secret_name(name) && is_real_value(value))
                || uri_password(value).is_some_and(is_real_value)
        })
}

/// `NAME=value` (optionally `export NAME=value`), the value unquoted and without a trailing
/// comment; `None` for comments and other lines.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line);
    if line.starts_with('#') {
        return None;
    }
    let (name, value) = line.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
        return None;
    }
    let value = value.trim();
    let value = match value.as_bytes().first() {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let inner = &value[1..];
            inner.find(q as char).map_or(inner, |end| &inner[..end])
        }
        // A `#` starts a comment; a value that is only a comment is empty.
        _ => value.split_once(" #").map_or(value, |(v, _)| v).trim_end(),
    };
    Some((name, value.strip_prefix('#').map_or(value, |_| "")))
}

fn is_public(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    PUBLIC_PREFIXES.iter().any(|p| upper.starts_with(p)) || upper.contains("PUBLIC")
}

fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !is_public(&upper)
        && SECRET_STEMS.iter().any(|s| upper.contains(s))
        && !NOT_SECRET_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// A value that could be a credential: not empty, a flag, a number, a reference or a
/// placeholder.
fn is_real_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if value.len() < 4
        || value.starts_with('$')
        || value.bytes().all(|c| c.is_ascii_digit())
        || ["true", "false", "none", "null", "undefined", "empty"].contains(&lower.as_str())
    {
        return false;
    }
    !PLACEHOLDERS.iter().any(|p| lower.contains(p))
}

/// The password of a `scheme://user:password@host` URI in `value`, unless it merely repeats the
/// user name or is a well-known default (`postgres:postgres`, `root:root`).
fn uri_password(value: &str) -> Option<&str> {
    let rest = value.split_once("://")?.1;
    let creds = rest.split(['/', '?', '#']).next()?.rsplit_once('@')?.0;
    let (user, pass) = creds.split_once(':')?;
    let lower = pass.to_ascii_lowercase();
    let default = [
        "postgres", "root", "admin", "mysql", "guest", "pass", "mongo", "redis",
    ];
    if pass == user || default.contains(&lower.as_str()) {
        return None;
    }
    Some(pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_templates_and_fakes_are_not_worth_protecting() {
        let vite = "MODE=\"production\"\nVITE_APP_BACKEND_URL=https://json.example.org/api/v2/\nVITE_APP_FIREBASE_CONFIG='{\"apiKey\":\"AIza-k\"}'\nVITE_APP_EXPORT_PUBLIC_KEY='MIIB'\nVITE_APP_ENABLE_PWA=false\n";
        assert!(!worth_protecting(vite, &[]));
        // The key rule's finding sits on a public variable's line: shipped to browsers anyway.
        assert!(!worth_protecting(vite, &[4]));
        let fakes = "OPENAI_API_KEY=fake-api-key\nAWS_SECRET_ACCESS_KEY=fake-aws-secret-key\nAWS_ACCESS_KEY_ID=fake-id\nDB_URL=mysql://fake:fake@localhost:3306/fake\nOXYLABS_PASSWORD=fake-oxylabs-pass\n";
        assert!(!worth_protecting(fakes, &[]));
        let template = "# Use .env.local to change these\nOPENAI_API_KEY=#your provider API key\nOPENID_CLIENT_SECRET=\nMONGODB_URL=mongodb://localhost:27017/\nUSE_USER_TOKEN=false\nSESSION_SECRET=${SESSION_SECRET}\n";
        assert!(!worth_protecting(template, &[]));
        let release = "HUGORELEASER_TAG=v0.165.0\nHUGORELEASER_COMMITISH=76a5e1880ab46688155b02e99bab9be2a6134492\n";
        assert!(!worth_protecting(release, &[]));
        assert!(!worth_protecting(
            "DATABASE_URL=postgres://postgres:postgres@localhost/app\n",
            &[]
        ));
    }

    #[test]
    fn real_values_are_worth_protecting() {
        assert!(worth_protecting("DB_PASSWORD=hunter2\n", &[]));
        assert!(worth_protecting("export STRIPE_KEY='rk-live-value'\n", &[]));
        assert!(worth_protecting(
            "DATABASE_URL=postgres://app:hunter2@db/app\n",
            &[]
        ));
        let secret = crate::testkeys::expand("{alnum:12}", 7);
        assert!(worth_protecting(
            &format!("A=1\nSESSION_SECRET={secret} # rotate\n"),
            &[]
        ));
        // A key finding outside a public variable counts whatever the variable is called.
        assert!(worth_protecting("A=1\nLLM=sk-something\n", &[2]));
    }
}
