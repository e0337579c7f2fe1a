//! GitHub: `GET /rate_limit`, which every token type may call and which costs no quota.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "github",
    base: "https://api.github.com",
    probe,
    judge,
};

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if secret.starts_with("ghr_") {
        return Err("refresh tokens are not checked: exchanging one would rotate it".into());
    }
    Ok(Probe::get("/rate_limit")
        .bearer(secret)
        .header("x-github-api-version", "2022-11-28")
        .header("accept", "application/vnd.github+json"))
}

fn judge(secret: &str, r: &Reply) -> Outcome {
    let e = r.error();
    let detail = e.detail();
    let rate_limited = r.header("x-ratelimit-remaining") == Some("0") || e.says("rate limit");
    match r.status {
        200..=299 => {
            let what = match r.header("x-oauth-scopes").map(str::trim) {
                Some("") => "no scopes".to_string(),
                Some(s) => format!("scopes: {s}"),
                None if secret.starts_with("github_pat_") => "fine-grained token".to_string(),
                None if secret.starts_with("ghs_") => "app installation token".to_string(),
                None => "authenticated".to_string(),
            };
            Outcome::Final(Live, what)
        }
        401 => Outcome::Final(Inactive, detail),
        403 | 429 if rate_limited => Outcome::Transient(RateLimited, detail),
        403 if r.header("x-github-sso").is_some() => Outcome::Final(
            Restricted,
            format!(
                "{detail} (the token works but is not authorised for the organization's SAML SSO)"
            ),
        ),
        403 => Outcome::Final(Restricted, detail),
        _ => fallback(r, detail),
    }
}
