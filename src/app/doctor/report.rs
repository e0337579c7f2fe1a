//! The doctor's report: renders what the checks found ([`Examination`]) as text, and turns it
//! into the exit code. The checks (in `mod.rs`, [`super::deploy`]) decide; this file only says.

use super::advice::Level;
use std::io::{self, Write};

/// How a note counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Something to fix: the exit code is 1.
    Problem,
    /// Something to know, with a fix when there is one.
    Warning,
    /// A check passed.
    Ok,
    /// A fact.
    Info,
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Note {
    pub kind: Kind,
    pub what: String,
    /// What to do; empty for `Ok` and `Info`, optional for a warning.
    pub fix: String,
}

/// What the checks found, in order.
#[derive(Debug, Default)]
pub(super) struct Notes {
    pub items: Vec<Note>,
}

impl Notes {
    fn push(&mut self, kind: Kind, what: impl Into<String>, fix: impl Into<String>) {
        self.items.push(Note {
            kind,
            what: what.into(),
            fix: fix.into(),
        });
    }
    pub fn problem(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.push(Kind::Problem, what, fix);
    }
    pub fn warn(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.push(Kind::Warning, what, fix);
    }
    pub fn ok(&mut self, what: impl Into<String>) {
        self.push(Kind::Ok, what, "");
    }
    pub fn info(&mut self, what: impl Into<String>) {
        self.push(Kind::Info, what, "");
    }
    pub fn problems(&self) -> usize {
        self.items
            .iter()
            .filter(|n| n.kind == Kind::Problem)
            .count()
    }
}

/// One place `OPENAI_API_KEY` is set, as shown at the top of the report.
#[derive(Debug, Clone)]
pub(super) struct KeySeen {
    pub place: String,
    /// The redacted value and its fingerprint; `None` when the value is empty.
    pub shown: Option<String>,
}

/// Everything the checks established.
#[derive(Debug)]
pub(super) struct Examination {
    /// The variable examined.
    pub var: &'static str,
    pub keys: Vec<KeySeen>,
    /// A non-empty key was found (the one a program would use).
    pub key_found: bool,
    pub notes: Notes,
    /// How the live check went (`None`: none was made).
    pub verdict: Option<Level>,
}

impl Examination {
    /// 0 the key works (offline: no problem found), 1 a key or configuration problem, 2 the
    /// live check could not tell.
    pub fn exit_code(&self) -> u8 {
        match (self.notes.problems(), self.verdict) {
            (0, None) if self.key_found => 0,
            (0, None) => 1,
            (0, Some(Level::Ok | Level::Warn)) => 0,
            (0, Some(Level::Unclear)) => 2,
            _ => 1,
        }
    }

    fn summary(&self) -> String {
        let problems = self.notes.problems();
        match self.exit_code() {
            0 if self.verdict.is_some() => "the key works.".to_string(),
            0 => "no problem found (offline: the key itself was not checked).".to_string(),
            2 => "could not tell whether the key works (see above).".to_string(),
            _ if problems == 0 => "the key does not work (see above).".to_string(),
            _ => format!(
                "{problems} problem{} found.",
                if problems == 1 { "" } else { "s" }
            ),
        }
    }
}

/// The report as text: where the key is set, every note with its fix, the result.
pub(super) fn render(e: &Examination, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "keyhound doctor: {}\n", e.var)?;
    for k in &e.keys {
        let shown = k.shown.as_deref().unwrap_or("(empty)");
        writeln!(out, "  {:<28} {shown}", k.place)?;
    }
    if !e.keys.is_empty() {
        writeln!(out)?;
    }
    // Values come from env files a repository may hold: no key, no control character.
    let safe = |l: String| crate::report::escape::text(&crate::scrub::text(&l)).into_owned();
    for n in &e.notes.items {
        let label = match n.kind {
            Kind::Problem => "PROBLEM ",
            Kind::Warning => "WARNING ",
            Kind::Ok => "OK      ",
            Kind::Info => "INFO    ",
        };
        writeln!(out, "{}", safe(format!("{label} {}", n.what)))?;
        if !n.fix.is_empty() || n.kind == Kind::Problem {
            writeln!(out, "{}", safe(format!("         fix: {}", n.fix)))?;
        }
    }
    writeln!(out, "\nResult: {}", e.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exam(notes: Notes, verdict: Option<Level>) -> Examination {
        Examination {
            var: "OPENAI_API_KEY",
            keys: vec![KeySeen {
                place: "the environment".into(),
                shown: None,
            }],
            key_found: true,
            notes,
            verdict,
        }
    }

    #[test]
    fn renders_notes_with_fixes_and_the_result() {
        let mut n = Notes::default();
        n.problem("it is wrong", "fix it");
        n.warn("careful", "");
        n.ok("fine");
        let e = exam(n, None);
        assert_eq!(e.exit_code(), 1);
        let mut out = Vec::new();
        render(&e, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "keyhound doctor: OPENAI_API_KEY\n\n  the environment              (empty)\n\n\
             PROBLEM  it is wrong\n         fix: fix it\nWARNING  careful\nOK       fine\n\n\
             Result: 1 problem found.\n"
        );
    }

    #[test]
    fn exit_codes_follow_problems_then_the_live_verdict() {
        assert_eq!(exam(Notes::default(), Some(Level::Ok)).exit_code(), 0);
        assert_eq!(exam(Notes::default(), Some(Level::Unclear)).exit_code(), 2);
        assert_eq!(exam(Notes::default(), Some(Level::Problem)).exit_code(), 1);
        let mut offline = exam(Notes::default(), None);
        assert_eq!(offline.exit_code(), 0);
        offline.key_found = false;
        assert_eq!(offline.exit_code(), 1);
    }
}
