//! Doppler: `GET /v3/me` with `Authorization: Bearer`, which describes the token itself (its
//! type, workplace and, for service tokens, project and config). Read-only. Doppler's API
//! reference, Auth > Me: <https://docs.doppler.com/reference/auth-me>; bearer tokens of every
//! type (CLI, personal, service, service account): <https://docs.doppler.com/reference/api>.
//! Checked on 2026-12-02: the answer's fields (`slug`, `name`, `type`, `token_preview`,
//! `workplace`) are those of the `AuthMeResponse` in the clients generated from Doppler's
//! OpenAPI description.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "doppler",
    base: "https://api.doppler.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/v3/me")
        .bearer(secret)
        .header("accept", "application/json"))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    // Doppler's errors are `{"messages": ["..."], "success": false}`.
    let v = r.json().unwrap_or_default();
    let detail = v["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| r.error().detail());
    match r.status {
        200..=299 => {
            let kind = v["type"].as_str().unwrap_or("token").replace('_', " ");
            let d = match v["workplace"]["name"].as_str() {
                Some(w) => format!("{kind} in workplace {w}"),
                None => kind,
            };
            Outcome::Final(Live, d)
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
