//! No key in free text. A scanned repository controls much of what keyhound prints besides the
//! findings' secrets: commit summaries, author names and emails, ref names, paths, archive member
//! names, source-map names, and values echoed in config errors, `doctor` lines, endpoint errors
//! and provider replies. Any of them can hold a key. Before such text is printed or written it
//! goes through:
//!
//! - [`text()`], detection (the scan's rules, or the built-in ones before the config is loaded)
//!   over the text and over its percent-decoded form, each match replaced by its redacted form;
//! - [`findings()`], for a report, additionally every secret the scan found (and its
//!   percent-encoded form) is replaced wherever it appears in any finding's free text.

use crate::detect::{Engine, ScanHints};
use crate::model::finding::{is_low_entropy, redact, Finding, OPAQUE};
use crate::model::rule::Rule;
use std::borrow::Cow;
use std::sync::{Arc, Mutex, RwLock};

static ENGINE: RwLock<Option<Arc<Engine>>> = RwLock::new(None);
/// Rules given by [`set_rules`] whose engine is not built yet.
static PENDING: Mutex<Option<Vec<Rule>>> = Mutex::new(None);

/// Uses `rules` (built-in merged with the config's) for free text from now on. The engine is
/// built when free text first needs it: most scans print none (building it costs as much as
/// the scan's own engine, a tenth of a pre-commit hook's start-up).
pub fn set_rules(rules: Vec<Rule>) {
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = Some(rules);
    *ENGINE.write().unwrap_or_else(|e| e.into_inner()) = None;
}

fn engine() -> Arc<Engine> {
    if let Some(e) = ENGINE.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return e.clone();
    }
    let mut slot = ENGINE.write().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(|| {
        let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner()).take();
        let built = pending.and_then(|rules| Engine::new(rules).ok());
        Arc::new(built.unwrap_or_else(|| {
            Engine::new(crate::model::rule::builtin_rules()).expect("built-in rules compile")
        }))
    })
    .clone()
}

/// `text` with every key that detection finds in it (or in its percent-decoded form) redacted.
pub fn text(text: &str) -> Cow<'_, str> {
    // Nothing shorter than this is a key any rule reports.
    if text.len() < 8 {
        return Cow::Borrowed(text);
    }
    let engine = engine();
    let mut out = match redact_matches(&engine, text) {
        Some(r) => Cow::Owned(r),
        None => Cow::Borrowed(text),
    };
    if out.contains('%') {
        let decoded = percent_decode(&out);
        if decoded != out {
            if let Some(r) = redact_matches(&engine, &decoded) {
                // The encoded form held a key: show the decoded text, redacted.
                out = Cow::Owned(r);
            }
        }
    }
    out
}

/// The redacted text when detection found something in it.
fn redact_matches(engine: &Engine, text: &str) -> Option<String> {
    let hay = text.as_bytes();
    let mut matches = engine.scan(hay, ScanHints::default());
    if matches.is_empty() {
        return None;
    }
    matches.sort_by_key(|m| m.span.start);
    let mut out: Vec<u8> = Vec::with_capacity(hay.len());
    let mut at = 0;
    for m in &matches {
        if m.span.start < at {
            continue;
        }
        out.extend_from_slice(&hay[at..m.span.start]);
        let rule = &engine.rules()[m.rule];
        let shown = if m.decoded || is_low_entropy(rule, &m.secret) {
            // A base64 run's span is the whole run; a password or generic value shows nothing.
            OPAQUE.to_string()
        } else {
            redact(
                &m.secret,
                crate::model::finding::known_prefix_len(rule, &m.secret),
            )
        };
        out.extend_from_slice(shown.as_bytes());
        at = m.span.end;
    }
    out.extend_from_slice(&hay[at.min(hay.len())..]);
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// `%41` → `A`; `+` stays. Invalid escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `s` percent-encoded the way URLs and form bodies encode it (everything but RFC 3986's
/// unreserved characters).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Redacts, in every finding's free text (path, message, notes, remediation, commit author,
/// email and summary, verification detail), every secret any finding holds, plain or
/// percent-encoded, then whatever detection finds there. Run once, right before the report.
pub fn findings(fs: &mut [Finding]) {
    let mut needles: Vec<(String, String)> = Vec::new();
    for f in fs.iter() {
        let Some(s) = &f.secret else { continue };
        let raw = s.expose();
        if raw.len() < 8 {
            continue;
        }
        let shown = s.redacted(f.prefix_len);
        let enc = percent_encode(raw);
        if enc != raw {
            needles.push((enc.clone(), shown.clone()));
            needles.push((enc.to_ascii_lowercase(), shown.clone()));
        }
        needles.push((raw.to_string(), shown));
    }
    needles.sort();
    needles.dedup_by(|a, b| a.0 == b.0);
    let ac = (!needles.is_empty())
        .then(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(needles.iter().map(|n| n.0.as_bytes()))
                .ok()
        })
        .flatten();
    let clean = |s: &mut String| {
        if let Some(ac) = &ac {
            if ac.is_match(s.as_str()) {
                let mut out = String::with_capacity(s.len());
                let mut at = 0;
                for m in ac.find_iter(s.as_str()) {
                    out.push_str(&s[at..m.start()]);
                    out.push_str(&needles[m.pattern().as_usize()].1);
                    at = m.end();
                }
                out.push_str(&s[at..]);
                *s = out;
            }
        }
        if let Cow::Owned(o) = text(s) {
            *s = o;
        }
    };
    for f in fs.iter_mut() {
        clean(&mut f.path);
        clean(&mut f.summary);
        for a in &mut f.annotations {
            use crate::model::finding::Annotation::*;
            match a {
                Fact(s) | PublicByDesign(s) | NotebookCell(s) | ShippedToBrowsers(s) => clean(s),
                PublicVariable { var, .. } => clean(var),
                Base64 | HistoryOnly => {}
            }
        }
        clean(&mut f.remediation);
        for n in &mut f.notes {
            clean(n);
        }
        if let crate::model::finding::Origin::Commit(c) = &mut f.origin {
            clean(&mut c.author);
            clean(&mut c.email);
            clean(&mut c.summary);
        }
        if let Some(v) = &mut f.verification {
            clean(&mut v.detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        crate::testkeys::expand(
            "sk-proj-{urlsafe:74}T3BlbkFJ{urlsafe:74}",
            crate::testkeys::seed_for("scrub"),
        )
    }

    #[test]
    fn a_key_in_free_text_is_redacted_plain_and_percent_encoded() {
        let k = key();
        let plain = format!("fix: rotate {k} (oops)");
        let r = text(&plain);
        assert!(!r.contains(&k[10..30]), "{r}");
        assert!(
            r.starts_with("fix: rotate sk-proj-") && r.ends_with(" (oops)"),
            "{r}"
        );
        let enc = format!("bad key: {}", percent_encode(&k).replace('-', "%2D"));
        let r = text(&enc);
        assert!(!r.contains(&k[10..30]), "{r}");
        assert_eq!(text("src/app.py"), "src/app.py");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Db%zz%4"), "a-b%zz%4");
    }
}
