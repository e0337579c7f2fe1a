//! Well-known published non-secrets: emulator keys, documentation keys, the sample keys in
//! vendors' docs and SDKs. They are never reported, whichever rule matches them.
//!
//! The values are held as SHA-256 hashes with a short anchor (their first 10 characters, which
//! no rule matches on its own), so this file is not itself a list of scannable keys.

use super::jwt;
use sha2::{Digest, Sha256};

struct Known {
    what: &'static str,
    /// The value's first characters: where to look in a matched secret.
    anchor: &'static str,
    len: usize,
    sha256: &'static str,
}

const KNOWN: &[Known] = &[
    Known {
        what:
            "the Google Cloud SDK's published OAuth client secret (gcloud's installed-app client)",
        anchor: "d-FL95Q19q",
        len: 24,
        sha256: "f0386f9be1fe905fb2f97a8daff11a9baa9988ceca7c2ecae4aec8db182db1b4",
    },
    Known {
        what: "the Azurite storage emulator's account key (devstoreaccount1)",
        anchor: "Eby8vdM02x",
        len: 88,
        sha256: "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    },
    Known {
        what: "AWS's documentation access key ID",
        anchor: "AKIAIOSFOD",
        len: 20,
        sha256: "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3",
    },
    Known {
        what: "AWS's documentation secret access key",
        anchor: "wJalrXUtnF",
        len: 40,
        sha256: "78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598",
    },
    Known {
        what: "AWS's documentation access key ID",
        anchor: "AKIAI44QH8",
        len: 20,
        sha256: "c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9",
    },
    Known {
        what: "AWS's documentation secret access key",
        anchor: "je7MtGbClw",
        len: 40,
        sha256: "e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33",
    },
    Known {
        what: "Stripe's documentation test secret key",
        anchor: "sk_test_4e",
        len: 32,
        sha256: "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
    },
    Known {
        what: "Stripe's documentation test publishable key",
        anchor: "pk_test_TY",
        len: 32,
        sha256: "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b",
    },
    Known {
        what: "Stripe's documentation test secret key",
        anchor: "sk_test_BQ",
        len: 32,
        sha256: "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
    },
    Known {
        what: "Stripe's documentation test publishable key",
        anchor: "pk_test_6p",
        len: 32,
        sha256: "5895b89c8fb33402a5bfc23aad5aaf863fbb438a51e1a0bb02b0ce618c8fdf9d",
    },
    Known {
        what: "Slack's API documentation bot token",
        anchor: "xoxb-17653",
        len: 53,
        sha256: "2ddc147f3a3b5a1722b8ed6be3c45c49a7156b17fca5d11410137a6d04def6eb",
    },
    Known {
        what: "jwt.io's example token",
        anchor: "eyJhbGciOi",
        len: 155,
        sha256: "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    },
];

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// What a well-known published value in `secret` is, when there is one: a value from the list
/// anywhere in the secret (a connection string holding the Azurite key counts), or a JWT that
/// is a published example by its claims (jwt.io's `John Doe` token with any signature, the
/// Supabase CLI's local-development `supabase-demo` keys).
pub fn well_known(secret: &str) -> Option<&'static str> {
    // One searcher per anchor, built once: this runs for every match of every rule.
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        KNOWN
            .iter()
            .map(|k| memchr::memmem::Finder::new(k.anchor.as_bytes()))
            .collect()
    });
    let b = secret.as_bytes();
    for (k, finder) in KNOWN.iter().zip(finders) {
        for at in finder.find_iter(b) {
            if let Some(cand) = b.get(at..at + k.len) {
                if sha256_hex(cand) == k.sha256 {
                    return Some(k.what);
                }
            }
        }
    }
    if secret.starts_with("eyJ") {
        if let Some(c) = jwt::claims(secret) {
            if c.iss.as_deref() == Some("supabase-demo") {
                return Some("a Supabase local-development (supabase-demo) key");
            }
            if c.sub.as_deref() == Some("1234567890")
                && c.name.as_deref() == Some("John Doe")
                && c.iat == Some(1_516_239_022)
            {
                return Some("jwt.io's example token");
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_well_formed() {
        for k in KNOWN {
            assert_eq!(k.sha256.len(), 64, "{}", k.what);
            assert!(k.anchor.len() == 10 && k.anchor.len() < k.len, "{}", k.what);
        }
    }

    #[test]
    fn finds_values_inside_longer_secrets() {
        // Assembled from fragments so that no test file holds the key whole.
        let key = [
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50u",
            "SRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        ]
        .concat();
        assert!(well_known(&key).is_some());
        let conn = format!("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;");
        assert!(well_known(&conn).is_some());
        let mut other = key.clone();
        other.replace_range(20..21, "Q");
        assert!(well_known(&other).is_none());
        assert!(well_known("Eby8vdM02x").is_none());
    }
}
