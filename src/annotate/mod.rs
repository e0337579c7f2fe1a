//! Annotation is pure: a blob's [`PathClass`] (env file, browser bundle, source map, notebook,
//! CI config, docs, ...) is computed once, and its findings are tagged and described from it
//! and from the bytes around them (browser exposure, notebook cells).

pub mod exposure;
pub mod framework;
pub mod json_path;
pub mod notebook;

use crate::diag::Warnings;
use crate::model::finding::{Annotation, Finding, Origin, Tag};
use crate::model::path_class as file_class;
use crate::model::rule::Severity;

/// What a blob's path says about it, computed once per blob.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathClass {
    /// Every tag the path alone implies.
    pub tags: Vec<Tag>,
    /// A lockfile or checksum list: generic rules only produce noise there.
    pub hash_list: bool,
    /// A locale or translation file: its words are prose, never a generic secret.
    pub translation: bool,
    pub notebook: bool,
    pub source_map: bool,
    /// Ships to browsers (build output, bundles).
    pub client_bundle: bool,
    pub docs: bool,
    /// A file type where an SDK client can be constructed (JS, TS, HTML, ...).
    pub script: bool,
    /// Dependency code (`node_modules/`, `vendor/`, ...): not the user's shipped bundle.
    pub dependency: bool,
}

impl PathClass {
    pub fn of(path: &str) -> PathClass {
        PathClass {
            tags: file_class::tags_for_path(path),
            hash_list: file_class::is_hash_list(path),
            translation: file_class::is_translation(path),
            notebook: file_class::is_notebook(path),
            source_map: file_class::is_source_map(path),
            client_bundle: file_class::is_client_bundle(path),
            docs: file_class::is_docs(path),
            script: exposure::is_script(path),
            dependency: file_class::is_dependency(path),
        }
    }
}

/// Tags a finding by the file it is in. `data` is the blob, `offset` where the match starts.
pub fn classify(f: &mut Finding, class: &PathClass, data: &[u8], offset: usize) {
    for &tag in &class.tags {
        f.add_tag(tag);
    }
    exposure::classify(f, data, offset);
}

/// Per blob, once its key findings are built (`findings[k]` starts at `offsets[k]`, ascending):
/// notebook cells, source maps and build output, and `browser-sdk-client` findings (which need
/// no key, so this runs for blobs without matches too).
pub fn annotate_blob(
    class: &PathClass,
    path: &str,
    data: &[u8],
    origin: &Origin,
    findings: &mut Vec<Finding>,
    offsets: &[usize],
    warnings: &Warnings,
) {
    if class.notebook && !findings.is_empty() {
        match notebook::places(data, offsets) {
            Ok(places) => {
                for (f, p) in findings.iter_mut().zip(places) {
                    if let Some(d) = p.describe() {
                        f.annotate(Annotation::NotebookCell(d));
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
    exposure::annotate(class, data, findings, offsets);
    let key_in_file = findings
        .iter()
        .any(|f| f.is_key() && f.severity >= Severity::High);
    let sdk_clients = exposure::browser_sdk_clients(class, path, data, origin, key_in_file);
    let sdk_client_reported = !sdk_clients.is_empty();
    findings.extend(sdk_clients);
    // A line whose key is already reported (re-labelled as client-exposed-env when it is in a
    // public variable) is one finding, not two.
    let key_lines: Vec<usize> = findings
        .iter()
        .filter(|f| f.is_key())
        .map(|f| f.line)
        .collect();
    findings.extend(
        framework::exposures(path, data, origin, sdk_client_reported)
            .into_iter()
            .filter(|f| !key_lines.contains(&f.line)),
    );
}
