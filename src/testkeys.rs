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
//! | `{jwt:k=v,k=v}` | a JWT (HS256 header, these claims, a random signature); a value `*` is 20 random lowercase letters, `+N`/`-N` is now ± N seconds, digits are a number, `"…"` and anything else a string |
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
            Some((tok, tail)) if tok.starts_with("jwt:") => {
                out.push_str(&jwt(&tok[4..], &mut rng));
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

/// A JWT with the claims `spec` (`k=v,k=v`, see the module docs) and a random signature.
pub fn jwt(spec: &str, rng: &mut Rng) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let now = crate::detect::jwt::now();
    let mut claims = serde_json::Map::new();
    for pair in spec.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let value = if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
            serde_json::Value::from(&v[1..v.len() - 1])
        } else if v == "*" {
            serde_json::Value::from(random_run(rng, b"abcdefghijklmnopqrstuvwxyz", 20))
        } else if let Some(n) = v.strip_prefix('+').and_then(|n| n.parse::<i64>().ok()) {
            serde_json::Value::from(now + n)
        } else if let Some(n) = v.strip_prefix('-').and_then(|n| n.parse::<i64>().ok()) {
            serde_json::Value::from(now - n)
        } else if let Ok(n) = v.parse::<i64>() {
            serde_json::Value::from(n)
        } else {
            serde_json::Value::from(v)
        };
        claims.insert(k.to_string(), value);
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::Value::Object(claims).to_string());
    let sig = random_run(
        rng,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        43,
    );
    format!("{header}.{payload}.{sig}")
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
    fn jwt_token_carries_its_claims() {
        let t = expand(
            "KEY={jwt:iss=supabase,ref=*,role=anon,exp=+3600,iat=1700000000}",
            4,
        );
        let c = crate::detect::jwt::claims(t.strip_prefix("KEY=").unwrap()).unwrap();
        assert_eq!(c.role.as_deref(), Some("anon"));
        assert_eq!(c.project_ref.map(|r| r.len()), Some(20));
        assert_eq!(c.iat, Some(1_700_000_000));
        assert!(c.exp.unwrap() > crate::detect::jwt::now());
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
