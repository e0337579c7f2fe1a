//! Static checks of every built-in rule's regex, so that a rule mistake fails the build's tests
//! rather than silently missing keys or slowing scans down:
//!
//! - no rule can match the empty string;
//! - no compiled rule is outsized (`Engine::regex_memory`);
//! - every match of a rule's regex contains one of its keywords (case-insensitively). The
//!   engine only runs a rule's regex near keyword hits, so a match without a keyword would be
//!   a key the scanner silently skips;
//! - every match fits in the window the engine searches around a keyword hit.
//!
//! The keyword check is derived from the regex's HIR (Unicode off, as the engine compiles it)
//! and is sound but conservative: it proves coverage from finite sets of strings the parts of a
//! pattern can match. A rule it cannot prove fails with an explanation; rewrite the rule (or
//! its keywords) so every alternative carries a keyword literally.

use keyhound::engine::Engine;
use keyhound::rules::{builtin_rules, Rule, DEFAULT_LOOKBEHIND};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::BTreeSet;

/// Largest heap size of one compiled rule. The current rules use well under this; a rule over
/// it is usually an unbounded or Unicode-heavy class that also slows every scan.
const MAX_REGEX_BYTES: usize = 2 << 20;
/// Largest finite string set tracked per HIR node before it counts as "too many to list".
const MAX_SET: usize = 4096;

fn parse(rule: &Rule) -> Hir {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&rule.regex)
        .unwrap_or_else(|e| panic!("rule '{}': invalid regex: {e}", rule.id))
}

/// What is known about the strings one HIR node matches (all lowercased).
#[derive(Debug, Clone)]
struct Summary {
    /// Every string this node matches contains a keyword.
    covered: bool,
    /// Every string this node matches, when there are at most `MAX_SET` of them.
    exact: Option<BTreeSet<Vec<u8>>>,
}

struct KeywordCheck {
    keywords: Vec<Vec<u8>>,
}

impl KeywordCheck {
    fn new(keywords: &[String]) -> KeywordCheck {
        KeywordCheck {
            keywords: keywords
                .iter()
                .map(|k| k.to_ascii_lowercase().into_bytes())
                .collect(),
        }
    }

    fn contains_keyword(&self, s: &[u8]) -> bool {
        self.keywords
            .iter()
            .any(|k| s.windows(k.len()).any(|w| w == k.as_slice()))
    }

    fn exact(&self, set: BTreeSet<Vec<u8>>) -> Summary {
        Summary {
            covered: set.iter().all(|s| self.contains_keyword(s)),
            exact: Some(set),
        }
    }

    fn inexact(covered: bool) -> Summary {
        Summary {
            covered,
            exact: None,
        }
    }

    fn summarize(&self, hir: &Hir) -> Summary {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => self.exact(BTreeSet::from([Vec::new()])),
            HirKind::Literal(lit) => self.exact(BTreeSet::from([lit.0.to_ascii_lowercase()])),
            HirKind::Class(class) => match class_bytes(class) {
                Some(bytes) => self.exact(bytes.into_iter().map(|b| vec![b]).collect()),
                None => Self::inexact(false),
            },
            HirKind::Capture(cap) => self.summarize(&cap.sub),
            HirKind::Repetition(rep) => {
                let sub = self.summarize(&rep.sub);
                let exact = match (&sub.exact, rep.max) {
                    (Some(set), Some(max)) => repeat(set, rep.min, max),
                    _ => None,
                };
                match exact {
                    Some(set) => self.exact(set),
                    // Zero repetitions match the empty string, which holds no keyword.
                    None => Self::inexact(rep.min >= 1 && sub.covered),
                }
            }
            HirKind::Alternation(alts) => {
                let subs: Vec<Summary> = alts.iter().map(|h| self.summarize(h)).collect();
                let mut union = BTreeSet::new();
                let mut exact = true;
                for s in &subs {
                    match &s.exact {
                        Some(set) if exact && union.len() + set.len() <= MAX_SET => {
                            union.extend(set.iter().cloned())
                        }
                        _ => exact = false,
                    }
                }
                if exact {
                    self.exact(union)
                } else {
                    Self::inexact(subs.iter().all(|s| s.covered))
                }
            }
            HirKind::Concat(parts) => self.concat(parts),
        }
    }

    /// A concatenation is covered when one part is, or when the strings of a run of adjacent
    /// finite parts, joined, all hold a keyword (a keyword may span parts: `sk-(?:proj)-`).
    fn concat(&self, parts: &[Hir]) -> Summary {
        let subs: Vec<Summary> = parts.iter().map(|h| self.summarize(h)).collect();
        let mut covered = subs.iter().any(|s| s.covered);
        let mut all_exact = true;
        let mut run: Option<BTreeSet<Vec<u8>>> = None;
        for s in &subs {
            match &s.exact {
                Some(set) => {
                    let joined = match &run {
                        Some(prev) => product(prev, set).or_else(|| {
                            // Too many combinations: keep only this part's strings and lose
                            // the exact whole (sound: we only ever under-claim coverage).
                            all_exact = false;
                            Some(set.clone())
                        }),
                        None => Some(set.clone()),
                    };
                    if let Some(j) = &joined {
                        if j.iter().all(|x| self.contains_keyword(x)) {
                            covered = true;
                        }
                    }
                    run = joined;
                }
                None => {
                    all_exact = false;
                    run = None;
                }
            }
        }
        match run {
            Some(set) if all_exact => {
                let mut s = self.exact(set);
                s.covered |= covered;
                s
            }
            _ => Self::inexact(covered),
        }
    }
}

/// The lowercased bytes a class matches, when the class is ASCII-only and small.
fn class_bytes(class: &Class) -> Option<BTreeSet<u8>> {
    let mut out = BTreeSet::new();
    let mut add = |lo: u32, hi: u32| -> Option<()> {
        if hi > 0xFF || hi - lo > 255 {
            return None;
        }
        for c in lo..=hi {
            out.insert((c as u8).to_ascii_lowercase());
        }
        Some(())
    };
    match class {
        Class::Bytes(c) => {
            for r in c.ranges() {
                add(r.start() as u32, r.end() as u32)?;
            }
        }
        Class::Unicode(c) => {
            for r in c.ranges() {
                add(r.start() as u32, r.end() as u32)?;
            }
        }
    }
    (out.len() <= 64).then_some(out)
}

fn product(a: &BTreeSet<Vec<u8>>, b: &BTreeSet<Vec<u8>>) -> Option<BTreeSet<Vec<u8>>> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y.as_slice()].concat()))
            .collect(),
    )
}

fn repeat(set: &BTreeSet<Vec<u8>>, min: u32, max: u32) -> Option<BTreeSet<Vec<u8>>> {
    let mut out = BTreeSet::new();
    let mut cur = BTreeSet::from([Vec::new()]);
    for n in 0..=max {
        if n >= min {
            out.extend(cur.iter().cloned());
            if out.len() > MAX_SET {
                return None;
            }
        }
        if n < max {
            cur = product(&cur, set)?;
        }
    }
    Some(out)
}

/// `Err(reason)` when some match of `rule`'s regex might not contain any of its keywords.
fn check_keywords(rule: &Rule) -> Result<(), String> {
    if rule.keywords.is_empty() {
        return Ok(()); // Runs over the whole blob; `no_keywords_reason` says why.
    }
    let check = KeywordCheck::new(&rule.keywords);
    if check.summarize(&parse(rule)).covered {
        return Ok(());
    }
    Err(format!(
        "rule '{}': cannot prove that every match contains one of its keywords {:?}; \
         the prefilter would skip such matches. Make each alternative of the regex contain a \
         keyword literally, or add the missing keywords",
        rule.id, rule.keywords
    ))
}

/// `Err(reason)` when a match cannot fit in the bytes searched around a keyword hit (256
/// before it, the rule's `window` after it). A necessary condition: where the keyword sits
/// inside the match is not analysed.
fn check_window(rule: &Rule) -> Result<(), String> {
    if rule.keywords.is_empty() {
        return Ok(());
    }
    let limit = DEFAULT_LOOKBEHIND + rule.window();
    match parse(rule).properties().maximum_len() {
        Some(n) if n <= limit => Ok(()),
        // An unbounded body (a PEM block) is fine when the rule says how far to search: the
        // explicit `window` is its declared longest match.
        None if rule.window.is_some() => Ok(()),
        Some(n) => Err(format!(
            "rule '{}': a match can be {n} bytes long, more than the {limit} bytes searched \
             around a keyword hit; bound the repetitions or raise `window`",
            rule.id
        )),
        None => Err(format!(
            "rule '{}': a match can be unboundedly long (`*`, `+` or `{{n,}}`); the engine only \
             searches {limit} bytes around a keyword hit, so bound the repetitions",
            rule.id
        )),
    }
}

fn check_empty(rule: &Rule) -> Result<(), String> {
    match parse(rule).properties().minimum_len() {
        Some(0) => Err(format!(
            "rule '{}': the regex can match the empty string",
            rule.id
        )),
        _ => Ok(()),
    }
}

/// One rule check: `Err(why)` when the rule fails it.
type Check = fn(&Rule) -> Result<(), String>;

/// Runs every check on every rule and reports all failures at once.
fn failures(rules: &[Rule], checks: &[Check]) -> Vec<String> {
    rules
        .iter()
        .flat_map(|r| checks.iter().filter_map(move |c| c(r).err()))
        .collect()
}

#[test]
fn no_builtin_rule_matches_the_empty_string() {
    let errs = failures(&builtin_rules(), &[check_empty]);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn every_builtin_match_contains_a_keyword() {
    let errs = failures(&builtin_rules(), &[check_keywords]);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn every_builtin_match_fits_the_keyword_window() {
    let errs = failures(&builtin_rules(), &[check_window]);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn no_builtin_rule_compiles_to_an_outsized_regex() {
    let rules = builtin_rules();
    let engine = Engine::new(rules.clone()).unwrap();
    let mut errs = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let size = engine.regex_memory(i).unwrap();
        if size > MAX_REGEX_BYTES {
            errs.push(format!(
                "rule '{}': compiled regex uses {size} bytes (limit {MAX_REGEX_BYTES}); \
                 look for Unicode classes, large counted repetitions of wide classes, or \
                 unbounded context runs",
                r.id
            ));
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

// The checks themselves, on rules built to fail them: a check that never fails proves nothing.

fn rule(regex: &str, keywords: &[&str]) -> Rule {
    let mut r = builtin_rules().remove(0);
    r.id = "test-rule".into();
    r.regex = regex.into();
    r.keywords = keywords.iter().map(|k| k.to_string()).collect();
    // Nothing inherited from whichever built-in rule comes first.
    r.window = None;
    r.check = None;
    r.public = None;
    r
}

#[test]
fn keyword_check_accepts_covered_patterns() {
    for (re, kw) in [
        (r"(sk-proj-[A-Za-z0-9]{48})", &["sk-proj-"][..]),
        // Keyword spans a literal, an alternation and a class.
        (
            r"\b(sk-(?:proj|svcacct)-[A-Za-z0-9]{20})",
            &["sk-proj-", "sk-svcacct-"],
        ),
        (r"(xox[bp]-[0-9]{10,13})", &["xoxb-", "xoxp-"]),
        // Case-insensitive match against case-insensitive keywords.
        (r"(?i)(akia[A-Z0-9]{16})", &["AKIA"]),
        // Optional separators expand to every spelling.
        (
            r"(?i)api[_-]?key\s{0,3}=\s{0,3}([a-z0-9]{32})",
            &["apikey", "api_key", "api-key"],
        ),
        // Every alternative carries a different keyword.
        (
            r"(ghp_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})",
            &["ghp_", "github_pat_"],
        ),
        // The keyword sits in the middle of the key.
        (r"([A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})", &["T3BlbkFJ"]),
        // A required repetition of a covered part.
        (r"((?:key-[a-z]{4}){1,3})", &["key-"]),
    ] {
        check_keywords(&rule(re, kw)).unwrap();
    }
}

#[test]
fn keyword_check_rejects_patterns_that_can_miss_keywords() {
    for (re, kw) in [
        // One alternative lacks the keyword.
        (
            r"(sk-proj-[A-Za-z0-9]{48}|sk-[A-Za-z0-9]{48})",
            &["sk-proj-"][..],
        ),
        // The keyword is optional.
        (r"((?:sk-proj-)?[A-Za-z0-9]{48})", &["sk-proj-"]),
        (r"((?:sk-proj-){0,2}[A-Za-z0-9]{48})", &["sk-proj-"]),
        // A keyword that the class cannot spell.
        (r"(xox[bpa]-[0-9]{10})", &["xoxb-", "xoxp-"]),
        // The keyword is not in the pattern at all.
        (r"(AKIA[A-Z0-9]{16})", &["ASIA"]),
        // Coverage only via a wide class would need guessing: refused.
        (r"(sk.[a-z]{10})", &["sk-"]),
    ] {
        let err = check_keywords(&rule(re, kw)).err();
        assert!(
            err.is_some(),
            "{re} with {kw:?} should fail the keyword check"
        );
    }
}

#[test]
fn window_and_empty_checks_reject_bad_patterns() {
    assert!(check_empty(&rule(r"(a*)", &["a"])).is_err());
    assert!(check_empty(&rule(r"(?:x|)(a?)", &["a"])).is_err());
    assert!(check_window(&rule(r"(sk-[a-z]+)", &["sk-"])).is_err());
    assert!(check_window(&rule(r"(sk-[a-z]{900})", &["sk-"])).is_err());
    check_window(&rule(r"(sk-[a-z]{40})", &["sk-"])).unwrap();
    let mut wide = rule(r"(sk-[a-z]{900})", &["sk-"]);
    wide.window = Some(1024);
    check_window(&wide).unwrap();
}

#[test]
fn size_check_catches_a_huge_regex() {
    // A Unicode-sized class repeated many times: a realistic way to blow up a rule.
    let r = rule(
        r"(sk-(?:[\x00-\xff][a-z0-9]){200}[\x00-\xff]{1,200})",
        &["sk-"],
    );
    let engine = Engine::new(vec![r]).unwrap();
    match engine.regex_memory(0) {
        Ok(size) => assert!(size > 64 << 10, "expected a large regex, got {size} bytes"),
        Err(e) => {
            assert!(matches!(e, keyhound::Error::Rule { .. }), "{e:?}");
            let e = e.to_string();
            assert!(e.contains("exceeds") || e.contains("size"), "{e}")
        }
    }
}
