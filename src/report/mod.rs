//! Reporters: every output format renders the same `Finding` list; nothing else formats output.

pub mod counts;
pub mod escape;
pub mod human;
pub mod json;
pub mod sarif;

use crate::finding::Finding;
use std::io::{self, Write};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by file, for people (colour on a terminal).
    Human,
    /// One JSON document with stable field names (see README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

/// What reporters need besides the findings.
#[derive(Debug, Clone)]
pub struct ReportContext {
    /// Show full secrets (`--no-redact`).
    pub no_redact: bool,
    /// Use ANSI colour (human format only).
    pub color: bool,
    /// Files and bytes scanned, and how long it took.
    pub files: u64,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Commits and blobs scanned in history (0 when history was not scanned).
    pub commits: u64,
    pub blobs: u64,
    /// What changed how the scan judged (config changes to built-in rules, allowlists and
    /// baselines that hid findings, a verification limit reached): shown in every format.
    pub notices: Vec<String>,
}

/// Renders `findings` in `format`.
pub fn render(
    format: Format,
    findings: &[Finding],
    ctx: &ReportContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(findings, ctx, out),
        Format::Json => json::render(findings, ctx, out),
        Format::Sarif => sarif::render(findings, ctx, out),
    }
}
