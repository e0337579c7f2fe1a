//! `--format human`: findings grouped by file, live keys first, then a summary line.

use super::escape::text as esc;
use super::ReportContext;
use crate::finding::Finding;
use crate::rules::Severity;
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

fn is_live(f: &Finding) -> bool {
    f.verification.as_ref().is_some_and(|v| v.status.is_live())
}

pub fn render(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: ctx.color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    // Live keys first (they must be rotated now), then by file.
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| !is_live(f));
    let mut current: Option<(&str, bool)> = None;
    let red = AnsiColor::Red.on_default().bold();
    let any_live = order.first().is_some_and(|f| is_live(f));
    if any_live {
        writeln!(
            out,
            "{}\n",
            p.paint(red, "LIVE KEYS: these authenticated; rotate them first")
        )?;
    }
    for f in order {
        let live = is_live(f);
        let group = (f.path.as_str(), live);
        if current != Some(group) {
            if current.is_some() {
                writeln!(out)?;
            }
            if any_live && !live && current.is_none_or(|(_, l)| l) {
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
        let message = esc(&f.message).into_owned();
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
        facts.push(format!("rule {}", f.rule_id));
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
            let short = &c.sha[..c.sha.len().min(12)];
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
            let style = if v.status.is_live() {
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
        for n in &f.notes {
            writeln!(out, "        {}", esc(n))?;
        }
        writeln!(out, "        → {}", esc(&f.remediation))?;
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
    if findings.is_empty() {
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
    let mut scanned = format!(
        "scanned {} files ({}) in {:.2}s",
        ctx.files,
        crate::source::walk::human_size(ctx.bytes),
        ctx.elapsed.as_secs_f64()
    );
    if ctx.commits > 0 {
        scanned.push_str(&format!(", {} commits, {} blobs", ctx.commits, ctx.blobs));
    }
    format!("{}; {scanned}", parts.join(", "))
}
