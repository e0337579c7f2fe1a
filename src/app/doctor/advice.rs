//! What an OpenAI answer means for someone whose key "stopped working", one cause per documented
//! error, each with its own fix. Pure: an answer in, a [`Cause`] and its [`Advice`] out.
//!
//! The causes follow OpenAI's error-code guide and the codes its API returns in
//! `{"error": {"code", "type", "message"}}`: 401 `invalid_api_key`, `mismatched_project`,
//! `mismatched_organization`, `invalid_organization`, `no_organization`, an IP allowlist, a
//! restricted key's missing scopes; 403 `unsupported_country_region_territory`; 429
//! `insufficient_quota` or a rate limit; 404 `model_not_found`.

use crate::verify::{ErrorInfo, Reply};

/// Why OpenAI answered the way it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// 2xx: the key authenticated.
    Works,
    /// 401 `invalid_api_key`: revoked, deleted or mistyped.
    InvalidKey,
    /// 401 `mismatched_project`: the `OpenAI-Project` header names a project the key is not in.
    MismatchedProject,
    /// 401 `mismatched_organization`: the `OpenAI-Organization` header names another organization.
    MismatchedOrganization,
    /// 401 `invalid_organization` / "No such organization": the organization id is wrong.
    InvalidOrganization,
    /// 401 `no_organization`: the account belongs to no organization.
    NoOrganization,
    /// 401: the project's IP allowlist refused the address the request came from.
    IpNotAllowed,
    /// 401 "Missing scopes: …": a restricted key without the permission this endpoint needs.
    MissingScopes(String),
    /// 401 with another message.
    Unauthorized,
    /// 403 `unsupported_country_region_territory`: where the request came from.
    Region,
    /// 403 with another message: authenticated, no access to this resource.
    Forbidden,
    /// 404 `model_not_found` (or 403) on `/v1/models/NAME`.
    ModelNotAvailable,
    /// 429 `insufficient_quota`: out of credit or over the budget.
    Quota,
    /// 429 otherwise: too many requests or tokens right now.
    RateLimited,
    /// 5xx, or an answer nothing here explains.
    Unclear,
}

impl Cause {
    /// Classifies one answer. `model` is true for `GET /v1/models/NAME`.
    pub fn of(reply: &Reply, model: bool) -> Cause {
        let e = reply.error();
        match reply.status {
            200..=299 => Cause::Works,
            401 => unauthorized(&e),
            403 if e.code_is("unsupported_country_region_territory")
                || e.says("country, region, or territory") =>
            {
                Cause::Region
            }
            403 | 404 if model => Cause::ModelNotAvailable,
            403 => Cause::Forbidden,
            404 if e.code_is("model_not_found") => Cause::ModelNotAvailable,
            429 if e.code_is("insufficient_quota")
                || e.kind_is("insufficient_quota")
                || e.says("exceeded your current quota") =>
            {
                Cause::Quota
            }
            429 => Cause::RateLimited,
            _ => Cause::Unclear,
        }
    }
}

fn unauthorized(e: &ErrorInfo) -> Cause {
    if e.code_is("mismatched_project") || e.says("OpenAI-Project header") {
        Cause::MismatchedProject
    } else if e.code_is("mismatched_organization") || e.says("OpenAI-Organization header") {
        Cause::MismatchedOrganization
    } else if e.code_is("invalid_organization") || e.says("no such organization") {
        Cause::InvalidOrganization
    } else if e.code_is("no_organization") || e.says("member of an organization") {
        Cause::NoOrganization
    } else if e.code_is("invalid_api_key") || e.says("incorrect api key") {
        Cause::InvalidKey
    } else if e.says("ip address") || e.says("ip not authorized") || e.code_is("ip_not_authorized")
    {
        Cause::IpNotAllowed
    } else if e.says("missing scopes") || e.says("insufficient permissions") {
        let scopes = e
            .message
            .as_deref()
            .and_then(|m| {
                let i = m.to_ascii_lowercase().find("missing scopes:")?;
                Some(
                    m[i + "missing scopes:".len()..]
                        .trim()
                        .trim_end_matches('.'),
                )
            })
            .unwrap_or("")
            .to_string();
        Cause::MissingScopes(scopes)
    } else {
        Cause::Unauthorized
    }
}

/// How bad a cause is for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The key works.
    Ok,
    /// Works, with something to know (a rate limit).
    Warn,
    /// A key or configuration problem: exit 1.
    Problem,
    /// OpenAI could not be asked or did not say: exit 2 unless a problem was found.
    Unclear,
}

/// One cause in words.
#[derive(Debug, Clone)]
pub struct Advice {
    pub level: Level,
    pub what: String,
    pub fix: String,
}

/// What the doctor sent besides the key, so the advice can name it.
#[derive(Debug, Default, Clone)]
pub struct Sent {
    /// `OPENAI_ORG_ID` value and where it came from.
    pub org: Option<(String, String)>,
    /// `OPENAI_PROJECT_ID` value and where it came from.
    pub project: Option<(String, String)>,
    /// The model asked for with `--model`.
    pub model: Option<String>,
}

const KEYS_PAGE: &str = "https://platform.openai.com/api-keys";
const EVERYWHERE: &str =
    "and replace it everywhere the app gets it (.env, shell profile, CI secrets, the hosting platform's environment settings), then redeploy";

/// The advice for `cause`, naming what was sent.
pub fn advise(cause: &Cause, sent: &Sent) -> Advice {
    let problem = |what: String, fix: String| Advice {
        level: Level::Problem,
        what,
        fix,
    };
    match cause {
        Cause::Works => Advice {
            level: Level::Ok,
            what: "the key authenticates".into(),
            fix: String::new(),
        },
        Cause::InvalidKey => problem(
            format!(
                "OpenAI does not accept this key (invalid_api_key): it was revoked, deleted, or mistyped{}",
                if sent.org.is_some() || sent.project.is_some() {
                    " (the organization/project headers are not the cause of this code)"
                } else {
                    ""
                }
            ),
            format!("create a new key at {KEYS_PAGE} {EVERYWHERE}"),
        ),
        Cause::MismatchedProject => problem(
            match &sent.project {
                Some((v, at)) => format!("the key does not belong to the project in the OpenAI-Project header (mismatched_project): {v}, from OPENAI_PROJECT_ID in {at}"),
                None => "the key does not belong to the project the OpenAI-Project header names (mismatched_project); the app sends that header from OPENAI_PROJECT_ID or a `project=` argument of the client".into(),
            },
            "set OPENAI_PROJECT_ID to the id of the key's own project (platform.openai.com → Settings → Project → General, proj_…), or unset it: a project key already selects its project. Check a `project=` argument in the code and the hosting platform's settings too".into(),
        ),
        Cause::MismatchedOrganization => problem(
            match &sent.org {
                Some((v, at)) => format!("the key does not belong to the organization in the OpenAI-Organization header (mismatched_organization): {v}, from OPENAI_ORG_ID in {at}"),
                None => "the key does not belong to the organization the OpenAI-Organization header names (mismatched_organization); the app sends it from OPENAI_ORG_ID / OPENAI_ORGANIZATION or an `organization=` argument".into(),
            },
            "set OPENAI_ORG_ID to the organization the key was created in (Settings → Organization → General, org-…), or unset it; with several organizations, create the key in the one you mean to bill".into(),
        ),
        Cause::InvalidOrganization => problem(
            match &sent.org {
                Some((v, at)) => format!("OpenAI knows no organization {v} that this key can use (invalid_organization); it came from OPENAI_ORG_ID in {at}"),
                None => "the OpenAI-Organization header names no organization this key can use (invalid_organization); the app sends it from OPENAI_ORG_ID / OPENAI_ORGANIZATION or an `organization=` argument".into(),
            },
            "copy the organization id (org-…, not its display name) from Settings → Organization → General, or unset OPENAI_ORG_ID (it is optional for project keys)".into(),
        ),
        Cause::NoOrganization => problem(
            "the account that owns this key belongs to no organization (no_organization)".into(),
            "ask an owner of your organization to invite you (Settings → Organization → Members), or create an organization, then create a key in it".into(),
        ),
        Cause::IpNotAllowed => problem(
            "the project's IP allowlist refused the address this request came from; the key itself is fine".into(),
            "add the server's outgoing IP address to the allowlist (Settings → Project → General → IP allowlist), or run from an allowed network".into(),
        ),
        Cause::MissingScopes(scopes) => problem(
            format!(
                "the key is a restricted key without the permission this call needs{}",
                if scopes.is_empty() { String::new() } else { format!(" (missing scopes: {scopes})") }
            ),
            "edit the key's permissions at https://platform.openai.com/api-keys (Restricted → give the endpoints your app calls Read or Write, e.g. Models: Read for listing models), or use a key with All permissions".into(),
        ),
        Cause::Unauthorized => problem(
            "OpenAI refused the key (401)".into(),
            format!("check the key and the OPENAI_ORG_ID / OPENAI_PROJECT_ID headers; if they are right, create a new key at {KEYS_PAGE}"),
        ),
        Cause::Region => problem(
            "OpenAI does not serve the country, region or territory this request came from (unsupported_country_region_territory); this is about where the code runs, not the key".into(),
            "run the app (or this check) from a supported country, e.g. choose a supported region on the hosting platform; a VPN or proxy exit in an unsupported country causes it too".into(),
        ),
        Cause::Forbidden => problem(
            "the key authenticates but is not allowed to use this resource (403): the project's or organization's permissions".into(),
            "check the key's permissions and the project's member and model settings (Settings → Project)".into(),
        ),
        Cause::ModelNotAvailable => {
            let m = sent.model.as_deref().unwrap_or("the model");
            problem(
                format!("the key's project cannot use {m}: OpenAI answers that it does not exist or that this project has no access to it (model_not_found)"),
                format!("check the spelling of {m} against `GET /v1/models`; in the dashboard, allow it in Settings → Project → Limits (model usage), and check that the organization has access to it (some models need a verified organization or a usage tier)"),
            )
        }
        Cause::Quota => problem(
            "the key is valid, but the organization or project is out of credit or over its budget (insufficient_quota)".into(),
            "add credit or raise the limit at https://platform.openai.com/settings/organization/billing, and check the project's budget (Settings → Project → Limits)".into(),
        ),
        Cause::RateLimited => Advice {
            level: Level::Warn,
            what: "the key is valid but rate-limited right now (too many requests or tokens per minute)".into(),
            fix: "slow down: retry with exponential backoff, lower the request rate, and check the x-ratelimit-* response headers and your usage tier's limits".into(),
        },
        Cause::Unclear => Advice {
            level: Level::Unclear,
            what: "OpenAI could not be asked or did not answer clearly (server error, timeout or network problem)".into(),
            fix: "wait and try again; check https://status.openai.com".into(),
        },
    }
}

/// The environment variable the SDKs of `provider` read, for a key of another provider found in
/// `OPENAI_API_KEY`.
pub fn provider_var(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "anthropic" => "ANTHROPIC_API_KEY",
        "openrouter" => "OPENROUTER_API_KEY",
        "groq" => "GROQ_API_KEY",
        "google" | "gemini" => "GEMINI_API_KEY",
        "huggingface" => "HF_TOKEN",
        "mistral" => "MISTRAL_API_KEY",
        "cohere" => "CO_API_KEY",
        "deepseek" => "DEEPSEEK_API_KEY",
        "xai" => "XAI_API_KEY",
        "perplexity" => "PERPLEXITY_API_KEY",
        "replicate" => "REPLICATE_API_TOKEN",
        "together" => "TOGETHER_API_KEY",
        "github" => "GITHUB_TOKEN",
        "stripe" => "STRIPE_SECRET_KEY",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, code: Option<&str>, message: &str) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: serde_json::json!({"error": {"code": code, "message": message, "type": "invalid_request_error"}})
                .to_string(),
        }
    }

    #[test]
    fn each_documented_error_has_its_cause() {
        let cases = [
            (reply(401, Some("invalid_api_key"), "Incorrect API key provided"), Cause::InvalidKey),
            (reply(401, Some("mismatched_project"), "OpenAI-Project header should match project for API key"), Cause::MismatchedProject),
            (reply(401, Some("mismatched_organization"), "OpenAI-Organization header should match organization for API key"), Cause::MismatchedOrganization),
            (reply(401, Some("invalid_organization"), ""), Cause::InvalidOrganization),
            (reply(401, None, "No such organization: Personal."), Cause::InvalidOrganization),
            (reply(401, Some("no_organization"), "You must be a member of an organization to use the API."), Cause::NoOrganization),
            (reply(401, None, "You have insufficient permissions for this operation. Missing scopes: api.model.read."), Cause::MissingScopes("api.model.read".into())),
            (reply(403, Some("unsupported_country_region_territory"), "Country, region, or territory not supported"), Cause::Region),
            (reply(429, Some("insufficient_quota"), "You exceeded your current quota"), Cause::Quota),
            (reply(429, Some("rate_limit_exceeded"), "Rate limit reached"), Cause::RateLimited),
            (reply(503, None, "overloaded"), Cause::Unclear),
        ];
        for (r, want) in cases {
            assert_eq!(Cause::of(&r, false), want, "{}", r.body);
        }
        assert_eq!(
            Cause::of(
                &reply(404, Some("model_not_found"), "The model does not exist"),
                true
            ),
            Cause::ModelNotAvailable
        );
        assert_eq!(
            Cause::of(&reply(403, None, "no access"), true),
            Cause::ModelNotAvailable
        );
    }

    #[test]
    fn every_problem_has_a_fix() {
        let sent = Sent {
            org: Some(("org-x".into(), "the environment".into())),
            ..Sent::default()
        };
        for c in [
            Cause::InvalidKey,
            Cause::MismatchedProject,
            Cause::MismatchedOrganization,
            Cause::InvalidOrganization,
            Cause::NoOrganization,
            Cause::IpNotAllowed,
            Cause::MissingScopes(String::new()),
            Cause::Region,
            Cause::Quota,
            Cause::ModelNotAvailable,
        ] {
            let a = advise(&c, &sent);
            assert_eq!(a.level, Level::Problem, "{c:?}");
            assert!(!a.fix.is_empty(), "{c:?}");
        }
        assert!(advise(&Cause::InvalidOrganization, &sent)
            .what
            .contains("org-x"));
    }
}
