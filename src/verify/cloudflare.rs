//! Cloudflare: `GET /client/v4/user/tokens/verify` with `Authorization: Bearer`, the endpoint
//! Cloudflare documents for checking a user API token. Read-only; it names the token's status.
//!
//! Account API tokens (`cfat_`) are verified under their account (`/accounts/{id}/tokens/verify`),
//! which the token does not name, so they are not sent. Global API Keys need the account email
//! beside them and are not checked either.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;
use serde_json::Value;

pub const VERIFIER: Verifier = Verifier {
    name: "cloudflare",
    base: "https://api.cloudflare.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if secret.starts_with("cfat_") {
        return Err(
            "account API tokens are verified under their account id, which the token does not name"
                .into(),
        );
    }
    Ok(Probe::get("/client/v4/user/tokens/verify").bearer(secret))
}

/// `code: message` of Cloudflare's `{"errors": [{"code", "message"}]}` envelope.
fn errors(v: &Value) -> String {
    v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| match (e["code"].as_i64(), e["message"].as_str()) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (None, Some(m)) => m.to_string(),
            (Some(c), None) => c.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let v = r.json().unwrap_or_default();
    let detail = match errors(&v) {
        d if d.is_empty() => r.error().detail(),
        d => d,
    };
    match r.status {
        200..=299 => match v["result"]["status"].as_str() {
            Some("active") => Outcome::Final(Live, "token status active".into()),
            Some(s) => Outcome::Final(Inactive, format!("token status {s}")),
            None => Outcome::Final(Live, "authenticated".into()),
        },
        // 1000 "Invalid API Token"; Cloudflare answers it with 400 or 401.
        400 | 401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
