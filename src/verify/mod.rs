//! Live verification (`scan --verify`, `doctor`): asks each secret's own provider whether the
//! secret still authenticates, and maps the provider's documented answers to a [`VerifyStatus`].
//!
//! - [`endpoint`]: official hosts and `--verify-endpoint PROVIDER=URL` overrides (https, or
//!   plain http to loopback only);
//! - [`client`]: one HTTP client (rustls, timeouts, no redirects), retries with exponential
//!   backoff and jitter that honour `Retry-After`, a per-provider rate limit;
//! - [`schedule`]: checks every distinct secret once (cache by [`Secret::hash`]) on a bounded
//!   number of threads and copies the verdicts onto every finding that carries the secret;
//! - one module per provider: which request to send ([`Verifier::probe`]) and what its answers
//!   mean ([`Verifier::judge`]).
//!
//! A secret is only ever sent in a request header (or, for a Slack webhook, as the webhook URL
//! itself) to its provider's host; everything this module returns is redacted.

pub mod client;
pub mod endpoint;
pub mod loopback;
pub mod schedule;

mod airtable;
mod anthropic;
mod cloudflare;
mod deepgram;
mod digitalocean;
mod doppler;
mod gemini;
mod github;
mod gitlab;
mod groq;
mod heroku;
mod huggingface;
mod linear;
mod netlify;
mod notion;
mod openai;
mod openrouter;
mod pinecone;
mod render;
mod slack;
mod stripe;
mod supabase;
mod telegram;
mod vercel;

pub use client::{Client, Settings};
pub use endpoint::Endpoints;

use crate::model::finding::VerifyStatus;
use serde_json::Value;

/// A provider's verifier: how to ask, and how to read the answer. Plain functions so each
/// provider module is a table entry, not a type hierarchy.
pub struct Verifier {
    /// The name rules use in `verify = "..."` and `--verify-endpoint NAME=URL` takes.
    pub name: &'static str,
    /// Official base URL (scheme + host); the probe's path is appended to it.
    pub base: &'static str,
    /// The read-only request that tells whether `secret` works, or why this kind of secret is
    /// not checked (e.g. a refresh token, which a check would rotate).
    pub probe: fn(secret: &str) -> Result<Probe, NotChecked>,
    /// The verdict for one answer.
    pub judge: fn(secret: &str, reply: &Reply) -> Outcome,
}

/// Why a secret is not sent to its provider (a refresh token, which a check would rotate; a
/// kind of key with no side-effect-free check). It becomes an `unknown` verdict's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotChecked(pub String);

impl From<&str> for NotChecked {
    fn from(why: &str) -> NotChecked {
        NotChecked(why.to_string())
    }
}

impl std::fmt::Display for NotChecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every verifier keyhound has.
pub const VERIFIERS: &[&Verifier] = &[
    &openai::VERIFIER,
    &anthropic::VERIFIER,
    &github::VERIFIER,
    &gitlab::VERIFIER,
    &huggingface::VERIFIER,
    &groq::VERIFIER,
    &openrouter::VERIFIER,
    &gemini::VERIFIER,
    &stripe::VERIFIER,
    &slack::VERIFIER,
    &supabase::VERIFIER,
    &vercel::VERIFIER,
    &digitalocean::VERIFIER,
    &cloudflare::VERIFIER,
    &netlify::VERIFIER,
    &heroku::VERIFIER,
    &render::VERIFIER,
    &doppler::VERIFIER,
    &airtable::VERIFIER,
    &pinecone::VERIFIER,
    &linear::VERIFIER,
    &notion::VERIFIER,
    &telegram::VERIFIER,
    &deepgram::VERIFIER,
];

/// The verifier called `name`.
pub fn verifier(name: &str) -> Option<&'static Verifier> {
    VERIFIERS.iter().copied().find(|v| v.name == name)
}

/// Names of every verifier, for error messages.
pub fn verifier_names() -> Vec<&'static str> {
    VERIFIERS.iter().map(|v| v.name).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One request to a provider.
#[derive(Debug, Clone)]
pub struct Probe {
    pub method: Method,
    /// Path (and query) appended to the provider's base URL; starts with `/`.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    /// Request body (POST only) and its content type.
    pub body: Option<(&'static str, Vec<u8>)>,
    /// The official base for this probe when it is not the verifier's usual one (Slack
    /// webhooks live on hooks.slack.com); an override still replaces it.
    pub official_base: Option<String>,
}

impl Probe {
    pub fn get(path: impl Into<String>) -> Probe {
        Probe {
            method: Method::Get,
            path: path.into(),
            headers: Vec::new(),
            body: None,
            official_base: None,
        }
    }

    pub fn post(
        path: impl Into<String>,
        content_type: &'static str,
        body: impl Into<Vec<u8>>,
    ) -> Probe {
        Probe {
            method: Method::Post,
            path: path.into(),
            headers: Vec::new(),
            body: Some((content_type, body.into())),
            official_base: None,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Probe {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, secret: &str) -> Probe {
        self.header("authorization", format!("Bearer {secret}"))
    }
}

/// A provider's answer.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub status: u16,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The error fields most providers use: `{"error": {"code", "type", "message"}}`,
    /// `{"error": "text"}`, `{"message": "text"}`, `{"error_description": "text"}`.
    pub fn error(&self) -> ErrorInfo {
        let Some(v) = self.json() else {
            let text = self.body.trim();
            return ErrorInfo {
                message: (!text.is_empty() && text.len() < 200 && !text.starts_with('<'))
                    .then(|| text.to_string()),
                ..ErrorInfo::default()
            };
        };
        let s = |v: &Value| v.as_str().map(str::to_string).filter(|s| !s.is_empty());
        match &v["error"] {
            Value::Object(_) => {
                let e = &v["error"];
                ErrorInfo {
                    code: s(&e["code"]),
                    kind: s(&e["type"]).or_else(|| s(&e["status"])),
                    message: s(&e["message"]),
                }
            }
            Value::String(code) => ErrorInfo {
                code: Some(code.clone()),
                kind: None,
                message: s(&v["error_description"]).or_else(|| s(&v["message"])),
            },
            _ => ErrorInfo {
                code: None,
                kind: None,
                message: s(&v["message"]).or_else(|| s(&v["error_description"])),
            },
        }
    }
}

/// A provider's own words about an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: Option<String>,
    pub kind: Option<String>,
    pub message: Option<String>,
}

impl ErrorInfo {
    /// `code: message` (or whichever of code, type and message there is).
    pub fn detail(&self) -> String {
        let label = self.code.as_deref().or(self.kind.as_deref());
        match (label, self.message.as_deref()) {
            (Some(l), Some(m)) => format!("{l}: {m}"),
            (Some(l), None) => l.to_string(),
            (None, Some(m)) => m.to_string(),
            (None, None) => String::new(),
        }
    }

    pub fn code_is(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    pub fn kind_is(&self, kind: &str) -> bool {
        self.kind.as_deref() == Some(kind)
    }

    /// The message contains `needle` (ASCII case-insensitive).
    pub fn says(&self, needle: &str) -> bool {
        self.message.as_deref().is_some_and(|m| {
            m.to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase())
        })
    }
}

/// What one answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The verdict.
    Final(VerifyStatus, String),
    /// A passing condition (5xx, rate limit): try again later; this is the verdict if the
    /// retries run out.
    Transient(VerifyStatus, String),
}

/// The verdict for statuses a provider's `judge` does not map itself: 429 is a rate limit,
/// 5xx (and Anthropic's 529) are worth a retry, anything else is unknown.
pub fn fallback(reply: &Reply, detail: String) -> Outcome {
    let detail = with_status(reply.status, detail);
    match reply.status {
        429 => Outcome::Transient(VerifyStatus::RateLimited, detail),
        500..=599 => Outcome::Transient(VerifyStatus::Unknown, detail),
        _ => Outcome::Final(VerifyStatus::Unknown, detail),
    }
}

/// `HTTP 503: overloaded` (or `HTTP 503`).
pub fn with_status(status: u16, detail: String) -> String {
    if detail.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {detail}")
    }
}

/// Makes a provider's message safe to show and store: the secret, anything that shares its
/// prefix (providers echo keys, partly masked: "Incorrect API key provided: sk-proj-****abcd"),
/// any fragment of it, and any other long key-like token are redacted; newlines are flattened and
/// the text is capped.
pub fn clean_detail(detail: &str, secret: &str) -> String {
    let flat = detail.replace(['\n', '\r', '\t'], " ");
    let mut out = String::with_capacity(flat.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if looks_like_secret(word, secret) {
                out.push_str(&crate::model::finding::redact(word, known_prefix(word)));
            } else {
                out.push_str(word);
            }
            word.clear();
        }
    };
    for c in flat.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, '-' | '_' | '*' | '.' | '/' | '+' | '=' | ':' | '%')
        {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    const MAX: usize = 300;
    if out.chars().count() > MAX {
        let cut: String = out.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    } else {
        out
    }
}

/// The word is the secret, part of it, a masked echo of it, or holds it.
fn looks_like_secret(word: &str, secret: &str) -> bool {
    // A percent-encoded echo (`sk%2Dproj%2D…`) is judged by what it encodes.
    let decoded = crate::scrub::percent_decode(word);
    let word = decoded.trim_end_matches(['.', ':', ',']);
    if word.len() < 8 {
        return false;
    }
    if word.contains(secret) || (secret.len() >= 8 && secret.contains(word)) {
        return true;
    }
    // Shares the key's prefix and is long: an echo with a typo or with stars in the middle.
    let common = word
        .bytes()
        .zip(secret.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    if common >= 4 && word.len() >= 16 {
        return true;
    }
    // Any long token with letters and digits (another key, a session id): not worth the risk.
    word.len() >= 32
        && !word.contains("://")
        && word.bytes().any(|b| b.is_ascii_digit())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

/// `sk-proj-` in `sk-proj-abc…`, `ghp_` in `ghp_abc…`: up to the last `-`/`_` in the first 12
/// characters, shown in redacted forms.
fn known_prefix(word: &str) -> usize {
    word.as_bytes()[..word.len().min(12)]
        .iter()
        .rposition(|b| matches!(b, b'-' | b'_'))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_never_holds_the_secret() {
        let key = format!("sk-proj-{}", "aB3".repeat(40));
        let echo = format!("Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.");
        let d = clean_detail(&echo, &key);
        assert!(!d.contains(&key[10..30]), "{d}");
        assert!(
            d.starts_with("Incorrect API key provided: sk-proj-aB…"),
            "{d}"
        );
        assert!(
            d.contains("https://platform.openai.com/account/api-keys"),
            "{d}"
        );
        // A masked echo is redacted too.
        let masked = format!(
            "Incorrect API key provided: sk-proj-{}{}",
            "*".repeat(40),
            &key[key.len() - 4..]
        );
        assert!(!clean_detail(&masked, &key).contains(&"*".repeat(10)));
        // A fragment of the key.
        let frag = format!("key {} is bad", &key[20..40]);
        assert!(!clean_detail(&frag, &key).contains(&key[20..40]));
        // A percent-encoded echo.
        let enc: String = key.chars().map(|c| format!("%{:02X}", c as u32)).collect();
        let d = clean_detail(&format!("bad key {enc}"), &key);
        assert!(!d.contains(&enc[30..66]), "{d}");
        assert_eq!(
            clean_detail("invalid_api_key: bad\nkey", &key),
            "invalid_api_key: bad key"
        );
    }

    #[test]
    fn error_envelopes() {
        let r = |body: &str| Reply {
            status: 401,
            headers: vec![],
            body: body.into(),
        };
        let e = r(r#"{"error":{"message":"m","type":"t","param":null,"code":"c"}}"#).error();
        assert_eq!(e.detail(), "c: m");
        let e = r(r#"{"error":{"message":"m","type":"t","code":null}}"#).error();
        assert_eq!((e.code.clone(), e.detail()), (None, "t: m".to_string()));
        assert_eq!(
            r(r#"{"ok":false,"error":"invalid_auth"}"#).error().detail(),
            "invalid_auth"
        );
        assert_eq!(
            r(r#"{"message":"Bad credentials"}"#).error().detail(),
            "Bad credentials"
        );
        assert_eq!(r("not json").error().detail(), "not json");
        assert_eq!(r("<html>").error().detail(), "");
    }

    #[test]
    fn names_are_unique() {
        let mut names = verifier_names();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }

    #[test]
    fn every_builtin_rule_names_a_verifier_keyhound_has() {
        for r in crate::model::rule::builtin_rules() {
            if let Some(v) = &r.verify {
                assert!(
                    verifier(v).is_some(),
                    "rule {} names verifier '{v}', which does not exist",
                    r.id
                );
            }
        }
    }
}
