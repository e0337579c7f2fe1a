//! The scanner: the [`BlobSink`] every source pushes into. Per blob: binary skip, detection,
//! inline allow comments, findings with line and column, annotation from the blob's path class.

use super::history::{Hit, Hits};
use crate::annotate::{self, PathClass};
use crate::detect::{Engine, ScanHints};
use crate::diag::Warnings;
use crate::git::{oid_key, OidSet};
use crate::model::finding::{locate, Annotation, Finding, Origin, Secret, Tag};
use crate::source::{is_binary, Blob, BlobSink, Provenance};
use crate::suppress::inline::inline_allowed;
use std::collections::{BTreeSet, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

pub(super) struct Scanner<'a> {
    engine: &'a Engine,
    inline_allow: bool,
    /// Report public-by-design values (as `info`) instead of dropping them.
    include_public: bool,
    warnings: &'a Warnings,
    /// Files and bytes scanned (history blobs are counted by the history source).
    files: AtomicU64,
    bytes: AtomicU64,
    findings: Mutex<Vec<Finding>>,
    /// History hits, merged per (rule, secret, path) as they arrive.
    hits: Mutex<Hits>,
    /// Blob ids of HEAD's tree (history scanners only): whether a hit is still present.
    head: OidSet,
    /// History paths whose search was costly: their next versions are searched where they
    /// change (see [`is_costly`]).
    costly: Mutex<HashSet<String>>,
    /// Paths whose findings were capped: warned about once (1,000 versions of a file in
    /// history are one warning).
    capped: Mutex<HashSet<String>>,
}

/// Findings reported per file (per blob, per archive member); past it, one warning.
pub const MAX_FINDINGS_PER_FILE: usize = 1000;

impl<'a> Scanner<'a> {
    pub(super) fn new(
        engine: &'a Engine,
        opts: &super::ScanOptions,
        warnings: &'a Warnings,
    ) -> Self {
        Scanner {
            engine,
            inline_allow: opts.inline_allow,
            include_public: opts.include_public,
            warnings,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            findings: Mutex::new(Vec::new()),
            hits: Mutex::new(Hits::default()),
            head: OidSet::default(),
            costly: Mutex::new(HashSet::new()),
            capped: Mutex::new(HashSet::new()),
        }
    }

    /// A scanner for a history: `head` holds the blob ids of HEAD's tree.
    pub(super) fn with_head(mut self, head: OidSet) -> Self {
        self.head = head;
        self
    }

    /// Files and bytes scanned so far (working tree and staged blobs).
    pub(super) fn counts(&self) -> (u64, u64) {
        (
            self.files.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }

    /// The findings of files and staged blobs, and the hits of history blobs.
    pub(super) fn into_findings(self) -> (Vec<Finding>, Hits) {
        (
            self.findings.into_inner().unwrap(),
            self.hits.into_inner().unwrap(),
        )
    }

    /// Detection and annotation of one (non-binary) blob. A match for which `seen` says true is
    /// already reported (a history key found in an older commit) and gets no finding.
    /// With `regions`, only those byte ranges of the blob are searched. Also returns how many
    /// matches detection accepted (before suppression): what the search cost.
    fn findings_of(
        &self,
        blob: &Blob<'_>,
        class: &PathClass,
        origin: &Origin,
        regions: Option<&[Range<usize>]>,
        seen: &dyn Fn(&crate::model::rule::Rule, &str) -> bool,
    ) -> (Vec<Finding>, usize) {
        let hints = ScanHints {
            generic: !class.hash_list && !class.translation,
            decode_base64: true,
        };
        // A file of a million key-shaped strings is capped: its first findings are reported
        // (and a warning says so), the rest would only cost memory and a report nobody reads.
        let limit = MAX_FINDINGS_PER_FILE.saturating_mul(4);
        let mut matches = match regions {
            None => self.engine.scan_limited(blob.data, hints, limit),
            Some(regions) => {
                let mut all = Vec::new();
                for r in regions {
                    if all.len() >= limit {
                        break;
                    }
                    let found =
                        self.engine
                            .scan_limited(&blob.data[r.clone()], hints, limit - all.len());
                    all.extend(found.into_iter().map(|mut m| {
                        m.span = m.span.start + r.start..m.span.end + r.start;
                        m
                    }));
                }
                all
            }
        };
        if matches.len() > MAX_FINDINGS_PER_FILE {
            matches.sort_by_key(|m| m.span.start);
            matches.truncate(MAX_FINDINGS_PER_FILE);
            if self.capped.lock().unwrap().insert(blob.path.to_string()) {
                self.warnings.warn(
                    blob.path,
                    format!("more than {MAX_FINDINGS_PER_FILE} findings; only the first {MAX_FINDINGS_PER_FILE} are reported"),
                );
            }
        }
        let accepted = matches.len();
        let mut offsets: Vec<usize> = matches.iter().map(|m| m.span.start).collect();
        let mut order: Vec<usize> = (0..matches.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        offsets = order.iter().map(|&i| matches[i].span.start).collect();
        let positions = locate(blob.data, &offsets);
        let mut out = Vec::with_capacity(matches.len());
        // Where each finding in `out` starts (matches skipped below have none).
        let mut kept = Vec::with_capacity(matches.len());
        for (k, &i) in order.iter().enumerate() {
            let m = &matches[i];
            if self.inline_allow && inline_allowed(blob.data, m.span.clone()) {
                continue;
            }
            let rule = &self.engine.rules()[m.rule];
            let public = m.public_reason(rule);
            if public.is_some() && !self.include_public || seen(rule, &m.secret) {
                continue;
            }
            let (line, column) = positions[k];
            let mut f =
                Finding::for_secret(rule, &m.secret, blob.path, line, column, origin.clone());
            if f.secret.as_ref().is_some_and(|s| s.is_opaque()) {
                f.context.clone_from(&m.context);
            }
            if let Some(v) = &m.verdict {
                if let Some(s) = v.severity {
                    f.severity = s;
                }
                if let Some(note) = &v.note {
                    f.add_fact(note);
                }
            }
            if let Some(why) = public {
                f.mark_public(why);
            }
            if m.decoded {
                f.add_tag(Tag::Base64);
                f.annotate(Annotation::Base64);
            }
            if blob.depth > 0 {
                f.add_tag(Tag::Archive);
            }
            annotate::classify(&mut f, class, blob.data, m.span.start);
            out.push(f);
            kept.push(offsets[k]);
        }
        annotate::annotate_blob(
            class,
            blob.path,
            blob.data,
            origin,
            &mut out,
            &kept,
            self.warnings,
        );
        (out, accepted)
    }
}

impl BlobSink for Scanner<'_> {
    fn blob(&self, blob: Blob<'_>) {
        if is_binary(blob.path, blob.data) {
            return;
        }
        let origin = match blob.provenance {
            Provenance::Staged { .. } => Origin::Staged,
            // History findings get their commit when they are attributed.
            Provenance::File | Provenance::History { .. } => Origin::WorkingTree,
        };
        if !matches!(blob.provenance, Provenance::History { .. }) {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.bytes
                .fetch_add(blob.data.len() as u64, Ordering::Relaxed);
        }
        let class = PathClass::of(blob.path);
        let in_head = match blob.provenance {
            Provenance::History { blob: id, .. } => self.head.contains(&oid_key(id)),
            _ => false,
        };
        // A version of a file whose search proved costly is searched only where it changed
        // over the version scanned before it: its other keys were found there, and one found
        // again around a change merges into that older hit. An archive member inherits its
        // archive's provenance but has no earlier version; scripts are always searched whole
        // (their browser checks look at every key in the file).
        let comparable = matches!(blob.provenance, Provenance::History { .. })
            && blob.depth == 0
            && !class.script;
        let regions = match blob.provenance {
            Provenance::History {
                earlier: Some(earlier),
                ..
            } if comparable && self.costly.lock().unwrap().contains(blob.path) => {
                earlier.changed_regions(blob.data)
            }
            _ => None,
        };
        let (found, accepted) = match blob.provenance {
            // Scripts are left out here too: their findings are all rebuilt.
            Provenance::History { order, .. } if !class.script => self.findings_of(
                &blob,
                &class,
                &origin,
                regions.as_deref(),
                &|rule, secret| {
                    self.hits.lock().unwrap().seen_before(
                        &rule.id,
                        Secret::of_rule(rule, secret),
                        blob.path,
                        order,
                        in_head,
                    )
                },
            ),
            _ => self.findings_of(&blob, &class, &origin, regions.as_deref(), &|_, _| false),
        };
        if comparable && regions.is_none() && is_costly(accepted, blob.data.len()) {
            self.costly.lock().unwrap().insert(blob.path.to_string());
        }
        if found.is_empty() {
            return;
        }
        match blob.provenance {
            Provenance::File => self.findings.lock().unwrap().extend(found),
            Provenance::History { commit, order, .. } => {
                let mut hits = self.hits.lock().unwrap();
                for finding in found {
                    hits.add(Hit {
                        finding,
                        commit,
                        order,
                        in_head,
                    });
                }
            }
            Provenance::Staged { added, binary } => {
                // Ordinals count every finding of the staged file, not only those on added
                // lines: a second `DB_PASSWORD=` added below a baselined one is the second.
                let mut found = found;
                super::number_findings(&mut found);
                self.findings.lock().unwrap().extend(
                    found
                        .into_iter()
                        .filter(|f| binary || touches_added_line(f, added)),
                )
            }
        }
    }
}

/// Whether a blob's search was costly enough that its next versions are better compared with
/// it first. Reading a version again and comparing the two costs a few ns per byte, about what
/// detection costs on ordinary source; each accepted match costs microseconds more (filters,
/// the finding). A file with a match every 512 bytes costs several times a comparison. The
/// decision changes only how a version is searched, never what is reported.
fn is_costly(accepted: usize, len: usize) -> bool {
    const MIN_MATCHES: usize = 32;
    const BYTES_PER_MATCH: usize = 512;
    accepted >= MIN_MATCHES && accepted.saturating_mul(BYTES_PER_MATCH) >= len
}

/// A finding counts when any line its secret spans is an added line (a private key block whose
/// middle changed is new; one that only moved is not).
fn touches_added_line(f: &Finding, added: &BTreeSet<u32>) -> bool {
    let first = f.line as u32;
    let span = if f.has_tag(Tag::Base64) {
        0
    } else {
        f.secret.as_ref().map_or(0, |s| {
            s.expose().bytes().filter(|&b| b == b'\n').count() as u32
        })
    };
    added.range(first..=first + span).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rule::builtin_rules;
    use crate::source::changes::changed_regions;
    use crate::source::Earlier;
    use std::cell::Cell;

    /// An earlier version held in memory, counting how often it is compared.
    struct Held<'a> {
        old: &'a [u8],
        compared: &'a Cell<usize>,
    }

    impl Earlier for Held<'_> {
        fn changed_regions(&self, data: &[u8]) -> Option<Vec<Range<usize>>> {
            self.compared.set(self.compared.get() + 1);
            Some(changed_regions(self.old, data))
        }
    }

    fn oid(n: u8) -> git2::Oid {
        git2::Oid::from_bytes(&[n; 20]).unwrap()
    }

    /// Versions 1..=3 of a file dense with keys: v2 adds a key in the middle and rewrites a
    /// comment, v3 drops a key. v1's search is costly, so v2 and v3 are searched only where they
    /// change; the hits are those of searching every version whole: each key once, at the
    /// version that added it, on its line.
    #[test]
    fn searching_only_where_a_version_changes_finds_what_searching_it_whole_finds() {
        let key = |i: usize| crate::testkeys::expand("ghp_{alnum:30}{github-crc32}", i as u64);
        let mut v1: Vec<String> = vec!["# revision 1".into()];
        v1.extend((0..200).map(|i| format!("token_{i} = {}", key(i))));
        let mut v2 = v1.clone();
        v2[0] = "# revision 2".into();
        v2.insert(100, format!("added = {}", key(1000)));
        let mut v3 = v2.clone();
        v3.remove(50);
        let text = |v: &[String]| v.join("\n") + "\n";
        let (v1, v2, v3) = (text(&v1), text(&v2), text(&v3));
        let engine = Engine::new(builtin_rules()).unwrap();
        let warnings = Warnings::new(true);
        let run = |compare: bool| {
            let scanner = Scanner::new(&engine, &super::super::ScanOptions::default(), &warnings);
            let compared = Cell::new(0);
            let versions = [(None, &v1), (Some(&v1), &v2), (Some(&v2), &v3)];
            for (n, (old, data)) in versions.into_iter().enumerate() {
                let held = old.filter(|_| compare).map(|old| Held {
                    old: old.as_bytes(),
                    compared: &compared,
                });
                scanner.blob(Blob {
                    path: "keys.txt",
                    data: data.as_bytes(),
                    provenance: Provenance::History {
                        blob: oid(n as u8 + 1),
                        commit: oid(n as u8 + 101),
                        order: n as u32,
                        earlier: held.as_ref().map(|h| h as &dyn Earlier),
                    },
                    depth: 0,
                });
            }
            (scanner.into_findings().1.summary(), compared.get())
        };
        let (whole, _) = run(false);
        let (compared_run, compared) = run(true);
        assert_eq!(compared, 2);
        assert_eq!(compared_run, whole);
        assert_eq!(whole.len(), 201);
        let added = whole.iter().find(|h| h.1 == key(1000)).unwrap();
        assert_eq!((added.3, added.4), (1, 101));
        assert!(whole.iter().filter(|h| h.1 != key(1000)).all(|h| h.3 == 0));
    }

    #[test]
    fn a_search_is_costly_with_many_matches_close_together() {
        assert!(is_costly(200, 10_000));
        assert!(!is_costly(200, 1_000_000), "sparse");
        assert!(!is_costly(5, 100), "few");
    }
}
