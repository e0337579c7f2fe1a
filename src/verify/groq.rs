//! Groq: `GET /openai/v1/models` with `Authorization: Bearer`; OpenAI-style errors.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "groq",
    base: "https://api.groq.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/openai/v1/models").bearer(secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let e = r.error();
    let detail = e.detail();
    match r.status {
        200..=299 => Outcome::Final(Live, "authenticated (HTTP 200)".into()),
        401 => Outcome::Final(Inactive, detail),
        // The key is recognised, but its organization is suspended.
        400 | 403 if e.code_is("organization_restricted") => Outcome::Final(
            Restricted,
            format!("{detail} (the organization is restricted; the key still identifies it)"),
        ),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
