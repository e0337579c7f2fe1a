//! Detection is pure: bytes in, [`Match`]es out. It never reads files or prints.
//!
//! The [`Engine`] runs an Aho-Corasick pass over every rule's keywords, then only the regexes of
//! rules whose keywords occur, only in windows around those occurrences. Secrets then pass the
//! entropy, checksum and placeholder filters, and overlapping matches are resolved to the most
//! specific rule. Base64 runs are decoded and scanned too ([`decode`]).

pub mod checksum;
pub mod connstr;
pub mod decode;
pub mod engine;
pub mod entropy;
pub mod filters;
pub mod jwt;
pub mod keywords;
pub mod known;
pub mod match_check;

pub use engine::{Engine, ScanHints};

use std::ops::Range;

/// A secret found in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// Where to report the match in the blob: the secret itself, or for a secret found inside a
    /// base64 run, that run.
    pub span: Range<usize>,
    /// The secret, as found (decoded when it came from base64).
    pub secret: String,
    /// True when the secret was found by decoding base64 around `span`.
    pub decoded: bool,
    /// What the rule's per-match check decided (severity, note, public by design), if it has one.
    pub verdict: Option<match_check::Verdict>,
    /// Where the secret is assigned, without its value: the name a generic rule captured, or a
    /// connection string's `user@host` (see `Finding::context`).
    pub context: Option<String>,
}

impl Match {
    /// Why this match is public by design: the rule's `public` reason, or its check's.
    pub fn public_reason<'a>(&'a self, rule: &'a crate::model::rule::Rule) -> Option<&'a str> {
        self.verdict
            .as_ref()
            .and_then(|v| v.public.as_deref())
            .or(rule.public.as_deref())
    }
}
