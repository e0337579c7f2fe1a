//! Heroku: `GET /account` (Platform API v3) with `Authorization: Bearer`. Read-only: it returns
//! the key's account.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "heroku",
    base: "https://api.heroku.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/account")
        .bearer(secret)
        .header("accept", "application/vnd.heroku+json; version=3"))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    // Heroku's errors are `{"id": "unauthorized", "message": "..."}`.
    let v = r.json().unwrap_or_default();
    let detail = match (v["id"].as_str(), v["message"].as_str()) {
        (Some(id), Some(m)) => format!("{id}: {m}"),
        _ => r.error().detail(),
    };
    match r.status {
        200..=299 => {
            let who = v["email"]
                .as_str()
                .map(|e| format!("account {e}"))
                .unwrap_or_else(|| "authenticated".into());
            Outcome::Final(Live, who)
        }
        401 => Outcome::Final(Inactive, detail),
        // `suspended`, `forbidden`, `delinquent`: the key authenticated but may not act.
        402 | 403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
