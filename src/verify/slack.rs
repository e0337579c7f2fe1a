//! Slack: tokens with `POST /api/auth.test` (always HTTP 200; the JSON `ok` / `error` decide);
//! incoming webhooks by posting an invalid body, which Slack rejects without posting anything
//! (400 `invalid_payload` means the webhook exists).

use super::{fallback, NotChecked, Outcome, Probe, Reply, Verifier};
use crate::model::finding::VerifyStatus::*;

pub const VERIFIER: Verifier = Verifier {
    name: "slack",
    base: "https://slack.com",
    probe,
    judge,
};

const WEBHOOK: &str = "https://hooks.slack.com/";

fn is_webhook(secret: &str) -> bool {
    secret.starts_with(WEBHOOK)
}

fn probe(secret: &str) -> Result<Probe, NotChecked> {
    if is_webhook(secret) {
        let path = &secret[WEBHOOK.len() - 1..];
        if !path.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/') {
            return Err("not a Slack webhook URL keyhound can check".into());
        }
        // Not JSON: Slack answers invalid_payload and posts nothing.
        let mut p = Probe::post(
            path,
            "application/json",
            "keyhound verification: not a message",
        );
        p.official_base = Some("https://hooks.slack.com".into());
        return Ok(p);
    }
    if secret.starts_with("xapp-") {
        return Err("app-level tokens have no side-effect-free check".into());
    }
    if secret.starts_with("xoxe-") {
        return Err("refresh tokens are not checked: using one would rotate it".into());
    }
    if !secret.starts_with("xox") {
        return Err("not a Slack token or webhook URL keyhound can check".into());
    }
    Ok(Probe::post("/api/auth.test", "application/x-www-form-urlencoded", "").bearer(secret))
}

fn judge(secret: &str, r: &Reply) -> Outcome {
    if is_webhook(secret) {
        let body = r.body.trim().to_string();
        return match r.status {
            200..=299 => Outcome::Final(Live, "webhook accepted the request".into()),
            400 if body == "invalid_payload" || body == "no_text" => {
                Outcome::Final(Live, format!("webhook exists ({body})"))
            }
            403 | 404 | 410 => Outcome::Final(Inactive, super::with_status(r.status, body)),
            _ => fallback(r, body),
        };
    }
    let v = r.json().unwrap_or_default();
    let error = v["error"].as_str().unwrap_or("");
    if r.status == 200 && v["ok"] == true {
        let team = v["team"].as_str().unwrap_or("?");
        let user = v["user"].as_str().unwrap_or("?");
        let kind = if v["bot_id"].is_string() {
            "bot"
        } else {
            "user"
        };
        return Outcome::Final(Live, format!("{kind} token for {user} in workspace {team}"));
    }
    match error {
        "invalid_auth" | "not_authed" | "account_inactive" | "token_revoked" | "token_expired" => {
            Outcome::Final(Inactive, error.into())
        }
        "missing_scope"
        | "no_permission"
        | "ekm_access_denied"
        | "org_login_required"
        | "team_access_not_granted" => Outcome::Final(Restricted, error.into()),
        "ratelimited" => Outcome::Transient(RateLimited, error.into()),
        "fatal_error" | "internal_error" | "service_unavailable" | "request_timeout" => {
            Outcome::Transient(Unknown, error.into())
        }
        _ if r.status != 200 => fallback(r, error.into()),
        _ => Outcome::Final(Unknown, error.into()),
    }
}
