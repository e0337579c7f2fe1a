//! Offline checksums of token formats that carry one. A token whose checksum fails is a
//! look-alike (or a typo), not a usable key.

use crate::model::rule::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to `width` characters.
pub fn base62(mut n: u64, width: usize) -> String {
    let mut out = Vec::with_capacity(width);
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).expect("base62 is ASCII")
}

/// The 6-character checksum GitHub appends to the 30 random characters of its tokens.
pub fn github_crc32(random_part: &[u8]) -> String {
    base62(u64::from(crc32fast::hash(random_part)), 6)
}

/// Whether `secret` passes `kind`.
pub fn valid(kind: Checksum, secret: &str) -> bool {
    match kind {
        // prefix_ + 30 random + 6 checksum, for both.
        Checksum::GithubCrc32 | Checksum::NpmCrc32 => {
            let Some(body) = secret.rsplit('_').next() else {
                return false;
            };
            body.len() == 36
                && body.is_ascii()
                && github_crc32(&body.as_bytes()[..30]) == body[30..]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_pads() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 1), "10");
    }

    #[test]
    fn github_checksum_round_trip() {
        let random = "Zq3kL0v9Xb2Nw8Tr5Yh1Jm4Pc7Ds6F";
        let token = format!("ghp_{random}{}", github_crc32(random.as_bytes()));
        assert!(valid(Checksum::GithubCrc32, &token));
        let mut bad = token.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!valid(
            Checksum::GithubCrc32,
            std::str::from_utf8(&bad).unwrap()
        ));
    }

    #[test]
    fn npm_uses_the_github_scheme() {
        let random = "F9vPyQ2mL7xR4tZ8wK3nB6cD1hJ5sG0a";
        let random = &random[..30];
        let token = format!("npm_{random}{}", github_crc32(random.as_bytes()));
        assert!(valid(Checksum::NpmCrc32, &token));
        assert!(!valid(Checksum::NpmCrc32, &format!("npm_{random}000000")));
        assert!(!valid(Checksum::NpmCrc32, "npm_short"));
    }
}
