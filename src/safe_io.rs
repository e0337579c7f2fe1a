//! Files keyhound writes and reads on a scanned repository's behalf, where the repository is
//! hostile input: it can commit a symlink named like the report or baseline
//! (`keyhound.sarif -> ~/.bashrc`) or point a config value at a device (`/dev/zero`).
//!
//! - [`write_atomic`] never writes through a symlink nor into a non-regular file: it writes a new
//!   file beside the target (created exclusively, so a planted name is never followed) and renames
//!   it over the target, so a reader sees the old file or the new one, never half of one.
//! - [`read_regular`] reads only regular files, and at most a given number of bytes.

use crate::model::error::Error;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Size bound of a config file (`.keyhound.toml`) or an env file.
pub const SMALL_FILE: u64 = 4 << 20;
/// Size bound of a baseline.
pub const BASELINE_FILE: u64 = 256 << 20;

/// Why a target was refused, naming the path (whoever prints it escapes it: `diag` and `app`
/// make every warning and error terminal-safe).
fn refused(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::Refused {
        path: path.to_path_buf(),
        message: why.to_string(),
    }
}

/// Checks that `path` may be replaced: it does not exist, or it is a regular file (not a
/// symlink, directory, FIFO or device).
pub fn check_target(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(refused(
            path,
            "is a symbolic link; refusing to write through it (remove it or choose another path)",
        )),
        Ok(m) if !m.is_file() => Err(refused(
            path,
            "is not a regular file; refusing to write to it (choose another path)",
        )),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path)(e)),
    }
}

/// Writes what `fill` produces to `path`: to a fresh file in the same directory, then renamed
/// over `path`. Refuses a `path` that is a symlink or not a regular file. `mode` sets the new
/// file's permission bits on Unix (e.g. `0o755` for a hook); `None` keeps those of the file it
/// replaces, or `0o644`.
pub fn write_atomic(
    path: &Path,
    mode: Option<u32>,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    check_target(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| refused(path, "not a file name"))?;
    let (tmp, file) = create_temp(&dir, &name.to_string_lossy()).map_err(Error::io(path))?;
    let result = (|| -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(&file);
        fill(&mut w)?;
        w.flush()?;
        drop(w);
        set_mode(&file, path, mode)?;
        file.sync_all()?;
        // Checked again right before the rename: a symlink planted meanwhile is refused (a
        // rename replaces the link itself, never its target, but the user asked for a file).
        check_target(path).map_err(std::io::Error::other)?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path)(e));
    }
    Ok(())
}

/// A new file `.NAME.keyhound-PID-N.tmp` in `dir`, created exclusively (`O_EXCL`: an existing
/// name, symlinks included, is never opened).
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for _ in 0..16 {
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{name}.keyhound-{}-{nanos:x}-{n}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary file name left")))
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, target: &Path, mode: Option<u32>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match mode {
        Some(m) => m,
        None => std::fs::symlink_metadata(target)
            .ok()
            .filter(|m| m.is_file())
            .map_or(0o644, |m| m.permissions().mode() & 0o7777),
    };
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &std::fs::File, _: &Path, _: Option<u32>) -> std::io::Result<()> {
    Ok(())
}

/// Reads `path` when it is a regular file (a symlink to one is fine) of at most `limit` bytes.
/// A device, FIFO, directory or socket is refused before it is opened, and a file that grows
/// past `limit` while being read is refused too.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    if !meta.is_file() {
        return Err(refused(path, "not a regular file; not read"));
    }
    if meta.len() > limit {
        return Err(refused(
            path,
            format!(
                "larger than {}; not read",
                crate::model::units::human_size(limit)
            ),
        ));
    }
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    // The file opened may not be the one checked (a swap in between): check the open handle.
    if !file.metadata().map_err(Error::io(path))?.is_file() {
        return Err(refused(path, "not a regular file; not read"));
    }
    let mut data = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(Error::io(path))?;
    if data.len() as u64 > limit {
        return Err(refused(
            path,
            format!(
                "larger than {}; not read",
                crate::model::units::human_size(limit)
            ),
        ));
    }
    Ok(data)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, Error> {
    let data = read_regular(path, limit)?;
    String::from_utf8(data).map_err(|_| refused(path, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("kh-safe-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("out.json");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, None, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let failed = write_atomic(&p, None, |_| Err(std::io::Error::other("boom")));
        assert!(failed.unwrap_err().chain().contains("boom"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert!(read_regular(&p, 2)
            .unwrap_err()
            .chain()
            .contains("larger than"));
        assert_eq!(read_regular(&p, 3).unwrap(), b"new");
        assert!(read_regular(&dir, 10)
            .unwrap_err()
            .chain()
            .contains("not a regular"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_and_devices() {
        let dir = std::env::temp_dir().join(format!("kh-safe-io-l-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let e = write_atomic(&link, None, |w| w.write_all(b"x"))
            .unwrap_err()
            .chain();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(write_atomic(Path::new("/dev/null"), None, |_| Ok(())).is_err());
        assert!(read_regular(Path::new("/dev/zero"), 1 << 20).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
