//! Baselines: the findings a team has accepted (or not fixed yet), so later scans report only
//! new ones. Findings are keyed by [`Finding::fingerprint`], which needs no key (a baseline
//! committed from a laptop matches on a fresh CI runner) and never holds or lets anyone test a
//! secret: a provider's random key is hashed with rule + repository path; a password or generic
//! `name = value` secret is not hashed at all (rule + repository path + the name it is assigned
//! to + which such assignment in the file it is), so a password changed at the same name stays
//! baselined. Paths are relative to the repository's top, so a baseline made with `scan .`
//! matches `scan web/`.
//!
//! The file is JSON, one entry per line, sorted, without timestamps or line numbers, so it diffs
//! and merges cleanly:
//!
//! ```json
//! {
//!   "keyhound_baseline": 3,
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

/// The format version written in the file. Format 1 hashed every secret with its rule and
/// path (a low-entropy password could be guessed offline from it); format 2 keyed that hash
/// with a per-installation key (so a committed baseline matched nowhere else). Neither is read.
pub const VERSION: u64 = 3;

/// A loaded baseline: the fingerprints it holds.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
    /// The scan root's path inside its repository (`web/`): findings' paths are relative to
    /// the root, fingerprints to the repository's top.
    repo_prefix: String,
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
        self.fingerprints
            .contains(&f.fingerprint(&self.repo_prefix))
    }

    /// Compares findings of a scan rooted at `prefix` inside the repository (`web/`; `""` at
    /// the top or outside a repository).
    pub fn with_repo_prefix(mut self, prefix: &str) -> Baseline {
        self.repo_prefix = prefix.to_string();
        self
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
        if file.keyhound_baseline < VERSION {
            return Err(Error::Baseline {
                path: name.to_string(),
                line: None,
                message: format!(
                    "baseline format {} is no longer read (its fingerprints could be used to test guesses of a password, or needed a per-machine key); recreate it with `keyhound baseline create -o {name}`",
                    file.keyhound_baseline
                ),
            });
        }
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
            repo_prefix: String::new(),
        })
    }

    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let text = crate::safe_io::read_regular_text(path, crate::safe_io::BASELINE_FILE)?;
        Baseline::parse(&path.display().to_string(), &text)
    }
}

/// The baseline file's text for `findings` of a scan rooted at `repo_prefix` inside its
/// repository: deduplicated by fingerprint, sorted by path, rule and fingerprint, one entry per
/// line, repository paths, redacted secrets only.
pub fn render(findings: &[Finding], repo_prefix: &str) -> String {
    let mut entries: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for f in findings {
        let fp = f.fingerprint(repo_prefix);
        let path = f.repo_path(repo_prefix);
        let line = json!({
            "fingerprint": fp,
            "rule_id": f.rule_id(),
            "path": path,
            "secret": f.secret.as_ref().map(|s| s.redacted(f.prefix_len)),
        })
        .to_string();
        entries
            .entry((path, f.rule_id().to_string(), fp))
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
pub fn write(path: &Path, findings: &[Finding], repo_prefix: &str) -> Result<usize, Error> {
    let text = render(findings, repo_prefix);
    crate::safe_io::write_atomic(path, None, |w| w.write_all(text.as_bytes()))?;
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
        let text = render(&fs, "");
        assert!(!text.contains(s1) && !text.contains(s2));
        assert!(text.find("a.txt").unwrap() < text.find("z.txt").unwrap());
        assert_eq!(text.lines().count(), 7, "{text}");
        let b = Baseline::parse("b.json", &text).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.contains(&finding("a.txt", s2)));
        assert!(!b.contains(&finding("a.txt", s1)));
        assert_eq!(
            render(&[], ""),
            "{\n  \"keyhound_baseline\": 3,\n  \"findings\": []\n}\n"
        );
        assert!(Baseline::parse("b.json", &render(&[], ""))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn repository_paths_match_from_a_subdirectory() {
        let s = "not-a-key-but-long-enough-value-one";
        // Made from the top (`scan .`): the path is `web/a.txt`.
        let text = render(&[finding("web/a.txt", s)], "");
        assert!(text.contains("\"path\":\"web/a.txt\""), "{text}");
        // Scanned from `web/`: the finding's path is `a.txt`.
        let b = Baseline::parse("b.json", &text)
            .unwrap()
            .with_repo_prefix("web/");
        assert!(b.contains(&finding("a.txt", s)));
        assert!(!Baseline::parse("b.json", &text)
            .unwrap()
            .contains(&finding("a.txt", s)));
    }

    #[test]
    fn older_formats_are_refused_with_how_to_recreate() {
        for v in [1, 2] {
            let e = Baseline::parse(
                ".keyhound-baseline.json",
                &format!("{{\"keyhound_baseline\": {v}, \"findings\": []}}"),
            )
            .unwrap_err()
            .to_string();
            assert!(!e.contains('\n'), "{e}");
            assert!(
                e.contains("keyhound baseline create -o .keyhound-baseline.json"),
                "{e}"
            );
        }
    }

    #[test]
    fn bad_file_names_line() {
        let e = Baseline::parse("b.json", "{\n  \"findings\": [\n  x\n]}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.json:3:"), "{e}");
    }
}
