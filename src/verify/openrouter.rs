//! OpenRouter: `GET /api/v1/key` with `Authorization: Bearer`; the answer also tells whether
//! the key's own credit limit is used up.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "openrouter",
    base: "https://openrouter.ai",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/api/v1/key").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            let d = &v["data"];
            let remaining = d["limit_remaining"].as_f64();
            if !d["limit"].is_null() && remaining.is_some_and(|x| x <= 0.0) {
                return Outcome::Final(
                    QuotaExhausted,
                    "the key's credit limit is used up (limit_remaining 0)".into(),
                );
            }
            let mut s = String::from("authenticated");
            if d["is_provisioning_key"] == true {
                s.push_str("; provisioning key");
            }
            if d["is_free_tier"] == true {
                s.push_str("; free tier");
            }
            Outcome::Final(Live, s)
        }
        401 => Outcome::Final(Inactive, detail),
        402 => Outcome::Final(QuotaExhausted, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
