//! `keyhound rules`: the built-in rules and checks, as a table or as JSON; `keyhound rules check`
//! tests rule files' examples.

use crate::cli::{RulesCheckArgs, RulesFormat};
use crate::model::check::CHECKS;
use crate::model::error::Error;
use crate::model::rule::builtin_rules;

pub fn run(format: RulesFormat) -> Result<u8, Error> {
    let rules = builtin_rules();
    super::write_output(None, |out| match format {
        RulesFormat::Json => {
            // Regex rules, then the built-in context checks (marked "kind": "check").
            let mut all: Vec<serde_json::Value> =
                rules.iter().map(|r| serde_json::json!(r)).collect();
            all.extend(CHECKS.iter().map(|c| {
                let mut v = serde_json::json!(c);
                v["kind"] = "check".into();
                v["provider"] = "keyhound".into();
                v
            }));
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)
        }
        RulesFormat::Human => {
            writeln!(
                out,
                "{:<34} {:<14} {:<9} KEYWORDS",
                "ID", "PROVIDER", "SEVERITY"
            )?;
            for r in &rules {
                writeln!(
                    out,
                    "{:<34} {:<14} {:<9} {}",
                    r.id,
                    r.provider,
                    r.severity.as_str(),
                    r.keywords.join(", ")
                )?;
            }
            writeln!(
                out,
                "\nBuilt-in checks (repository hygiene and browser exposure):"
            )?;
            writeln!(
                out,
                "{:<34} {:<14} {:<9} WHAT",
                "ID", "PROVIDER", "SEVERITY"
            )?;
            for c in CHECKS {
                writeln!(
                    out,
                    "{:<34} {:<14} {:<9} {}",
                    c.id,
                    "keyhound",
                    c.severity.as_str(),
                    c.name
                )?;
            }
            writeln!(
                out,
                "\n{} rules, {} checks. Details: keyhound rules --format json",
                rules.len(),
                CHECKS.len()
            )
        }
    })?;
    Ok(0)
}

/// `keyhound rules check [FILE...]`: 0 when every example passes, 1 when one fails, 2 when a file
/// cannot be read or holds an invalid rule.
pub fn check(args: RulesCheckArgs) -> Result<u8, Error> {
    use crate::rulecheck;
    let report = if args.files.is_empty() {
        rulecheck::check_builtin(args.seeds)?
    } else {
        let mut files = Vec::new();
        for f in &args.files {
            let text = std::fs::read_to_string(f).map_err(Error::io(f))?;
            files.push((f.display().to_string(), text));
        }
        rulecheck::check_files(
            &files,
            rulecheck::Options {
                seeds: args.seeds,
                require_examples: false,
            },
        )?
    };
    let what = if args.files.is_empty() {
        "built-in rules".to_string()
    } else {
        format!("rule(s) in {} file(s)", args.files.len())
    };
    for f in &report.failures {
        eprintln!("FAIL {f}");
    }
    if report.ok() {
        println!(
            "ok: {} {what}, {} examples and {} negative examples checked",
            report.rules, report.examples, report.negatives
        );
        Ok(0)
    } else {
        eprintln!(
            "{} failure(s) in {} {what} ({} examples, {} negative examples checked)",
            report.failures.len(),
            report.rules,
            report.examples,
            report.negatives
        );
        Ok(1)
    }
}
