//! Deepgram: `GET /v1/projects` (lists the key's projects; read-only) with `Authorization: Token`.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "deepgram",
    base: "https://api.deepgram.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/v1/projects").header("authorization", format!("Token {secret}")))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    // {"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."}
    let v = r.json().unwrap_or_default();
    let code = v["err_code"].as_str().unwrap_or("");
    let msg = v["err_msg"].as_str().unwrap_or("");
    let detail = match (code, msg) {
        ("", "") => r.error().detail(),
        ("", m) => m.to_string(),
        (c, "") => c.to_string(),
        (c, m) => format!("{c}: {m}"),
    };
    match r.status {
        200..=299 => {
            let n = v["projects"].as_array().map(Vec::len);
            Outcome::Final(
                Live,
                match n {
                    Some(n) => format!("{n} project(s)"),
                    None => "authenticated".into(),
                },
            )
        }
        401 => Outcome::Final(Inactive, detail),
        402 => Outcome::Final(QuotaExhausted, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
