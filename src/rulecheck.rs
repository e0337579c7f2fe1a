//! `keyhound rules check`: a rule set's self-test, the same one the test suite runs on the
//! built-in rules. Every example template of a rule, expanded with several seeds, must be found
//! and reported as that rule (and as nothing else), its reported secret must be the key and not
//! its surroundings, and the example must hold one of the rule's keywords; no negative example may
//! produce any finding. Users run it on their own rule files before they rely on them.

use crate::detect::{Engine, ScanHints};
use crate::model::error::Error;
use crate::model::rule::{self as rules, Rule};
use crate::testkeys::{expand, seed_for};
use serde::Deserialize;
use std::fmt;

/// Seeds per template: enough to shake out length and alphabet edge cases.
pub const DEFAULT_SEEDS: u64 = 12;

/// What went wrong with one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The rule the example belongs to.
    pub rule: String,
    /// `example 2` or `negative 0`, with the seed that failed.
    pub which: String,
    /// The expanded text that failed.
    pub text: String,
    /// What happened instead.
    pub problem: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rule '{}' {}: {}\n    text: {:?}",
            self.rule, self.which, self.problem, self.text
        )
    }
}

/// The result of checking a rule set.
#[derive(Debug, Default)]
pub struct Report {
    /// Rules whose examples were checked.
    pub rules: usize,
    /// Expanded examples and negatives that were scanned.
    pub examples: usize,
    pub negatives: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// How strict the check is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seeds per template.
    pub seeds: u64,
    /// Every rule needs at least one example and one negative (the built-in rules do).
    pub require_examples: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seeds: DEFAULT_SEEDS,
            require_examples: false,
        }
    }
}

/// A rules file as users write it: `rules/*.toml` style (`[[rules]]` only) or a whole
/// `.keyhound.toml`, whose other settings are ignored here.
#[derive(Deserialize)]
struct AnyRuleFile {
    #[serde(default)]
    rules: Vec<Rule>,
}

/// Parses the `[[rules]]` of a rules file or `.keyhound.toml`. Errors name the file and line.
pub fn parse_file(name: &str, text: &str) -> Result<Vec<Rule>, Error> {
    let file: AnyRuleFile = toml::from_str(text).map_err(|e| rules::toml_error(name, text, &e))?;
    for r in &file.rules {
        r.validate().map_err(|e| e.in_file(name, None))?;
    }
    Ok(file.rules)
}

/// Checks `checked` (ids) within `all`, the rule set a scan would run: examples must be reported
/// as their own rule, negatives must produce no finding from any rule of `all`. Errors are rule
/// set errors (a bad regex, a duplicate id) that stop the check before any example runs.
pub fn check(all: Vec<Rule>, checked: &[String], opts: Options) -> Result<Report, Error> {
    let engine = Engine::new(all)?;
    engine.compile_all()?;
    let mut report = Report::default();
    for (i, rule) in engine.rules().iter().enumerate() {
        if !checked.contains(&rule.id) {
            continue;
        }
        report.rules += 1;
        let fail = |which: String, text: &str, problem: String| Failure {
            rule: rule.id.clone(),
            which,
            text: text.to_string(),
            problem,
        };
        if opts.require_examples && rule.examples.is_empty() {
            report.failures.push(fail(
                "examples".into(),
                "",
                "has no example: add at least one template that must match".into(),
            ));
        }
        if opts.require_examples && rule.negative_examples.is_empty() {
            report.failures.push(fail(
                "negative_examples".into(),
                "",
                "has no negative example: add at least one look-alike that must not match".into(),
            ));
        }
        let keywords: Vec<String> = rule
            .keywords
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .collect();
        for (n, template) in rule.examples.iter().enumerate() {
            for s in 0..opts.seeds {
                let text = expand(template, seed_for(&format!("{}#{n}#{s}", rule.id)));
                report.examples += 1;
                let which = format!("example {n} (seed {s})");
                let found = engine.scan(text.as_bytes(), ScanHints::default());
                if found.is_empty() {
                    report
                        .failures
                        .push(fail(which, &text, "is not found by any rule".into()));
                    continue;
                }
                let others: Vec<String> = found
                    .iter()
                    .filter(|m| m.rule != i)
                    .map(|m| describe(&engine, m.rule, &m.secret))
                    .collect();
                if !others.is_empty() {
                    report.failures.push(fail(
                        which,
                        &text,
                        format!("is reported as another rule: {}", others.join(", ")),
                    ));
                    continue;
                }
                if !keywords.is_empty() {
                    let lower = text.to_ascii_lowercase();
                    if !keywords.iter().any(|k| lower.contains(k.as_str())) {
                        report.failures.push(fail(
                            which.clone(),
                            &text,
                            format!(
                                "holds none of the rule's keywords {:?}, so the prefilter would skip it",
                                rule.keywords
                            ),
                        ));
                    }
                }
                for m in &found {
                    let sec = &m.secret;
                    if !m.decoded && text.as_bytes().get(m.span.clone()) != Some(sec.as_bytes()) {
                        report.failures.push(fail(
                            which.clone(),
                            &text,
                            "the reported span and secret differ".into(),
                        ));
                    }
                    if sec.starts_with(['"', '\'', '\\', ' ', '=', ':'])
                        || sec.ends_with(['"', '\'', '\\', ' ', ','])
                    {
                        report.failures.push(fail(
                            which.clone(),
                            &text,
                            format!("the secret {sec:?} includes its surroundings (quote, escape or separator)"),
                        ));
                    }
                }
            }
        }
        for (n, template) in rule.negative_examples.iter().enumerate() {
            for s in 0..opts.seeds {
                let text = expand(template, seed_for(&format!("{}#neg{n}#{s}", rule.id)));
                report.negatives += 1;
                let found = engine.scan(text.as_bytes(), ScanHints::default());
                if !found.is_empty() {
                    let what: Vec<String> = found
                        .iter()
                        .map(|m| describe(&engine, m.rule, &m.secret))
                        .collect();
                    report.failures.push(fail(
                        format!("negative {n} (seed {s})"),
                        &text,
                        format!("must not match, but is reported as {}", what.join(", ")),
                    ));
                }
            }
        }
    }
    Ok(report)
}

/// `rule-id (secret)`, the secret shortened: the rule set's own examples are fake keys, but a
/// message should stay readable.
fn describe(engine: &Engine, rule: usize, secret: &str) -> String {
    let short: String = if secret.chars().count() > 40 {
        let head: String = secret.chars().take(36).collect();
        format!("{head}…")
    } else {
        secret.to_string()
    };
    format!("{} ({short})", engine.rules()[rule].id)
}

/// Checks every built-in rule, strictly (examples and negatives required).
pub fn check_builtin(seeds: u64) -> Result<Report, Error> {
    let all = rules::builtin_rules();
    let ids: Vec<String> = all.iter().map(|r| r.id.clone()).collect();
    check(
        all,
        &ids,
        Options {
            seeds,
            require_examples: true,
        },
    )
}

/// Checks user rule files within the rule set a scan would use: the built-in rules with the
/// files' rules merged in (a rule with a built-in id replaces it).
pub fn check_files(files: &[(String, String)], opts: Options) -> Result<Report, Error> {
    let mut user = Vec::new();
    for (name, text) in files {
        let rules = parse_file(name, text)?;
        if rules.is_empty() {
            return Err(Error::Config {
                path: name.clone(),
                line: None,
                message: "no [[rules]] tables".to_string(),
            });
        }
        user.extend(rules);
    }
    let ids: Vec<String> = user.iter().map(|r| r.id.clone()).collect();
    let all = rules::merge_rules(rules::builtin_rules(), user, &[])?;
    check(all, &ids, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[rules]]
id = "acme-api-key"
name = "Acme API key"
provider = "acme"
severity = "high"
keywords = ["acme_live_"]
regex = '''(?:^|[^A-Za-z0-9_-])(acme_live_[A-Za-z0-9]{32})(?:[^A-Za-z0-9_-]|$)'''
remediation = "Revoke the key in the Acme console."
examples = ['ACME_KEY=acme_live_{alnum:32}']
negative_examples = ['ACME_KEY=acme_live_...']
"#;

    #[test]
    fn a_good_rule_passes() {
        let r = check_files(&[("acme.toml".into(), GOOD.into())], Options::default()).unwrap();
        assert!(r.ok(), "{:?}", r.failures);
        assert_eq!(r.rules, 1);
        assert_eq!(r.examples, DEFAULT_SEEDS as usize);
    }

    #[test]
    fn failures_name_the_rule_and_the_example() {
        // The second example has the wrong length; the negative is a real-looking key.
        let bad = GOOD
            .replace(
                "examples = ['ACME_KEY=acme_live_{alnum:32}']",
                "examples = ['ACME_KEY=acme_live_{alnum:32}', 'ACME_KEY=acme_live_{alnum:31}']",
            )
            .replace(
                "negative_examples = ['ACME_KEY=acme_live_...']",
                "negative_examples = ['x = acme_live_{alnum:32}']",
            );
        let r = check_files(&[("acme.toml".into(), bad)], Options::default()).unwrap();
        assert!(!r.ok());
        let text: Vec<String> = r.failures.iter().map(|f| f.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("rule 'acme-api-key' example 1 (seed 0): is not found")),
            "{text:?}"
        );
        assert!(
            text.iter().any(
                |t| t.contains("negative 0 (seed 0)") && t.contains("reported as acme-api-key")
            ),
            "{text:?}"
        );
    }

    #[test]
    fn a_whole_keyhound_toml_is_accepted() {
        let cfg = format!("disabled_rules = []\n[allowlist]\npaths = []\n{GOOD}");
        assert_eq!(parse_file(".keyhound.toml", &cfg).unwrap().len(), 1);
        let err = parse_file("x.toml", "[[rules]]\nid = \"a\"\n").unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().starts_with("x.toml:"), "{err}");
    }
}
