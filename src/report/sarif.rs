//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, built on `serde-sarif`'s typed
//! model one result at a time (the log is streamed, never held whole); a test validates the log
//! against the official OASIS schema.

use super::ReportContext;
use crate::model::finding::Finding;
use crate::model::rule::Severity;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Tool, ToolComponent,
};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// What a relative reference may hold as it is (RFC 3986 unreserved characters, sub-delims,
/// `:`, `@` and `/`); everything else is percent-encoded.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// SARIF `uri`s are relative references: percent-encode what a URI may not hold.
fn uri(path: &str) -> String {
    utf8_percent_encode(path, URI_KEEP).to_string()
}

/// GitHub code scanning's upload limits (one run per file is how keyhound always writes).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Results per run (GitHub: 25,000).
    pub max_results: usize,
    /// Size of the gzip-compressed file (GitHub: 10 MB).
    pub max_gzip_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_results: 25_000,
            max_gzip_bytes: 10_000_000,
        }
    }
}

/// Renders SARIF within `ctx.sarif`'s limits: past them, keeps the most important findings (live
/// keys, then the most severe) and warns about what was dropped.
pub fn render(
    findings: &[Finding],
    ctx: &ReportContext,
    warnings: &crate::diag::Warnings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (log, dropped) = limited_log(findings, ctx, ctx.sarif);
    if let Some(msg) = dropped {
        warnings.warn("SARIF", msg);
    }
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A sink that only counts what is written to it: the log's size without holding its bytes.
#[derive(Default)]
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn gzip_size(log: &Log) -> usize {
    use flate2::{write::GzEncoder, Compression};
    let gz = GzEncoder::new(Counter::default(), Compression::default());
    // Buffered: the printer writes a few bytes at a time, and each write is a compressor call.
    let mut buf = io::BufWriter::with_capacity(64 * 1024, gz);
    let _ = serde_json::to_writer_pretty(&mut buf, log);
    buf.into_inner()
        .ok()
        .and_then(|gz| gz.finish().ok())
        .map_or(0, |c| c.0)
}

fn raw_size(log: &Log) -> usize {
    let mut n = Counter::default();
    serde_json::to_writer_pretty(&mut n, log).map_or(0, |()| n.0)
}

/// The SARIF log within `limits`, and a warning when findings had to be dropped.
pub fn limited_log<'a>(
    findings: &'a [Finding],
    ctx: &ReportContext,
    limits: Limits,
) -> (Log<'a>, Option<String>) {
    let n = findings.len();
    let mut priority: Vec<usize> = (0..n).collect();
    priority.sort_by_key(|&i| {
        (
            !findings[i].is_live(),
            std::cmp::Reverse(findings[i].severity),
            i,
        )
    });
    let mut keep = n.min(limits.max_results);
    loop {
        let mut kept: Vec<usize> = priority[..keep].to_vec();
        kept.sort_unstable();
        let mut log = sarif_log(kept.iter().map(|&i| &findings[i]), ctx);
        // Sizes are counted by writing the log again, into a sink that keeps no bytes.
        let size = if raw_size(&log) <= limits.max_gzip_bytes {
            0
        } else {
            gzip_size(&log)
        };
        if keep == 0 || size <= limits.max_gzip_bytes {
            if keep == n {
                return (log, None);
            }
            let mut dropped: BTreeMap<Severity, usize> = BTreeMap::new();
            for &i in &priority[keep..] {
                *dropped.entry(findings[i].severity).or_default() += 1;
            }
            let by_sev: Vec<String> = dropped
                .iter()
                .rev()
                .map(|(s, c)| format!("{c} {s}"))
                .collect();
            log.runs[0].properties = Some(PropertyBag {
                additional_properties: BTreeMap::from([(
                    "keyhound".to_string(),
                    json!({ "truncated": true, "findings": n, "results": keep }),
                )]),
                ..PropertyBag::default()
            });
            let msg = format!(
                "{n} findings exceed GitHub code scanning's limits ({} results, {} MB gzipped); \
                 the SARIF holds the {keep} most severe, {} left out ({}); see the JSON report for all",
                limits.max_results,
                limits.max_gzip_bytes / 1_000_000,
                n - keep,
                by_sev.join(", ")
            );
            return (log, Some(msg));
        }
        // Shrink in proportion, with a margin, until it fits.
        let next = (keep as f64 * limits.max_gzip_bytes as f64 / size as f64 * 0.9) as usize;
        keep = next.min(keep - 1);
    }
}

/// Properties from a JSON object (a finding's JSON, the rule's scores and tags).
fn bag(v: Value) -> PropertyBag {
    let additional_properties = match v {
        Value::Object(m) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    PropertyBag {
        additional_properties,
        ..PropertyBag::default()
    }
}

fn text(t: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(t).build()
}

/// The SARIF log: one run, one reportingDescriptor per rule that has results. It serializes to
/// what `serde_sarif`'s `Sarif` document of the same log would (the same fields in the same
/// order), but builds each result only as it is written: a log of many findings is never held
/// in memory whole.
#[derive(Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [LogRun<'a>; 1],
    version: &'static str,
}

/// The fields of `serde_sarif`'s `Run` that keyhound writes, in its order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogRun<'a> {
    column_kind: &'static str,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<PropertyBag>,
    results: Results<'a>,
    tool: Tool,
}

/// The run's results, each built from its finding when it is serialized.
struct Results<'a> {
    findings: Vec<&'a Finding>,
    rule_index: BTreeMap<&'a str, usize>,
    ctx: ReportContext,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The SARIF log of `findings`, all of them, in their order.
pub fn sarif_log<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    ctx: &ReportContext,
) -> Log<'a> {
    let findings: Vec<&Finding> = findings.into_iter().collect();
    // One reportingDescriptor per rule that has results, in a stable order.
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for &f in &findings {
        rules.entry(f.rule_id()).or_insert(f);
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let descriptors: Vec<ReportingDescriptor> = rules
        .values()
        .map(|f| {
            ReportingDescriptor::builder()
                .id(f.rule_id())
                .name(pascal(f.rule_id()))
                .short_description(text(f.reported_name()))
                .full_description(text(format!("{} ({})", f.reported_name(), f.provider)))
                .help(
                    MultiformatMessageString::builder()
                        .text(f.remediation.clone())
                        .markdown(format!("**{}**\n\n{}", f.reported_name(), f.remediation))
                        .build(),
                )
                .default_configuration(ReportingConfiguration {
                    level: Some(json!(level(f.severity))),
                    ..ReportingConfiguration::default()
                })
                .properties(bag(json!({
                    "security-severity": f.severity.security_score(),
                    "tags": ["security", "secret", f.provider.as_str()],
                    "precision": "high",
                })))
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("keyhound")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/keyhound/keyhound")
        .rules(descriptors)
        .build();
    let notifications: Vec<Notification> = ctx
        .notices
        .iter()
        .map(|n| {
            Notification::builder()
                .level(json!("warning"))
                .message(Message {
                    text: Some(n.clone()),
                    ..Message::default()
                })
                .build()
        })
        .collect();
    let invocation = Invocation::builder()
        .execution_successful(true)
        .tool_configuration_notifications(notifications)
        .build();
    Log {
        schema: SCHEMA,
        runs: [LogRun {
            column_kind: "unicodeCodePoints",
            invocations: [invocation],
            properties: None,
            results: Results {
                findings,
                rule_index,
                ctx: ctx.clone(),
            },
            tool: Tool::builder().driver(driver).build(),
        }],
        version: "2.1.0",
    }
}

impl Results<'_> {
    /// The results, built one at a time, in the findings' order.
    fn iter(&self) -> impl Iterator<Item = SarifResult> + '_ {
        // Which of its rule's findings in its path each one is: the alert identity for code
        // scanning (see `Finding::location_fingerprint`).
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        self.findings.iter().map(move |f| {
            let ordinal = seen.entry((f.rule_id(), &f.path)).or_default();
            *ordinal += 1;
            self.result(f, *ordinal)
        })
    }

    fn result(&self, f: &Finding, ordinal: usize) -> SarifResult {
        let ctx = &self.ctx;
        let location_fp = f.location_fingerprint(ctx.repo_prefix.as_deref().unwrap_or(""), ordinal);
        let secret = f.shown_secret(ctx.no_redact);
        let mut message = super::message::message(f);
        if let Some(s) = &secret {
            message.push_str(&format!(": {s}"));
        }
        if let Some(v) = &f.verification {
            message.push_str(&format!(" [verified: {}", v.status.as_str()));
            if f.is_live() {
                message.push_str(", rotate it now");
            }
            if !v.detail.is_empty() {
                message.push_str(&format!(" ({})", v.detail));
            }
            message.push(']');
        }
        // A key that still authenticates is an error whatever the rule's severity.
        let level = if f.is_live() {
            ResultLevel::Error
        } else {
            level(f.severity)
        };
        message.push_str(&format!(". {}", f.remediation));
        let uri = uri(&super::location::repo_path(
            ctx.repo_prefix.as_deref(),
            &f.path,
        ));
        SarifResult::builder()
            .rule_id(f.rule_id())
            .rule_index(self.rule_index[f.rule_id()] as i64)
            .level(level)
            .message(Message {
                text: Some(message),
                ..Message::default()
            })
            .locations(vec![Location {
                physical_location: Some(PhysicalLocation {
                    artifact_location: Some(ArtifactLocation {
                        uri: Some(uri),
                        uri_base_id: Some("%SRCROOT%".to_string()),
                        ..ArtifactLocation::default()
                    }),
                    region: Some(Region {
                        start_line: Some(f.line.max(1) as i64),
                        start_column: Some(f.column.max(1) as i64),
                        ..Region::default()
                    }),
                    ..PhysicalLocation::default()
                }),
                ..Location::default()
            }])
            .partial_fingerprints(BTreeMap::from([(
                "keyhound/location/v1".to_string(),
                location_fp,
            )]))
            .properties(bag(super::json::finding_json_in(f, ctx)))
            .build()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::Origin;
    use crate::model::rule::builtin_rules;
    use serde_sarif::sarif::{Run, Sarif};

    fn findings(n: usize) -> Vec<Finding> {
        let rule = &builtin_rules()[0];
        (0..n)
            .map(|i| {
                let mut f = Finding::for_secret(
                    rule,
                    &format!("value-{i:06}-padding-padding"),
                    "a.txt",
                    i + 1,
                    1,
                    Origin::WorkingTree,
                );
                f.severity = if i % 3 == 0 {
                    Severity::Critical
                } else {
                    Severity::Low
                };
                f
            })
            .collect()
    }

    fn ctx() -> ReportContext {
        ReportContext {
            no_redact: false,
            color: false,
            stats: crate::model::stats::ScanStats {
                files: 1,
                bytes: 1,
                ..Default::default()
            },
            sarif: Limits::default(),
            min_severity: None,
            hidden_below_min: 0,
            repo_prefix: None,
            notices: Vec::new(),
        }
    }

    /// What the streamed log must equal: `serde_sarif`'s whole document of the same run, all
    /// results collected, then printed.
    fn whole(log: &Log) -> String {
        let [run] = &log.runs;
        let mut doc_run = Run::builder()
            .tool(run.tool.clone())
            .results(run.results.iter().collect::<Vec<_>>())
            .invocations(run.invocations.to_vec())
            .column_kind(json!("unicodeCodePoints"))
            .build();
        doc_run.properties = run.properties.clone();
        let doc = Sarif::builder()
            .schema(SCHEMA)
            .version(json!("2.1.0"))
            .runs(vec![doc_run])
            .build();
        let mut out = Vec::new();
        serde_json::to_writer_pretty(&mut out, &doc).unwrap();
        String::from_utf8(out).unwrap() + "\n"
    }

    fn streamed(findings: &[Finding], ctx: &ReportContext) -> String {
        let mut out = Vec::new();
        render(findings, ctx, &crate::diag::Warnings::new(true), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_streamed_log_is_the_pretty_printed_document() {
        let fs = super::super::fixtures::varied();
        let mut c = ctx();
        for (no_redact, prefix, notices, max_results) in [
            (
                false,
                Some("web/"),
                vec!["config: rule x disabled".to_string()],
                25_000,
            ),
            (true, None, Vec::new(), 25_000),
            // Truncated: the run's properties say so.
            (false, Some("web/"), Vec::new(), 2),
        ] {
            c.no_redact = no_redact;
            c.repo_prefix = prefix.map(String::from);
            c.notices = notices;
            c.sarif.max_results = max_results;
            for f in [&fs[..], &fs[..1], &[][..]] {
                let (log, _) = limited_log(f, &c, c.sarif);
                assert_eq!(streamed(f, &c), whole(&log));
            }
        }
        // The comparisons above covered the run's properties, notifications and every rule.
        let doc = serde_json::to_value(limited_log(&fs, &c, c.sarif).0).unwrap();
        assert_eq!(doc["runs"][0]["properties"]["keyhound"]["truncated"], true);
        c.notices = vec!["a notice".to_string()];
        let doc = serde_json::to_value(sarif_log(&fs, &c)).unwrap();
        let run = &doc["runs"][0];
        let notes = &run["invocations"][0]["toolConfigurationNotifications"];
        assert_eq!(notes.as_array().unwrap().len(), 1);
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 5);
        assert_eq!(run["results"].as_array().unwrap().len(), fs.len());
    }

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri("src/a b/ü.js"), "src/a%20b/%C3%BC.js");
        assert_eq!(uri("a.zip!in/x#1?.txt"), "a.zip!in/x%231%3F.txt");
        assert_eq!(uri("~/x(1)+y=z@h:p"), "~/x(1)+y=z@h:p");
    }

    #[test]
    fn truncates_by_severity_past_the_result_limit() {
        let fs = findings(10);
        let limits = Limits {
            max_results: 4,
            ..Limits::default()
        };
        let (doc, warn) = limited_log(&fs, &ctx(), limits);
        let doc = serde_json::to_value(&doc).unwrap();
        let results = doc["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        // The 4 critical ones (0, 3, 6, 9), in report order.
        let lines: Vec<u64> = results
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(lines, [1, 4, 7, 10]);
        let warn = warn.unwrap();
        assert!(warn.contains("6 low"), "{warn}");
        assert_eq!(doc["runs"][0]["properties"]["keyhound"]["findings"], 10);
        assert!(limited_log(&fs, &ctx(), Limits::default()).1.is_none());
    }

    #[test]
    fn truncates_past_the_size_limit() {
        let fs = findings(3000);
        let full = gzip_size(&sarif_log(&fs, &ctx()));
        let limits = Limits {
            max_results: 25_000,
            max_gzip_bytes: full / 3,
        };
        let (doc, warn) = limited_log(&fs, &ctx(), limits);
        assert!(warn.is_some());
        assert!(gzip_size(&doc) <= full / 3);
        let doc = serde_json::to_value(&doc).unwrap();
        let kept = doc["runs"][0]["results"].as_array().unwrap().len();
        assert!(kept > 500 && kept < 1000, "{kept}");
        assert!(doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["level"] == "error"));
    }
}
