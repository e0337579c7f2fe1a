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

/// The whole document, streamed: one finding's JSON at a time, so a report of many findings is
/// never held in memory twice. The bytes are those `serde_json::to_writer_pretty` writes for
/// the document `{tool, version, findings, summary, notices}`.
pub fn render(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\n")?;
    field(out, "tool", &json!("keyhound"))?;
    out.write_all(b",\n")?;
    field(out, "version", &json!(env!("CARGO_PKG_VERSION")))?;
    out.write_all(b",\n  \"findings\": ")?;
    if findings.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        for (i, f) in findings.iter().enumerate() {
            out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            indented(out, &finding_json_in(f, ctx), "    ")?;
        }
        out.write_all(b"\n  ]")?;
    }
    out.write_all(b",\n")?;
    field(out, "summary", &summary_json(findings, ctx))?;
    out.write_all(b",\n")?;
    field(out, "notices", &json!(ctx.notices))?;
    out.write_all(b"\n}\n")
}

/// `  "key": value`, pretty-printed at the document's first level.
fn field(out: &mut dyn Write, key: &str, value: &Value) -> io::Result<()> {
    write!(out, "  {}: ", Value::from(key))?;
    indented(out, value, "  ")
}

/// `value` pretty-printed, its lines after the first indented by `indent` (JSON strings hold no
/// raw newline, so every newline is the printer's).
fn indented(out: &mut dyn Write, value: &Value, indent: &str) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(notices: Vec<String>) -> ReportContext {
        ReportContext {
            no_redact: false,
            color: false,
            stats: Default::default(),
            sarif: Default::default(),
            min_severity: None,
            hidden_below_min: 0,
            repo_prefix: Some("web/".into()),
            notices,
        }
    }

    /// What the streamed document must equal: the whole document built, then printed.
    fn whole(findings: &[Finding], ctx: &ReportContext) -> String {
        let doc = json!({
            "tool": "keyhound",
            "version": env!("CARGO_PKG_VERSION"),
            "findings": findings.iter().map(|f| finding_json_in(f, ctx)).collect::<Vec<_>>(),
            "summary": summary_json(findings, ctx),
            "notices": ctx.notices,
        });
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    fn streamed(findings: &[Finding], ctx: &ReportContext) -> String {
        let mut out = Vec::new();
        render(findings, ctx, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_streamed_document_is_the_pretty_printed_one() {
        let findings = super::super::fixtures::varied();
        for (f, notices) in [
            (&findings[..], vec!["config: rule x disabled".to_string()]),
            (&findings[..1], Vec::new()),
            (&[][..], Vec::new()),
        ] {
            let c = ctx(notices);
            assert_eq!(streamed(f, &c), whole(f, &c));
        }
    }
}
