//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning.
//!
//! Written with `serde_json` rather than a typed SARIF crate: the log is small, and a test
//! validates it against the official OASIS schema.

use super::ReportContext;
use crate::finding::Finding;
use crate::rules::Severity;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// SARIF `uri`s are relative references: percent-encode what a URI may not hold.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let doc = sarif_log(findings, ctx);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The SARIF log as a JSON value.
pub fn sarif_log(findings: &[Finding], ctx: &ReportContext) -> Value {
    // One reportingDescriptor per rule that has results, in a stable order.
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings {
        rules.entry(f.rule_id.as_str()).or_insert(f);
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let descriptors: Vec<Value> = rules
        .values()
        .map(|f| {
            json!({
                "id": f.rule_id,
                "name": pascal(&f.rule_id),
                "shortDescription": { "text": f.rule_name },
                "fullDescription": { "text": format!("{} ({})", f.rule_name, f.provider) },
                "help": {
                    "text": f.remediation,
                    "markdown": format!("**{}**\n\n{}", f.rule_name, f.remediation),
                },
                "defaultConfiguration": { "level": level(f.severity) },
                "properties": {
                    "security-severity": f.severity.security_score(),
                    "tags": ["security", "secret", f.provider.as_str()],
                    "precision": "high",
                },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let secret = f.shown_secret(ctx.no_redact);
            let mut text = f.message.clone();
            if let Some(s) = &secret {
                text.push_str(&format!(": {s}"));
            }
            if let Some(v) = &f.verification {
                text.push_str(&format!(" [verified: {}", v.status.as_str()));
                if v.status.is_live() {
                    text.push_str(", rotate it now");
                }
                if !v.detail.is_empty() {
                    text.push_str(&format!(" ({})", v.detail));
                }
                text.push(']');
            }
            // A key that still authenticates is an error whatever the rule's severity.
            let level = if f.verification.as_ref().is_some_and(|v| v.status.is_live()) {
                "error"
            } else {
                level(f.severity)
            };
            text.push_str(&format!(". {}", f.remediation));
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": rule_index[f.rule_id.as_str()],
                "level": level,
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line.max(1), "startColumn": f.column.max(1) },
                    }
                }],
                "partialFingerprints": { "keyhound/v1": f.fingerprint() },
                "properties": super::json::finding_json(f, ctx.no_redact),
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "keyhound",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/keyhound/keyhound",
                    "rules": descriptors,
                }
            },
            "results": results,
            "columnKind": "unicodeCodePoints",
        }]
    })
}

/// `openai-project-key` -> `OpenaiProjectKey` (SARIF rule `name`).
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
