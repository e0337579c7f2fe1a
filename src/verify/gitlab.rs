//! GitLab: `GET /api/v4/personal_access_tokens/self` with `PRIVATE-TOKEN` (personal, project and
//! group access tokens). gitlab.com by default; a self-managed instance through
//! `--verify-endpoint gitlab=https://gitlab.example.com`.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "gitlab",
    base: "https://gitlab.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if !secret.starts_with("glpat-") {
        return Err(
            "only personal, project and group access tokens (glpat-) have a read-only check".into(),
        );
    }
    Ok(Probe::get("/api/v4/personal_access_tokens/self").header("private-token", secret))
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let e = r.error();
    let detail = e.detail();
    match r.status {
        200..=299 => {
            let v = r.json().unwrap_or_default();
            if v["revoked"] == true {
                return Outcome::Final(Inactive, "token revoked".into());
            }
            if v["active"] == false {
                return Outcome::Final(Inactive, "token inactive (expired)".into());
            }
            let scopes: Vec<&str> = v["scopes"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
                .unwrap_or_default();
            let mut d = String::from("authenticated");
            if !scopes.is_empty() {
                d = format!("scopes: {}", scopes.join(", "));
            }
            if let Some(exp) = v["expires_at"].as_str() {
                d.push_str(&format!("; expires {exp}"));
            }
            Outcome::Final(Live, d)
        }
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
