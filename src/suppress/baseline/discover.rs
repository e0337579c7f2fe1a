//! The baseline a repository keeps at its top, `.keyhound-baseline.json`, found without being
//! named: `scan`, the pre-commit hook (`scan --staged`) and the Action use it unless
//! `--no-baseline` (or `--baseline FILE`, or `[scan] baseline` in `.keyhound.toml`) says
//! otherwise.
//!
//! It comes from the repository being scanned, so it is read as untrusted input: a regular file
//! only (a symlink to a FIFO or a device would hang or flood the scan), at most
//! [`MAX_BYTES`]. A discovered file that is unusable is a warning and the scan goes on without
//! it; a baseline named on the command line stays an error.

use super::Baseline;
use crate::model::error::Error;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The file name `keyhound baseline create` writes by default.
pub const FILE_NAME: &str = ".keyhound-baseline.json";

/// Larger than any real baseline (a fingerprint entry is ~150 bytes: this is ~400,000 of them).
pub const MAX_BYTES: u64 = 64 << 20;

/// `.keyhound-baseline.json` at the top of the work tree holding `root` (or in `root` itself
/// when it is not in a repository), when one is there. Bare repositories have no top.
pub fn find(root: &Path) -> Option<PathBuf> {
    let dir = if root.is_dir() {
        root.to_path_buf()
    } else {
        root.parent()?.to_path_buf()
    };
    let top = match git2::Repository::discover(&dir) {
        Ok(repo) => repo.workdir()?.to_path_buf(),
        Err(_) => dir,
    };
    let p = top.join(FILE_NAME);
    // `symlink_metadata`: a dangling or odd entry is still "there" and gets its warning.
    p.symlink_metadata().is_ok().then_some(p)
}

/// Reads a baseline from an untrusted place: a regular file (after symlinks) of at most
/// [`MAX_BYTES`].
pub fn load_untrusted(path: &Path) -> Result<Baseline, Error> {
    let shown = path.display().to_string();
    let unusable = |message: String| Error::Baseline {
        path: shown.clone(),
        line: None,
        message,
    };
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    if !meta.is_file() {
        return Err(unusable("not a regular file; ignored".into()));
    }
    if meta.len() > MAX_BYTES {
        return Err(unusable(format!(
            "{} bytes, more than a baseline can be ({} MiB); ignored",
            meta.len(),
            MAX_BYTES >> 20
        )));
    }
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    // The entry could have been swapped between the two looks: check what was opened.
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(unusable("not a regular file; ignored".into()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Error::io(path))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(unusable(format!(
            "grew past {} MiB while read; ignored",
            MAX_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| unusable("not UTF-8 text; ignored".into()))?;
    Baseline::parse(&shown, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_of_bounded_size() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("b.json");
        std::fs::write(&ok, r#"{"keyhound_baseline": 3, "findings": []}"#).unwrap();
        assert!(load_untrusted(&ok).unwrap().is_empty());
        assert!(load_untrusted(dir.path())
            .unwrap_err()
            .to_string()
            .contains("not a regular file"));
        #[cfg(unix)]
        {
            let link = dir.path().join("null.json");
            std::os::unix::fs::symlink("/dev/null", &link).unwrap();
            assert!(load_untrusted(&link)
                .unwrap_err()
                .to_string()
                .contains("not a regular file"));
        }
        std::fs::write(&ok, "not json").unwrap();
        assert!(load_untrusted(&ok)
            .unwrap_err()
            .to_string()
            .contains("not a keyhound baseline"));
    }
}
