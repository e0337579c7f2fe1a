//! Render: `GET /v1/users` with `Authorization: Bearer`, which returns the key's own user
//! (`{"email", "name"}`). Read-only. Render's API reference, "Retrieve user":
//! <https://api-docs.render.com/reference/get-user> (API keys are user keys, sent as a bearer
//! token: <https://render.com/docs/api#1-create-an-api-key>). Checked on 2026-12-02 against that
//! reference's path and against independent Render clients, which call the same path with the
//! same header and read `email` from the answer.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "render",
    base: "https://api.render.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/v1/users")
        .bearer(secret)
        .header("accept", "application/json"))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            let who = v["email"]
                .as_str()
                .map(|e| format!("user {e}"))
                .unwrap_or_else(|| "authenticated".into());
            Outcome::Final(Live, who)
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
