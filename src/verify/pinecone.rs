//! Pinecone: list the project's indexes (`GET /indexes`, read-only) with the `Api-Key` header.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "pinecone",
    base: "https://api.pinecone.io",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/indexes")
        .header("api-key", secret)
        .header("x-pinecone-api-version", "2025-04"))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => {
            let n = r.json().and_then(|v| v["indexes"].as_array().map(Vec::len));
            Outcome::Final(
                Live,
                match n {
                    Some(n) => format!("project with {n} index(es)"),
                    None => "authenticated".into(),
                },
            )
        }
        401 => Outcome::Final(Inactive, detail),
        // A key whose role may not list indexes still authenticates.
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
