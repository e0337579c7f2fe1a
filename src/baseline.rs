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
//!   "keyhound_baseline": 2,
//!   "key_id": "9c…",
//!   "findings": [
//!     {"fingerprint": "3f…", "rule_id": "openai-project-key", "path": "src/app.py", "secret": "sk-proj-Ab…x9Z"}
//!   ]
//! }
//! ```

use crate::finding::Finding;
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The format version written in the file.
/// Format 2: fingerprints keyed with the fingerprint key ([`crate::fp_key`]); format 1 held
/// unkeyed hashes, which let anyone test guesses of a low-entropy secret offline.
pub const VERSION: u64 = 2;

/// A loaded baseline: the fingerprints it holds.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
    /// The id of the fingerprint key it was made with (`None`: not recorded).
    key_id: Option<String>,
}

#[derive(Deserialize)]
struct File {
    keyhound_baseline: u64,
    #[serde(default)]
    key_id: Option<String>,
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

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    pub fn parse(name: &str, text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| {
            format!(
                "{name}:{}: not a keyhound baseline: {e} (create one with `keyhound baseline create`)",
                e.line()
            )
        })?;
        if file.keyhound_baseline == 1 {
            return Err(format!(
                "{name}: baseline format 1 holds unkeyed fingerprints, which let anyone test guesses of a secret offline; recreate it with `keyhound baseline create`"
            ));
        }
        if file.keyhound_baseline != VERSION {
            return Err(format!(
                "{name}: baseline format {} is not supported (this keyhound reads format {VERSION})",
                file.keyhound_baseline
            ));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
            key_id: file.key_id,
        })
    }

    /// Why none of this baseline's entries can match: it was made with another fingerprint key
    /// (another clone or machine, or CI without `KEYHOUND_FINGERPRINT_KEY`).
    pub fn key_mismatch(&self) -> Option<String> {
        let id = self.key_id.as_deref()?;
        (id != crate::fp_key::key_id() && !self.is_empty()).then(|| {
            format!(
                "the baseline was made with another fingerprint key (id {id}), so none of its entries can match; set {} to the key it was made with (see docs/hardening.md)",
                crate::fp_key::ENV
            )
        })
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::safe_io::read_regular_text(path, crate::safe_io::BASELINE_FILE)?;
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
            "rule_id": f.rule_id,
            "path": f.path,
            "secret": f.secret.as_ref().map(|s| s.redacted(f.prefix_len)),
        })
        .to_string();
        entries
            .entry((f.path.clone(), f.rule_id.clone(), fp))
            .or_insert(line);
    }
    let mut out = format!(
        "{{\n  \"keyhound_baseline\": {VERSION},\n  \"key_id\": \"{}\",\n  \"findings\": [",
        crate::fp_key::key_id()
    );
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
pub fn write(path: &Path, findings: &[Finding]) -> Result<usize, String> {
    let text = render(findings);
    crate::safe_io::write_atomic(path, None, |w| w.write_all(text.as_bytes()))?;
    Ok(Baseline::parse("", &text).map(|b| b.len()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Origin;

    fn finding(path: &str, secret: &str) -> Finding {
        let rule = &crate::rules::builtin_rules()[0];
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
        assert_eq!(text.lines().count(), 8, "{text}");
        let b = Baseline::parse("b.json", &text).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.contains(&finding("a.txt", s2)));
        assert!(!b.contains(&finding("a.txt", s1)));
        assert_eq!(
            render(&[]),
            format!(
                "{{\n  \"keyhound_baseline\": 2,\n  \"key_id\": \"{}\",\n  \"findings\": []\n}}\n",
                crate::fp_key::key_id()
            )
        );
        assert!(Baseline::parse("b.json", &render(&[])).unwrap().is_empty());
    }

    #[test]
    fn bad_file_names_line() {
        let e = Baseline::parse("b.json", "{\n  \"findings\": [\n  x\n]}").unwrap_err();
        assert!(e.starts_with("b.json:3:"), "{e}");
    }
}
