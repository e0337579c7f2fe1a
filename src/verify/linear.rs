//! Linear: the GraphQL `viewer` query (a read; `POST` is GraphQL's transport, nothing is
//! written). Personal API keys go in `Authorization` as they are, OAuth tokens as `Bearer`.
//! Linear answers a bad key with HTTP 400 or 401 and an `AUTHENTICATION_ERROR` extension.

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "linear",
    base: "https://api.linear.app",
    probe,
    judge,
};

const QUERY: &str = r#"{"query":"query { viewer { id name } }"}"#;

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if secret.starts_with("lin_wh_") {
        return Err("webhook signing secrets do not authenticate API calls".into());
    }
    let auth = if secret.starts_with("lin_oauth_") {
        format!("Bearer {secret}")
    } else {
        secret.to_string()
    };
    Ok(Probe::post("/graphql", "application/json", QUERY).header("authorization", auth))
}

/// The first GraphQL error: (extensions.code or type, message).
fn graphql_error(r: &Reply) -> (String, String) {
    let v = r.json().unwrap_or_default();
    let e = &v["errors"][0];
    let code = e["extensions"]["code"]
        .as_str()
        .or_else(|| e["extensions"]["type"].as_str())
        .unwrap_or("")
        .to_string();
    let msg = e["message"].as_str().unwrap_or("").to_string();
    (code, msg)
}

fn judge(_secret: &str, r: &Reply) -> Outcome {
    let (code, msg) = graphql_error(r);
    let detail = match (code.is_empty(), msg.is_empty()) {
        (false, false) => format!("{code}: {msg}"),
        (false, true) => code.clone(),
        (true, false) => msg.clone(),
        (true, true) => String::new(),
    };
    let v = r.json().unwrap_or_default();
    let auth_error = code.eq_ignore_ascii_case("AUTHENTICATION_ERROR")
        || msg.to_ascii_lowercase().contains("authentication");
    match r.status {
        200..=299 if v["data"]["viewer"]["id"].is_string() => {
            let name = v["data"]["viewer"]["name"].as_str().unwrap_or("?");
            Outcome::Final(Live, format!("user {name}"))
        }
        200..=299 | 400 | 401 if auth_error => Outcome::Final(Inactive, detail),
        401 => Outcome::Final(Inactive, detail),
        403 | 400 if code.eq_ignore_ascii_case("FORBIDDEN") => Outcome::Final(Restricted, detail),
        429 => Outcome::Transient(RateLimited, detail),
        200..=299 => Outcome::Final(Unknown, detail),
        _ => fallback(r, detail),
    }
}
