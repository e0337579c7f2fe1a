//! Airtable: `GET /v0/meta/whoami` with `Authorization: Bearer` (read-only; answers the token's
//! user id and, for personal access tokens, its scopes).

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "airtable",
    base: "https://api.airtable.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/v0/meta/whoami").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let v = r.json().unwrap_or_default();
    // Airtable's errors: {"error": {"type": "AUTHENTICATION_REQUIRED", "message": "..."}}.
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let scopes: Vec<&str> = v["scopes"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
                .unwrap_or_default();
            let d = if scopes.is_empty() {
                "authenticated".to_string()
            } else {
                format!("scopes: {}", scopes.join(", "))
            };
            Outcome::Final(Live, d)
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
