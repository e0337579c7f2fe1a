//! False-positive filters: placeholders, references and look-alike values.
//!
//! Every rule's secret goes through [`is_placeholder`]; secrets of generic (name-anchored)
//! rules also go through [`is_unlikely_generic_value`].

/// Fragments that only occur in documentation placeholders and templates, compared against the
/// lowercased secret. Each is long or odd enough that a random key contains it with negligible
/// probability.
const PLACEHOLDER_FRAGMENTS: &[&str] = &[
    "xxxx",
    "****",
    "...",
    "\u{2026}",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "$(",
    "%s",
    "your_",
    "your-",
    "yourkey",
    "yourapi",
    "yoursecret",
    "yourtoken",
    "placeholder",
    "example",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "dummy",
    "insert_",
    "insert-",
    "replace_",
    "replace-",
    "replaceme",
    "notreal",
    "not_real",
    "not-a-real",
    "fake_key",
    "fakekey",
    "_here",
    "-here",
];

/// True when a secret is obviously a placeholder, a template or a made-up value.
pub fn is_placeholder(secret: &str) -> bool {
    if let Some(rest) = secret.strip_prefix("-----BEGIN") {
        return is_placeholder_pem(rest);
    }
    let lower = secret.to_ascii_lowercase();
    if PLACEHOLDER_FRAGMENTS.iter().any(|f| lower.contains(f)) {
        return true;
    }
    let b = lower.as_bytes();
    if has_run(b, 6, |x, y| x == y) {
        return true;
    }
    if has_run(b, 6, |x, y| {
        y == x.wrapping_add(1) && y.is_ascii_alphanumeric()
    }) {
        return true;
    }
    if b.len() >= 16 {
        let mut seen = [false; 256];
        b.iter().for_each(|&c| seen[c as usize] = true);
        if seen.iter().filter(|&&s| s).count() < 6 {
            return true;
        }
    }
    false
}

/// SHA-256 (hex) of secrets that are published on purpose and work nowhere but in local
/// emulators, so they are never findings. Held as hashes so the repository does not carry them.
const PUBLISHED_SECRET_SHA256: &[&str] = &[
    // The Azurite / Azure Storage Emulator account key of `devstoreaccount1`.
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    // The Azure Cosmos DB emulator's primary key.
    "aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615",
];

/// True when `secret` is one of the well-known published emulator keys.
pub fn is_published_example(secret: &str) -> bool {
    use sha2::{Digest, Sha256};
    // Every published key above is 88 characters long: skip the hash for anything else.
    if secret.len() != 88 {
        return false;
    }
    let digest = Sha256::digest(secret.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    PUBLISHED_SECRET_SHA256.contains(&hex.as_str())
}

/// A PEM block is a placeholder when its body is not base64 of random bytes: `...`, `xxxx`, or
/// a handful of distinct characters. Runs of one character are normal in real keys (OpenSSH
/// keys hold long runs of `A`, base64 of zero bytes), so the run checks do not apply.
fn is_placeholder_pem(rest: &str) -> bool {
    let body = rest.split_once("-----").map_or(rest, |(_, b)| b);
    let body = body.split("-----END").next().unwrap_or(body);
    let lower = body.to_ascii_lowercase();
    if [
        "...",
        "xxxxxxxx",
        "<",
        "${",
        "{{",
        "your",
        "placeholder",
        "redacted",
    ]
    .iter()
    .any(|f| lower.contains(f))
    {
        return true;
    }
    let mut seen = [false; 256];
    body.bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .for_each(|c| seen[c as usize] = true);
    seen.iter().filter(|&&s| s).count() < 20
}

/// True when `b` has `n` consecutive bytes each related to the previous one by `rel`.
fn has_run(b: &[u8], n: usize, rel: impl Fn(u8, u8) -> bool) -> bool {
    let mut run = 1;
    for w in b.windows(2) {
        if rel(w[0], w[1]) {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// Substrings of a value that make it a reference to a secret kept elsewhere, not a secret.
const REFERENCE_FRAGMENTS: &[&str] = &[
    "process.env",
    "os.environ",
    "os.getenv",
    "getenv",
    "secrets.",
    "env.",
    "import.meta",
    "config.",
    "settings.",
    "vault:",
    "arn:aws",
];

/// Extra filters for generic `name = value` rules, which see all kinds of values: references,
/// identifiers, hashes, UUIDs, SRI integrity strings.
/// `name` is the assigned name when the rule captured it (lowercase comparison).
pub fn is_unlikely_generic_value(value: &str, name: Option<&str>) -> bool {
    let lower = value.to_ascii_lowercase();
    if value.starts_with('$') || REFERENCE_FRAGMENTS.iter().any(|f| lower.contains(f)) {
        return true;
    }
    // SRI / lockfile integrity: sha512-<base64>
    if ["sha1-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return true;
    }
    if is_uuid(value) {
        return true;
    }
    let b = value.as_bytes();
    let has_digit = b.iter().any(u8::is_ascii_digit);
    let has_upper = b.iter().any(u8::is_ascii_uppercase);
    let has_lower = b.iter().any(u8::is_ascii_lowercase);
    // Identifiers and words: `my_password_field`, `SECRET_NAME`, `tokenizer`.
    if !(has_digit || (has_upper && has_lower)) {
        return true;
    }
    // Dotted paths, file names and URLs are configuration, not secrets.
    if lower.ends_with(".json")
        || lower.ends_with(".pem")
        || lower.ends_with(".txt")
        || lower.contains("://")
        || lower.starts_with("./")
        || lower.starts_with('/')
    {
        return true;
    }
    if let Some(n) = name {
        let n = n.to_ascii_lowercase();
        let hash_like = [
            "sha",
            "hash",
            "commit",
            "digest",
            "checksum",
            "integrity",
            "nonce",
            "uuid",
            "etag",
        ];
        if hash_like.iter().any(|h| n.contains(h)) {
            return true;
        }
        // Token *names* and counts: `max_tokens = 4096`, `token_type = Bearer`.
        if [
            "max_token",
            "token_type",
            "tokenizer",
            "token_count",
            "num_token",
            "tokens_",
        ]
        .iter()
        .any(|h| n.contains(h))
        {
            return true;
        }
    }
    if let Some(n) = name {
        if names_no_secret(n) {
            return true;
        }
    }
    if is_dotted_identifier(value) || is_constant_name(value) {
        return true;
    }
    // A git SHA-1 or SHA-256 (pure lowercase hex of exactly that length).
    if (b.len() == 40 || b.len() == 64)
        && b.iter()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    {
        return true;
    }
    false
}

/// Names whose value is about a secret, not the secret: where it lives (`*_url`, `*_file`,
/// `*_path`), what it is called (`*_name`, `*_id`), or its shape (`*_type`, `*_length`).
fn names_no_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.trim_end_matches(['.', '-', '_']);
    const SUFFIXES: &[&str] = &[
        "url",
        "uri",
        "endpoint",
        "host",
        "file",
        "path",
        "dir",
        "name",
        "id",
        "type",
        "kind",
        "length",
        "len",
        "size",
        "count",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "timeout",
        "header",
        "field",
        "param",
        "prefix",
        "format",
        "version",
        "ref",
        "arn",
    ];
    SUFFIXES.iter().any(|s| {
        n.len() > s.len()
            && n.ends_with(s)
            && matches!(n.as_bytes()[n.len() - s.len() - 1], b'_' | b'-' | b'.')
    }) || (name.len() > 3 && {
        // camelCase suffixes: `tokenUrl`, `secretName`, `apiKeyId`.
        let camel = [
            "Url", "Uri", "Endpoint", "File", "Path", "Name", "Id", "Type", "Length", "Ref",
            "Header",
        ];
        camel
            .iter()
            .any(|s| name.ends_with(s) && name.len() > s.len())
    })
}

/// `this.config.apiKey`, `settings.SECRET_KEY`, `foo.bar_baz`: a dotted path of identifiers is a
/// reference to a value, not a value. JWTs (long base64url segments with digits) are not.
fn is_dotted_identifier(value: &str) -> bool {
    if !value.contains('.') {
        return false;
    }
    value.split('.').all(|seg| {
        !seg.is_empty()
            && seg.len() <= 40
            && seg.as_bytes()[0].is_ascii_alphabetic()
            && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && seg.bytes().filter(u8::is_ascii_digit).count() <= 2
    })
}

/// `TLS13_CHACHA20_POLY1305_SHA256`: a SCREAMING_SNAKE constant name, not a value.
fn is_constant_name(value: &str) -> bool {
    let b = value.as_bytes();
    b.first().is_some_and(u8::is_ascii_uppercase)
        && b.iter().filter(|&&c| c == b'_').count() >= 2
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "sk-proj-XXXXXXXXXXXXXXXXXXXX",
            "your-api-key-here",
            "<OPENAI_KEY>",
            "${OPENAI_API_KEY}",
            "{{ api_key }}",
            "sk-****************",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaaaaaaaaaaaaaaaaaa",
            "abcdefghijklmnopqrstuvwxyz",
            "0123456789012345",
            "abababababababababab",
        ] {
            assert!(is_placeholder(p), "{p} should be a placeholder");
        }
        for real_looking in ["q8Vd2LkP0zR4mT7wYb1nHc", "a9F3kQ7zW2pL5xC8vB1n"] {
            assert!(!is_placeholder(real_looking), "{real_looking}");
        }
        // Built at run time so that the repository itself holds no private-key block.
        let (begin, end) = ("-----BEGIN OPENSSH PRIVATE ", "-----END OPENSSH PRIVATE ");
        let openssh = format!("{begin}KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBq8Vd2LkP0zR4mT7wYb1nHcQ9fJ3kX5pL8vB2nM6tR1wAAAJgK\n{end}KEY-----");
        assert!(!is_placeholder(&openssh));
        assert!(is_placeholder(
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"
        ));
        assert!(is_placeholder(
            "-----BEGIN PRIVATE KEY-----\nMIIEvAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----"
        ));
        assert!(is_placeholder("sk-proj-abc...xyz"));
    }

    #[test]
    fn generic_values() {
        assert!(is_unlikely_generic_value(
            "process.env.OPENAI_API_KEY",
            None
        ));
        assert!(is_unlikely_generic_value("my_password_field", None));
        assert!(is_unlikely_generic_value(
            "123e4567-e89b-12d3-a456-426614174000",
            None
        ));
        assert!(is_unlikely_generic_value("sha512-Zm9vYmFyYmF6cXV4", None));
        assert!(is_unlikely_generic_value(
            "q8Vd2LkP0zR4mT7wYb1nHc",
            Some("commit_sha")
        ));
        assert!(is_unlikely_generic_value(
            "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
            None
        ));
        assert!(!is_unlikely_generic_value(
            "q8Vd2LkP0zR4mT7wYb1nHc",
            Some("API_TOKEN")
        ));
        assert!(is_unlikely_generic_value(
            "q8Vd2LkP0zR4mT7wYb1nHc",
            Some("TOKEN_URL")
        ));
        assert!(is_unlikely_generic_value(
            "q8Vd2LkP0zR4mT7wYb1nHc",
            Some("secretName")
        ));
        assert!(is_unlikely_generic_value(
            "this.config.apiKey",
            Some("apiKey")
        ));
        assert!(is_unlikely_generic_value("settings.SECRET_KEY2", None));
        assert!(!is_unlikely_generic_value(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.q8Vd2LkP0zR4mT7wYb1nHc",
            Some("token")
        ));
        // A secret's own name ending is not a false positive: `*_API_KEY`, `*_SECRET`.
        assert!(!is_unlikely_generic_value(
            "q8Vd2LkP0zR4mT7wYb1nHc",
            Some("stripe_secret")
        ));
    }
}
