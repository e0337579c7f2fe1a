//! The matcher: Aho-Corasick keyword prefilter, then windowed regex search per triggered rule.

use super::keywords::Keywords;
use super::{checksum, connstr, decode, entropy, filters, jwt, known, match_check, Match};
use crate::model::error::Error;
use crate::model::rule::{Rule, DEFAULT_LOOKBEHIND};
use regex_automata::{meta, util::syntax, Anchored, Input};
use std::sync::OnceLock;

/// What the caller knows about a blob that changes how it is scanned.
#[derive(Debug, Clone, Copy)]
pub struct ScanHints {
    /// Run generic `name = value` rules (off for lockfiles and checksum lists, whose hashes
    /// would only produce noise).
    pub generic: bool,
    /// Decode base64 runs and scan what they hold.
    pub decode_base64: bool,
}

impl Default for ScanHints {
    fn default() -> Self {
        ScanHints {
            generic: true,
            decode_base64: true,
        }
    }
}

struct Compiled {
    re: meta::Regex,
    secret: usize,
    name: Option<usize>,
    /// `user` and `host` groups of connection-string rules.
    user: Option<usize>,
    host: Option<usize>,
}

/// Named groups a rule's regex captured besides the secret.
struct MatchContext<'a> {
    /// The assigned name (generic rules).
    name: Option<&'a str>,
    /// The user and host of a connection string.
    user: Option<String>,
    host: Option<String>,
}

/// A compiled rule set. Cheap to share between threads (`&Engine` is `Sync`).
pub struct Engine {
    rules: Vec<Rule>,
    /// Compiled lazily: a pre-commit scan of one small file compiles only the rules it triggers.
    compiled: Vec<OnceLock<Compiled>>,
    prefilter: Option<Keywords>,
    /// Keyword pattern index -> rules that use that keyword.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules with no keywords: run over the whole blob.
    always: Vec<usize>,
}

/// Most bytes of a generic rule's assigned name before its keyword (`[A-Za-z0-9_.-]{0,40}` at
/// the front of `rules/generic.toml`'s regex): the anchored search starts at most this far back.
const GENERIC_NAME_HEAD: usize = 40;

/// Size limit of one compiled rule; a rule over it is a rule error, not a slow scan.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

fn rule_error(rule: &Rule, message: String) -> Error {
    Error::Rule {
        id: rule.id.clone(),
        file: None,
        line: None,
        message,
    }
}

fn compile(rule: &Rule) -> Result<Compiled, Error> {
    let re = meta::Builder::new()
        .syntax(syntax_config())
        .configure(meta::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
        .build(&rule.regex)
        .map_err(|e| rule_error(rule, format!("rule '{}': invalid regex: {e}", rule.id)))?;
    let info = re.group_info();
    let pid = regex_automata::PatternID::ZERO;
    let secret = match info.to_index(pid, "secret") {
        Some(i) => i,
        None if info.group_len(pid) > 1 => 1,
        None => {
            return Err(rule_error(
                rule,
                format!(
                    "rule '{}': the regex needs a capture group for the secret",
                    rule.id
                ),
            ))
        }
    };
    let name = info.to_index(pid, "name");
    let user = info.to_index(pid, "user");
    let host = info.to_index(pid, "host");
    Ok(Compiled {
        re,
        secret,
        name,
        user,
        host,
    })
}

/// Parses a rule's regex without compiling it: syntax errors, empty matches.
fn check_syntax(rule: &Rule) -> Result<(), Error> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&rule.regex)
        .map_err(|e| rule_error(rule, format!("rule '{}': invalid regex: {e}", rule.id)))?;
    if hir.properties().minimum_len() == Some(0) {
        return Err(rule_error(
            rule,
            format!("rule '{}': the regex can match the empty string", rule.id),
        ));
    }
    if hir.properties().explicit_captures_len() == 0 {
        return Err(rule_error(
            rule,
            format!(
                "rule '{}': the regex needs a capture group for the secret",
                rule.id
            ),
        ));
    }
    Ok(())
}

impl Engine {
    /// Builds the engine. Each rule's regex is parsed and compiled the first time a blob needs
    /// it, so a pre-commit scan of one file pays for the rules it triggers only. Rules that
    /// nothing has vouched for yet (user rules) go through [`Engine::compile_all`] first; the
    /// built-in ones through the tests.
    pub fn new(rules: Vec<Rule>) -> Result<Engine, Error> {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            rule.validate()?;
            if rule.keywords.is_empty() {
                always.push(i);
            }
            for k in &rule.keywords {
                let k = k.to_ascii_lowercase();
                match keywords.iter().position(|x| *x == k) {
                    Some(p) => keyword_rules[p].push(i),
                    None => {
                        keywords.push(k);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(Keywords::new(&keywords)?)
        };
        let compiled = rules.iter().map(|_| OnceLock::new()).collect();
        Ok(Engine {
            rules,
            compiled,
            prefilter,
            keyword_rules,
            always,
        })
    }

    /// Checks and compiles every rule now, reporting the first error: a syntax error, a regex
    /// that can match the empty string or has no capture group. Used for user rules (so a bad
    /// rule is an error at start-up, not in the middle of a scan) and by tests for the built-in
    /// ones.
    pub fn compile_all(&self) -> Result<(), Error> {
        for (i, rule) in self.rules.iter().enumerate() {
            check_syntax(rule)?;
            if self.compiled[i].get().is_none() {
                let c = compile(rule)?;
                let _ = self.compiled[i].set(c);
            }
        }
        Ok(())
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The compiled regex's heap size in bytes (for rule-size checks).
    pub fn regex_memory(&self, rule: usize) -> Result<usize, Error> {
        Ok(self.regex(rule)?.re.memory_usage())
    }

    fn regex(&self, i: usize) -> Result<&Compiled, Error> {
        if let Some(c) = self.compiled[i].get() {
            return Ok(c);
        }
        let c = compile(&self.rules[i])?;
        Ok(self.compiled[i].get_or_init(|| c))
    }

    /// Finds every secret in `hay`.
    pub fn scan(&self, hay: &[u8], hints: ScanHints) -> Vec<Match> {
        self.scan_limited(hay, hints, usize::MAX)
    }

    /// [`Engine::scan`], collecting at most about `limit` candidate matches: a file made of
    /// millions of key-shaped strings costs memory for the first ones only (the caller caps
    /// what it reports and says so).
    pub fn scan_limited(&self, hay: &[u8], hints: ScanHints, limit: usize) -> Vec<Match> {
        let mut found = self.scan_plain(hay, hints, limit);
        if hints.decode_base64 {
            let inner = ScanHints {
                decode_base64: false,
                ..hints
            };
            for run in decode::base64_runs(hay) {
                let Some(decoded) = decode::decode_printable(&hay[run.clone()]) else {
                    continue;
                };
                // Overlaps inside the decoded text are resolved there, on their own spans: two
                // rules matching one decoded key must not both survive as the same run.
                if found.len() >= limit {
                    break;
                }
                for m in self.resolve_overlaps(self.scan_plain(&decoded, inner, limit)) {
                    found.push(Match {
                        span: run.clone(),
                        decoded: true,
                        ..m
                    });
                }
            }
        }
        self.resolve_overlaps(found)
    }

    /// Where each triggered rule's regex runs: `(rule, start, end, anchored)`. Windows around
    /// keyword hits, merged per rule; for a generic rule, one anchored search per keyword hit
    /// that sits in an assigned name, starting where that name starts.
    fn windows(&self, hay: &[u8], hints: ScanHints) -> Vec<(usize, usize, usize, bool)> {
        let mut out = Vec::new();
        let mut open: Vec<Option<(usize, usize)>> = vec![None; self.rules.len()];
        let mut last_anchor: Vec<Option<usize>> = vec![None; self.rules.len()];
        if let Some(keywords) = &self.prefilter {
            // Streamed in pieces: the hits of a whole multi-megabyte blob are never held at once.
            keywords.for_each_chunk(hay, |hits| {
                for hit in hits {
                    for &r in &self.keyword_rules[hit.pattern] {
                        let rule = &self.rules[r];
                        let we = (hit.end + rule.window()).min(hay.len());
                        if rule.generic {
                            // The regex starts with the name, at most `GENERIC_NAME_HEAD` bytes
                            // before the keyword: anchored there, the search stops as soon as
                            // the text stops looking like `name = value`.
                            if !hints.generic || !filters::keyword_in_assigned_name(hay, hit.end) {
                                continue;
                            }
                            let start = filters::name_start(hay, hit.start, GENERIC_NAME_HEAD);
                            if last_anchor[r] != Some(start) {
                                last_anchor[r] = Some(start);
                                out.push((r, start, we, true));
                            }
                            continue;
                        }
                        let ws = hit.start.saturating_sub(DEFAULT_LOOKBEHIND);
                        match &mut open[r] {
                            Some((s, e)) if ws <= *e && we >= *s => {
                                *s = (*s).min(ws);
                                *e = (*e).max(we);
                            }
                            slot => {
                                if let Some((s, e)) = slot.replace((ws, we)) {
                                    out.push((r, s, e, false));
                                }
                            }
                        }
                    }
                }
            });
        }
        for (r, slot) in open.into_iter().enumerate() {
            if let Some((s, e)) = slot {
                out.push((r, s, e, false));
            }
        }
        for &r in &self.always {
            if !self.rules[r].generic || hints.generic {
                out.push((r, 0, hay.len(), false));
            }
        }
        out
    }

    fn scan_plain(&self, hay: &[u8], hints: ScanHints, limit: usize) -> Vec<Match> {
        let mut found = Vec::new();
        // Per rule, where its last anchored search's match ended: as in a window's search,
        // text a match (kept or rejected) covered is not searched again (`TOKEN: TokenType = 1`
        // is one assignment, not also `TokenType = 1`).
        let mut consumed: Vec<usize> = vec![0; self.rules.len()];
        for (r, ws, we, anchored) in self.windows(hay, hints) {
            if found.len() >= limit {
                break;
            }
            if anchored && ws < consumed[r] {
                continue;
            }
            let Ok(c) = self.regex(r) else {
                // Built-in rules are compiled in tests and user rules at start-up, so this
                // cannot happen for a rule set that got this far.
                continue;
            };
            let mut caps = c.re.create_captures();
            let mut at = ws;
            while at < we && found.len() < limit {
                let input = Input::new(hay).span(at..we);
                let input = if anchored {
                    input.anchored(Anchored::Yes)
                } else {
                    input
                };
                c.re.search_captures(&input, &mut caps);
                let Some(m) = caps.get_match() else { break };
                let next = match caps.get_group(c.secret) {
                    Some(s) if s.end > s.start => {
                        let group = |g: Option<usize>| {
                            g.and_then(|n| caps.get_group(n))
                                .map(|n| String::from_utf8_lossy(&hay[n.range()]).into_owned())
                        };
                        let name_span = c.name.and_then(|n| caps.get_group(n));
                        let name = group(c.name);
                        let shape = name_span.map(|n| filters::GenericMatch {
                            name: &hay[n.range()],
                            between: &hay[n.end.min(s.start)..s.start],
                            before_name: n.start.checked_sub(1).map(|i| hay[i]),
                            after_value: &hay[s.end..(s.end + 64).min(hay.len())],
                        });
                        let bad_shape = self.rules[r].generic
                            && shape.is_some_and(|m| filters::is_unlikely_generic_shape(&m));
                        let context = MatchContext {
                            name: name.as_deref(),
                            user: group(c.user),
                            host: group(c.host),
                        };
                        // A generic match that is not an assignment (`List<Token> x`,
                        // `f(token, x)`) is skipped.
                        let accepted = if bad_shape {
                            None
                        } else {
                            self.accept(r, &hay[s.range()], &context)
                        };
                        if let Some((secret, verdict)) = accepted {
                            let context = match (&context.user, &context.host) {
                                (None, None) => context.name.map(str::to_string),
                                (user, host) => Some(format!(
                                    "{}@{}",
                                    user.as_deref().unwrap_or(""),
                                    host.as_deref().unwrap_or("")
                                )),
                            };
                            found.push(Match {
                                rule: r,
                                span: s.range(),
                                secret,
                                decoded: false,
                                verdict,
                                context,
                            });
                        }
                        s.end
                    }
                    _ => m.end(),
                };
                if anchored {
                    consumed[r] = next;
                    break;
                }
                at = if next > at { next } else { at + 1 };
            }
        }
        found
    }

    /// Applies a rule's entropy, checksum and placeholder filters, the well-known-example list
    /// and the rule's per-match check to a candidate secret.
    fn accept(
        &self,
        r: usize,
        raw: &[u8],
        cx: &MatchContext<'_>,
    ) -> Option<(String, Option<match_check::Verdict>)> {
        let rule = &self.rules[r];
        let secret = String::from_utf8_lossy(raw).into_owned();
        if let Some(min) = rule.min_entropy {
            if entropy::shannon(raw) < min {
                return None;
            }
        }
        if let Some(kind) = rule.checksum {
            if !checksum::valid(kind, &secret) {
                return None;
            }
        }
        if filters::is_placeholder(&secret) {
            return None;
        }
        if let Some(f) = rule.filter {
            // A password also gets its own placeholder list (`postgres:postgres`,
            // `${DB_PASSWORD}`) and the rule's side of the local/remote host split.
            if !connstr::keep(f, cx.user.as_deref(), &secret, cx.host.as_deref()) {
                return None;
            }
        }
        if filters::is_published_example(&secret) {
            return None;
        }
        if rule.generic && filters::is_unlikely_generic_value(&secret, cx.name) {
            return None;
        }
        if known::well_known(&secret).is_some() {
            return None;
        }
        let verdict = match rule.check {
            Some(check) => Some(match_check::run(check, &secret, cx.name, jwt::now())?),
            None => None,
        };
        Some((secret, verdict))
    }

    /// Keeps one match per overlapping span: specific rules beat generic ones, then the longer
    /// match, then the rule listed first. Several secrets decoded from one base64 run all stay.
    fn resolve_overlaps(&self, mut found: Vec<Match>) -> Vec<Match> {
        found.sort_by(|a, b| {
            (a.span.start, b.span.end, a.rule, &a.secret).cmp(&(
                b.span.start,
                a.span.end,
                b.rule,
                &b.secret,
            ))
        });
        found.dedup_by(|a, b| a.span == b.span && a.rule == b.rule && a.secret == b.secret);
        // Generic rules lose, and so does the catch-all JWT rule to a provider's JWT rule.
        let rank = |m: &Match| {
            let rule = &self.rules[m.rule];
            (
                !rule.generic,
                rule.check != Some(crate::model::rule::MatchCheck::Jwt),
                m.span.len(),
                std::cmp::Reverse(m.rule),
            )
        };
        let mut kept: Vec<Match> = Vec::with_capacity(found.len());
        'next: for m in found {
            // Only the most recent kept matches can overlap: spans are sorted by start.
            for k in kept.iter_mut().rev() {
                if k.span.end <= m.span.start {
                    break;
                }
                if m.decoded && k.decoded && m.span == k.span {
                    continue;
                }
                if rank(&m) > rank(k) {
                    *k = m;
                }
                continue 'next;
            }
            kept.push(m);
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rule::builtin_rules;

    fn engine() -> Engine {
        Engine::new(builtin_rules()).unwrap()
    }

    #[test]
    fn every_builtin_rule_compiles() {
        engine().compile_all().unwrap();
    }

    #[test]
    fn rejects_empty_matching_and_groupless_rules() {
        let mut r = builtin_rules().remove(0);
        r.regex = "(a*)".into();
        let checked = |r: Rule| {
            Engine::new(vec![r])
                .and_then(|e| e.compile_all())
                .err()
                .map(|e| e.to_string())
        };
        let err = checked(r.clone()).unwrap();
        assert!(err.contains("empty string"), "{err}");
        r.regex = "abc".into();
        let err = checked(r).unwrap();
        assert!(err.contains("capture group"), "{err}");
    }

    #[test]
    fn nothing_in_plain_text() {
        let e = engine();
        assert!(e
            .scan(b"fn main() { println!(\"hello\"); }", ScanHints::default())
            .is_empty());
    }
}
