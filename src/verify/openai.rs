//! OpenAI: `GET /v1/models` with `Authorization: Bearer` (admin keys: the admin-keys list).
//! Verdicts follow OpenAI's error semantics: the JSON `error.code` / `error.type` decide, not
//! only the HTTP status.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "openai",
    base: "https://api.openai.com",
    probe,
    judge,
};

/// The request: admin keys only work on the Administration API.
pub fn probe(secret: &str) -> Result<Probe, NotChecked> {
    let path = if secret.starts_with("sk-admin-") {
        "/v1/organization/admin_api_keys?limit=1"
    } else {
        "/v1/models"
    };
    Ok(Probe::get(path).bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let e = r.error();
    let detail = e.detail();
    match r.status {
        200..=299 => Outcome::Final(Live, "authenticated (HTTP 200)".into()),
        // Revoked, deleted or mistyped.
        401 if e.code_is("invalid_api_key") => Outcome::Final(Inactive, detail),
        // A restricted key without the permission this endpoint needs: live, but limited.
        401 if e.code.is_none()
            && (e.says("missing scopes") || e.says("insufficient permissions")) =>
        {
            Outcome::Final(Restricted, detail)
        }
        // A live key used from the wrong context (no organization, IP allowlist).
        401 if e.says("member of an organization")
            || e.says("ip address")
            || e.says("not authorized") =>
        {
            Outcome::Final(Restricted, detail)
        }
        // Where the scan runs, not the key.
        403 if e.code_is("unsupported_country_region_territory") => Outcome::Final(
            Unknown,
            format!("{detail} (this depends on where keyhound runs, not on the key)"),
        ),
        // Authenticated, but no access to this organization or project resource.
        403 => Outcome::Final(Restricted, super::with_status(403, detail)),
        429 if e.code_is("insufficient_quota") || e.kind_is("insufficient_quota") => {
            Outcome::Final(QuotaExhausted, detail)
        }
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
