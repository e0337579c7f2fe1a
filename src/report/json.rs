//! `--format json`: one JSON document. Field names are stable; README documents them.

use super::ReportContext;
use crate::model::finding::Finding;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The JSON object for one finding (also used by the SARIF `properties` and the baseline).
pub fn finding_json(f: &Finding, no_redact: bool) -> Value {
    let commit = f.commit();
    let mut v = json!({
        "rule_id": f.rule_id(),
        "rule_name": f.reported_name(),
        "provider": f.provider,
        "key_type": f.key_type,
        "severity": f.severity,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "secret_redacted": f.secret.as_ref().map(|s| s.redacted(f.prefix_len)),
        "origin": match &f.origin {
            crate::model::finding::Origin::WorkingTree => "working_tree",
            crate::model::finding::Origin::Staged => "staged",
            crate::model::finding::Origin::Commit(_) => "commit",
        },
        "commit": commit.map(|c| &c.sha),
        "author": commit.map(|c| &c.author),
        "email": commit.map(|c| &c.email),
        "date": commit.map(|c| &c.date),
        "commit_summary": commit.map(|c| &c.summary),
        "history_only": f.has_tag(crate::model::finding::Tag::HistoryOnly),
        "tags": f.tags,
        "message": super::message::message(f),
        "remediation": f.remediation,
        "verification": f.verification,
        "notes": super::message::notes(f),
        "public": f.public,
    });
    if no_redact {
        v["secret"] = json!(f.secret.as_ref().map(|s| s.expose()));
    }
    v
}

/// [`finding_json`], plus `repo_path` (the path from the repository's top) when the scan root
/// is in a repository.
pub fn finding_json_in(f: &Finding, ctx: &ReportContext) -> Value {
    let mut v = finding_json(f, ctx.no_redact);
    // The baseline's identity of the finding (see `Finding::fingerprint`).
    v["fingerprint"] = json!(f.fingerprint(ctx.repo_prefix.as_deref().unwrap_or("")));
    if ctx.repo_prefix.is_some() {
        v["repo_path"] = json!(super::location::repo_path(
            ctx.repo_prefix.as_deref(),
            &f.path
        ));
    }
    v
}

/// Counts by severity, for summaries.
pub fn summary_json(findings: &[Finding], ctx: &ReportContext) -> Value {
    let mut by_sev = serde_json::Map::new();
    for f in findings {
        let e = by_sev.entry(f.severity.as_str()).or_insert(json!(0));
        *e = json!(e.as_u64().unwrap_or(0) + 1);
    }
    json!({
        "findings": findings.len(),
        "by_severity": by_sev,
        "live": findings.iter().filter(|f| f.is_live()).count(),
        "counts": super::counts::Counts::of(findings),
        "files_scanned": ctx.stats.files,
        "bytes_scanned": ctx.stats.bytes,
        "commits_scanned": ctx.stats.commits,
        "blobs_scanned": ctx.stats.blobs,
        "elapsed_ms": ctx.stats.elapsed.as_millis() as u64,
        "min_severity": ctx.min_severity,
        "hidden_below_min_severity": ctx.hidden_below_min,
    })
}

pub fn render(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let doc = json!({
        "tool": "keyhound",
        "version": env!("CARGO_PKG_VERSION"),
        "findings": findings.iter().map(|f| finding_json_in(f, ctx)).collect::<Vec<_>>(),
        "summary": summary_json(findings, ctx),
        "notices": ctx.notices,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
