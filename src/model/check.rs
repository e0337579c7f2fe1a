//! The built-in context checks: findings that no regex rule produces (a committed `.env`, a
//! missing `.gitignore` rule, a key exposed to browsers). They are listed by `keyhound rules`
//! next to the regex rules and carry a rule id like any other finding.

use crate::model::finding::{Finding, FindingKind, Origin};
use crate::model::rule::Severity;
use serde::Serialize;

/// One built-in check. `severity` is the default; a check may raise it (a key inside a
/// committed `.env` file makes `dotenv-tracked` critical).
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// What the check reports.
    pub description: &'static str,
    /// What to do about a finding (findings refine it with exact paths and lines).
    pub remediation: &'static str,
}

pub const DOTENV_TRACKED: &str = "dotenv-tracked";
pub const DOTENV_NOT_IGNORED: &str = "dotenv-not-ignored";
pub const GITIGNORE_MISSING: &str = "gitignore-missing";
pub const CLIENT_EXPOSED_ENV: &str = "client-exposed-env";
pub const BROWSER_SDK_CLIENT: &str = "browser-sdk-client";

/// Which built-in check a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckId {
    DotenvTracked,
    DotenvNotIgnored,
    GitignoreMissing,
    ClientExposedEnv,
    BrowserSdkClient,
}

impl CheckId {
    /// The id findings and `keyhound rules` show.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::DotenvTracked => DOTENV_TRACKED,
            CheckId::DotenvNotIgnored => DOTENV_NOT_IGNORED,
            CheckId::GitignoreMissing => GITIGNORE_MISSING,
            CheckId::ClientExposedEnv => CLIENT_EXPOSED_ENV,
            CheckId::BrowserSdkClient => BROWSER_SDK_CLIENT,
        }
    }

    /// The check's name, severity and remediation.
    pub fn check(self) -> &'static Check {
        check(self.as_str())
    }
}

pub const CHECKS: &[Check] = &[
    Check {
        id: DOTENV_TRACKED,
        name: "Env file committed to git",
        severity: Severity::High,
        description: "An env file (.env, .env.local, .env.production, *.env) that git tracks, or that a commit in history added. Critical when a key is inside.",
        remediation: "Rotate every credential in the file, stop tracking it with `git rm --cached <file>`, add it to .gitignore, and purge it from history (git filter-repo --invert-paths --path <file>) if the repository was ever shared.",
    },
    Check {
        id: DOTENV_NOT_IGNORED,
        name: "Env file not ignored",
        severity: Severity::Medium,
        description: "An untracked env file that no ignore rule covers: the next `git add .` commits it. High when a key is inside.",
        remediation: "Add the env file to .gitignore (e.g. `.env` and `.env.*` with `!.env.example`) before the next `git add`.",
    },
    Check {
        id: GITIGNORE_MISSING,
        name: "No .gitignore rule for env files",
        severity: Severity::Medium,
        description: "Env files that only this machine's .git/info/exclude or global excludes file ignores: no shared .gitignore rule covers them, so a teammate's `git add .` commits them. (A tracked or unignored env file is reported by its own finding, with the lines to add.)",
        remediation: "Add these lines to .gitignore: `.env`, `.env.*`, `!.env.example`.",
    },
    Check {
        id: CLIENT_EXPOSED_ENV,
        name: "Key in a browser-exposed environment variable",
        severity: Severity::Critical,
        description: "A key assigned to a framework's public variable (NEXT_PUBLIC_, VITE_, REACT_APP_, EXPO_PUBLIC_, NUXT_PUBLIC_, PUBLIC_, GATSBY_, VUE_APP_), which the framework inlines into the browser bundle; or a framework config that inlines a secret-named server variable (Next.js `env`, Vite `define`/`envPrefix`, webpack DefinePlugin/EnvironmentPlugin, Nuxt runtimeConfig.public, SvelteKit $env/*/public, Astro envField public, a secret-named EXPO_PUBLIC_/PUBLIC_ variable read in code): critical for known secret names (AI provider keys, service-role keys), high otherwise.",
        remediation: "Rotate the key, rename the variable without the public prefix so it stays on the server, and call the API from your server (an API route or backend function).",
    },
    Check {
        id: BROWSER_SDK_CLIENT,
        name: "AI SDK client running in the browser",
        severity: Severity::Critical,
        description: "`dangerouslyAllowBrowser: true` (OpenAI and Anthropic JS SDKs): whatever key the client gets ships to every visitor. The message says when a key or a public env variable is next to it, or when it is in build output.",
        remediation: "Move the API call to a backend route that holds the key, and have the browser call that route; rotate any key that was shipped.",
    },
];

/// The built-in check with this id.
pub fn check(id: &str) -> &'static Check {
    CHECKS
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("unknown built-in check {id}"))
}

/// A finding of check `id` (no secret) at `path:line:column`.
pub fn finding(id: CheckId, path: &str, line: usize, column: usize, origin: Origin) -> Finding {
    let c = id.check();
    Finding {
        kind: FindingKind::Check(id),
        rule_name: c.name.to_string(),
        provider: "keyhound".to_string(),
        key_type: None,
        severity: c.severity,
        path: path.to_string(),
        line,
        column,
        secret: None,
        prefix_len: 0,
        origin,
        tags: Vec::new(),
        summary: c.name.to_string(),
        annotations: Vec::new(),
        remediation: c.remediation.to_string(),
        verification: None,
        verifier: None,
        notes: Vec::new(),
        public: None,
        context: None,
        ordinal: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_id_names_a_check() {
        for id in [
            CheckId::DotenvTracked,
            CheckId::DotenvNotIgnored,
            CheckId::GitignoreMissing,
            CheckId::ClientExposedEnv,
            CheckId::BrowserSdkClient,
        ] {
            assert_eq!(id.check().id, id.as_str());
        }
        assert_eq!(CHECKS.len(), 5);
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        for id in ids {
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
            assert!(
                !crate::model::rule::builtin_rules()
                    .iter()
                    .any(|r| r.id == id),
                "{id} clashes with a regex rule"
            );
        }
    }
}
