//! Hugging Face: `GET /api/whoami-v2` with `Authorization: Bearer`.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "huggingface",
    base: "https://huggingface.co",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/api/whoami-v2").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            let role = v["auth"]["accessToken"]["role"].as_str();
            let name = v["name"].as_str();
            let d = match (name, role) {
                (Some(n), Some(role)) => format!("user {n}, {role} token"),
                (None, Some(role)) => format!("{role} token"),
                (Some(n), None) => format!("user {n}"),
                (None, None) => "authenticated".into(),
            };
            Outcome::Final(Live, d)
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
