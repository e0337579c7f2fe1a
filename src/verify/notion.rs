//! Notion: `GET /v1/users/me` (the integration's bot user; read-only) with `Authorization:
//! Bearer` and a pinned `Notion-Version`.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "notion",
    base: "https://api.notion.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    Ok(Probe::get("/v1/users/me")
        .bearer(secret)
        .header("notion-version", "2022-06-28"))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    // Notion's errors: {"object": "error", "status": 401, "code": "unauthorized", "message": ...}.
    let v = r.json().unwrap_or_default();
    let code = v["code"].as_str().unwrap_or("");
    let msg = v["message"].as_str().unwrap_or("");
    let detail = match (code, msg) {
        ("", m) => m.to_string(),
        (c, "") => c.to_string(),
        (c, m) => format!("{c}: {m}"),
    };
    match r.status {
        200..=299 => {
            let name = v["name"]
                .as_str()
                .or_else(|| v["bot"]["workspace_name"].as_str());
            Outcome::Final(
                Live,
                match name {
                    Some(n) => format!("integration {n}"),
                    None => "authenticated".into(),
                },
            )
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
