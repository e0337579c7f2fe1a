//! Reporters: every output format renders the same `Finding` list; nothing else formats output.

pub mod counts;
pub mod human;
pub mod json;
pub mod sarif;

use crate::diag::Warnings;
use crate::model::finding::Finding;
use crate::model::stats::ScanStats;
use std::io::{self, Write};

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
    /// What the scan measured.
    pub stats: ScanStats,
    /// GitHub code scanning's limits, which the SARIF log keeps to.
    pub sarif: sarif::Limits,
}

/// Renders `findings` in `format`. `warnings` hears what a format had to leave out.
pub fn render(
    format: Format,
    findings: &[Finding],
    ctx: &ReportContext,
    warnings: &Warnings,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(findings, ctx, out),
        Format::Json => json::render(findings, ctx, out),
        Format::Sarif => sarif::render(findings, ctx, warnings, out),
    }
}
