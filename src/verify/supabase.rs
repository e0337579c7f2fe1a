//! Supabase: `GET /rest/v1/` (the PostgREST root, which describes the API and changes nothing)
//! on the project's own host `https://<ref>.supabase.co`, with the key as `apikey` and bearer.
//! Only legacy JWT keys name their project (the `ref` claim); `sb_secret_` keys do not, so they
//! are not checked.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub const VERIFIER: Verifier = Verifier {
    name: "supabase",
    base: "https://supabase.co",
    probe,
    judge,
};

/// The `ref` claim of a JWT: the project id, which is also its host name.
fn project_ref(secret: &str) -> Option<String> {
    let payload = secret.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("ref")?.as_str().map(str::to_string)
}

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    let Some(r) = project_ref(secret) else {
        return Err("the key names no project (no `ref` claim); it is not checked".into());
    };
    // A project id is a host label: never let a claim choose another host.
    if r.is_empty()
        || r.len() > 40
        || !r
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err("the key's `ref` claim is not a Supabase project id".into());
    }
    let mut p = Probe::get("/rest/v1/")
        .header("apikey", secret)
        .bearer(secret);
    p.official_base = Some(format!("https://{r}.supabase.co"));
    Ok(p)
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let detail = r.error().detail();
    match r.status {
        200..=299 => Outcome::Final(
            Live,
            "authenticated (HTTP 200): the key reads the project's REST API".into(),
        ),
        401 => Outcome::Final(Inactive, detail),
        403 => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        _ => fallback(r, detail),
    }
}
