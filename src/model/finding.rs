//! The `Finding` model every stage after detection works on, and every reporter renders.

use crate::model::check::CheckId;
use crate::model::rule::{Rule, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

/// A secret's full text. Never printed by `Debug`; reporters show [`Secret::redacted`] unless
/// the user asked for `--no-redact`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String, bool);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into(), false)
    }

    /// A secret whose redacted form shows none of its characters: a generic `name = value`
    /// match or a password, which may be low-entropy enough that a few shown characters narrow
    /// an offline guess.
    pub fn opaque(s: impl Into<String>) -> Secret {
        Secret(s.into(), true)
    }

    /// `secret` as `rule` finds it: opaque when it may be low-entropy (see [`is_low_entropy`]).
    pub fn of_rule(rule: &Rule, secret: &str) -> Secret {
        if is_low_entropy(rule, secret) {
            Secret::opaque(secret)
        } else {
            Secret::new(secret)
        }
    }

    pub fn is_opaque(&self) -> bool {
        self.1
    }

    /// The full secret. Call sites are the verifiers, `--no-redact` output and hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A stable hash of the secret (hex SHA-256), safe to store and compare.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// `sk-proj-Ab…9xQ`: the known prefix (`prefix_len` bytes), two more characters, and the last
    /// three when the secret is long enough for that to give nothing useful away.
    pub fn redacted(&self, prefix_len: usize) -> String {
        if self.1 {
            return OPAQUE.to_string();
        }
        redact(&self.0, prefix_len)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", redact(&self.0, 0))
    }
}

/// The redacted form of an opaque secret ([`Secret::opaque`]).
pub const OPAQUE: &str = "…";

/// See [`Secret::redacted`].
pub fn redact(secret: &str, prefix_len: usize) -> String {
    if let Some(rest) = secret.strip_prefix("-----BEGIN") {
        // Only the header: a PEM block inside a JSON string has `\n` escapes, not line breaks.
        let header_end = rest.find("-----").map_or(0, |i| i + 5);
        return format!("-----BEGIN{}…", &rest[..header_end]);
    }
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n < 8 {
        return "…".to_string();
    }
    // Show at most a third of a secret, and never more than prefix + 2 at the start.
    let head = (prefix_len + 2).min(n / 3).max(1);
    let tail = if n >= 24 { 3 } else { 0 };
    let start: String = chars[..head].iter().collect();
    let end: String = chars[n - tail..].iter().collect();
    format!("{start}…{end}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a secret `rule` matched may be chosen by a person (a password, a generic
/// `name = value`) rather than drawn at random by a provider: the generic rule, the
/// connection-string and URL password rules (the ones with a password filter), and any secret
/// shorter than 8 characters (whose redacted form shows none of it anyway).
///
/// The one classification behind both what a report shows and what a baseline stores: such a
/// secret is redacted to [`OPAQUE`] (no character shown) and its fingerprint does not depend on
/// its value ([`Finding::fingerprint`]), so neither lets anyone test guesses offline.
pub fn is_low_entropy(rule: &Rule, secret: &str) -> bool {
    rule.generic || rule.filter.is_some() || secret.chars().count() < 8
}

/// Bytes of `secret` that are one of `rule`'s keywords (its well-known prefix, `sk-proj-`).
pub fn known_prefix_len(rule: &Rule, secret: &str) -> usize {
    rule.keywords
        .iter()
        .filter(|k| {
            secret.len() >= k.len()
                && secret.as_bytes()[..k.len()].eq_ignore_ascii_case(k.as_bytes())
        })
        .map(|k| k.len())
        .max()
        .unwrap_or(0)
}

/// Where a finding's content came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A file in the working tree (or any directory).
    WorkingTree,
    /// The git index (`--staged`).
    Staged,
    /// A commit in history: the first one that introduced this blob at this path.
    Commit(CommitInfo),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    pub sha: String,
    pub author: String,
    pub email: String,
    /// RFC 3339, in the author's time zone.
    pub date: String,
    pub summary: String,
}

/// Directory names that hold dependency code (package managers' install directories): files
/// under them are tagged [`Tag::Dependency`], never `client-bundle`, and untracked ones are not
/// walked unless `--scan-dependencies`.
pub const DEPENDENCY_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "vendor",
    "site-packages",
    "dist-packages",
    "Pods",
    ".pnpm-store",
];
impl CommitInfo {
    /// The commit id as shown to people (12 hex digits).
    pub fn short_sha(&self) -> &str {
        short_sha(&self.sha)
    }
}

/// The short form of a commit id shown to people (12 hex digits).
pub fn short_sha(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// Where a secret lives, as far as that changes what it means and what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    /// An env file (`.env`, `.env.local`, `*.env`).
    Dotenv,
    /// A file that ships to browsers (build output, bundles).
    ClientBundle,
    /// A source map (its `sourcesContent` ships the sources).
    SourceMap,
    /// A Jupyter notebook.
    Notebook,
    /// CI configuration (`.github/workflows`, `.gitlab-ci.yml`, ...).
    CiConfig,
    /// Documentation (`*.md`, `docs/`).
    Docs,
    /// Test code or fixtures.
    Test,
    /// Dependency code (`node_modules/`, `vendor/`, ...): third-party code, not yours, and not
    /// your shipped bundle.
    Dependency,
    /// Found only in git history: not in HEAD nor in the working tree.
    HistoryOnly,
    /// Decoded from base64.
    Base64,
    /// Inside an archive.
    Archive,
}

impl Tag {
    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Dotenv => "dotenv",
            Tag::ClientBundle => "client-bundle",
            Tag::SourceMap => "source-map",
            Tag::Notebook => "notebook",
            Tag::CiConfig => "ci-config",
            Tag::Docs => "docs",
            Tag::Test => "test",
            Tag::Dependency => "dependency",
            Tag::HistoryOnly => "history-only",
            Tag::Base64 => "base64",
            Tag::Archive => "archive",
        }
    }
}

/// A live check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyStatus {
    Live,
    QuotaExhausted,
    RateLimited,
    Restricted,
    Inactive,
    Unknown,
}

impl VerifyStatus {
    /// The key authenticated: it must be rotated first.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            VerifyStatus::Live
                | VerifyStatus::QuotaExhausted
                | VerifyStatus::RateLimited
                | VerifyStatus::Restricted
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VerifyStatus::Live => "live",
            VerifyStatus::QuotaExhausted => "quota_exhausted",
            VerifyStatus::RateLimited => "rate_limited",
            VerifyStatus::Restricted => "restricted",
            VerifyStatus::Inactive => "inactive",
            VerifyStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub status: VerifyStatus,
    /// The provider's own words (error code / message), with any key in it redacted.
    pub detail: String,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// A key that `rule` matched. The rule stays the key's own even when an annotation reports
    /// the finding under a check (a key in a public env variable is `client-exposed-env`).
    Key { rule: String },
    /// A built-in check's finding, about a file rather than a key.
    Check(CheckId),
}

/// The end of every "this key reaches browsers" message.
pub const EXPOSED: &str =
    "anyone who loads the site can read this key; rotate it, and call the API from your server";

/// What a stage after detection established about a finding. Reporters turn annotations into
/// words (`report::message`); stages never edit the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Annotation {
    /// A fact the rule's per-match check found ("role anon").
    Fact(String),
    /// Public by design, and why (also in [`Finding::public`]).
    PublicByDesign(String),
    /// The key was base64-encoded in the file.
    Base64,
    /// Where in a notebook the key is ("in cell 3 (code)").
    NotebookCell(String),
    /// The key is assigned to a framework's public env variable, which inlines it into the
    /// browser bundle: the finding is reported as `client-exposed-env`.
    PublicVariable {
        var: String,
        framework: &'static str,
        prefix: &'static str,
    },
    /// The key ships to browsers; where ("in a file that ships to browsers (build output)").
    ShippedToBrowsers(String),
    /// The key is only in git history.
    HistoryOnly,
}

/// One thing the user should act on.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: FindingKind,
    /// The matching rule's name (or the check's).
    pub rule_name: String,
    pub provider: String,
    pub key_type: Option<String>,
    pub severity: Severity,
    /// Path relative to the scanned root, `/`-separated; archive members as `a.zip!inner/path`.
    pub path: String,
    /// 1-based line and column (in characters) in the original file.
    pub line: usize,
    pub column: usize,
    /// The secret, when the finding is about one (repository hygiene findings are not).
    pub secret: Option<Secret>,
    /// Bytes of the secret that are its well-known prefix (`sk-proj-`), shown when redacted.
    pub prefix_len: usize,
    pub origin: Origin,
    pub tags: Vec<Tag>,
    /// What was found and where, in a sentence, as detection (or the check) said it; what
    /// later stages found is in `annotations`, and the report puts them together.
    pub summary: String,
    pub annotations: Vec<Annotation>,
    /// What to do next.
    pub remediation: String,
    pub verification: Option<Verification>,
    /// The verifier that can check this secret live (from the matching key rule; kept when a
    /// context stage re-labels the finding, e.g. as `client-exposed-env`).
    pub verifier: Option<String>,
    /// Extra facts for reporters (HEAD status, the variable a check is about, ...); the report
    /// adds what the annotations imply.
    pub notes: Vec<String>,
    /// Why the value is public by design (a publishable key, an anon key, a DSN), for findings
    /// reported with `--include-public`; `None` for secrets.
    pub public: Option<String>,
    /// For a low-entropy secret ([`is_low_entropy`]): where it is assigned, without its value
    /// (the name a generic `name = value` assigns, a connection string's user and host). Part
    /// of its fingerprint in place of the secret.
    pub context: Option<String>,
    /// Which of the findings with the same rule, path, context and origin (working tree,
    /// staged, or the commit that introduced it) this one is, from 1 in line order (see
    /// `scan::number_findings`). Part of a low-entropy secret's fingerprint.
    pub ordinal: u32,
}

impl Finding {
    /// A finding for a secret matched by `rule`.
    pub fn for_secret(
        rule: &Rule,
        secret: &str,
        path: &str,
        line: usize,
        column: usize,
        origin: Origin,
    ) -> Finding {
        let prefix_len = known_prefix_len(rule, secret);
        let what = match &rule.key_type {
            Some(t) => format!("{} ({t})", rule.name),
            None => rule.name.clone(),
        };
        Finding {
            kind: FindingKind::Key {
                rule: rule.id.clone(),
            },
            rule_name: rule.name.clone(),
            provider: rule.provider.clone(),
            key_type: rule.key_type.clone(),
            severity: rule.severity,
            path: path.to_string(),
            line,
            column,
            secret: Some(Secret::of_rule(rule, secret)),
            prefix_len,
            origin,
            tags: Vec::new(),
            summary: what,
            annotations: Vec::new(),
            remediation: rule.remediation.clone(),
            verification: None,
            verifier: rule.verify.clone(),
            notes: Vec::new(),
            public: None,
            context: None,
            ordinal: 1,
        }
    }

    /// The secret as shown to users: redacted unless `no_redact`.
    pub fn shown_secret(&self, no_redact: bool) -> Option<String> {
        self.secret.as_ref().map(|s| {
            if no_redact {
                s.expose().to_string()
            } else {
                s.redacted(self.prefix_len)
            }
        })
    }

    /// The id the finding is reported under: the key's rule, or the check's (a key in a public
    /// env variable is reported as `client-exposed-env`).
    pub fn rule_id(&self) -> &str {
        match (&self.kind, self.exposed_as()) {
            (_, Some(c)) => c.as_str(),
            (FindingKind::Key { rule }, None) => rule,
            (FindingKind::Check(c), None) => c.as_str(),
        }
    }

    /// The name of what [`Finding::rule_id`] names.
    pub fn reported_name(&self) -> &str {
        match self.exposed_as() {
            Some(c) => c.check().name,
            None => &self.rule_name,
        }
    }

    /// The check a key finding is reported under, when an annotation decided so.
    pub fn exposed_as(&self) -> Option<CheckId> {
        self.annotations
            .iter()
            .any(|a| matches!(a, Annotation::PublicVariable { .. }))
            .then_some(CheckId::ClientExposedEnv)
    }

    /// The built-in check the finding is reported under, if any.
    pub fn check_id(&self) -> Option<CheckId> {
        match self.kind {
            FindingKind::Check(c) => Some(c),
            FindingKind::Key { .. } => self.exposed_as(),
        }
    }

    /// The key's own rule, for a finding about a key.
    pub fn key_rule(&self) -> Option<&str> {
        match &self.kind {
            FindingKind::Key { rule } => Some(rule),
            FindingKind::Check(_) => None,
        }
    }

    /// A finding about a key (not one of a check about a file).
    pub fn is_key(&self) -> bool {
        matches!(self.kind, FindingKind::Key { .. })
    }

    pub fn annotate(&mut self, a: Annotation) {
        self.annotations.push(a);
    }

    /// The finding's path from the repository's top, for a scan rooted at `repo_prefix` (`web/`)
    /// in it: `web/db.env`; a hygiene finding about `../.gitignore` is about `.gitignore`.
    pub fn repo_path(&self, repo_prefix: &str) -> String {
        let joined = format!("{repo_prefix}{}", self.path);
        if !joined.contains("..") {
            return joined;
        }
        let mut parts: Vec<&str> = Vec::new();
        for p in joined.split('/') {
            match p {
                ".." if parts.last().is_some_and(|l| *l != "..") => {
                    parts.pop();
                }
                "." => {}
                _ => parts.push(p),
            }
        }
        parts.join("/")
    }

    /// Stable identity of a finding, for baselines: it survives line moves, rebases and
    /// squashes, never contains the secret, needs no key (a baseline committed from a laptop
    /// matches on a fresh CI runner), and cannot be used to test guesses of a secret offline.
    /// `repo_prefix` is the scan root's path inside its repository (`web/`, see
    /// `scan::location::repo_prefix`), so `scan web/` and `scan .` agree.
    ///
    /// - A secret a provider drew at random (the large majority of rules): domain-separated
    ///   SHA-256 of rule + secret + repository path. A different secret on the same line is new.
    ///   Guessing a 20+ character random body is infeasible, so the hash gives nothing away.
    /// - A secret a person may have chosen ([`Secret::is_opaque`], see [`is_low_entropy`]): the
    ///   secret is not hashed at all. Rule + repository path + [`Finding::context`] (the
    ///   assigned name) + [`Finding::ordinal`]. The trade-off: a password changed at the same
    ///   name stays baselined (docs/hardening.md).
    pub fn fingerprint(&self, repo_prefix: &str) -> String {
        let repo_path = self.repo_path(repo_prefix);
        let mut h = Sha256::new();
        let field = |h: &mut Sha256, b: &[u8]| {
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        };
        match &self.secret {
            Some(s) if s.is_opaque() => {
                h.update(b"keyhound-fp-v3/assignment\0");
                field(&mut h, self.rule_id().as_bytes());
                field(&mut h, repo_path.as_bytes());
                field(&mut h, self.context.as_deref().unwrap_or("").as_bytes());
                field(&mut h, &self.ordinal.max(1).to_be_bytes());
            }
            secret => {
                h.update(b"keyhound-fp-v3/secret\0");
                field(&mut h, self.rule_id().as_bytes());
                field(&mut h, repo_path.as_bytes());
                field(
                    &mut h,
                    secret.as_ref().map_or(&b""[..], |s| s.expose().as_bytes()),
                );
            }
        }
        hex(&h.finalize()[..16])
    }

    /// An identity for code-scanning alerts (SARIF `partialFingerprints`) that depends on no
    /// secret and no key, so it is the same on every CI runner: rule + repository path + which
    /// of that rule's findings in that path this is (`ordinal`, in report order).
    pub fn location_fingerprint(&self, repo_prefix: &str, ordinal: usize) -> String {
        let mut h = Sha256::new();
        h.update(b"keyhound-location-v1\0");
        h.update(self.rule_id().as_bytes());
        h.update(b"\0");
        h.update(self.repo_path(repo_prefix).as_bytes());
        h.update(b"\0");
        h.update(ordinal.to_string().as_bytes());
        hex(&h.finalize()[..16])
    }

    /// The key was verified and authenticated: it must be rotated first.
    pub fn is_live(&self) -> bool {
        self.verification
            .as_ref()
            .is_some_and(|v| v.status.is_live())
    }

    pub fn has_tag(&self, t: Tag) -> bool {
        self.tags.contains(&t)
    }

    pub fn add_tag(&mut self, t: Tag) {
        if !self.has_tag(t) {
            self.tags.push(t);
            self.tags.sort();
        }
    }

    /// Marks the finding as a public-by-design value: severity `info`, and why in its message.
    pub fn mark_public(&mut self, why: &str) {
        self.severity = Severity::Info;
        self.public = Some(why.to_string());
        self.annotate(Annotation::PublicByDesign(why.to_string()));
    }

    /// Adds a fact (from the rule's per-match check) to the message: "Supabase key (role anon)".
    pub fn add_fact(&mut self, fact: &str) {
        self.annotate(Annotation::Fact(fact.to_string()));
    }

    pub fn commit(&self) -> Option<&CommitInfo> {
        match &self.origin {
            Origin::Commit(c) => Some(c),
            _ => None,
        }
    }
}

/// 1-based (line, column) of each byte offset in `hay`; `offsets` must be sorted ascending.
/// Columns count characters (UTF-8 lead bytes), so they match what an editor shows.
pub fn locate(hay: &[u8], offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut line_start, mut pos) = (1usize, 0usize, 0usize);
    // Characters counted so far on the current line, up to `col_pos`: several matches on one
    // multi-megabyte minified line are counted incrementally, not each from the line start.
    let (mut col_pos, mut col) = (0usize, 1usize);
    let chars = |b: &[u8]| b.iter().filter(|&&c| (c as i8) >= -0x40).count();
    for &off in offsets {
        let off = off.min(hay.len()).max(pos);
        if let Some(last_nl) = memchr::memrchr(b'\n', &hay[pos..off]) {
            line += memchr::memchr_iter(b'\n', &hay[pos..off]).count();
            line_start = pos + last_nl + 1;
        }
        pos = off;
        if col_pos < line_start {
            (col_pos, col) = (line_start, 1);
        }
        col += chars(&hay[col_pos..off]);
        col_pos = off;
        out.push((line, col));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str) -> Rule {
        crate::model::rule::builtin_rules()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    }

    fn found(rule_id: &str, secret: &str, context: Option<&str>) -> Finding {
        let mut f =
            Finding::for_secret(&rule(rule_id), secret, "db.env", 1, 1, Origin::WorkingTree);
        f.context = context.map(str::to_string);
        f
    }

    #[test]
    fn one_classification_decides_redaction_and_fingerprint() {
        // Passwords and generic values: nothing shown, the value not in the fingerprint.
        for (id, a, b, ctx) in [
            (
                "generic-secret",
                "Kx9-summer-2024",
                "Zq4-winter-1999",
                "DB_PASSWORD",
            ),
            (
                "postgres-uri-password",
                "Kx9-summer-2024",
                "Zq4-winter-1999",
                "app@db.corp",
            ),
        ] {
            assert!(is_low_entropy(&rule(id), a), "{id}");
            let (fa, fb) = (found(id, a, Some(ctx)), found(id, b, Some(ctx)));
            assert_eq!(fa.shown_secret(false).unwrap(), OPAQUE);
            assert_eq!(fa.fingerprint(""), fb.fingerprint(""), "{id}");
            // Another name, another place, another ordinal: another fingerprint.
            assert_ne!(fa.fingerprint(""), found(id, a, Some("X")).fingerprint(""));
            assert_ne!(fa.fingerprint(""), fa.fingerprint("web/"));
            let mut second = fa.clone();
            second.ordinal = 2;
            assert_ne!(fa.fingerprint(""), second.fingerprint(""));
        }
        // A provider key with a random body: part of it shown, and hashed.
        let id = "openai-project-key";
        let key = |c: char| {
            format!(
                "sk-proj-{}T3BlbkFJ{}",
                c.to_string().repeat(20),
                "q".repeat(20)
            )
        };
        assert!(!is_low_entropy(&rule(id), &key('a')));
        let (fa, fb) = (found(id, &key('a'), None), found(id, &key('b'), None));
        assert_ne!(fa.shown_secret(false).unwrap(), OPAQUE);
        assert_ne!(fa.fingerprint(""), fb.fingerprint(""));
        // Repository paths: `scan web/` (path `db.env`) and `scan .` (path `web/db.env`) agree.
        let mut top = fa.clone();
        top.path = "web/db.env".to_string();
        assert_eq!(fa.fingerprint("web/"), top.fingerprint(""));
        // A secret under 8 characters shows nothing whatever its rule, so it is not hashed.
        assert!(is_low_entropy(&rule(id), "short"));
    }

    #[test]
    fn redaction_keeps_prefix_and_hides_the_body() {
        let s = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        let r = redact(s, 8);
        assert_eq!(r, "sk-proj-Ab…789");
        assert!(r.len() < s.len() / 2);
        assert_eq!(redact("short", 0), "…");
        assert_eq!(
            redact("-----BEGIN RSA PRIVATE KEY-----\nMIIE", 0),
            "-----BEGIN RSA PRIVATE KEY-----…"
        );
        // A short secret shows at most a third of itself.
        assert_eq!(redact("abcdefghijkl", 8), "abcd…");
    }

    #[test]
    fn locate_lines_and_columns() {
        let hay = "ab\ncé x\n\nz".as_bytes();
        let x = hay.iter().position(|&b| b == b'x').unwrap();
        let z = hay.len() - 1;
        assert_eq!(locate(hay, &[0, x, z]), vec![(1, 1), (2, 4), (4, 1)]);
        // Several matches on one line are counted incrementally.
        assert_eq!(
            locate("aé cd éf".as_bytes(), &[1, 4, 9]),
            vec![(1, 2), (1, 4), (1, 8)]
        );
        assert_eq!(
            locate(
                b"x
y",
                &[2, 2]
            ),
            vec![(2, 1), (2, 1)]
        );
    }

    #[test]
    fn pem_redaction_shows_only_the_header() {
        let body = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC";
        let escaped = format!("-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----");
        assert_eq!(redact(&escaped, 0), "-----BEGIN PRIVATE KEY-----…");
        let plain =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----");
        assert_eq!(redact(&plain, 0), "-----BEGIN RSA PRIVATE KEY-----…");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("ghp_0123456789abcdefghijABCDEFGHIJklmnop");
        assert!(!format!("{s:?}").contains("abcdefghij"));
    }
}
