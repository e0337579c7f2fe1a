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
pub mod keywords;

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
}
