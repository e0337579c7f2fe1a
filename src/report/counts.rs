//! What the summary counts, shared by the human summary line and the JSON `summary`.

use crate::model::check::CheckId;
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

/// A key that really reaches browsers: not a public-by-design value (those are meant to), not
/// dependency code (`node_modules/` is not your shipped bundle).
pub fn is_exposed(f: &Finding) -> bool {
    if f.public.is_some() || f.has_tag(Tag::Dependency) {
        return false;
    }
    f.has_tag(Tag::ClientBundle)
        || matches!(
            f.check_id(),
            Some(CheckId::ClientExposedEnv | CheckId::BrowserSdkClient)
        )
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            if f.is_key() {
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
            match f.check_id() {
                Some(CheckId::DotenvTracked) => c.dotenv_tracked += 1,
                Some(CheckId::DotenvNotIgnored) => c.dotenv_not_ignored += 1,
                Some(CheckId::GitignoreMissing) => c.gitignore_missing += 1,
                _ if !f.is_key() && !is_exposed(f) => c.other_hygiene += 1,
                _ => {}
            }
        }
        c
    }
}
