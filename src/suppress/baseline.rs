//! Baselines: the findings a team has accepted (or not fixed yet), so later scans report only
//! new ones. Findings are keyed by [`Finding::fingerprint`] (rule + secret + path; never the
//! secret), which survives line moves, rebases and squashes, while a different secret on the same
//! line is new.
//!
//! The file is JSON, one entry per line, sorted, without timestamps or line numbers, so it diffs
//! and merges cleanly:
//!
//! ```json
//! {
//!   "keyhound_baseline": 1,
//!   "findings": [
//!     {"fingerprint": "3f…", "rule_id": "openai-project-key", "path": "src/app.py", "secret": "sk-proj-Ab…x9Z"}
//!   ]
//! }
//! ```

pub mod discover;

use crate::model::error::Error;
use crate::model::finding::Finding;
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The format version written in the file.
pub const VERSION: u64 = 1;

/// A loaded baseline: the fingerprints it holds.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
}

#[derive(Deserialize)]
struct File {
    keyhound_baseline: u64,
    findings: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    fingerprint: String,
}

impl Baseline {
    pub fn contains(&self, f: &Finding) -> bool {
        self.fingerprints.contains(&f.fingerprint())
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    pub fn parse(name: &str, text: &str) -> Result<Baseline, Error> {
        let file: File = serde_json::from_str(text).map_err(|e| Error::Baseline {
            path: name.to_string(),
            line: Some(e.line()),
            message: format!(
                "not a keyhound baseline: {e} (create one with `keyhound baseline create`)"
            ),
        })?;
        if file.keyhound_baseline != VERSION {
            return Err(Error::Baseline {
                path: name.to_string(),
                line: None,
                message: format!(
                    "baseline format {} is not supported (this keyhound reads format {VERSION})",
                    file.keyhound_baseline
                ),
            });
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        Baseline::parse(&path.display().to_string(), &text)
    }
}

/// The baseline file's text for `findings`: deduplicated by fingerprint, sorted by path, rule
/// and fingerprint, one entry per line, redacted secrets only.
pub fn render(findings: &[Finding]) -> String {
    let mut entries: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for f in findings {
        let fp = f.fingerprint();
        let line = json!({
            "fingerprint": fp,
            "rule_id": f.rule_id(),
            "path": f.path,
            "secret": f.secret.as_ref().map(|s| s.redacted(f.prefix_len)),
        })
        .to_string();
        entries
            .entry((f.path.clone(), f.rule_id().to_string(), fp))
            .or_insert(line);
    }
    let mut out = format!("{{\n  \"keyhound_baseline\": {VERSION},\n  \"findings\": [");
    let n = entries.len();
    for (i, line) in entries.values().enumerate() {
        out.push_str("\n    ");
        out.push_str(line);
        if i + 1 < n {
            out.push(',');
        }
    }
    out.push_str(if n == 0 { "]\n}\n" } else { "\n  ]\n}\n" });
    out
}

/// Writes the baseline for `findings` to `path`; returns how many entries it holds.
pub fn write(path: &Path, findings: &[Finding]) -> Result<usize, Error> {
    let text = render(findings);
    std::fs::write(path, &text).map_err(Error::io(path))?;
    Ok(Baseline::parse("", &text).map(|b| b.len()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::Origin;

    fn finding(path: &str, secret: &str) -> Finding {
        let rule = &crate::model::rule::builtin_rules()[0];
        Finding::for_secret(rule, secret, path, 3, 1, Origin::WorkingTree)
    }

    #[test]
    fn round_trip_sorted_deduplicated_redacted() {
        let s1 = "not-a-key-but-long-enough-value-one";
        let s2 = "not-a-key-but-long-enough-value-two";
        let fs = vec![
            finding("z.txt", s1),
            finding("a.txt", s2),
            finding("z.txt", s1),
        ];
        let text = render(&fs);
        assert!(!text.contains(s1) && !text.contains(s2));
        assert!(text.find("a.txt").unwrap() < text.find("z.txt").unwrap());
        assert_eq!(text.lines().count(), 7, "{text}");
        let b = Baseline::parse("b.json", &text).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.contains(&finding("a.txt", s2)));
        assert!(!b.contains(&finding("a.txt", s1)));
        assert_eq!(
            render(&[]),
            "{\n  \"keyhound_baseline\": 1,\n  \"findings\": []\n}\n"
        );
        assert!(Baseline::parse("b.json", &render(&[])).unwrap().is_empty());
    }

    #[test]
    fn bad_file_names_line() {
        let e = Baseline::parse("b.json", "{\n  \"findings\": [\n  x\n]}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.json:3:"), "{e}");
    }
}
