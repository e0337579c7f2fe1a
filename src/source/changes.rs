//! Where a new version of a file changed over its previous version: the byte ranges to search
//! for keys. A history scan reads each version of a file whole but, where detection is costly,
//! only needs to search where it changed: every other line was searched in the previous version,
//! and a key there is already found (as gitleaks scans a commit's patch).
//!
//! A line counts as changed unless the previous version holds it *after the same line*: a line
//! whose neighbour above changed is searched again, since what is above can decide a finding
//! (an allow-next-line comment that was removed, a YAML or XML name above its value).

use std::collections::HashSet;
use std::hash::BuildHasher;
use std::ops::Range;

/// Lines searched on each side of a changed line: a name a few lines above its value, and the
/// header line of a private key block whose body changed.
const CONTEXT_LINES: usize = 3;

/// Ranges closer than this are searched as one (fewer, longer searches).
const MERGE_GAP: usize = 256;

/// Byte ranges of `new` to search: each run of lines changed over `old` with [`CONTEXT_LINES`]
/// around it, whole lines, in order and disjoint. Lines are compared by a 64-bit hash of the
/// line and the one above it: a collision can only make a changed line look unchanged, at odds
/// of about 2^-64 per pair.
pub fn changed_regions(old: &[u8], new: &[u8]) -> Vec<Range<usize>> {
    let hasher = foldhash::fast::FixedState::with_seed(0x6b65_7968_6f75_6e64);
    let line_hash = |line: &[u8]| hasher.hash_one(line);
    let pair = |above: u64, line: u64| hasher.hash_one((above, line));
    let mut old_pairs = HashSet::with_capacity_and_hasher(
        memchr::memchr_iter(b'\n', old).count() + 1,
        hasher.clone(),
    );
    let mut above = 0;
    for line in lines(old) {
        let h = line_hash(line);
        old_pairs.insert(pair(above, h));
        above = h;
    }
    // Start offset of every line of `new`, and which lines changed.
    let mut starts = Vec::new();
    let mut changed = Vec::new();
    let (mut pos, mut above) = (0, 0);
    for (i, line) in lines(new).enumerate() {
        starts.push(pos);
        let h = line_hash(line);
        if !old_pairs.contains(&pair(above, h)) {
            changed.push(i);
        }
        above = h;
        pos += line.len() + 1;
    }
    let line_end = |i: usize| starts.get(i + 1).copied().unwrap_or(new.len());
    let mut regions: Vec<Range<usize>> = Vec::new();
    for &i in &changed {
        let first = i.saturating_sub(CONTEXT_LINES);
        let last = (i + CONTEXT_LINES).min(starts.len() - 1);
        let r = starts[first]..line_end(last);
        match regions.last_mut() {
            Some(prev) if r.start <= prev.end + MERGE_GAP => prev.end = prev.end.max(r.end),
            _ => regions.push(r),
        }
    }
    regions
}

/// The lines of `data` without their `\n` (a final line without one counts; an empty file has
/// one empty line).
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[String]) -> String {
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    fn numbered(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("line number {i}")).collect()
    }

    #[test]
    fn a_changed_line_is_searched_with_its_context() {
        let old = numbered(20);
        let mut new = old.clone();
        new[10] = "changed".to_string();
        let new_text = text(&new);
        let r = changed_regions(text(&old).as_bytes(), new_text.as_bytes());
        assert_eq!(r.len(), 1);
        // Line 11 follows a changed line, so it counts as changed too: 3 lines above line 10,
        // 3 below line 11.
        let expected: Vec<String> = (7..=14).map(|i| new[i].clone()).collect();
        assert_eq!(&new_text[r[0].clone()], text(&expected));
    }

    #[test]
    fn a_line_whose_neighbour_above_was_removed_is_searched_again() {
        let old: Vec<String> = [
            "a = 1",
            "# keyhound:allow-next-line",
            "key = value",
            "b = 2",
        ]
        .map(String::from)
        .to_vec();
        let new: Vec<String> = ["a = 1", "key = value", "b = 2"].map(String::from).to_vec();
        let new_text = text(&new);
        let r = changed_regions(text(&old).as_bytes(), new_text.as_bytes());
        assert_eq!(r.len(), 1);
        assert!(new_text[r[0].clone()].contains("key = value"));
    }

    #[test]
    fn an_unchanged_file_has_nothing_to_search() {
        let old = text(&numbered(50));
        assert!(changed_regions(old.as_bytes(), old.as_bytes()).is_empty());
    }

    #[test]
    fn nearby_changes_merge_and_distant_ones_do_not() {
        let old = numbered(400);
        let mut new = old.clone();
        for i in [5, 9, 300] {
            new[i] = format!("changed {i}");
        }
        let new_text = text(&new);
        let r = changed_regions(text(&old).as_bytes(), new_text.as_bytes());
        assert_eq!(r.len(), 2, "{r:?}");
        let first = &new_text[r[0].clone()];
        assert!(first.starts_with("line number 2\n") && first.ends_with("line number 13\n"));
        let searched: usize = r.iter().map(|r| r.len()).sum();
        assert!(searched < new_text.len() / 4);
    }

    #[test]
    fn a_last_line_without_newline_and_an_empty_old_version() {
        assert_eq!(changed_regions(b"", b"x = 1\ny = 2"), vec![0..11]);
        assert_eq!(changed_regions(b"x = 1\n", b"x = 1\ny = 2"), vec![0..11]);
    }
}
