//! Context: where a match lives and what that means (an env file, a browser bundle, a
//! notebook, CI config, docs), added to findings as tags and message text; and the
//! repository-level checks (committed or unignored env files, missing `.gitignore` rules).

pub mod checks;
pub mod dotenv_history;
pub mod env_added;
pub mod exposure;
pub mod file_class;
pub mod framework;
pub mod history;
pub mod hygiene;
pub mod json_path;
pub mod notebook;

use crate::diag::Warnings;
use crate::finding::{Finding, Origin};
use crate::rules::Severity;

/// Tags a finding by the file it is in. `data` is the blob, `offset` where the match starts.
pub fn classify(f: &mut Finding, data: &[u8], offset: usize) {
    for tag in file_class::tags_for_path(&f.path) {
        f.add_tag(tag);
    }
    exposure::classify(f, data, offset);
}

/// Per blob, once its key findings are built (`findings[k]` starts at `offsets[k]`, ascending):
/// notebook cells, source maps and build output, and `browser-sdk-client` findings (which need
/// no key, so this runs for blobs without matches too).
pub fn annotate_blob(
    path: &str,
    data: &[u8],
    origin: &Origin,
    findings: &mut Vec<Finding>,
    offsets: &[usize],
    warnings: &Warnings,
) {
    if file_class::is_notebook(path) && !findings.is_empty() {
        match notebook::places(data, offsets) {
            Ok(places) => {
                for (f, p) in findings.iter_mut().zip(places) {
                    if let Some(d) = p.describe() {
                        f.message = format!("{} {d}", f.message);
                    }
                }
            }
            Err(pos) => warnings.warn(
                path,
                format!(
                    "not a valid notebook (JSON error near byte {pos}); cell numbers not reported"
                ),
            ),
        }
    }
    exposure::annotate(path, data, findings, offsets);
    let key_in_file = findings
        .iter()
        .any(|f| f.secret.is_some() && f.severity >= Severity::High);
    findings.extend(exposure::browser_sdk_clients(
        path,
        data,
        origin,
        key_in_file,
    ));
    findings.extend(framework::exposures(path, data, origin));
}
