//! Fake, format-valid keys from templates, for tests, rule examples and benchmarks.
//!
//! The repository must never hold a string a scanner takes for a real key, so rule examples are
//! templates that this module expands at test time:
//!
//! | token | expands to |
//! |---|---|
//! | `{alnum:N}` | N of `A-Za-z0-9` |
//! | `{urlsafe:N}` | N of `A-Za-z0-9_-` |
//! | `{hex:N}` / `{HEX:N}` | N lowercase / uppercase hex digits |
//! | `{lower:N}` / `{upper:N}` / `{alpha:N}` / `{digits:N}` | letters / digits |
//! | `{lowernum:N}` | N of `a-z0-9` |
//! | `{base64:N}` | N of `A-Za-z0-9+/` |
//! | `{base32:N}` | N of `A-Z2-7` |
//! | `{github-crc32}` | the 6-character base62 CRC32 of the 30 characters before it |
//!
//! Any other `{` is literal. Expansion is deterministic for a seed, so tests do not flake.

use crate::detect::{checksum, filters};

/// SplitMix64: small, fast, good enough for fake keys.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A seed derived from a name (e.g. a test's name), so each test gets its own keys.
pub fn seed_for(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn alphabet(name: &str) -> Option<&'static [u8]> {
    Some(match name {
        "alnum" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "urlsafe" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        "hex" => b"0123456789abcdef",
        "HEX" => b"0123456789ABCDEF",
        "lower" => b"abcdefghijklmnopqrstuvwxyz",
        "upper" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "alpha" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "digits" => b"0123456789",
        "lowernum" => b"abcdefghijklmnopqrstuvwxyz0123456789",
        "base64" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "base32" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        _ => return None,
    })
}

/// `count` random characters of `alpha`, redrawn while they look like a placeholder (a run of
/// one character, a sequence, a template word), which real keys essentially never do.
fn random_run(rng: &mut Rng, alpha: &[u8], count: usize) -> String {
    loop {
        let s: String = (0..count)
            .map(|_| alpha[rng.below(alpha.len())] as char)
            .collect();
        if count < 6 || !filters::is_placeholder(&s) {
            return s;
        }
    }
}

/// Expands a template (see the module docs) with the given seed.
pub fn expand(template: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let token = after
            .find('}')
            .map(|close| (&after[..close], &after[close + 1..]));
        match token {
            Some(("github-crc32", tail)) => {
                let start = out.len().saturating_sub(30);
                let sum = checksum::github_crc32(&out.as_bytes()[start..]);
                out.push_str(&sum);
                rest = tail;
            }
            Some((tok, tail)) if parse_token(tok).is_some() => {
                let (alpha, n) = parse_token(tok).expect("checked");
                out.push_str(&random_run(&mut rng, alpha, n));
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse_token(tok: &str) -> Option<(&'static [u8], usize)> {
    let (name, n) = tok.split_once(':')?;
    Some((alphabet(name)?, n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_tokens_and_keeps_literals() {
        let s = expand("sk-proj-{urlsafe:74}T3BlbkFJ{urlsafe:74}", 1);
        assert_eq!(s.len(), 8 + 74 + 8 + 74);
        assert!(s.starts_with("sk-proj-"));
        assert_eq!(&s[82..90], "T3BlbkFJ");
        assert_eq!(expand("{\"a\": {hex:4}}", 2).len(), "{\"a\": }".len() + 4);
        assert_eq!(expand("x{nope}y", 3), "x{nope}y");
        assert_eq!(expand("a{hex:8}", 7), expand("a{hex:8}", 7));
        assert_ne!(expand("a{hex:8}", 7), expand("a{hex:8}", 8));
    }

    #[test]
    fn github_checksum_token_is_valid() {
        let t = expand("ghp_{alnum:30}{github-crc32}", 5);
        assert!(
            checksum::valid(crate::model::rule::Checksum::GithubCrc32, &t),
            "{t}"
        );
    }
}
