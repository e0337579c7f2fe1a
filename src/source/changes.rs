//! What a new version of a file adds over its previous version: the lines that version did not
//! hold, and the byte ranges to scan around them. A history scan reads each version of a file
//! whole but only needs to look for keys where it changed: every other line was scanned in the
//! previous version, and a key there is already found (as gitleaks scans a commit's patch).

use std::collections::{BTreeSet, HashSet};
use std::hash::BuildHasher;
use std::ops::Range;

/// Lines scanned on each side of an added line: a value on the line after its name (XML
/// plists, YAML blocks) and the header line of a private key block whose body changed.
const CONTEXT_LINES: usize = 3;

/// Ranges closer than this are scanned as one (fewer, longer scans).
const MERGE_GAP: usize = 256;

/// The lines a version adds over the previous version at the same path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Added lines, 1-based: lines whose exact text the previous version does not hold anywhere
    /// (a line that only moved is not added).
    pub added: BTreeSet<u32>,
    /// Byte ranges of the new version to scan: each run of added lines with
    /// [`CONTEXT_LINES`] around it, whole lines, in order and disjoint.
    pub regions: Vec<Range<usize>>,
}

/// The changes of `new` over `old`. Lines are compared by a 64-bit hash of their bytes: a
/// collision can only make an added line look old, at odds of about 2^-64 per pair.
pub fn changes(old: &[u8], new: &[u8]) -> Changes {
    let hasher = foldhash::fast::FixedState::with_seed(0x6b65_7968_6f75_6e64);
    let mut old_lines = HashSet::with_capacity_and_hasher(
        memchr::memchr_iter(b'\n', old).count() + 1,
        hasher.clone(),
    );
    old_lines.extend(lines(old).map(|l| hasher.hash_one(l)));
    // Start offset of every line of `new`, and whether it is added.
    let mut starts = Vec::new();
    let mut added_idx = Vec::new();
    let mut pos = 0;
    for (i, line) in lines(new).enumerate() {
        starts.push(pos);
        if !old_lines.contains(&hasher.hash_one(line)) {
            added_idx.push(i);
        }
        pos += line.len() + 1;
    }
    let line_end = |i: usize| starts.get(i + 1).copied().unwrap_or(new.len());
    let mut regions: Vec<Range<usize>> = Vec::new();
    for &i in &added_idx {
        let first = i.saturating_sub(CONTEXT_LINES);
        let last = (i + CONTEXT_LINES).min(starts.len() - 1);
        let r = starts[first]..line_end(last);
        match regions.last_mut() {
            Some(prev) if r.start <= prev.end + MERGE_GAP => prev.end = prev.end.max(r.end),
            _ => regions.push(r),
        }
    }
    Changes {
        added: added_idx.iter().map(|&i| i as u32 + 1).collect(),
        regions,
    }
}

/// The lines of `data` without their `\n` (a final line without one counts; an empty file has
/// one empty line, as `locate` numbers it).
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[&str]) -> String {
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn one_changed_line_is_added_and_scanned_with_its_context() {
        let old: Vec<String> = (0..20).map(|i| format!("line {i}")).collect();
        let mut new = old.clone();
        new[10] = "changed".to_string();
        let old = text(&old.iter().map(String::as_str).collect::<Vec<_>>());
        let new = text(&new.iter().map(String::as_str).collect::<Vec<_>>());
        let c = changes(old.as_bytes(), new.as_bytes());
        assert_eq!(c.added, BTreeSet::from([11]));
        assert_eq!(c.regions.len(), 1);
        let scanned = &new[c.regions[0].clone()];
        assert_eq!(
            scanned,
            text(&["line 7", "line 8", "line 9", "changed", "line 11", "line 12", "line 13"])
        );
    }

    #[test]
    fn moved_lines_are_not_added_and_an_unchanged_file_has_nothing_to_scan() {
        let old = text(&["a = 1", "b = 2", "c = 3"]);
        let new = text(&["c = 3", "a = 1", "b = 2"]);
        let c = changes(old.as_bytes(), new.as_bytes());
        assert!(c.added.is_empty() && c.regions.is_empty(), "{c:?}");
    }

    #[test]
    fn nearby_changes_merge_and_distant_ones_do_not() {
        let old: Vec<String> = (0..400).map(|i| format!("line number {i}")).collect();
        let mut new = old.clone();
        for i in [5, 9, 300] {
            new[i] = format!("changed {i}");
        }
        let join = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
        let c = changes(join(&old).as_bytes(), join(&new).as_bytes());
        assert_eq!(c.added, BTreeSet::from([6, 10, 301]));
        assert_eq!(c.regions.len(), 2, "{c:?}");
        let first = &join(&new)[c.regions[0].clone()];
        assert!(first.starts_with("line number 2\n") && first.ends_with("line number 12\n"));
        let scanned: usize = c.regions.iter().map(|r| r.len()).sum();
        assert!(scanned < join(&new).len() / 4);
    }

    #[test]
    fn a_last_line_without_newline_and_an_empty_old_version() {
        let c = changes(b"", b"x = 1\ny = 2");
        assert_eq!(c.added, BTreeSet::from([1, 2]));
        assert_eq!(c.regions, vec![0..11]);
        let c = changes(b"x = 1\n", b"x = 1\ny = 2");
        assert_eq!(c.added, BTreeSet::from([2]));
        assert_eq!(c.regions, vec![0..11]);
    }
}
