//! What the summary counts, shared by the human summary line and the JSON `summary`.

use crate::model::check::{
    BROWSER_SDK_CLIENT, CLIENT_EXPOSED_ENV, DOTENV_NOT_IGNORED, DOTENV_TRACKED, GITIGNORE_MISSING,
};
use crate::model::finding::{Finding, Tag};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Findings that carry a secret.
    pub secrets: usize,
    /// Secrets that verified live.
    pub live: usize,
    /// Keys that reach browsers (build output, public env variables, browser SDK clients).
    pub exposed_to_browsers: usize,
    pub only_in_history: usize,
    pub dotenv_tracked: usize,
    pub dotenv_not_ignored: usize,
    pub gitignore_missing: usize,
    /// Findings without a secret that none of the counts above covers.
    pub other_hygiene: usize,
}

pub fn is_exposed(f: &Finding) -> bool {
    f.has_tag(Tag::ClientBundle)
        || f.rule_id == CLIENT_EXPOSED_ENV
        || f.rule_id == BROWSER_SDK_CLIENT
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            if f.secret.is_some() {
                c.secrets += 1;
            }
            if f.is_live() {
                c.live += 1;
            }
            if is_exposed(f) {
                c.exposed_to_browsers += 1;
            }
            if f.has_tag(Tag::HistoryOnly) {
                c.only_in_history += 1;
            }
            match f.rule_id.as_str() {
                DOTENV_TRACKED => c.dotenv_tracked += 1,
                DOTENV_NOT_IGNORED => c.dotenv_not_ignored += 1,
                GITIGNORE_MISSING => c.gitignore_missing += 1,
                _ if f.secret.is_none() && !is_exposed(f) => c.other_hygiene += 1,
                _ => {}
            }
        }
        c
    }
}
