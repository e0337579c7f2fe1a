//! `--format human`: live keys first, then by severity (critical at the top), then by file;
//! each distinct remediation once (under the first finding it applies to); then a summary line.

use super::escape::text as esc;
use super::message::{message, notes};
use super::ReportContext;
use crate::model::finding::Finding;
use crate::model::rule::Severity;
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => AnsiColor::Red.on_default().bold(),
        Severity::High => AnsiColor::Red.on_default(),
        Severity::Medium => AnsiColor::Yellow.on_default(),
        Severity::Low | Severity::Info => AnsiColor::Cyan.on_default(),
    }
}

pub fn render(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: ctx.color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    // Live keys first (they must be rotated now), then the most severe, then by file.
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by(|a, b| {
        (
            !a.is_live(),
            std::cmp::Reverse(a.severity),
            &a.path,
            a.line,
            a.column,
        )
            .cmp(&(
                !b.is_live(),
                std::cmp::Reverse(b.severity),
                &b.path,
                b.line,
                b.column,
            ))
    });
    // Each remediation text is printed once, under the first finding it applies to.
    let mut advised: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut current: Option<(&str, bool, Severity)> = None;
    let red = AnsiColor::Red.on_default().bold();
    let any_live = order.first().is_some_and(|f| f.is_live());
    if any_live {
        writeln!(
            out,
            "{}\n",
            p.paint(red, "LIVE KEYS: these authenticated; rotate them first")
        )?;
    }
    for f in order {
        let live = f.is_live();
        let group = (f.path.as_str(), live, f.severity);
        if current != Some(group) {
            if current.is_some() {
                writeln!(out)?;
            }
            if any_live && !live && current.is_none_or(|(_, l, _)| l) {
                writeln!(out, "{}\n", p.paint(bold, "OTHER FINDINGS"))?;
            }
            writeln!(out, "{}", p.paint(bold.underline(), &esc(&f.path)))?;
            current = Some(group);
        }
        let sev = p.paint(
            severity_style(f.severity),
            &format!("{:<8}", f.severity.as_str()),
        );
        let secret = esc(&f.shown_secret(ctx.no_redact).unwrap_or_default()).into_owned();
        let message = esc(&message(f)).into_owned();
        let (message, secret) = if live {
            (p.paint(red, &message), p.paint(red, &secret))
        } else {
            (message, p.paint(bold, &secret))
        };
        writeln!(
            out,
            "  {:>5}:{:<4} {sev} {message}  {secret}",
            f.line, f.column
        )?;
        let mut facts = Vec::new();
        facts.push(format!("rule {}", f.rule_id()));
        if !f.tags.is_empty() {
            facts.push(
                f.tags
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        writeln!(out, "        {}", p.paint(dim, &facts.join(" · ")))?;
        if let Some(c) = f.commit() {
            let short = c.short_sha();
            writeln!(
                out,
                "        {}",
                p.paint(
                    dim,
                    &format!(
                        "commit {} by {} <{}> on {}: {}",
                        esc(short),
                        esc(&c.author),
                        esc(&c.email),
                        esc(&c.date),
                        esc(&c.summary)
                    )
                )
            )?;
        }
        if let Some(v) = &f.verification {
            let style = if f.is_live() {
                AnsiColor::Red.on_default().bold()
            } else {
                dim
            };
            let detail = if v.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", esc(&v.detail))
            };
            writeln!(
                out,
                "        {}",
                p.paint(
                    style,
                    &format!("verified: {}{detail}", v.status.as_str().replace('_', " "))
                )
            )?;
        }
        for n in &notes(f) {
            writeln!(out, "        {}", esc(n))?;
        }
        if advised.insert(f.remediation.as_str()) {
            writeln!(out, "        → {}", esc(&f.remediation))?;
        }
    }
    if !findings.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(findings, ctx))?;
    // What changed how the scan judged (a repository's config disabling a rule, an allowlist
    // that hid findings): part of the result, not a footnote on stderr only.
    for n in &ctx.notices {
        writeln!(out, "note: {}", esc(n))?;
    }
    Ok(())
}

/// "3 secrets (1 live), 2 exposed to browsers, 1 .env file not ignored in 2 files; scanned …".
pub fn summary_line(findings: &[Finding], ctx: &ReportContext) -> String {
    let c = super::counts::Counts::of(findings);
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    let mut parts = Vec::new();
    if findings.is_empty() && ctx.hidden_below_min > 0 {
        let min = ctx.min_severity.map_or("", |s| s.as_str());
        parts.push(format!("no findings at or above {min}"));
    } else if findings.is_empty() {
        parts.push("no secrets found".to_string());
    } else {
        let mut s = n(c.secrets, "secret", "secrets");
        if findings.iter().any(|f| f.verification.is_some()) {
            s.push_str(&format!(" ({} live)", c.live));
        }
        parts.push(s);
        // (count, singular, plural); a zero count is left out.
        let extras = [
            (
                c.exposed_to_browsers,
                "exposed to browsers",
                "exposed to browsers",
            ),
            (
                c.only_in_history,
                "only in git history",
                "only in git history",
            ),
            (
                c.dotenv_tracked,
                ".env file committed",
                ".env files committed",
            ),
            (
                c.dotenv_not_ignored,
                ".env file not ignored",
                ".env files not ignored",
            ),
            (
                c.gitignore_missing,
                ".gitignore rule missing",
                ".gitignore rules missing",
            ),
            (
                c.other_hygiene,
                "repository hygiene issue",
                "repository hygiene issues",
            ),
        ];
        parts.extend(
            extras
                .into_iter()
                .filter(|&(k, _, _)| k > 0)
                .map(|(k, one, many)| n(k, one, many)),
        );
    }
    if ctx.hidden_below_min > 0 {
        let min = ctx.min_severity.map_or("", |s| s.as_str());
        parts.push(format!(
            "{} below --min-severity {min} not shown",
            super::count(ctx.hidden_below_min as u64, "finding", "findings")
        ));
    }
    let stats = &ctx.stats;
    let mut scanned = format!(
        "scanned {} ({}) in {:.2}s",
        super::count(stats.files, "file", "files"),
        crate::model::units::human_size(stats.bytes),
        stats.elapsed.as_secs_f64()
    );
    if stats.commits > 0 {
        scanned.push_str(&format!(
            ", {}, {}",
            super::count(stats.commits, "commit", "commits"),
            super::count(stats.blobs, "blob", "blobs")
        ));
    }
    format!("{}; {scanned}", parts.join(", "))
}
