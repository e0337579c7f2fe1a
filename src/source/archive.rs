//! Archive members as blobs: `.zip` (and `.jar`, `.war`, `.whl`, ...), `.tar`, `.tar.gz`/`.tgz`
//! and plain `.gz`. Members are reported as `archive.zip!inner/path`.
//!
//! Zip bombs are bounded three ways: each member is read up to the file size limit, all members
//! of one top-level archive together up to [`Limits::total`], and a member that inflates beyond
//! [`MAX_RATIO`] times its compressed size (past 1 MiB) is cut off. Nesting stops at
//! [`Limits::depth`].

use super::{Blob, BlobSink};
use crate::diag::Warnings;
use std::io::Read;

/// Inflated / compressed ratio past which a zip member is treated as a bomb.
pub const MAX_RATIO: u64 = 200;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest member read, in bytes (the file size limit).
    pub member: u64,
    /// Bytes inflated from one top-level archive, all members and nesting levels together.
    pub total: u64,
    /// How many archives deep to open (1: members of the file, not archives inside them).
    pub depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Tar,
    TarGz,
    Gz,
}

/// The archive kind a file name says, if any.
pub fn kind(path: &str) -> Option<Kind> {
    let name = path
        .rsplit(['/', '!'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let ext = |e: &str| name.ends_with(e);
    if [
        ".zip", ".jar", ".war", ".ear", ".whl", ".nupkg", ".apk", ".aar", ".xpi", ".vsix",
    ]
    .iter()
    .any(|e| ext(e))
    {
        Some(Kind::Zip)
    } else if ext(".tar.gz") || ext(".tgz") {
        Some(Kind::TarGz)
    } else if ext(".tar") {
        Some(Kind::Tar)
    } else if ext(".gz") {
        Some(Kind::Gz)
    } else {
        None
    }
}

/// How a source opens archives: it pushes each blob into the sink, or, for an archive, its
/// members (recursively, up to `limits.depth` archives deep, all members of one top-level
/// archive within `limits.total` bytes). With `open` false, archives are pushed as they are.
#[derive(Clone, Copy)]
pub struct Unpacker<'w> {
    pub open: bool,
    pub limits: Limits,
    pub warnings: &'w Warnings,
}

impl<'w> Unpacker<'w> {
    /// Limits for a scan whose largest file is `max_file_size`.
    pub fn new(open: bool, max_file_size: u64, warnings: &'w Warnings) -> Unpacker<'w> {
        Unpacker {
            open,
            limits: Limits {
                member: max_file_size,
                total: (max_file_size * 8).max(256 << 20),
                depth: 3,
            },
            warnings,
        }
    }

    /// Pushes `blob`, or its members when it is an archive, into `sink`.
    pub fn push(&self, blob: Blob<'_>, sink: &dyn BlobSink) {
        let mut budget = self.limits.total;
        self.push_nested(blob, &mut budget, sink);
    }

    fn push_nested(&self, blob: Blob<'_>, budget: &mut u64, sink: &dyn BlobSink) {
        let Some(kind) = kind(blob.path).filter(|_| self.open) else {
            sink.blob(blob);
            return;
        };
        if blob.depth >= self.limits.depth {
            self.warnings.warn(
                blob.path,
                format!(
                    "archive nested more than {} deep; not opened",
                    self.limits.depth
                ),
            );
            return;
        }
        expand(
            blob.path,
            blob.data,
            kind,
            self.limits,
            budget,
            self.warnings,
            &mut |path, data, budget| {
                let member = Blob {
                    path: &path,
                    data,
                    provenance: blob.provenance,
                    depth: blob.depth + 1,
                };
                self.push_nested(member, budget, sink);
            },
        );
    }
}

/// Calls `visit(member_path, bytes, depth)` for every regular member of the archive at `path`.
/// Errors (truncated or corrupt archives, limits reached) are one warning each; whatever could
/// be read before the error has been visited.
pub fn expand(
    path: &str,
    data: &[u8],
    kind: Kind,
    limits: Limits,
    budget: &mut u64,
    warnings: &Warnings,
    visit: &mut dyn FnMut(String, &[u8], &mut u64),
) {
    // Everything wrong with one archive is one warning line, however many members are bad.
    let mut problems: Vec<String> = Vec::new();
    let result = match kind {
        Kind::Zip => expand_zip(path, data, limits, budget, &mut problems, visit),
        Kind::Tar => expand_tar(path, &mut &data[..], limits, budget, visit),
        Kind::TarGz => expand_tar(
            path,
            &mut flate2::read::GzDecoder::new(data),
            limits,
            budget,
            visit,
        ),
        Kind::Gz => {
            let inner = path
                .rsplit_once('.')
                .map(|(stem, _)| stem.rsplit(['/', '!']).next().unwrap_or(stem))
                .unwrap_or("content")
                .to_string();
            read_member(&mut flate2::read::GzDecoder::new(data), limits, budget).map(|bytes| {
                visit(format!("{path}!{inner}"), &bytes, budget);
            })
        }
    };
    if let Err(e) = result {
        problems.push(e);
    }
    if !problems.is_empty() {
        warnings.warn(path, problems.join("; "));
    }
}

/// Reads one member within the per-member and total budgets.
fn read_member(r: &mut dyn Read, limits: Limits, budget: &mut u64) -> Result<Vec<u8>, String> {
    let cap = limits.member.min(*budget);
    let mut out = Vec::new();
    r.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("archive is corrupt or truncated: {e}"))?;
    if out.len() as u64 > cap {
        return Err(if cap < limits.member {
            format!(
                "archive inflates past {} MiB in total; rest skipped (zip bomb?)",
                limits.total >> 20
            )
        } else {
            format!(
                "a member is larger than {} MiB; rest skipped",
                limits.member >> 20
            )
        });
    }
    *budget -= out.len() as u64;
    Ok(out)
}

fn expand_zip(
    path: &str,
    data: &[u8],
    limits: Limits,
    budget: &mut u64,
    problems: &mut Vec<String>,
    visit: &mut dyn FnMut(String, &[u8], &mut u64),
) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data))
        .map_err(|e| format!("not a readable zip archive: {e}"))?;
    // Members skipped as bombs: one warning per archive, not one per member (a bomb can
    // hold thousands).
    let mut bombs: Vec<(String, u64)> = Vec::new();
    let mut unreadable: Option<(usize, String)> = None;
    let mut n_unreadable = 0usize;
    for i in 0..zip.len() {
        let mut member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                n_unreadable += 1;
                unreadable.get_or_insert((i, e.to_string()));
                continue;
            }
        };
        if !member.is_file() {
            continue;
        }
        let name = member.name().to_string();
        let compressed = member.compressed_size().max(1);
        if member.size() > (1 << 20) && member.size() / compressed > MAX_RATIO {
            bombs.push((name, member.size() / compressed));
            continue;
        }
        // The declared size may lie: the read is bounded by what the compressed size allows
        // (past 1 MiB), and what was actually inflated is what counts.
        let ratio_cap = compressed.saturating_mul(MAX_RATIO).max(1 << 20);
        let bytes = read_member(&mut (&mut member).take(ratio_cap + 1), limits, budget)?;
        if bytes.len() as u64 > ratio_cap {
            bombs.push((name, bytes.len() as u64 / compressed));
            continue;
        }
        visit(format!("{path}!{name}"), &bytes, budget);
    }
    if let Some((i, e)) = unreadable {
        problems.push(match n_unreadable {
            1 => format!("zip member {i}: {e}"),
            n => format!("{n} zip members unreadable (first: member {i}: {e})"),
        });
    }
    match bombs.as_slice() {
        [] => {}
        [(name, ratio)] => problems.push(format!(
            "{name} skipped: inflates {ratio}x (zip bomb?)"
        )),
        [(name, ratio), rest @ ..] => problems.push(format!(
            "skipped {} members that inflate more than {MAX_RATIO}x (zip bomb?), e.g. {name} ({ratio}x)",
            rest.len() + 1
        )),
    }
    Ok(())
}

fn expand_tar(
    path: &str,
    data: &mut dyn Read,
    limits: Limits,
    budget: &mut u64,
    visit: &mut dyn FnMut(String, &[u8], &mut u64),
) -> Result<(), String> {
    let mut tar = tar::Archive::new(data);
    let entries = tar
        .entries()
        .map_err(|e| format!("not a readable tar archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("tar archive is corrupt or truncated: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "?".into());
        let bytes = read_member(&mut entry, limits, budget)?;
        visit(format!("{path}!{name}"), &bytes, budget);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn limits() -> Limits {
        Limits {
            member: 1 << 20,
            total: 4 << 20,
            depth: 3,
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(kind("a/b.ZIP"), Some(Kind::Zip));
        assert_eq!(kind("x.tar.gz"), Some(Kind::TarGz));
        assert_eq!(kind("x.tgz"), Some(Kind::TarGz));
        assert_eq!(kind("x.gz"), Some(Kind::Gz));
        assert_eq!(kind("x.txt"), None);
    }

    #[test]
    fn zip_members_are_visited() {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("dir/a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"hello").unwrap();
        w.finish().unwrap();
        let data = buf.into_inner();
        let mut seen = Vec::new();
        let mut budget = limits().total;
        expand(
            "x.zip",
            &data,
            Kind::Zip,
            limits(),
            &mut budget,
            &Warnings::new(true),
            &mut |p, b, _| seen.push((p, b.to_vec())),
        );
        assert_eq!(
            seen,
            vec![("x.zip!dir/a.txt".to_string(), b"hello".to_vec())]
        );
    }

    #[test]
    fn truncated_archive_warns() {
        let w = Warnings::new(true);
        let mut budget = limits().total;
        expand(
            "x.zip",
            b"PK\x03\x04garbage",
            Kind::Zip,
            limits(),
            &mut budget,
            &w,
            &mut |_, _, _| {},
        );
        assert_eq!(w.count(), 1);
    }
}
