//! Telegram: the Bot API's `getMe` (read-only). The token is part of the path
//! (`/bot<token>/getMe`), as the Bot API requires; it goes only to api.telegram.org over TLS.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "telegram",
    base: "https://api.telegram.org",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    let ok = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'));
    if !ok || !secret.contains(':') {
        return Err("not a Telegram bot token keyhound can check".into());
    }
    Ok(Probe::get(format!("/bot{secret}/getMe")))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    // {"ok": false, "error_code": 401, "description": "Unauthorized"}
    let v = r.json().unwrap_or_default();
    let detail = v["description"].as_str().unwrap_or("").to_string();
    match r.status {
        200..=299 if v["ok"] == true => {
            let user = v["result"]["username"].as_str().unwrap_or("?");
            Outcome::Final(Live, format!("bot @{user}"))
        }
        401 | 404 => Outcome::Final(Inactive, super::with_status(r.status, detail)),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
