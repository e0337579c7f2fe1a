//! The `[allowlist]` of `.keyhound.toml`, compiled: findings it allows are dropped from the
//! report.

use globset::GlobSet;

/// Allowlists from `[allowlist]`, compiled.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    pub paths: Option<GlobSet>,
    pub regexes: Vec<regex::Regex>,
    pub stopwords: Vec<String>,
}

impl Allowlist {
    pub fn is_empty(&self) -> bool {
        self.paths.is_none() && self.regexes.is_empty() && self.stopwords.is_empty()
    }

    /// Whether a finding at `path` with `secret` is allowed (dropped from the report).
    pub fn allows(&self, path: &str, secret: Option<&str>) -> bool {
        if self.paths.as_ref().is_some_and(|g| g.is_match(path)) {
            return true;
        }
        let Some(secret) = secret else { return false };
        if self.regexes.iter().any(|r| r.is_match(secret)) {
            return true;
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }
}
