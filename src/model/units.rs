//! Sizes as people write and read them.

use crate::model::error::Error;

/// `--max-file-size` when neither the command line nor the config sets it (25 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 << 20;

/// `25M`, `1G`, `512K`, `100000`, `25MiB`.
pub fn parse_size(s: &str) -> Result<u64, Error> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let lower = lower.trim_end_matches("ib").trim_end_matches('b');
    let (num, mult) = match lower.char_indices().last() {
        Some((i, 'k')) => (&lower[..i], 1u64 << 10),
        Some((i, 'm')) => (&lower[..i], 1 << 20),
        Some((i, 'g')) => (&lower[..i], 1 << 30),
        _ => (lower, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| {
            Error::Usage(format!(
                "'{s}' is not a size (examples: 25M, 512K, 1G, 100000)"
            ))
        })
}

/// `1.5 MiB`, `12.0 KiB`, `512 B`.
pub fn human_size(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / MIB)
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("25M").unwrap(), 25 << 20);
        assert_eq!(parse_size("25M").unwrap(), DEFAULT_MAX_FILE_SIZE);
        assert_eq!(parse_size("25MiB").unwrap(), 25 << 20);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert!(parse_size("lots").is_err());
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(3 << 19), "1.5 MiB");
    }
}
