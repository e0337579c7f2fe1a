//! `keyhound doctor`: the "my OpenAI key stopped working" checklist as a command.
//!
//! It looks at `OPENAI_API_KEY` in the environment and in `.env` / `.env.local` of the current
//! directory (and `--env-file`), reports every problem it sees with the fix, explains the key
//! type, checks `OPENAI_ORG_ID` / `OPENAI_PROJECT_ID`, then (unless `--offline`) makes one live
//! call and explains the verdict. It only ever prints redacted forms of the key.
//!
//! Every documented OpenAI error gets its own cause and fix ([`advice`]); `--model NAME` checks
//! that the key's project may use a model; [`deploy`] names where an old value can hide once
//! the app is deployed and compares fingerprints of every value it can see.
//!
//! Exit codes: 0 the key works (offline: no problem found), 1 a key or configuration problem,
//! 2 keyhound could not run the check (bad arguments, OpenAI unreachable or answering 5xx).

use crate::detect::{filters, Engine, ScanHints};
use crate::diag::Warnings;
use crate::model::error::Error;
use crate::model::finding::{redact, Secret};
use crate::verify::{self, Client, Endpoints, Settings};
use advice::{Cause, Level, Sent};
use report::{Examination, KeySeen, Notes};
use std::io::Write;
use std::path::PathBuf;

mod advice;
mod deploy;
mod report;

const VAR: &str = "OPENAI_API_KEY";
const ORG_VAR: &str = "OPENAI_ORG_ID";
const PROJECT_VAR: &str = "OPENAI_PROJECT_ID";

/// Names people set instead of `OPENAI_API_KEY` (besides case and separator variants, and
/// anything one or two typos away, which are found by comparison).
const MISSPELLINGS: &[&str] = &[
    "OPENAI_KEY",
    "OPEN_AI_KEY",
    "OPENAI_TOKEN",
    "OPENAI_API_TOKEN",
    "OPENAI_SECRET",
    "OPENAI_SECRET_KEY",
    "OPENAI_API_SECRET",
    "OPENAI_ACCESS_KEY",
    "OPENAPI_KEY",
    "OPENAPI_API_KEY",
    "CHATGPT_API_KEY",
    "OPENAI_API_KEYS",
];

/// Variables that are right as they are, though close to `OPENAI_API_KEY`.
const LEGITIMATE: &[&str] = &[
    VAR,
    ORG_VAR,
    PROJECT_VAR,
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "AZURE_OPENAI_API_KEY",
];

/// What `keyhound doctor` was asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// An env file to inspect besides `.env` and `.env.local` of the current directory.
    pub env_file: Option<PathBuf>,
    /// No network call.
    pub offline: bool,
    /// `openai=URL`: where the live check goes instead of the official host.
    pub verify_endpoint: Vec<String>,
    /// `--model NAME`: also check that the key's project may use this model.
    pub model: Option<String>,
}

/// `keyhound doctor` from the command line: prints to stdout, returns the exit code.
pub fn run_cli(args: &Options) -> Result<u8, Error> {
    let endpoints = Endpoints::parse(&args.verify_endpoint)?;
    let dir = std::env::current_dir().map_err(|source| Error::Stream {
        what: "current directory",
        source,
    })?;
    let env: Vec<(String, String)> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let warnings = Warnings::new(false);
    let settings = Settings::from_env(&warnings);
    let engine = Engine::new(crate::model::rule::builtin_rules())?;
    let mut out = Vec::new();
    let code = Doctor {
        env,
        dir,
        env_file: args.env_file.clone(),
        offline: args.offline,
        model: args.model.clone(),
        client: Client::new(settings, endpoints),
        engine,
    }
    .run(&mut out)?;
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let _ = lock.write_all(&out).and_then(|_| lock.flush());
    Ok(code)
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Env,
    File { path: String, line: usize },
}

impl Place {
    fn label(&self) -> String {
        match self {
            Place::Env => "the environment".to_string(),
            Place::File { path, line } => format!("{path} (line {line})"),
        }
    }
}

/// One `NAME=value` seen somewhere.
#[derive(Debug, Clone)]
struct Setting {
    name: String,
    /// As the program that reads it would get it (dotenv quoting applied for files).
    value: String,
    place: Place,
    /// A quote opened and never closed (files only).
    unclosed_quote: bool,
}

/// Everything the doctor needs, so tests could drive it without a process environment.
pub struct Doctor {
    pub env: Vec<(String, String)>,
    pub dir: PathBuf,
    pub env_file: Option<PathBuf>,
    pub offline: bool,
    /// `--model NAME`: also check that the key's project may use this model.
    pub model: Option<String>,
    pub client: Client,
    pub engine: Engine,
}

impl Doctor {
    /// Runs every check, writes the report, returns the exit code.
    pub fn run(&self, out: &mut dyn Write) -> Result<u8, Error> {
        let exam = self.examine()?;
        report::render(&exam, out).map_err(io)?;
        Ok(exam.exit_code())
    }

    /// Runs every check: where the key is set, its value, the ids sent with it, the live call
    /// and the deploy places.
    fn examine(&self) -> Result<Examination, Error> {
        let mut r = Notes::default();
        let settings = self.collect()?;
        let of =
            |name: &str| -> Vec<&Setting> { settings.iter().filter(|s| s.name == name).collect() };
        let keys = of(VAR);
        let set: Vec<&Setting> = keys
            .iter()
            .copied()
            .filter(|s| !s.value.trim().is_empty())
            .collect();

        // Where the key is, and which copy a program would use.
        for s in &keys {
            if s.value.trim().is_empty() {
                r.problem(
                    format!("{VAR} is set but empty in {}", s.place.label()),
                    format!("put the key in it, or remove the empty {VAR}= line so it does not hide another value"),
                );
            }
        }
        if keys.is_empty() {
            r.problem(
                format!("{VAR} is not set: not in the environment, not in .env or .env.local here"),
                format!("export {VAR}=sk-proj-… in your shell profile or deployment, or add it to .env and load .env in your app"),
            );
        }
        self.misspellings(&settings, !set.is_empty(), &mut r);
        let effective = set.first().copied();
        if let Some(s) = effective {
            if s.place != Place::Env {
                r.info(format!(
                    "{VAR} is only in {}: your program sees it only if it loads that file (python-dotenv, dotenv, your framework)",
                    s.place.label()
                ));
            }
        }
        for (i, s) in set.iter().enumerate() {
            self.check_value(s, i == 0, &mut r);
        }
        self.disagreements(&set, &mut r);
        let org = self.check_id(&of(ORG_VAR), ORG_VAR, "org-", &mut r);
        let project = self.check_id(&of(PROJECT_VAR), PROJECT_VAR, "proj_", &mut r);
        let sent = Sent {
            org: org.map(|v| (v, of(ORG_VAR)[0].place.label())),
            project: project.map(|v| (v, of(PROJECT_VAR)[0].place.label())),
            model: self.model.clone(),
        };

        // The live calls.
        let mut verdict = None;
        if let Some(s) = effective {
            let key = clean(&s.value);
            if self.offline {
                r.info("--offline: no live check made");
            } else if let Some(p) = self.other_provider(&key) {
                r.info(format!("no live check: the value is a {p} key, and sending it to OpenAI would tell nothing"));
            } else if !key.is_empty() {
                verdict = Some(self.live_check(&key, &sent, &mut r));
            }
        }
        deploy::check(
            &self.dir,
            &self.env,
            effective.map(|s| clean(&s.value)).as_deref(),
            &self.engine,
            &mut r,
        );

        let keys = keys
            .iter()
            .map(|s| KeySeen {
                place: s.place.label(),
                shown: (!s.value.trim().is_empty()).then(|| {
                    format!(
                        "{}  fingerprint {}",
                        shown(&s.value),
                        deploy::fingerprint(&clean(&s.value))
                    )
                }),
            })
            .collect();
        Ok(Examination {
            var: VAR,
            keys,
            key_found: effective.is_some(),
            notes: r,
            verdict,
        })
    }

    /// Every setting from the environment and the env files, most authoritative first:
    /// the environment, `--env-file`, `.env.local`, `.env` (a process environment wins over
    /// dotenv files, and `.env.local` over `.env`, in the common loaders).
    fn collect(&self) -> Result<Vec<Setting>, Error> {
        let mut all: Vec<Setting> = self
            .env
            .iter()
            .map(|(k, v)| Setting {
                name: k.clone(),
                value: v.clone(),
                place: Place::Env,
                unclosed_quote: false,
            })
            .collect();
        let mut files: Vec<(PathBuf, String, bool)> = Vec::new();
        if let Some(f) = &self.env_file {
            files.push((f.clone(), f.display().to_string(), true));
        }
        files.push((self.dir.join(".env.local"), ".env.local".into(), false));
        files.push((self.dir.join(".env"), ".env".into(), false));
        for (path, label, required) in files {
            // Regular files only, size-bounded: a committed `.env -> /dev/zero` is not read.
            let present = std::fs::symlink_metadata(&path).is_ok();
            match crate::safe_io::read_regular(&path, crate::safe_io::SMALL_FILE) {
                Ok(bytes) => all.extend(parse_env_file(&String::from_utf8_lossy(&bytes), &label)),
                Err(e) if required => return Err(e),
                Err(e) if present => eprintln!("keyhound: warning: {}", e.chain()),
                Err(_) => {}
            }
        }
        Ok(all)
    }

    fn misspellings(&self, settings: &[Setting], key_set: bool, r: &mut Notes) {
        let mut seen = Vec::new();
        for s in settings {
            if seen.contains(&s.name) || !is_misspelling(&s.name) || s.value.trim().is_empty() {
                continue;
            }
            seen.push(s.name.clone());
            if key_set {
                r.info(format!(
                    "{} is also set in {}; nothing reads it (the SDKs read {VAR})",
                    s.name,
                    s.place.label()
                ));
            } else {
                r.problem(
                    format!(
                        "{} is set in {} instead of {VAR}; the OpenAI SDKs only read {VAR}",
                        s.name,
                        s.place.label()
                    ),
                    format!("rename {} to {VAR}", s.name),
                );
            }
        }
    }

    /// Whitespace, quotes, newlines, `Bearer `, format and type of one value.
    fn check_value(&self, s: &Setting, effective: bool, r: &mut Notes) {
        let v = &s.value;
        let at = s.place.label();
        if s.unclosed_quote {
            r.problem(
                format!("the value of {VAR} in {at} opens a quote that is never closed"),
                "close the quote on the same line, or remove it",
            );
        }
        let t = v.trim();
        if t.len() != v.len() {
            let what = if v.trim_end() != v.as_str() && v.ends_with(['\n', '\r']) {
                "ends with a newline"
            } else if v.trim_start().len() != v.len() && v.trim_end().len() != v.len() {
                "starts and ends with whitespace"
            } else if v.trim_start().len() != v.len() {
                "starts with whitespace"
            } else {
                "ends with whitespace"
            };
            r.problem(
                format!("the value of {VAR} in {at} {what}; it is sent as part of the key"),
                "remove it (if you set it with $(cat file), use a file without a trailing newline)",
            );
        }
        if t.contains(['\n', '\r']) || t.contains("\\n") {
            r.problem(
                format!("the value of {VAR} in {at} has a line break inside it"),
                "put the key on one line",
            );
        }
        if t.contains(['"', '\'', '`']) {
            r.problem(
                format!("the value of {VAR} in {at} contains quote characters, which become part of the key"),
                match s.place {
                    Place::Env => "set it without inner quotes: export OPENAI_API_KEY=\"sk-…\" (the shell removes one pair)".to_string(),
                    _ => "use one pair of quotes at most: OPENAI_API_KEY=\"sk-…\"".to_string(),
                },
            );
        }
        let unq = t.trim_matches(['"', '\'', '`']).trim();
        if unq.len() >= 7 && unq[..7].eq_ignore_ascii_case("bearer ") {
            r.problem(
                format!("the value of {VAR} in {at} starts with \"Bearer \""),
                "store only the key; the SDK adds \"Bearer \" to the Authorization header itself",
            );
        }
        if unq.contains(&format!("{VAR}=")) {
            r.problem(
                format!("the value of {VAR} in {at} contains \"{VAR}=\" again"),
                format!("keep one {VAR}= at the start of the line"),
            );
        }
        self.check_format(&clean(v), &at, effective, r);
    }

    /// Length, alphabet and type, decided by keyhound's own rules (the same regexes a scan uses).
    fn check_format(&self, key: &str, at: &str, effective: bool, r: &mut Notes) {
        if key.is_empty() {
            return;
        }
        let rules = self.engine.rules();
        let matches = self.engine.scan(
            key.as_bytes(),
            ScanHints {
                generic: false,
                decode_base64: false,
            },
        );
        let whole = matches.iter().find(|m| m.span == (0..key.len()));
        match whole.map(|m| &rules[m.rule]) {
            Some(rule) if rule.provider == "openai" => {
                let kind = rule.key_type.as_deref().unwrap_or("API");
                r.ok(format!("the value in {at} has the length and characters of an OpenAI {kind} key ({} characters)", key.len()));
                if effective {
                    self.explain_type(rule.key_type.as_deref().unwrap_or(""), key, r);
                }
            }
            Some(rule) => r.problem(
                format!(
                    "the value in {at} is {} {} ({}), not an OpenAI key: OpenAI would refuse it with 401 invalid_api_key",
                    crate::report::article(&rule.name),
                    rule.name,
                    rule.provider
                ),
                match advice::provider_var(&rule.provider) {
                    Some(var) => format!("move it to {var} (what {}'s SDKs read) and put an OpenAI key (from https://platform.openai.com/api-keys) in {VAR}; if the app is meant to call {} through an OpenAI-compatible client, set its base URL (OPENAI_BASE_URL) to that provider too", rule.provider, rule.provider),
                    None => format!("put an OpenAI key (from https://platform.openai.com/api-keys) in {VAR}"),
                },
            ),
            None if !matches.is_empty() => r.problem(
                format!("the value in {at} holds a key plus extra characters around it"),
                "keep only the key itself",
            ),
            None => {
                let odd: String = {
                    let mut v: Vec<char> = key
                        .chars()
                        .filter(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                        .collect();
                    v.sort();
                    v.dedup();
                    v.into_iter().collect()
                };
                let why = if odd.contains('*') || odd.contains('…') || key.contains("...") {
                    "is a shortened or masked copy of a key (it contains '*', '…' or '...')"
                        .to_string()
                } else if filters::is_placeholder(key) {
                    "looks like a placeholder from an example, not a key".to_string()
                } else if !odd.is_empty() {
                    format!(
                        "contains characters OpenAI keys never have: {}",
                        odd.chars()
                            .map(|c| format!("'{c}'"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                } else if !key.starts_with("sk-") {
                    "does not start with sk-, as OpenAI API keys do".to_string()
                } else {
                    format!("has a length ({} characters) or layout that matches no OpenAI key format: cut off, or mistyped", key.len())
                };
                r.problem(
                    format!("the value in {at} {why}"),
                    "copy the whole key again from where you saved it when it was created; OpenAI shows a key only once, so if it is lost create a new one at https://platform.openai.com/api-keys",
                );
            }
        }
    }

    fn explain_type(&self, key_type: &str, key: &str, r: &mut Notes) {
        let t = key_type.to_ascii_lowercase();
        if t.contains("admin") {
            r.problem(
                "this is an admin key: it only works on the Administration API (/v1/organization/…), not for models, chat or embeddings",
                "use a project or service-account key in applications; keep admin keys for organization management",
            );
        } else if t.contains("service") {
            r.info("key type: service-account key. It belongs to a project, not a person: the recommended kind for production servers and CI");
        } else if t.contains("project") {
            r.info("key type: project key. It only reaches its project's resources and budget, and it is tied to the user who created it (it stops working if that user leaves the project); for production, a service-account key of the project survives staff changes");
        } else if t.contains("user") || t.contains("legacy") {
            r.warn(
                "key type: legacy user key. It is tied to a person's account and all their organizations, and stops working when that person leaves or is removed",
                "for production, use a project or service-account key",
            );
        } else {
            r.info(format!(
                "key type: {} ({})",
                if key_type.is_empty() {
                    "OpenAI API key"
                } else {
                    key_type
                },
                shown(key)
            ));
        }
    }

    /// The environment and the env files hold different keys.
    fn disagreements(&self, set: &[&Setting], r: &mut Notes) {
        let Some(first) = set.first() else { return };
        let a = clean(&first.value);
        for s in &set[1..] {
            if clean(&s.value) == a {
                continue;
            }
            let (x, y) = (first.place.label(), s.place.label());
            let shown_pair = format!("{} vs {}", shown(&first.value), shown(&s.value));
            if first.place == Place::Env {
                r.warn(
                    format!("{x} and {y} hold different keys ({shown_pair}): the environment wins, so your program uses the first one"),
                    format!("if {y} has the new key, the shell or server still has the old one: run `unset {VAR}` or open a new shell, and restart the server"),
                );
            } else {
                r.warn(
                    format!(
                        "{x} and {y} hold different keys ({shown_pair}); {x} wins in most loaders"
                    ),
                    "keep the key in one file".to_string(),
                );
            }
        }
    }

    /// `OPENAI_ORG_ID` / `OPENAI_PROJECT_ID`: set, well-formed. Returns the value to send.
    fn check_id(
        &self,
        found: &[&Setting],
        name: &str,
        prefix: &str,
        r: &mut Notes,
    ) -> Option<String> {
        let s = found.first()?;
        let v = clean(&s.value);
        if v.is_empty() {
            return None;
        }
        let at = s.place.label();
        let body = v.strip_prefix(prefix);
        let well_formed =
            body.is_some_and(|b| b.len() >= 8 && b.bytes().all(|c| c.is_ascii_alphanumeric()));
        if s.value != v {
            r.problem(
                format!("{name} in {at} has whitespace or quotes around it"),
                "remove them",
            );
        }
        if well_formed {
            r.ok(format!("{name} is set ({v}) and looks right; the SDKs send it with every request, so it must be an organization/project the key belongs to"));
        } else {
            r.problem(
                // Not echoed: a malformed id is often a key pasted into the wrong variable.
                format!("{name} in {at} ({} characters) does not look like an OpenAI id (they start with {prefix})", v.chars().count()),
                format!("copy it from the OpenAI dashboard settings, or unset {name}: requests with a wrong {name} are refused"),
            );
        }
        Some(v)
    }

    /// The provider of `key` when a rule of another provider matches all of it.
    fn other_provider(&self, key: &str) -> Option<String> {
        let rules = self.engine.rules();
        let hints = ScanHints {
            generic: false,
            decode_base64: false,
        };
        self.engine
            .scan(key.as_bytes(), hints)
            .iter()
            .find(|m| m.span == (0..key.len()))
            .map(|m| &rules[m.rule])
            .filter(|rule| rule.provider != "openai")
            .map(|rule| rule.provider.clone())
    }

    /// One request with the key (and the org/project headers the SDKs would send); each
    /// documented error is explained by [`advice`]. Returns how bad the worst answer was.
    fn live_check(&self, key: &str, sent: &Sent, r: &mut Notes) -> Level {
        let v = verify::verifier("openai").expect("the openai verifier exists");
        let probe = match (v.probe)(key) {
            Ok(p) => p,
            Err(e) => {
                r.info(format!("no live check: {e}"));
                return Level::Unclear;
            }
        };
        let with_ids = |mut p: verify::Probe| {
            if let Some((o, _)) = &sent.org {
                p = p.header("openai-organization", o.clone());
            }
            if let Some((o, _)) = &sent.project {
                p = p.header("openai-project", o.clone());
            }
            p
        };
        let mut level = self.ask(key, with_ids(probe), false, sent, r);
        if let (Some(m), Level::Ok | Level::Warn) = (&sent.model, level) {
            let probe = verify::Probe::get(format!("/v1/models/{m}")).bearer(key);
            let l = self.ask(key, with_ids(probe), true, sent, r);
            if l != Level::Ok {
                level = l;
            }
        }
        level
    }

    /// Sends one probe and reports what the answer means.
    fn ask(
        &self,
        key: &str,
        probe: verify::Probe,
        model: bool,
        sent: &Sent,
        r: &mut Notes,
    ) -> Level {
        let v = verify::verifier("openai").expect("the openai verifier exists");
        let base = self.client.endpoints.base(v);
        let head = format!("live check (GET {}{})", base.url, probe.path);
        let reply = match self.client.ask(v, &Secret::new(key), &probe) {
            Ok(reply) => reply,
            Err(e) => {
                let a = advice::advise(&Cause::Unclear, sent);
                r.warn(format!("{head}: {e}. {}", a.what), a.fix);
                return Level::Unclear;
            }
        };
        let cause = Cause::of(&reply, model);
        let a = advice::advise(&cause, sent);
        let detail = verify::clean_detail(&reply.error().detail(), key);
        let head = if detail.is_empty() || cause == Cause::Works {
            format!("{head}: HTTP {}", reply.status)
        } else {
            format!("{head}: HTTP {} ({detail})", reply.status)
        };
        match a.level {
            Level::Ok if model => r.ok(format!(
                "{head}: the key's project can use {}",
                sent.model.as_deref().unwrap_or("")
            )),
            Level::Ok => {
                r.ok(format!("{head}: {}", a.what));
                r.info("the key works. If your program still fails, it reads a different value (see above and the deploy lines) or runs with an old environment: restart it. Listing models works even with no credit left; 429 insufficient_quota on real calls means billing");
            }
            Level::Warn | Level::Unclear => r.warn(format!("{head}. {}", a.what), a.fix),
            Level::Problem => r.problem(format!("{head}. {}", a.what), a.fix),
        }
        a.level
    }
}

fn io(source: std::io::Error) -> Error {
    Error::Stream {
        what: "writing the report",
        source,
    }
}

/// Redacted form with the length, for display.
fn shown(v: &str) -> String {
    let k = clean(v);
    let prefix = k.as_bytes()[..k.len().min(12)]
        .iter()
        .rposition(|b| matches!(b, b'-' | b'_'))
        .map_or(0, |i| i + 1);
    format!("{} ({} characters)", redact(&k, prefix), v.chars().count())
}

/// The value as it was meant: whitespace, quotes, `Bearer ` and literal `\n` removed.
fn clean(v: &str) -> String {
    let mut t = v.trim().trim_matches(['"', '\'', '`']).trim();
    if t.len() >= 7 && t[..7].eq_ignore_ascii_case("bearer ") {
        t = t[7..].trim();
    }
    t.trim_end_matches("\\n").trim().to_string()
}

/// `OPENAI_KEY`, `openai_api_key`, `OPEN_AI_API_KEY`, `OPENAI_API_KYE`, ...
fn is_misspelling(name: &str) -> bool {
    if LEGITIMATE.contains(&name) {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    if MISSPELLINGS.contains(&upper.as_str()) {
        return true;
    }
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase()
    };
    if squash(name) == squash(VAR) {
        return true;
    }
    distance(&upper, VAR) <= 2
}

/// Levenshtein distance (short strings).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Parses an env file the way dotenv loaders do: `NAME=value`, optional `export `, `#`
/// comments, single quotes literal, double quotes with `\n` escapes and multi-line values,
/// unquoted values trimmed and cut at ` #`. Later lines win.
fn parse_env_file(text: &str, label: &str) -> Vec<Setting> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<Setting> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i].trim_start();
        i += 1;
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim().to_string();
        if name.is_empty() || name.contains(' ') {
            continue;
        }
        let rest = rest.trim_start();
        let (value, unclosed) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut body = rest[1..].to_string();
                loop {
                    if let Some(end) = closing_quote(&body, q) {
                        body.truncate(end);
                        break (body, false);
                    }
                    // Multi-line values continue until the closing quote.
                    match lines.get(i) {
                        Some(next) if lines[i..].iter().any(|l| l.contains(q)) => {
                            body.push('\n');
                            body.push_str(next);
                            i += 1;
                        }
                        _ => break (format!("{q}{}", rest[1..].trim_end_matches('\r')), true),
                    }
                }
            }
            _ => {
                let v = match rest.find(" #") {
                    Some(p) => &rest[..p],
                    None => rest,
                };
                (v.trim().to_string(), false)
            }
        };
        let value = if rest.starts_with('"') && !unclosed {
            value.replace("\\n", "\n").replace("\\\"", "\"")
        } else {
            value
        };
        out.retain(|s| s.name != name);
        out.push(Setting {
            name,
            value,
            place: Place::File {
                path: label.to_string(),
                line: lineno,
            },
            unclosed_quote: unclosed,
        });
    }
    out
}

/// Index of the closing quote `q` in `s` (a backslash escapes a double quote).
fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if q == '"' && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == q && !escaped {
            return Some(i);
        }
        escaped = false;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_parsing() {
        let text = "# c\nexport A=1\nB = \"two words\" # note\nC='lit\\n'\nD=\"x\\ny\"\nE=plain # comment\nF=\"multi\nline\"\nG=\"open\nA=3\n";
        let s = parse_env_file(text, ".env");
        let get = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.value.clone());
        assert_eq!(get("A").as_deref(), Some("3"));
        assert_eq!(get("B").as_deref(), Some("two words"));
        assert_eq!(get("C").as_deref(), Some("lit\\n"));
        assert_eq!(get("D").as_deref(), Some("x\ny"));
        assert_eq!(get("E").as_deref(), Some("plain"));
        assert_eq!(get("F").as_deref(), Some("multi\nline"));
        let g = s.iter().find(|x| x.name == "G").unwrap();
        assert!(g.unclosed_quote);
    }

    #[test]
    fn misspellings() {
        for n in [
            "OPENAI_KEY",
            "OPEN_AI_API_KEY",
            "OPENAI_APIKEY",
            "openai_api_key",
            "OPENAI_API_KYE",
            "OPENAI-API-KEY",
        ] {
            assert!(is_misspelling(n), "{n}");
        }
        for n in [
            "OPENAI_API_KEY",
            "OPENAI_ORG_ID",
            "PATH",
            "ANTHROPIC_API_KEY",
            "AZURE_OPENAI_API_KEY",
        ] {
            assert!(!is_misspelling(n), "{n}");
        }
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("  \"Bearer sk-abc\"\n"), "sk-abc");
        assert_eq!(clean("sk-abc\\n"), "sk-abc");
    }
}
