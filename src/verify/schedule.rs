//! Runs the checks of a scan: every distinct (verifier, secret) pair once, however many findings
//! carry it (the cache is keyed by [`Secret::hash`], so it never holds a secret), on at most
//! `Settings::concurrency` threads; then copies each verdict onto its findings.

use super::{verifier, Client};
use crate::diag::Warnings;
use crate::model::finding::{Finding, Secret, Verification};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a verification pass did, for notes and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifySummary {
    /// Distinct secrets checked.
    pub checked: usize,
    /// HTTP requests sent (retries included).
    pub requests: usize,
    /// Of the checked secrets, how many authenticated.
    pub live: usize,
    pub elapsed: Duration,
    /// Distinct secrets left unchecked because the limit was reached.
    pub unchecked: usize,
}

impl VerifySummary {
    /// "--verify-limit 100 reached: 20 more distinct keys were not checked", when it was.
    pub fn unchecked_note(&self, limit: usize) -> Option<String> {
        (self.unchecked > 0).then(|| {
            format!(
                "--verify-limit {limit} reached: {} more distinct key{} not checked live",
                self.unchecked,
                if self.unchecked == 1 {
                    " was"
                } else {
                    "s were"
                }
            )
        })
    }
}

/// Checks every finding that names a verifier, and sets `Finding::verification`: at most
/// `limit` distinct secrets (in report order); the findings of the others get an `unknown`
/// verdict that says why.
pub fn verify_findings_limited(
    findings: &mut [Finding],
    client: &Client,
    warnings: &Warnings,
    limit: usize,
) -> VerifySummary {
    let start = Instant::now();
    let mut unknown_names = BTreeSet::new();
    // (verifier, secret hash) -> job index; jobs hold what each check needs.
    let mut index: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut jobs: Vec<(&'static super::Verifier, Secret)> = Vec::new();
    let mut job_of: Vec<Option<usize>> = vec![None; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let (Some(secret), Some(name)) = (&f.secret, f.verifier.as_deref()) else {
            continue;
        };
        let Some(v) = verifier(name) else {
            unknown_names.insert(name.to_string());
            continue;
        };
        let key = (v.name, secret.hash());
        let j = *index.entry(key).or_insert_with(|| {
            jobs.push((v, secret.clone()));
            jobs.len() - 1
        });
        job_of[i] = Some(j);
    }
    for name in unknown_names {
        warnings.note(format!("rules name a verifier '{name}' that keyhound does not have; those findings are not verified"));
    }
    if !jobs.is_empty() {
        let providers: BTreeSet<&str> = jobs.iter().map(|(v, _)| v.name).collect();
        warnings.note(format!(
            "verifying {} distinct secret{} with {} ({})",
            jobs.len(),
            if jobs.len() == 1 { "" } else { "s" },
            providers.iter().copied().collect::<Vec<_>>().join(", "),
            if client.endpoints.is_empty() {
                "official endpoints"
            } else {
                "some endpoints overridden"
            }
        ));
    }
    let unchecked = jobs.len().saturating_sub(limit);
    if unchecked > 0 {
        warnings.note(format!(
            "--verify-limit {limit} reached: {unchecked} more distinct key{} not checked live",
            if unchecked == 1 { " is" } else { "s are" }
        ));
    }
    let mut results = run_jobs(&jobs[..jobs.len().min(limit)], client);
    results.resize(
        jobs.len(),
        Verification {
            status: crate::finding::VerifyStatus::Unknown,
            detail: format!("not checked: --verify-limit {limit} reached"),
        },
    );
    let live = results.iter().filter(|v| v.status.is_live()).count();
    for (f, j) in findings.iter_mut().zip(job_of) {
        if let Some(j) = j {
            f.verification = Some(results[j].clone());
        }
    }
    VerifySummary {
        checked: jobs.len(),
        requests: client.requests_sent(),
        live,
        elapsed: start.elapsed(),
        unchecked,
    }
}

/// Runs the checks on a bounded pool of scoped threads; results in job order.
fn run_jobs(jobs: &[(&'static super::Verifier, Secret)], client: &Client) -> Vec<Verification> {
    let results: Vec<Mutex<Option<Verification>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = client.settings.concurrency.clamp(1, jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let j = next.fetch_add(1, Ordering::Relaxed);
                let Some((v, secret)) = jobs.get(j) else {
                    break;
                };
                let verdict = client.check(v, secret);
                *results[j].lock().unwrap() = Some(verdict);
            });
        }
    });
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap().expect("every job ran"))
        .collect()
}
