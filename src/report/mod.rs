//! Reporters: every output format renders the same `Finding` list; nothing else formats output.

pub mod counts;
pub mod escape;
pub mod human;
pub mod json;
pub mod location;
pub mod message;
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
    /// `--min-severity`, and how many findings it hid (they are not in `findings`).
    pub min_severity: Option<crate::model::rule::Severity>,
    pub hidden_below_min: usize,
    /// The scan root relative to its repository's top (`web/`), when it is in one: SARIF
    /// `uri`s and JSON `repo_path` use it (see [`location`]).
    pub repo_prefix: Option<String>,
    /// What changed how the scan judged (config changes to built-in rules, allowlists and
    /// baselines that hid findings, a verification limit reached): shown in every format.
    pub notices: Vec<String>,
}

/// Keeps the findings at or above `min` and returns how many were dropped (`--min-severity`).
pub fn apply_min_severity(
    findings: &mut Vec<Finding>,
    min: Option<crate::model::rule::Severity>,
) -> usize {
    let Some(min) = min else { return 0 };
    let before = findings.len();
    findings.retain(|f| f.severity >= min);
    before - findings.len()
}

/// `1 file`, `2 files`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "a" or "an" for a name: by its sound, so "an Anthropic key", "a GitHub token", "an AWS key",
/// "an npm token", "an xAI key", "a Slack token".
pub fn article(name: &str) -> &'static str {
    let word = name.split_whitespace().next().unwrap_or("");
    let letters: Vec<char> = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let Some(&first) = letters.first() else {
        return "a";
    };
    let is_vowel = |c: char| "aeiou".contains(c.to_ascii_lowercase());
    // Spelled out letter by letter: all capitals (AWS, NVIDIA, SSH), no vowels (npm), or a
    // lowercase letter before capitals (xAI).
    let spelled = letters.len() > 1
        && (letters.iter().all(char::is_ascii_uppercase)
            || !letters.iter().any(|&c| is_vowel(c))
            || (first.is_ascii_lowercase() && letters[1].is_ascii_uppercase()));
    let vowel_sound = if spelled {
        "aefhilmnorsx".contains(first.to_ascii_lowercase())
    } else {
        is_vowel(first)
    };
    if vowel_sound {
        "an"
    } else {
        "a"
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles() {
        for (name, a) in [
            ("Anthropic API key", "an"),
            ("OpenAI project key", "an"),
            ("AWS access key ID", "an"),
            ("npm access token", "an"),
            ("xAI API key", "an"),
            ("GitHub token", "a"),
            ("Slack bot token", "a"),
            ("Stripe key", "a"),
            ("JSON Web Token", "a"),
            ("SSH key", "an"),
            ("GCP service account key", "a"),
            ("Supabase key", "a"),
        ] {
            assert_eq!(article(name), a, "{name}");
        }
        assert_eq!(count(1, "file", "files"), "1 file");
        assert_eq!(count(0, "file", "files"), "0 files");
    }
}

/// Findings for the reports' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::model::check::{self, CheckId};
    use crate::model::finding::{
        Annotation, CommitInfo, Finding, Origin, Tag, Verification, VerifyStatus,
    };
    use crate::model::rule::builtin_rules;

    /// Findings that between them fill every field the log has: keys of several rules (two in
    /// one path), a check's finding with no secret, a key reported under a check, one from
    /// history with tags and notes, verified live and not, public, with quotes, a newline and
    /// characters a URI must encode.
    pub fn varied() -> Vec<Finding> {
        let rules = builtin_rules();
        let mut fs: Vec<Finding> = rules
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, rule)| {
                Finding::for_secret(
                    rule,
                    &format!("value-{i}-with \"quotes\"\nand a newline"),
                    "dir/a \u{202e}b#1?.env",
                    i,
                    i,
                    Origin::WorkingTree,
                )
            })
            .collect();
        for (rule, value) in [(&rules[0], "another-value"), (&rules[1], "a-public-value")] {
            fs.push(Finding::for_secret(
                rule,
                value,
                "dir/a \u{202e}b#1?.env",
                9,
                4,
                Origin::WorkingTree,
            ));
        }
        fs[1].origin = Origin::Commit(CommitInfo {
            sha: "0123456789abcdef".into(),
            author: "A \"B\"".into(),
            email: "a@b.test".into(),
            date: "2026-01-01".into(),
            summary: "line one\nline two".into(),
        });
        fs[1].add_tag(Tag::HistoryOnly);
        fs[1].annotate(Annotation::HistoryOnly);
        fs[1].notes.push("a note".into());
        fs[0].verification = Some(Verification {
            status: VerifyStatus::Live,
            detail: "user \"x\"".into(),
        });
        fs[2].verification = Some(Verification {
            status: VerifyStatus::Inactive,
            detail: String::new(),
        });
        fs[4].mark_public("a publishable key");
        fs[4].annotate(Annotation::PublicVariable {
            var: "NEXT_PUBLIC_KEY".into(),
            framework: "Next.js",
            prefix: "NEXT_PUBLIC_",
        });
        fs.push(check::finding(
            CheckId::DotenvTracked,
            ".env",
            1,
            1,
            Origin::Staged,
        ));
        fs
    }
}
