//! DigitalOcean: `GET /v2/account` with `Authorization: Bearer` (personal access tokens and
//! OAuth access tokens). Read-only: it returns the account's email and status.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "digitalocean",
    base: "https://api.digitalocean.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if secret.starts_with("dor_") {
        return Err("refresh tokens are not checked: exchanging one would rotate it".into());
    }
    Ok(Probe::get("/v2/account").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            let account = &v["account"];
            match (account["email"].as_str(), account["status"].as_str()) {
                // A locked account's token authenticates but can do nothing.
                (_, Some("locked")) => Outcome::Final(Restricted, "account locked".into()),
                (Some(e), Some(s)) => Outcome::Final(Live, format!("account {e} ({s})")),
                (Some(e), None) => Outcome::Final(Live, format!("account {e}")),
                _ => Outcome::Final(Live, "authenticated".into()),
            }
        }
        401 => Outcome::Final(Inactive, detail),
        // A custom-scoped token without `account:read`: it authenticated.
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
