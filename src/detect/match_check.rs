//! Per-match checks (`check = "..."` in a rule): they look inside a candidate secret (a JWT's
//! claims, a DSN's user part) or at the name it is assigned to, and reject the match, set its
//! severity, add a note, or mark it public by design.

use super::jwt;
use crate::model::rule::{MatchCheck, Severity};

/// What a check decided about a match it accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Replaces the rule's severity.
    pub severity: Option<Severity>,
    /// Why this value is public by design (the match is then reported only with
    /// `--include-public`, at severity `info`).
    pub public: Option<String>,
    /// A fact for the finding's message, e.g. "expired on 2024-03-01".
    pub note: Option<String>,
}

const ANON_PUBLIC: &str = "a Supabase anon key is meant to ship in web and mobile apps: it can only do what row-level security (RLS) policies allow the anon role";
const DSN_PUBLIC: &str =
    "a Sentry DSN only lets clients submit events, and Sentry documents it as safe to keep public";
const ALGOLIA_PUBLIC: &str = "an Algolia search-only key is meant for browsers: it can only search the indices it is restricted to";

/// Runs `check` on `secret` (`name`: the assigned name, when the rule captured it). `None`
/// rejects the match; `now` is the current time in seconds since the epoch.
pub fn run(check: MatchCheck, secret: &str, name: Option<&str>, now: i64) -> Option<Verdict> {
    match check {
        MatchCheck::Jwt => generic_jwt(secret, now),
        MatchCheck::SupabaseServiceRole => {
            let c = jwt::claims(secret)?;
            if c.role.as_deref() != Some("service_role") {
                return None;
            }
            let mut v = Verdict {
                note: Some(jwt_facts(&c, now)),
                ..Verdict::default()
            };
            if c.exp.is_some_and(|e| e < now) {
                v.severity = Some(Severity::Low);
            }
            Some(v)
        }
        MatchCheck::SupabaseAnon => {
            let c = jwt::claims(secret)?;
            if c.role.as_deref() != Some("anon") {
                return None;
            }
            Some(Verdict {
                public: Some(ANON_PUBLIC.to_string()),
                note: Some(jwt_facts(&c, now)),
                ..Verdict::default()
            })
        }
        MatchCheck::SentryDsn => {
            // `scheme://public[:secret]@host/project`
            let user = secret.split_once("://")?.1.split_once('@')?.0;
            if user.contains(':') {
                Some(Verdict {
                    note: Some("a legacy DSN that carries the project's secret key".into()),
                    ..Verdict::default()
                })
            } else {
                Some(Verdict {
                    public: Some(DSN_PUBLIC.to_string()),
                    ..Verdict::default()
                })
            }
        }
        MatchCheck::AlgoliaKey => {
            let n = name.unwrap_or("").to_ascii_lowercase();
            if ["admin", "write", "master", "secret", "private"]
                .iter()
                .any(|w| n.contains(w))
            {
                Some(Verdict {
                    severity: Some(Severity::High),
                    note: Some("assigned to an admin/write key name".into()),
                    ..Verdict::default()
                })
            } else if ["search", "public", "client", "read"]
                .iter()
                .any(|w| n.contains(w))
            {
                Some(Verdict {
                    public: Some(ALGOLIA_PUBLIC.to_string()),
                    ..Verdict::default()
                })
            } else {
                Some(Verdict {
                    note: Some("its name does not say whether it is a search-only key".into()),
                    ..Verdict::default()
                })
            }
        }
    }
}

/// "role authenticated, issuer https://x, expired on 2024-03-01"
fn jwt_facts(c: &jwt::Claims, now: i64) -> String {
    let mut facts = Vec::new();
    if let Some(r) = &c.project_ref {
        facts.push(format!("project {r}"));
    }
    if let Some(r) = &c.role {
        facts.push(format!("role {r}"));
    }
    if let Some(i) = &c.iss {
        facts.push(format!("issuer {i}"));
    }
    facts.push(match c.exp {
        Some(e) if e < now => format!("expired on {}", jwt::date(e)),
        Some(e) => format!("expires on {}", jwt::date(e)),
        None => "never expires".to_string(),
    });
    facts.join(", ")
}

/// A JWT of no more specific rule: the Supabase roles are left to their rules; an expired
/// token is low, one that never expires high, any other keeps the rule's severity.
fn generic_jwt(secret: &str, now: i64) -> Option<Verdict> {
    let c = jwt::claims(secret)?;
    if matches!(c.role.as_deref(), Some("anon" | "service_role")) {
        return None;
    }
    let severity = match c.exp {
        Some(e) if e < now => Some(Severity::Low),
        None => Some(Severity::High),
        Some(_) => None,
    };
    Some(Verdict {
        severity,
        note: Some(jwt_facts(&c, now)),
        ..Verdict::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn jwt_claims_decide() {
        let service =
            token(r#"{"iss":"supabase","ref":"abcd","role":"service_role","exp":1900000000}"#);
        let anon = token(r#"{"iss":"supabase","ref":"abcd","role":"anon","exp":1900000000}"#);
        let user =
            token(r#"{"iss":"https://auth.example.org","role":"authenticated","exp":1700000000}"#);
        let forever = token(r#"{"sub":"svc"}"#);
        let sr = run(MatchCheck::SupabaseServiceRole, &service, None, NOW).unwrap();
        assert_eq!(sr.public, None);
        assert!(sr.note.unwrap().contains("project abcd"));
        assert!(run(MatchCheck::SupabaseServiceRole, &anon, None, NOW).is_none());
        let a = run(MatchCheck::SupabaseAnon, &anon, None, NOW).unwrap();
        assert!(a.public.unwrap().contains("row-level security"));
        assert!(run(MatchCheck::Jwt, &anon, None, NOW).is_none());
        assert!(run(MatchCheck::Jwt, &service, None, NOW).is_none());
        let u = run(MatchCheck::Jwt, &user, None, NOW).unwrap();
        assert_eq!(u.severity, Some(Severity::Low));
        assert!(u.note.unwrap().contains("expired on 2023-11-14"));
        assert_eq!(
            run(MatchCheck::Jwt, &forever, None, NOW).unwrap().severity,
            Some(Severity::High)
        );
        assert!(run(MatchCheck::Jwt, "eyJx.eyJy.zzz", None, NOW).is_none());
    }

    #[test]
    fn dsn_and_algolia() {
        let public = run(
            MatchCheck::SentryDsn,
            "https://0123abcd@o1.ingest.sentry.io/5",
            None,
            NOW,
        )
        .unwrap();
        assert!(public.public.is_some());
        let legacy = run(
            MatchCheck::SentryDsn,
            "https://0123abcd:4567ef@sentry.io/5",
            None,
            NOW,
        )
        .unwrap();
        assert!(legacy.public.is_none());
        assert!(
            run(MatchCheck::AlgoliaKey, "k", Some("ALGOLIA_SEARCH_KEY"), NOW)
                .unwrap()
                .public
                .is_some()
        );
        assert_eq!(
            run(MatchCheck::AlgoliaKey, "k", Some("ALGOLIA_ADMIN_KEY"), NOW)
                .unwrap()
                .severity,
            Some(Severity::High)
        );
        let unsure = run(MatchCheck::AlgoliaKey, "k", Some("ALGOLIA_KEY"), NOW).unwrap();
        assert!(unsure.public.is_none() && unsure.severity.is_none());
    }
}
