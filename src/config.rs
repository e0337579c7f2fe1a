//! `.keyhound.toml`: custom rules, disabled rules, allowlists, severity overrides and default
//! scan options. Found at the scan root (or the top of its git work tree), or given with
//! `--config FILE`. Every mistake is an error naming the file and line, raised at start-up.
//!
//! ```toml
//! disabled_rules = ["generic-api-key"]
//!
//! [scan]                      # defaults for `keyhound scan`; command-line flags win
//! max_file_size = "10M"
//! no_history = true
//! no_archives = false
//! fail_on = "high"
//! baseline = ".keyhound-baseline.json"   # relative to this file
//! include_public = false      # report publishable keys, anon keys, DSNs at severity info
//! scan_dependencies = false   # walk into untracked node_modules/, vendor/, ...
//! min_severity = "low"        # show only findings at least this severe
//!
//! [allowlist]
//! paths = ["tests/fixtures/**", "**/*.snap"]   # globs on the reported path
//! regexes = ['^sk-proj-0{20}']                 # on the secret
//! stopwords = ["example", "dummy"]             # substrings of the secret
//!
//! [severity]
//! generic-api-key = "low"
//!
//! [[rules]]                   # same format as the built-in rules/*.toml
//! id = "acme-token"
//! ...
//! ```

use crate::detect::Engine;
use crate::model::error::Error;
use crate::model::rule::{self as rules, Rule, Severity};
use crate::suppress::allowlist::Allowlist;
use globset::{Glob, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file name looked for at the scan root.
pub const FILE_NAME: &str = ".keyhound.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: Vec<Spanned<Rule>>,
    #[serde(default)]
    disabled_rules: Vec<Spanned<String>>,
    #[serde(default)]
    allowlist: RawAllowlist,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
    #[serde(default)]
    scan: ScanDefaults,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// `[scan]`: defaults for options the command line can also set (the command line wins).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanDefaults {
    /// Like `--max-file-size`: bytes, or a string with a K/M/G suffix.
    #[serde(default)]
    pub max_file_size: Option<SizeValue>,
    /// Like `--no-history`.
    #[serde(default)]
    pub no_history: bool,
    /// Like `--no-archives`.
    #[serde(default)]
    pub no_archives: bool,
    /// Like `--fail-on`.
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// Like `--baseline`; relative to the config file's directory.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Like `--include-public`.
    #[serde(default)]
    pub include_public: bool,
    /// Like `--scan-dependencies`.
    #[serde(default)]
    pub scan_dependencies: bool,
    /// Like `--min-severity`.
    #[serde(default)]
    pub min_severity: Option<Severity>,
}

/// `max_file_size = 1048576` or `max_file_size = "1M"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeValue {
    Bytes(u64),
    Text(String),
}

/// A loaded configuration, checked and compiled.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it came from (`None`: no config file).
    pub path: Option<PathBuf>,
    /// Built-in rules merged with the user's, disabled ones removed, severities overridden.
    pub rules: Vec<Rule>,
    pub allowlist: Allowlist,
    pub scan: ScanDefaults,
    /// What this config changes about the built-in detection, one sentence each: disabled,
    /// overridden or downgraded built-in rules, verifiers refused, scan options that skip
    /// content. A scanned repository's config is its author's input, so every change is shown
    /// (human summary, stderr, SARIF `toolConfigurationNotifications`).
    pub changes: Vec<String>,
}

impl Config {
    /// Built-in rules only, no allowlists.
    pub fn builtin() -> Config {
        Config {
            rules: rules::builtin_rules(),
            ..Config::default()
        }
    }

    /// `[scan] max_file_size` in bytes.
    pub fn max_file_size(&self) -> Result<Option<u64>, Error> {
        match &self.scan.max_file_size {
            None => Ok(None),
            Some(SizeValue::Bytes(n)) => Ok(Some(*n)),
            Some(SizeValue::Text(s)) => {
                crate::model::units::parse_size(s)
                    .map(Some)
                    .map_err(|e| Error::Config {
                        path: self.display_path(),
                        line: None,
                        message: format!("[scan] max_file_size: {e}"),
                    })
            }
        }
    }

    /// `[scan] baseline`, resolved against the config file's directory.
    pub fn baseline(&self) -> Option<PathBuf> {
        let b = self.scan.baseline.as_ref()?;
        let dir = self
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .unwrap_or(Path::new(""));
        Some(dir.join(b))
    }

    fn display_path(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string())
    }
}

/// Finds the config for a scan of `root`: `root/.keyhound.toml` (for a file, its directory's),
/// else the one at the top of the git work tree that holds `root`. A name that exists but is not
/// a regular file (a committed symlink to a device) is returned too, so that loading it refuses
/// it with a warning instead of silently skipping it.
pub fn discover(root: &Path) -> Option<PathBuf> {
    let dir = if root.is_dir() {
        root.to_path_buf()
    } else {
        root.parent()?.to_path_buf()
    };
    let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let here = dir.join(FILE_NAME);
    if exists(&here) {
        return Some(here);
    }
    let repo = git2::Repository::discover(&dir).ok()?;
    let top = repo.workdir()?.join(FILE_NAME);
    exists(&top).then_some(top)
}

/// Loads the config named by `--config` (must exist), or the one [`discover`]ed for `root`, or
/// none (built-in rules only). A discovered config that is not a regular file (a symlink to a
/// device, a FIFO) or is too large is refused with a warning and the built-in rules apply.
pub fn load(
    explicit: Option<&Path>,
    root: &Path,
    warnings: &crate::diag::Warnings,
) -> Result<Config, Error> {
    let path = match explicit {
        Some(p) => {
            if !p.is_file() {
                return Err(Error::Config {
                    path: p.display().to_string(),
                    line: None,
                    message: "config file not found".to_string(),
                });
            }
            p.to_path_buf()
        }
        None => match discover(root) {
            Some(p) => p,
            None => return Ok(Config::builtin()),
        },
    };
    let text = match crate::safe_io::read_regular_text(&path, crate::safe_io::SMALL_FILE) {
        Ok(t) => t,
        Err(e) if explicit.is_none() => {
            warnings.warn(&e.chain(), "config refused; using the built-in rules");
            return Ok(Config::builtin());
        }
        Err(e) => return Err(e),
    };
    let mut cfg = if explicit.is_none() {
        parse_repository_config(&path.display().to_string(), &text)?
    } else {
        parse(&path.display().to_string(), &text)?
    };
    cfg.path = Some(path);
    Ok(cfg)
}

/// Parses the scanned repository's own config (`name` is how to call it in messages): like
/// [`parse`], but its rules cannot choose a verifier (they would send whatever they match,
/// another provider's keys included, to it).
pub fn parse_repository_config(name: &str, text: &str) -> Result<Config, Error> {
    let mut cfg = parse(name, text)?;
    {
        for r in &mut cfg.rules {
            let builtin = rules::builtin_rules()
                .into_iter()
                .find(|b| b.id == r.id && b.regex == r.regex && b.provider == r.provider);
            if let Some(v) = r.verify.take() {
                match builtin {
                    Some(b) if b.verify.as_deref() == Some(v.as_str()) => r.verify = Some(v),
                    _ => cfg.changes.push(format!(
                        "rule '{}' asks for verifier '{v}', refused: rules from the scanned repository's config cannot choose a verifier (pass the config with --config to allow it)",
                        r.id
                    )),
                }
            }
        }
    }
    cfg.path = Some(PathBuf::from(name));
    Ok(cfg)
}

/// A regex parse error (which draws the pattern and a caret over several lines) as one line:
/// `... regex parse error: unclosed character class at column 6 of "(acme_[a-z"`.
fn one_line(e: &str) -> String {
    let lines: Vec<&str> = e.lines().collect();
    let caret = lines.iter().position(|l| l.trim_start().starts_with('^'));
    match (caret, lines.last()) {
        (Some(c), Some(last)) if c >= 1 && lines.len() > c + 1 => {
            let pattern = lines[c - 1];
            let indent = pattern.len() - pattern.trim_start().len();
            let col = lines[c].find('^').unwrap_or(indent).saturating_sub(indent) + 1;
            let head = lines[..c - 1].join(" ");
            let what = last.trim().trim_start_matches("error: ");
            format!(
                "{} {what} at column {col} of {:?}",
                head.trim_end(),
                pattern.trim_start()
            )
        }
        _ => lines.join(" "),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether verifier `v` is one the built-in rules use for `provider`'s keys (`gemini` for
/// `google`, `openai` for `openai`).
fn verifier_fits(builtin: &[Rule], provider: &str, v: &str) -> bool {
    builtin
        .iter()
        .any(|b| b.provider.eq_ignore_ascii_case(provider) && b.verify.as_deref() == Some(v))
}

/// Parses and checks a config file's text; `name` is used in error messages.
pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| rules::toml_error(name, text, &e))?;
    let at = |span: std::ops::Range<usize>, message: String| Error::Config {
        path: name.to_string(),
        line: Some(line_of(text, span.start)),
        message,
    };
    let whole = |message: String| Error::Config {
        path: name.to_string(),
        line: None,
        message,
    };

    // User rules: each is checked and compiled on its own, so an error points at its table.
    let mut user = Vec::with_capacity(raw.rules.len());
    for r in raw.rules {
        let span = r.span();
        let rule = r.into_inner();
        Engine::new(vec![rule.clone()])
            .and_then(|e| e.compile_all())
            .map_err(|e| match e {
                Error::Rule { id, message, .. } => Error::Rule {
                    id,
                    file: Some(name.to_string()),
                    line: Some(line_of(text, span.start)),
                    message: one_line(&message),
                },
                other => at(span.clone(), one_line(&other.chain())),
            })?;
        user.push((span, rule));
    }
    let mut seen = std::collections::HashMap::new();
    for (span, r) in &user {
        if let Some(first) = seen.insert(r.id.clone(), span.clone()) {
            return Err(Error::Rule {
                id: r.id.clone(),
                file: Some(name.to_string()),
                line: Some(line_of(text, span.start)),
                message: format!(
                    "rule id '{}' is defined twice (first at line {})",
                    r.id,
                    line_of(text, first.start)
                ),
            });
        }
    }
    let builtin = rules::builtin_rules();
    let mut changes = Vec::new();
    for (_, r) in &user {
        if builtin.iter().any(|b| b.id == r.id) {
            changes.push(format!("overrides built-in rule '{}'", r.id));
        }
        // A rule's verifier must be its own provider's: a rule for one provider's keys must not
        // send what it matches to another provider.
        if let Some(v) = &r.verify {
            if !verifier_fits(&builtin, &r.provider, v) {
                changes.push(format!(
                    "rule '{}' (provider '{}') asks for verifier '{v}', refused: a rule's verifier must match its provider",
                    r.id, r.provider
                ));
            }
        }
    }
    let user_ids: std::collections::HashSet<String> =
        user.iter().map(|(_, r)| r.id.clone()).collect();
    let mut all = rules::merge_rules(
        rules::builtin_rules(),
        user.into_iter().map(|(_, r)| r).collect(),
        &[],
    )
    .map_err(|e| e.in_file(name, None))?;

    for r in all.iter_mut().filter(|r| user_ids.contains(&r.id)) {
        if r.verify
            .as_ref()
            .is_some_and(|v| !verifier_fits(&builtin, &r.provider, v))
        {
            r.verify = None;
        }
    }
    for d in &raw.disabled_rules {
        if builtin.iter().any(|b| b.id == *d.get_ref()) {
            changes.push(format!("disables built-in rule '{}'", d.get_ref()));
        }
        let before = all.len();
        all.retain(|r| r.id != *d.get_ref());
        if all.len() == before {
            return Err(at(
                d.span(),
                format!(
                    "disabled_rules names '{}', which is not a rule id (see `keyhound rules`)",
                    d.get_ref()
                ),
            ));
        }
    }
    for (id, sev) in &raw.severity {
        match all.iter_mut().find(|r| r.id == *id.get_ref()) {
            Some(r) => {
                if *sev < r.severity {
                    changes.push(format!(
                        "lowers rule '{}' from {} to {}",
                        r.id,
                        r.severity.as_str(),
                        sev.as_str()
                    ));
                }
                r.severity = *sev;
            }
            None => {
                let disabled = raw
                    .disabled_rules
                    .iter()
                    .any(|d| d.get_ref() == id.get_ref());
                let why = if disabled { " (it is disabled)" } else { "" };
                return Err(at(
                    id.span(),
                    format!(
                        "[severity] names '{}', which is not a rule id{why} (see `keyhound rules`)",
                        id.get_ref()
                    ),
                ));
            }
        }
    }

    let mut allowlist = Allowlist::default();
    if !raw.allowlist.paths.is_empty() {
        let mut b = GlobSetBuilder::new();
        for g in &raw.allowlist.paths {
            let glob = Glob::new(g.get_ref())
                .map_err(|e| at(g.span(), format!("[allowlist] paths: bad glob: {e}")))?;
            b.add(glob);
            // `dir` also covers everything under it.
            if !g.get_ref().ends_with("**") {
                if let Ok(under) = Glob::new(&format!("{}/**", g.get_ref().trim_end_matches('/'))) {
                    b.add(under);
                }
            }
        }
        allowlist.paths = Some(
            b.build()
                .map_err(|e| whole(format!("[allowlist] paths: {e}")))?,
        );
    }
    for r in &raw.allowlist.regexes {
        let re = regex::Regex::new(r.get_ref()).map_err(|e| {
            at(
                r.span(),
                format!(
                    "[allowlist] regexes: invalid regex {:?}: {}",
                    r.get_ref(),
                    one_line(&e.to_string())
                ),
            )
        })?;
        allowlist.regexes.push(re);
    }
    for w in raw.allowlist.stopwords {
        if w.trim().is_empty() {
            return Err(whole(
                "[allowlist] stopwords: an empty stopword would allow everything".to_string(),
            ));
        }
        allowlist.stopwords.push(w.to_ascii_lowercase());
    }

    if raw.scan.no_archives {
        changes.push("turns off archive scanning ([scan] no_archives)".to_string());
    }
    if raw.scan.no_history {
        changes.push("turns off git history scanning ([scan] no_history)".to_string());
    }
    if raw.scan.max_file_size.is_some() {
        changes.push("sets the file size limit ([scan] max_file_size)".to_string());
    }
    if let Some(f) = raw.scan.fail_on {
        changes.push(format!(
            "fails only on {} and above ([scan] fail_on)",
            f.as_str()
        ));
    }
    if raw.scan.baseline.is_some() {
        changes.push("applies a baseline ([scan] baseline)".to_string());
    }
    let cfg = Config {
        path: None,
        rules: all,
        allowlist,
        scan: raw.scan,
        changes,
    };
    cfg.max_file_size().map_err(|e| match e {
        Error::Config { line, message, .. } => Error::Config {
            path: name.to_string(),
            line,
            message,
        },
        other => other,
    })?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_the_builtin_rules() {
        let c = parse("k.toml", "").unwrap();
        assert_eq!(c.rules.len(), rules::builtin_rules().len());
        assert!(c.allowlist.is_empty());
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let e = parse("k.toml", "\n[allowlist]\npath = [\"a\"]\n").unwrap_err();
        assert!(matches!(&e, Error::Config { line: Some(3), .. }), "{e:?}");
        assert!(e.to_string().starts_with("k.toml:3:"), "{e}");
        let e = parse("k.toml", "[scan]\nmax_file_size = \"lots\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_file_size") && e.contains("k.toml"), "{e}");
    }

    #[test]
    fn allowlist_matches_paths_regexes_stopwords() {
        let c = parse(
            "k.toml",
            "[allowlist]\npaths = [\"fixtures\", \"**/*.snap\"]\nregexes = ['^abc']\nstopwords = [\"Dummy\"]\n",
        )
        .unwrap();
        let a = &c.allowlist;
        assert!(a.allows("fixtures/x/y.txt", None));
        assert!(a.allows("src/a.snap", None));
        assert!(!a.allows("src/a.rs", Some("zzz")));
        assert!(a.allows("src/a.rs", Some("abcdef")));
        assert!(a.allows("src/a.rs", Some("xxDUMMYxx")));
    }
}
