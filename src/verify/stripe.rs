//! Stripe: `GET /v1/balance` with `Authorization: Bearer` (secret `sk_` and restricted `rk_`
//! keys, live and test mode).

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "stripe",
    base: "https://api.stripe.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if secret.starts_with("pk_") {
        return Err("publishable keys are public by design".into());
    }
    Ok(Probe::get("/v1/balance").bearer(secret))
}

fn judge(secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    let mode = if secret.contains("_test_") {
        "test mode"
    } else {
        "live mode"
    };
    match r.status {
        200..=299 => Outcome::Final(Live, format!("authenticated ({mode} key)")),
        401 => Outcome::Final(Inactive, detail),
        // A restricted key without the balance permission: it authenticated.
        403 => Outcome::Final(Restricted, format!("{detail} ({mode} key)")),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
