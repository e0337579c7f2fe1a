//! keyhound: finds leaked API keys in working trees, git history and staged changes.
//!
//! Data flows one way: `source`s push blobs into the scanner (`scan`), which runs `detect`ion
//! and `annotate`s the findings; `hygiene` checks run beside it; then `suppress`, `verify` and
//! `report`. `plan` resolves the command line (`cli`) and `.keyhound.toml` (`config`) once;
//! `app` runs the subcommands. See docs/architecture.md.
//!
//! The pipeline's modules are private to the crate. What the binary, the fuzz targets and the
//! tests use is the small façade below; nothing else is a promise.

mod annotate;
mod app;
mod cli;
mod config;
mod detect;
mod diag;
mod git;
mod hygiene;
mod model;
mod plan;
mod report;
pub mod rulecheck;
mod safe_io;
mod scan;
mod scrub;
mod source;
mod suppress;
/// Test support (fake, format-valid keys from rule example templates): public only with the
/// `testkeys` feature, which the tests turn on.
#[cfg(feature = "testkeys")]
pub mod testkeys;
#[cfg(not(feature = "testkeys"))]
mod testkeys;
mod verify;

// The binary: parse the command line (`Cli`), run it, print the error chain and exit 2 on `Err`.
pub use app::{error_line, run};
pub use cli::Cli;
pub use diag::Warnings;
pub use model::error::{Error, Result};
pub use plan::Env;

/// The rules: the built-in set, and parsing and merging rule files.
pub mod rules {
    pub use crate::model::rule::{
        builtin_rules, merge_rules, parse_rule_file, Rule, Severity, DEFAULT_LOOKBEHIND,
    };
}

/// What a finding carries that callers handle: the secret and its redaction, verdicts, and
/// line/column positions.
pub mod finding {
    pub use crate::model::finding::{locate, redact, Secret, Verification, VerifyStatus};
}

/// Detection: the engine (keyword prefilter + rule regexes) and the base64 decoder it uses.
pub mod engine {
    pub use crate::detect::decode::{base64_runs, decode_printable};
    pub use crate::detect::{Engine, Match, ScanHints};
}

/// Archive expansion, as the directory and history sources use it.
pub mod archive {
    pub use crate::source::archive::{expand, Kind, Limits};
}

/// Live checks: the client, endpoint overrides, settings, and each provider's verifier.
pub mod live {
    pub use crate::verify::{verifier, Client, Endpoints, Settings};
}
