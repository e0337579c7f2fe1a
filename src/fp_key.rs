//! The fingerprint key: a secret that keys every fingerprint keyhound writes (JSON
//! `fingerprint`, baseline entries), so a report or a committed baseline cannot be used to test
//! guesses of a low-entropy secret offline (an unkeyed hash of rule + secret + path is, at
//! millions of guesses a second). It never appears in any output. See docs/hardening.md.
//!
//! Where it comes from, first found wins:
//! 1. `KEYHOUND_FINGERPRINT_KEY` (any string): for CI and for teams that share a committed
//!    baseline; keep it in the CI's secret store.
//! 2. The installation's key, `$XDG_CONFIG_HOME/keyhound/fingerprint-key` (or
//!    `~/.config/keyhound/…`), created with 32 random bytes on first use. Not in the scanned
//!    repository: a scanner does not write to what it scans.
//! 3. A key for this run only (nothing writable): fingerprints then differ between runs, and a
//!    note says so.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that sets the key.
pub const ENV: &str = "KEYHOUND_FINGERPRINT_KEY";

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// Chooses the key (see the module doc); later calls keep the first key. Returns a note when
/// the key holds for this run only.
pub fn init() -> Option<String> {
    let mut note = None;
    KEY.get_or_init(|| {
        let (key, n) = choose();
        note = n;
        key
    });
    note
}

fn choose() -> ([u8; 32], Option<String>) {
    if let Some(v) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        return (derive(v.to_string_lossy().as_bytes()), None);
    }
    let user_dir = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("keyhound"));
    for dir in user_dir {
        if let Some(k) = load_or_create(&dir.join("fingerprint-key")) {
            return (derive(&k), None);
        }
    }
    (
        derive(&random_bytes()),
        Some(format!(
            "no place to keep a fingerprint key; fingerprints hold for this run only (set {ENV})"
        )),
    )
}

/// `SHA-256("keyhound-fingerprint-key\0" ‖ material)`.
fn derive(material: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"keyhound-fingerprint-key\0");
    h.update(material);
    h.finalize().into()
}

fn random_bytes() -> Vec<u8> {
    use std::io::Read;
    let mut buf = vec![0u8; 32];
    let ok = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf));
    if ok.is_err() {
        // No /dev/urandom (not Unix): the std hasher's per-process random keys.
        use std::hash::{BuildHasher, Hasher};
        for chunk in buf.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    buf
}

/// Reads the key file, or creates it (exclusively: two scans starting at once agree on one key).
fn load_or_create(path: &Path) -> Option<Vec<u8>> {
    let read = |p: &Path| {
        crate::safe_io::read_regular(p, 4096)
            .ok()
            .filter(|k| k.len() >= 32)
    };
    if let Some(k) = read(path) {
        return Some(k);
    }
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let hex: String = random_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".fingerprint-key.{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp)?;
        f.write_all(hex.as_bytes())?;
        f.sync_all()
    })();
    // A hard link never replaces an existing name: the first scan's key wins.
    let linked = written.is_ok() && std::fs::hard_link(&tmp, path).is_ok();
    let _ = std::fs::remove_file(&tmp);
    if linked {
        return Some(hex.into_bytes());
    }
    read(path)
}

fn key() -> &'static [u8; 32] {
    KEY.get_or_init(|| choose().0)
}

/// HMAC-SHA-256 (RFC 2104) of `msg` under the fingerprint key.
pub fn hmac(msg: &[u8]) -> [u8; 32] {
    hmac_with(key(), msg)
}

fn hmac_with(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// A short public id of the key (an HMAC of a constant), written into baselines so a scan with
/// another key can say why nothing matches. It reveals nothing about the key or any secret.
pub fn key_id() -> String {
    hmac(b"keyhound-key-id")[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_shape() {
        // RFC 4231 test case 2 uses a 4-byte key; ours are 32 bytes, zero-padded the same way.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = hmac_with(&key, b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("kh-fp-key-{}", std::process::id()));
        let p = dir.join("k/fingerprint-key");
        let a = load_or_create(&p).unwrap();
        let b = load_or_create(&p).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
