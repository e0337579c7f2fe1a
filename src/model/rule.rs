//! The rule model: loading the built-in rules (`rules/*.toml`, compiled in) and user rules, and
//! validating them. Compiling rules into a matcher is `detect::engine`'s job.

use crate::model::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning's `security-severity` (a CVSS-like score as a string).
    pub fn security_score(self) -> &'static str {
        match self {
            Severity::Info => "1.0",
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(Error::Usage(format!(
                "unknown severity '{s}' (expected info, low, medium, high or critical)"
            ))),
        }
    }
}

/// Offline checksums some token formats carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens: the last 6 characters are the base62
    /// CRC32 of the 30 random characters before them.
    GithubCrc32,
    /// npm's `npm_` tokens: the same scheme as GitHub's (30 random base62 characters, then their
    /// base62 CRC32 in 6 characters).
    NpmCrc32,
}

/// A per-match check a rule runs on each candidate secret (after its entropy and checksum
/// filters). It can reject the match, set its severity, add a note, or mark it public by design.
/// The checks are in `detect::match_check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchCheck {
    /// A JWT of no more specific rule: decodes its claims; the issuer and expiry set severity and
    /// notes (an expired token is low). Supabase `anon`/`service_role` tokens are left to their
    /// own rules.
    Jwt,
    /// A JWT whose `role` claim is `service_role` (Supabase's secret key).
    SupabaseServiceRole,
    /// A JWT whose `role` claim is `anon` (Supabase's public key).
    SupabaseAnon,
    /// A Sentry DSN: public unless it carries the legacy secret key (`https://public:secret@`).
    SentryDsn,
    /// An Algolia key next to a name: public when the name says search-only, high when it says
    /// admin or write.
    AlgoliaKey,
}

/// A per-match check for secrets that are only secrets in context: a password inside a
/// connection string (see `detect::connstr`). The regex captures the password as the secret and
/// may capture named groups `user` and `host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchFilter {
    /// Keep real passwords for hosts other than the developer's own machine.
    RemotePassword,
    /// Keep real passwords for `localhost`, loopback addresses and compose service names.
    LocalPassword,
}

/// Bytes a match may start before a keyword hit, by default.
pub const DEFAULT_LOOKBEHIND: usize = 256;
/// Bytes a match may extend after a keyword hit, by default.
pub const DEFAULT_WINDOW: usize = 512;

/// One detection rule, as written in `rules/*.toml` or a user's `.keyhound.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable kebab-case id, e.g. `openai-project-key`.
    pub id: String,
    /// Human name, e.g. "OpenAI project API key".
    pub name: String,
    /// Provider id, lowercase, e.g. `openai`.
    pub provider: String,
    /// Key family within the provider, shown to the user (e.g. "project", "service account").
    #[serde(default)]
    pub key_type: Option<String>,
    pub severity: Severity,
    /// Literal strings (matched ASCII-case-insensitively) of which every match contains one.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Required when `keywords` is empty: why this rule cannot have any.
    #[serde(default)]
    pub no_keywords_reason: Option<String>,
    /// A byte regex (Unicode off). Capture group 1 (or the group named `secret`) is the secret.
    pub regex: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// Set on rules whose matches are public by design (publishable keys, DSNs): why. Such
    /// matches are not reported unless `--include-public` asks for them, at severity `info`.
    #[serde(default)]
    pub public: Option<String>,
    /// A per-match check (see [`MatchCheck`]).
    #[serde(default)]
    pub check: Option<MatchCheck>,
    /// A per-match check of the password and host a connection-string rule captures.
    #[serde(default)]
    pub filter: Option<MatchFilter>,
    /// Name of the verifier that can check this secret live (`openai`, `github`, ...).
    #[serde(default)]
    pub verify: Option<String>,
    /// A name-anchored catch-all rule: loses overlaps to specific rules and gets extra
    /// false-positive filters.
    #[serde(default)]
    pub generic: bool,
    /// How far (bytes) after a keyword hit a match may end.
    #[serde(default)]
    pub window: Option<usize>,
    /// What the user should do about a finding.
    pub remediation: String,
    /// Templates (see `testkeys`) that must match. Never real keys.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Text that must not match (placeholders, look-alikes).
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

impl Rule {
    pub fn window(&self) -> usize {
        self.window.unwrap_or(DEFAULT_WINDOW)
    }

    /// Checks the rule on its own (the regex is compiled by the engine, which reports its errors).
    pub fn validate(&self) -> Result<(), Error> {
        let err = |message: String| Error::Rule {
            id: self.id.clone(),
            file: None,
            line: None,
            message,
        };
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !self.id.starts_with('-')
            && !self.id.ends_with('-');
        if !id_ok {
            return Err(err(format!(
                "rule id '{}' must be kebab-case (a-z, 0-9, -)",
                self.id
            )));
        }
        if self.keywords.is_empty() && self.no_keywords_reason.is_none() {
            return Err(err(format!(
                "rule '{}' has no keywords: add literal keywords for the prefilter, or say why with no_keywords_reason",
                self.id
            )));
        }
        if let Some(k) = self.keywords.iter().find(|k| k.len() < 2 || !k.is_ascii()) {
            return Err(err(format!(
                "rule '{}': keyword {k:?} must be ASCII and at least 2 bytes",
                self.id
            )));
        }
        if self.remediation.trim().is_empty() {
            return Err(err(format!("rule '{}' has no remediation text", self.id)));
        }
        if self.public.as_deref().is_some_and(|p| p.trim().is_empty()) {
            return Err(err(format!(
                "rule '{}': `public` must say why its matches are public",
                self.id
            )));
        }
        if let Some(e) = self.min_entropy {
            if !(0.0..=8.0).contains(&e) {
                return Err(err(format!(
                    "rule '{}': min_entropy must be within 0..8",
                    self.id
                )));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Vec<Rule>,
}

/// Parses one rules file (`[[rules]]` tables). Errors name the file and line.
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<Rule>, Error> {
    let file: RuleFile = toml::from_str(text).map_err(|e| toml_error(name, text, &e))?;
    for r in &file.rules {
        r.validate().map_err(|e| e.in_file(name, None))?;
    }
    Ok(file.rules)
}

/// A TOML error as an [`Error::Config`] that names the file and line.
pub fn toml_error(name: &str, text: &str, e: &toml::de::Error) -> Error {
    let line = e.span().map(|span| {
        text.as_bytes()[..span.start.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    });
    Error::Config {
        path: name.to_string(),
        line,
        message: e.message().trim().to_string(),
    }
}

/// Every built-in rule, in file order. Panics only if a built-in file is broken, which a test
/// rules out.
pub fn builtin_rules() -> Vec<Rule> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        match parse_rule_file(name, text) {
            Ok(rules) => all.extend(rules),
            Err(e) => panic!("built-in rules are broken: {e}"),
        }
    }
    all
}

/// Merges user rules into a rule set: a user rule with an existing id replaces it; `disabled`
/// ids are removed. Errors on duplicate ids within `extra` or unknown disabled ids.
pub fn merge_rules(
    mut base: Vec<Rule>,
    extra: Vec<Rule>,
    disabled: &[String],
) -> Result<Vec<Rule>, Error> {
    let mut seen = std::collections::HashSet::new();
    for r in extra {
        if !seen.insert(r.id.clone()) {
            return Err(Error::Rule {
                message: format!("rule id '{}' is defined twice", r.id),
                id: r.id,
                file: None,
                line: None,
            });
        }
        match base.iter_mut().find(|b| b.id == r.id) {
            Some(slot) => *slot = r,
            None => base.push(r),
        }
    }
    for d in disabled {
        let before = base.len();
        base.retain(|r| &r.id != d);
        if base.len() == before {
            return Err(Error::Usage(format!(
                "disabled_rules names '{d}', which is not a rule id"
            )));
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_and_ids_are_unique() {
        let rules = builtin_rules();
        assert!(rules.len() > 10);
        let mut ids: Vec<_> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len(), "duplicate rule ids");
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse_rule_file(
            "x.toml",
            "[[rules]]\nid = \"a\"\nname = \"n\"\nprovider = \"p\"\nseverity = \"bad\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("x.toml:5:"), "{err}");
        let err = parse_rule_file(
            "x.toml",
            "[[rules]]\nid = \"Bad_Id\"\nname = \"n\"\nprovider = \"p\"\nseverity = \"low\"\nregex = \"(a)\"\nremediation = \"r\"\nkeywords = [\"ab\"]\n",
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::Rule { id, file: Some(f), .. } if id == "Bad_Id" && f == "x.toml"),
            "{err:?}"
        );
        assert!(err.to_string().contains("kebab-case"), "{err}");
    }

    #[test]
    fn merge_overrides_and_disables() {
        let mk = |id: &str| Rule {
            id: id.into(),
            name: id.into(),
            provider: "p".into(),
            key_type: None,
            severity: Severity::Low,
            keywords: vec!["ab".into()],
            no_keywords_reason: None,
            regex: "(ab)".into(),
            min_entropy: None,
            checksum: None,
            public: None,
            check: None,
            filter: None,
            verify: None,
            generic: false,
            window: None,
            remediation: "r".into(),
            examples: vec![],
            negative_examples: vec![],
        };
        let mut over = mk("a");
        over.severity = Severity::High;
        let merged =
            merge_rules(vec![mk("a"), mk("b")], vec![over, mk("c")], &["b".into()]).unwrap();
        let ids: Vec<_> = merged.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(merged[0].severity, Severity::High);
        assert!(merge_rules(vec![mk("a")], vec![], &["zz".into()]).is_err());
    }
}
