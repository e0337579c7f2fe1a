//! Anthropic: `GET /v1/models` with `x-api-key` (admin keys: `/v1/organizations/me`); no tokens
//! are spent. Errors are `{"type":"error","error":{"type","message"}}`.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "anthropic",
    base: "https://api.anthropic.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    let path = if secret.starts_with("sk-ant-admin") {
        "/v1/organizations/me"
    } else if secret.starts_with("sk-ant-api") {
        "/v1/models?limit=1"
    } else if secret.starts_with("sk-ant-ort") {
        return Err("refresh tokens are not checked: exchanging one would rotate it".into());
    } else {
        return Err("only Anthropic API and admin keys are checked".into());
    };
    Ok(Probe::get(path)
        .header("x-api-key", secret)
        .header("anthropic-version", "2023-06-01"))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let e = r.error();
    let detail = e.detail();
    match r.status {
        200..=299 => Outcome::Final(Live, "authenticated (HTTP 200)".into()),
        401 => Outcome::Final(Inactive, detail),
        402 => Outcome::Final(QuotaExhausted, detail),
        400 if e.says("credit balance is too low") => Outcome::Final(QuotaExhausted, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
