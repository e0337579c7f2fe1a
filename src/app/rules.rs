//! `keyhound rules`: the built-in rules and checks, as a table or as JSON.

use crate::cli::RulesFormat;
use crate::model::check::CHECKS;
use crate::model::rule::builtin_rules;

pub fn run(format: RulesFormat) -> Result<u8, String> {
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
