//! Netlify: `GET /api/v1/user` with `Authorization: Bearer`. Read-only: it returns the token's
//! user.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "netlify",
    base: "https://api.netlify.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/api/v1/user").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            let who = v["email"]
                .as_str()
                .or_else(|| v["full_name"].as_str())
                .map(|u| format!("user {u}"))
                .unwrap_or_else(|| "authenticated".into());
            Outcome::Final(Live, who)
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
