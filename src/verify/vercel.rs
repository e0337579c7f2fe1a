//! Vercel: `GET /v2/user` with `Authorization: Bearer` (personal, integration and app access
//! tokens, and unprefixed legacy tokens). Read-only: it returns the token's user.
//!
//! Vercel answers an unknown, revoked or expired token with 403 and `"invalidToken": true`
//! (sometimes 401); a valid token that may not read the user (a project-scoped token) gets 403
//! without that flag.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "vercel",
    base: "https://api.vercel.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if secret.starts_with("vcr_") {
        return Err("refresh tokens are not checked: exchanging one would rotate it".into());
    }
    Ok(Probe::get("/v2/user").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    let invalid = r
        .json()
        .is_some_and(|v| v["error"]["invalidToken"].as_bool() == Some(true));
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            let user = &v["user"];
            let who = user["username"]
                .as_str()
                .or_else(|| user["email"].as_str())
                .map(|u| format!("user {u}"))
                .unwrap_or_else(|| "authenticated".into());
            Outcome::Final(Live, who)
        }
        401 => Outcome::Final(Inactive, detail),
        403 if invalid => Outcome::Final(Inactive, format!("{detail} (invalid token)")),
        403 => Outcome::Final(
            Restricted,
            format!("{detail} (the token works but may not read the user: a scoped token)"),
        ),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
