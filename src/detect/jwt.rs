//! JSON Web Tokens: decode the claims (the base64url JSON payload) without checking the
//! signature, so rules can tell a Supabase `service_role` key from an `anon` one and judge a
//! token by its issuer and expiry.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

/// The claims keyhound looks at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claims {
    pub iss: Option<String>,
    pub role: Option<String>,
    /// Seconds since the epoch.
    pub exp: Option<i64>,
    /// Supabase's project ref.
    pub project_ref: Option<String>,
    pub sub: Option<String>,
    pub name: Option<String>,
    pub iat: Option<i64>,
}

/// Decodes a base64url segment (padding tolerated) into a JSON object.
fn segment(s: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// The claims of `token` (`header.payload.signature`), when the header and payload are
/// base64url JSON objects and the header names an `alg`. `None` for anything else.
pub fn claims(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (h, p, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header = segment(h)?;
    header.get("alg")?;
    let payload = segment(p)?;
    let text = |k: &str| payload.get(k).and_then(Value::as_str).map(str::to_string);
    let num = |k: &str| {
        payload
            .get(k)
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    };
    Some(Claims {
        iss: text("iss"),
        role: text("role"),
        exp: num("exp"),
        project_ref: text("ref"),
        sub: text("sub"),
        name: text("name"),
        iat: num("iat"),
    })
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `2026-12-02` for a time in seconds since the epoch (UTC).
pub fn date(secs: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn decodes_claims() {
        let c = claims(&token(
            r#"{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"anon","iat":1700000000,"exp":2000000000}"#,
        ))
        .unwrap();
        assert_eq!(c.role.as_deref(), Some("anon"));
        assert_eq!(c.iss.as_deref(), Some("supabase"));
        assert_eq!(c.project_ref.as_deref(), Some("abcdefghijklmnopqrst"));
        assert_eq!(c.exp, Some(2_000_000_000));
        assert!(claims("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig").is_none());
        assert!(claims("a.b").is_none());
        // A header without `alg` is not a JWT header.
        let no_alg = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(b"{\"typ\":\"JWT\"}"),
            URL_SAFE_NO_PAD.encode(b"{\"sub\":\"x\"}")
        );
        assert!(claims(&no_alg).is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(2_000_000_000), "2033-05-18");
        assert_eq!(date(1_709_251_200), "2024-03-01");
    }
}
