//! Google Gemini (any `AIza` Google API key): `GET /v1beta/models` with `x-goog-api-key`.
//! Google answers a bad key with 400 `API_KEY_INVALID`, and a valid key that may not use this
//! API with 403: the key still works for other Google APIs, so that is `restricted`.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "gemini",
    base: "https://generativelanguage.googleapis.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/v1beta/models?pageSize=1").header("x-goog-api-key", secret))
}

/// `error.details[].reason` (`API_KEY_INVALID`, `SERVICE_DISABLED`, ...).
fn reasons(r: &Reply) -> Vec<String> {
    let v = r.json().unwrap_or_default();
    v["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|x| x["reason"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let e = r.error();
    let reasons = reasons(r);
    let has = |x: &str| reasons.iter().any(|r| r == x);
    // Google's numeric `code` repeats the HTTP status: show status and reason instead.
    let label = reasons.first().cloned().or(e.kind.clone());
    let detail = match (label, &e.message) {
        (Some(l), Some(m)) => format!("{l}: {m}"),
        (Some(l), None) => l,
        (None, Some(m)) => m.clone(),
        (None, None) => String::new(),
    };
    match r.status {
        200..=299 => Outcome::Final(Live, "authenticated (HTTP 200)".into()),
        400 if has("API_KEY_INVALID")
            || e.says("api key not valid")
            || e.says("api key expired") =>
        {
            Outcome::Final(Inactive, detail)
        }
        400 if e.kind_is("FAILED_PRECONDITION") || e.says("location is not supported") => {
            Outcome::Final(
                Unknown,
                format!("{detail} (this depends on where keyhound runs, not on the key)"),
            )
        }
        403 if has("CONSUMER_SUSPENDED") => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 if e.says("billing") || e.says("limit: 0") => Outcome::Final(QuotaExhausted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
