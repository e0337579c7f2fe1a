//! Refs read from the files themselves, for when libgit2 cannot list them: one garbage line in
//! `packed-refs` makes `git_reference_iterator` fail as a whole, which would leave only HEAD's
//! history scanned. Here each bad line is skipped and named, and every good ref still counts.

use crate::diag::Warnings;
use git2::{Oid, Repository};
use std::path::Path;

/// Bad `packed-refs` lines named one by one; the rest are counted in one more warning.
const SHOWN_BAD_LINES: usize = 3;

/// Object ids of every ref in `packed-refs` and under `refs/` (loose refs win over packed
/// ones, as in git), warning once per bad packed line (up to a few) and per unreadable ref.
pub fn ref_targets(repo: &Repository, warnings: &Warnings) -> Vec<(String, Oid)> {
    let dir = repo.commondir();
    let mut refs: std::collections::BTreeMap<String, Oid> = Default::default();
    let packed = dir.join("packed-refs");
    if let Ok(text) = crate::safe_io::read_regular(&packed, 1 << 30) {
        let mut bad = 0usize;
        for (i, line) in text.split(|&b| b == b'\n').enumerate() {
            let line = String::from_utf8_lossy(line);
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') || line.starts_with('^') {
                continue;
            }
            match parse_packed(line) {
                Some((oid, name)) => {
                    refs.insert(name.to_string(), oid);
                }
                None => {
                    bad += 1;
                    if bad <= SHOWN_BAD_LINES {
                        warnings.warn(
                            &format!("{}:{}", packed.display(), i + 1),
                            "not a ref line; skipped (the other refs are scanned)",
                        );
                    }
                }
            }
        }
        if bad > SHOWN_BAD_LINES {
            warnings.warn(
                &packed.display().to_string(),
                format!("{} more bad lines skipped", bad - SHOWN_BAD_LINES),
            );
        }
    }
    let mut stack = vec![dir.join("refs")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => {
                    if let Some(name) = loose_name(dir, &p) {
                        match loose_target(repo, &p) {
                            Some(oid) => {
                                refs.insert(name, oid);
                            }
                            None => warnings.warn(&name, "not a readable ref; skipped"),
                        }
                    }
                }
                _ => {}
            }
        }
    }
    refs.into_iter().collect()
}

/// `<40 or 64 hex> <refs/...>`.
fn parse_packed(line: &str) -> Option<(Oid, &str)> {
    let (hex, name) = line.split_once(' ')?;
    if !name.starts_with("refs/") || name.contains(char::is_whitespace) {
        return None;
    }
    if !(hex.len() == 40 || hex.len() == 64) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((Oid::from_str(hex).ok()?, name))
}

fn loose_name(common: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(common).ok()?;
    Some(
        rel.to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/"),
    )
}

/// The object a loose ref file names, following `ref: ` links through the repository.
fn loose_target(repo: &Repository, p: &Path) -> Option<Oid> {
    let text = crate::safe_io::read_regular(p, 4096).ok()?;
    let text = String::from_utf8_lossy(&text);
    let text = text.trim();
    match text.strip_prefix("ref: ") {
        Some(target) => repo
            .find_reference(target)
            .ok()
            .and_then(|r| r.resolve().ok())
            .and_then(|r| r.target()),
        None => Oid::from_str(text).ok().filter(|_| text.len() >= 40),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_lines() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        assert!(parse_packed(&format!("{hex} refs/heads/main")).is_some());
        assert!(parse_packed(&format!("{hex} HEAD")).is_none());
        assert!(parse_packed("garbage").is_none());
        assert!(parse_packed(&format!("{} refs/heads/x", &hex[..39])).is_none());
    }
}
