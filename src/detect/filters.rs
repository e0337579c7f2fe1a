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
    "abc123",
    "123abc",
    "abcxyz",
    "xyz123",
    "-abc",
    "_abc",
];

/// True when a secret is obviously a placeholder, a template or a made-up value.
pub fn is_placeholder(secret: &str) -> bool {
    if let Some(rest) = secret.strip_prefix("-----BEGIN") {
        return is_placeholder_pem(rest);
    }
    let lower = secret.to_ascii_lowercase();
    // In a hex value or a UUID, `-abc` is as likely as any other three hex digits after a dash
    // (one UUID in a thousand has it): only a placeholder elsewhere (`sk-abc…`).
    let hexish = lower.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-');
    if PLACEHOLDER_FRAGMENTS
        .iter()
        .any(|f| lower.contains(f) && !(hexish && (*f == "-abc" || *f == "_abc")))
    {
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

/// The surroundings of a generic `name = value` match that its shape is judged by: the text
/// between the name and the value (quotes, separator, type annotation), the byte before the name
/// and the bytes right after the value.
#[derive(Debug, Clone, Copy)]
pub struct GenericMatch<'a> {
    pub name: &'a [u8],
    pub between: &'a [u8],
    pub before_name: Option<u8>,
    pub after_value: &'a [u8],
}

/// True when a generic match is not a `name = value` assignment by its shape: a value after
/// `>` that is not the text of an XML element `<name>`, or a second call argument whose name is
/// not a quoted string (`f(token, other)`).
pub fn is_unlikely_generic_shape(m: &GenericMatch) -> bool {
    let sep = m
        .between
        .iter()
        .copied()
        .find(|b| !b" \t\r\n\"'`\\]".contains(b));
    match sep {
        // `<apiKey>VALUE</apiKey>`, the value possibly on the next line.
        Some(b'>') if !m.between.starts_with(b"=>") => {
            m.before_name != Some(b'<') || !m.after_value.trim_ascii_start().starts_with(b"</")
        }
        // `System.setProperty("X_TOKEN", "VALUE")`, `env('X_KEY', 'VALUE')`.
        // The name must be quoted and read like an environment variable, so that lists of
        // identifiers (`['httpBasicAuth', 'httpBearerToken']`) are not pairs.
        Some(b',') => {
            !matches!(m.between.first(), Some(b'"' | b'\'' | b'\\'))
                || !m
                    .name
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        }
        _ => false,
    }
}

/// Bytes of an assigned name around a generic rule's keyword (`[A-Za-z0-9_.-]` in its regex).
fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}

/// Where the assigned name that holds the keyword starting at `kw_start` starts: the name bytes
/// before it, at most `max` of them.
pub fn name_start(hay: &[u8], kw_start: usize, max: usize) -> usize {
    kw_start
        - hay[..kw_start]
            .iter()
            .rev()
            .take(max)
            .take_while(|&&c| is_name_byte(c))
            .count()
}

/// Most bytes a generic rule's name may run on after its keyword.
const NAME_TAIL: usize = 30;

/// A cheap necessary condition for a generic rule to match with the keyword that ends at `end`
/// inside its assigned name: the name runs on for at most [`NAME_TAIL`] bytes, then (after an
/// optional closing quote or bracket and blanks) comes an assignment, a type annotation, a
/// call's second argument or an XML element's text: one of `= : ? , > &`, or `str`/`String`.
/// Most occurrences of `token`, `auth`, `secret` in code and prose (`tokens.length`, `token)`,
/// `the token is`) fail it, and the generic regex then never runs around them.
pub fn keyword_in_assigned_name(hay: &[u8], end: usize) -> bool {
    let mut i = end;
    let limit = (end + NAME_TAIL).min(hay.len());
    while i < limit && is_name_byte(hay[i]) {
        i += 1;
    }
    if i < hay.len() && is_name_byte(hay[i]) {
        return false;
    }
    if hay.get(i) == Some(&b'\\') {
        i += 1;
    }
    if matches!(hay.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    if hay.get(i) == Some(&b']') {
        i += 1;
    }
    let blanks = hay[i.min(hay.len())..]
        .iter()
        .take(20)
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count();
    let rest = &hay[(i + blanks).min(hay.len())..];
    match rest.first() {
        Some(b'=' | b':' | b'?' | b',' | b'>' | b'&' | b'.') => true,
        Some(b's' | b'S') => rest[1..].starts_with(b"tr") || rest[1..].starts_with(b"tring"),
        _ => false,
    }
}

const SECRET_STEMS: &[&str] = &[
    "apikey",
    "token",
    "secret",
    "password",
    "passwd",
    "credential",
    "accesskey",
    "privatekey",
];

/// Names for which a hex value is the secret itself, not a hash of something.
fn is_strong_name(name: &str) -> bool {
    let n = normalize(name);
    [
        "credential",
        "creds",
        "auth",
        "privatekey",
        "clientsecret",
        "password",
        "passwd",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// Lowercase, with `_`, `-`, `.`, `$`, `#` and spaces removed: `API_KEY` == `apiKey`.
fn normalize(s: &str) -> String {
    s.bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_lowercase() as char)
        .collect()
}

/// Extra filters for generic `name = value` rules, which see all kinds of values: references,
/// identifiers, prose, code, hashes, UUIDs, SRI integrity strings.
/// `name` is the assigned name when the rule captured it.
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
    // Public by design (Stripe publishable, PostHog project, Supabase publishable, Mapbox public
    // keys): the provider rules judge these; the generic rule does not report them again.
    if ["pk_live_", "pk_test_", "phc_", "sb_publishable_", "pk.ey"]
        .iter()
        .any(|p| value.starts_with(p))
    {
        return true;
    }
    // Comparisons (`==t.type`) and numbers in any notation (`3.135e-05`).
    // Hex keys are never prose and may look like `1234e5678` (a float to Rust's parser).
    let hex = CharClass::of(value.as_bytes()) == CharClass::Hex;
    if value.starts_with('=') || (!hex && value.parse::<f64>().is_ok()) {
        return true;
    }
    // A JWT without its signature (`header.payload`) authenticates nothing.
    if value.starts_with("eyJ") && value.bytes().filter(|&c| c == b'.').count() == 1 {
        return true;
    }
    let b = value.as_bytes();
    // Numbers, versions and dates: `4096000000`, `1.2.3`, `2024-01-01`.
    if !b.iter().any(u8::is_ascii_alphabetic) {
        return true;
    }
    // Dotted paths, file names and URLs are configuration, not secrets.
    if lower.ends_with(".json")
        || lower.ends_with(".pem")
        || lower.ends_with(".txt")
        || lower.contains("://")
        || lower.starts_with("./")
        // `/run/secrets/x`, `/etc/app.key`; one leading `/` alone starts 1 in 64 base64 keys.
        || (lower.starts_with('/') && (lower[1..].contains('/') || lower.contains('.')))
    {
        return true;
    }
    let strong = name.is_some_and(is_strong_name);
    if let Some(n) = name {
        let n = n.to_ascii_lowercase();
        // Hashes, and values that are public or per-session by design: .NET's
        // `PublicKeyToken`, `public_key`, CSRF/XSRF tokens.
        let not_secret = [
            "sha",
            "hash",
            "digest",
            "checksum",
            "integrity",
            "nonce",
            "uuid",
            "etag",
            "public",
            "csrf",
            "xsrf",
            "redacted",
            "placeholder",
            "dummy",
            "fake",
            "mock",
            "sample",
            "example",
        ];
        if not_secret.iter().any(|h| n.contains(h)) {
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
        if names_no_secret(&n) || names_no_secret(name.unwrap_or_default()) {
            return true;
        }
        // `author`, `authority`, `authenticate`: not an `auth` secret.
        if is_only_auth_lookalike(&n) {
            return true;
        }
        // A value that repeats its own name: `accessTokenExpiresAt: 'accessTokenExpiresAt'`,
        // `anthropic_api_key: anthropicAPIKey`.
        let (nn, nv) = (normalize(&n), normalize(value));
        let repeats =
            nn == nv || (nv.len() >= 6 && nn.contains(&nv)) || (nn.len() >= 6 && nv.contains(&nn));
        if !nv.is_empty() && repeats {
            return true;
        }
    }
    if !hex && (is_code_reference(value) || is_constant_name(value) || is_wordy(value)) {
        return true;
    }
    // A vendor-style prefix before words or a placeholder: `sk-123abc`, `gsk_abcxyz`,
    // `lm-studio`, `ghp_token`, `sk-lf-xxx`, `bb_live_xxx`, `lsv2_pt_test`, `pscale_tkn_`.
    let (segments, rest) = strip_vendor_prefix(value);
    if segments > 0 && (rest.len() < 6 || is_wordy(rest)) {
        return true;
    }
    // An identifier that names a secret (`qdrantApiKey`, `promptInputTokens`, `gh_token`) is
    // a variable, not its value: random keys do not spell these words.
    let identifier = b[0].is_ascii_alphabetic() || b[0] == b'_';
    if identifier && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
        let nv = normalize(value);
        if SECRET_STEMS.iter().any(|w| nv.contains(w)) {
            return true;
        }
    }
    let class = CharClass::of(b);
    if class == CharClass::Hex && !strong {
        // A git SHA-1 or SHA-256 (pure lowercase hex of exactly that length), or hex too short to
        // be a key.
        let sha = (b.len() == 40 || b.len() == 64) && !b.iter().any(u8::is_ascii_uppercase);
        if sha || b.len() < 16 {
            return true;
        }
    }
    // One case and digits (36 symbols) collide more than mixed case (62): a lower bar.
    let single_case =
        !(b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase));
    let min = class.min_entropy(b.len()) - if single_case { 0.15 } else { 0.0 };
    crate::detect::entropy::shannon(b) < min
}

/// Strips up to three short lowercase segments ending in `-` or `_` from the front of `value`
/// (`sk-lf-`, `bb_live_`, `pscale_tkn_`): how many, and what is left.
fn strip_vendor_prefix(value: &str) -> (usize, &str) {
    let mut rest = value;
    let mut segments = 0;
    while segments < 3 {
        let Some(pos) = rest.find(['-', '_']) else {
            break;
        };
        let head = &rest.as_bytes()[..pos];
        let vendorish = (1..=8).contains(&pos)
            && head[0].is_ascii_lowercase()
            && head
                .iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !vendorish {
            break;
        }
        rest = &rest[pos + 1..];
        segments += 1;
    }
    (segments, rest)
}

/// The character class of a generic value, for its entropy threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// `0-9a-f` or `0-9A-F`: at most 4 bits a character.
    Hex,
    /// `A-Za-z0-9`.
    Alnum,
    /// Base64, URL-safe base64, or letters and digits with punctuation.
    Symbols,
}

impl CharClass {
    pub fn of(b: &[u8]) -> CharClass {
        let hex = b.iter().all(u8::is_ascii_hexdigit)
            && !(b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase));
        if hex {
            CharClass::Hex
        } else if b.iter().all(u8::is_ascii_alphanumeric) {
            CharClass::Alnum
        } else {
            CharClass::Symbols
        }
    }

    /// The Shannon entropy (bits per character) below which a value of this class and length is
    /// not random. Set at about the 1st percentile of random strings of that class and length
    /// (measured: 2,000 draws per cell), so that at most ~1 % of real random keys fall below it;
    /// short keys cannot reach the 3.5 bits a flat threshold asks for (a random 12-character
    /// alphanumeric password has a median of 3.4, a random 32-digit hex key 3.6).
    pub fn min_entropy(self, len: usize) -> f64 {
        match self {
            CharClass::Hex => match len {
                0..=15 => 2.3,
                16..=19 => 2.6,
                20..=31 => 2.85,
                32..=39 => 3.2,
                _ => 3.3,
            },
            CharClass::Alnum | CharClass::Symbols => match len {
                0..=9 => 2.4,
                10..=11 => 2.6,
                12..=15 => 2.9,
                16..=19 => 3.2,
                20..=31 => 3.4,
                _ => 3.6,
            },
        }
    }
}

/// True when the only secret-ish word in a name is an `auth` that belongs to `author`,
/// `authority`, `authenticate`, `authorize`: `author: "Jane"`.
fn is_only_auth_lookalike(lower_name: &str) -> bool {
    let n = normalize(lower_name);
    let other = [
        "apikey",
        "secret",
        "token",
        "password",
        "passwd",
        "accesskey",
        "credential",
        "creds",
        "privatekey",
    ];
    if other.iter().any(|o| n.contains(o)) {
        return false;
    }
    n.match_indices("auth").all(|(i, _)| {
        let rest = &n[i + 4..];
        ["or", "en", "ent"].iter().any(|s| rest.starts_with(s))
    })
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
        "audience",
        "scope",
        "region",
        "issuer",
        "domain",
        "realm",
        "user",
        "username",
        "email",
        "provider",
        "method",
        "mode",
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

/// Code, not a value: member access and paths of identifiers (`this.config.apiKey`,
/// `settings.SECRET_KEY`, `this.#maxTokens`, `_proxyUsage.inputTokens`,
/// `__webpack_exports__.BertForTokenClassification`), `a::b` paths, `a->b`. Every segment is an
/// identifier: a word sequence or a short name. JWTs (base64url segments full of digits and case
/// changes) are not.
fn is_code_reference(value: &str) -> bool {
    let b = value.as_bytes();
    if !(b.contains(&b'.') || b.contains(&b'#') || value.contains("::")) {
        return false;
    }
    let mut identifiers = 0;
    let all = value
        .split(['.', ':', '>', '-', '+', '*', '/'])
        .filter(|seg| !seg.is_empty())
        .all(|seg| {
            if seg.bytes().all(|c| c.is_ascii_digit()) {
                return true;
            }
            let core = seg.trim_start_matches(['#', '$', '_', '?', '!']);
            let core = core.trim_end_matches(['_', '!', '?']);
            let ok = !core.is_empty()
                && core.as_bytes()[0].is_ascii_alphabetic()
                && core.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && core.bytes().filter(u8::is_ascii_digit).count() <= 2
                && (core.len() <= 8 || mostly_words(core));
            identifiers += usize::from(ok);
            ok
        });
    all && identifiers >= 2
}

/// At least half of the letters sit in words: `shutdownCts`, `mcfg_Auth`.
fn mostly_words(s: &str) -> bool {
    let (mut letters, mut in_words) = (0, 0);
    for t in tokens(s) {
        if t.as_bytes()[0].is_ascii_alphabetic() {
            letters += t.len();
            if is_word(t) {
                in_words += t.len();
            }
        }
    }
    in_words > 0 && in_words * 2 >= letters
}

/// One piece of a value split at separators, case changes and letter/digit boundaries.
fn tokens(value: &str) -> Vec<&str> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=b.len() {
        let boundary = match (i.checked_sub(1).map(|j| b[j]), b.get(i)) {
            (_, None) => true,
            (_, Some(c)) if !c.is_ascii_alphanumeric() => true,
            (None, _) => false,
            (Some(p), Some(c)) => {
                !p.is_ascii_alphanumeric()
                    || p.is_ascii_digit() != c.is_ascii_digit()
                    || (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    // `HTTPServer` -> `HTTP`, `Server`
                    || (p.is_ascii_uppercase()
                        && c.is_ascii_uppercase()
                        && b.get(i + 1).is_some_and(u8::is_ascii_lowercase))
            }
        };
        if boundary {
            if let Some(s) = start.take() {
                out.push(&value[s..i]);
            }
        }
        if b.get(i).is_some_and(u8::is_ascii_alphanumeric) && start.is_none() {
            start = Some(i);
        }
    }
    out
}

/// Consonant pairs common in the words of English and the European languages of locale files.
const COMMON_PAIRS: &[[u8; 2]] = &[
    *b"bb", *b"bl", *b"br", *b"bs", *b"ch", *b"ck", *b"cl", *b"cr", *b"cs", *b"ct", *b"cc", *b"dd",
    *b"dg", *b"dr", *b"ds", *b"dw", *b"ff", *b"fl", *b"fr", *b"ft", *b"gg", *b"gh", *b"gl", *b"gn",
    *b"gr", *b"hn", *b"hm", *b"ht", *b"kk", *b"kl", *b"kn", *b"kr", *b"ks", *b"lc", *b"ld", *b"lf",
    *b"lg", *b"lk", *b"ll", *b"lm", *b"ln", *b"lp", *b"ls", *b"lt", *b"lv", *b"mb", *b"ml", *b"mm",
    *b"mn", *b"mp", *b"ms", *b"nc", *b"nd", *b"nf", *b"ng", *b"nk", *b"nl", *b"nm", *b"nn", *b"ns",
    *b"nt", *b"nv", *b"nz", *b"pd", *b"pf", *b"ph", *b"pl", *b"pp", *b"pr", *b"ps", *b"pt", *b"rb",
    *b"rc", *b"rd", *b"rf", *b"rg", *b"rk", *b"rl", *b"rm", *b"rn", *b"rp", *b"rr", *b"rs", *b"rt",
    *b"rv", *b"rw", *b"rz", *b"sc", *b"sf", *b"sh", *b"sk", *b"sl", *b"sm", *b"sn", *b"sp", *b"sq",
    *b"ss", *b"st", *b"sw", *b"sz", *b"tc", *b"th", *b"tl", *b"tr", *b"ts", *b"tt", *b"tw", *b"tz",
    *b"vr", *b"wh", *b"wl", *b"wn", *b"wr", *b"ws", *b"xc", *b"xp", *b"xt", *b"zz",
];

/// Vowel-less abbreviations that identifiers are made of (`httpBearerToken`, `llmCfg`).
const CODE_ABBREVIATIONS: &[&str] = &[
    "http", "https", "html", "xml", "sql", "jwt", "ssh", "tcp", "udp", "dns", "url", "src", "cmd",
    "pkg", "msg", "ctx", "cfg", "mgr", "btn", "tmp", "rpc", "grpc", "llm", "gpt", "mcp", "pdf",
    "csv", "svg", "png", "tls", "ssl", "css", "npm", "std", "str", "ptr", "idx", "dst", "pwd",
    "abc", "xyz", "xhr", "crm", "cdn", "ctl", "lst", "nlp", "mgmt", "sms", "smtp", "wss", "prv",
];

const SHORT_WORDS: &[&str] = &[
    "my", "to", "of", "in", "on", "is", "it", "at", "by", "or", "an", "as", "be", "do", "go", "no",
    "up", "we", "id", "db", "ok", "js", "io", "ai", "ui", "os", "st", "nd", "rd", "th", "de", "la",
    "le", "el", "en", "et", "us",
];

/// A run of letters that reads as a word of some language (or an acronym): vowels where words
/// have them, no long consonant clusters. `Zugriffstoken`, `wachtwoord`, `anythingllm`, `HTTP`
/// are; `Vd`, `qxz`, `bHc` (what random keys split into) are not.
fn is_word(token: &str) -> bool {
    let b = token.as_bytes();
    if b.len() == 2 {
        // Two-letter words and acronyms of prose and identifiers: `my`, `to`, `AI`, `ID`, the
        // ordinal in `1st`.
        let lower = token.to_ascii_lowercase();
        return SHORT_WORDS.contains(&lower.as_str());
    }
    if b.len() < 3 || !b.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    if CODE_ABBREVIATIONS.contains(&token.to_ascii_lowercase().as_str()) {
        return true;
    }
    // camelCase splitting leaves `Word`, `word` or `WORD`; anything else is mixed-case noise.
    let upper_tail = b[1..].iter().filter(|c| c.is_ascii_uppercase()).count();
    if upper_tail != 0 && upper_tail != b.len() - 1 {
        return false;
    }
    if upper_tail == b.len() - 1 && b.len() <= 5 {
        // Acronyms: `API`, `JSON`, `HTTP`, `OAUTH`.
        return true;
    }
    let is_vowel = |c: u8| {
        matches!(
            c.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        )
    };
    let vowels = b.iter().filter(|&&c| is_vowel(c)).count();
    if vowels == 0 || vowels * 6 < b.len() || vowels * 5 > b.len() * 4 {
        return false;
    }
    let (mut cons, mut max_cons, mut vow, mut max_vow) = (0, 0, 0, 0);
    for &c in b {
        if is_vowel(c) {
            vow += 1;
            cons = 0;
        } else {
            cons += 1;
            vow = 0;
        }
        max_cons = max_cons.max(cons);
        max_vow = max_vow.max(vow);
    }
    let lower = b.to_ascii_lowercase();
    // In the languages of code and its comments a `q` is followed by `u` (random letters are
    // not: `Eaqxil`), and no letter repeats three times.
    let q_without_u = lower.windows(2).any(|w| w[0] == b'q' && w[1] != b'u');
    // Consonant pairs that words are made of (`pr`, `ng`, `st`, `th`, ...); random letters
    // produce others (`vf`, `hx`, `kg`) several times a token. A word may hold one such pair
    // (`length`'s `gt`, `adgangstoken`'s `dg`), long compounds one per six letters.
    let awkward = lower
        .windows(2)
        .filter(|w| !is_vowel(w[0]) && !is_vowel(w[1]) && !COMMON_PAIRS.contains(&[w[0], w[1]]))
        .count();
    let allowed = if b.len() <= 4 {
        0
    } else {
        (b.len() / 6).max(1)
    };
    max_cons <= 5
        && max_vow <= 3
        && awkward <= allowed
        && !q_without_u
        && !has_run(&lower, 3, |x, y| x == y)
}

/// Identifiers and prose: a value whose letters all sit in words (`runPromptTokenCalculation`,
/// `localAuthToken`, `GitHub-adgangstoken`, `Administrator-Kontopasswort`, `summer_2024_v2`).
/// Random keys split into short, mixed pieces (`q8Vd2LkP0z` -> `q`, `8`, `Vd`, `2`, `Lk`, ...)
/// and are never wordy; a password that mixes a word with random pieces (`Kx9-summer-2024`) is
/// not either.
pub fn is_wordy(value: &str) -> bool {
    let toks = tokens(value);
    let mut letters = 0;
    let mut in_words = 0;
    let mut short = 0;
    for t in &toks {
        let tb = t.as_bytes();
        if tb[0].is_ascii_digit() {
            continue;
        }
        letters += tb.len();
        if is_word(t) {
            in_words += tb.len();
        } else {
            short += 1;
        }
    }
    // A lone short piece is allowed: `v2`, `getV2Token`, `x_api_token`.
    in_words > 0 && short <= 1 && (letters - in_words) * 5 <= letters
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
    fn keyword_must_sit_in_an_assigned_name() {
        let ok = |text: &str, kw: &str| {
            let end = text.find(kw).unwrap() + kw.len();
            keyword_in_assigned_name(text.as_bytes(), end)
        };
        for (text, kw) in [
            ("API_TOKEN=abc", "TOKEN"),
            ("\"authToken\": \"x\"", "Token"),
            ("\\\"password\\\": 1", "password"),
            ("<apiKey>x</apiKey>", "apiKey"),
            ("$c['db_password'] => 'x'", "password"),
            ("var apiToken string = \"x\"", "Token"),
            ("const SERVICE_TOKEN: &str = \"x\";", "TOKEN"),
            ("setProperty(\"X_TOKEN\", \"v\")", "TOKEN"),
            ("API_TOKEN     ?= v", "TOKEN"),
            ("$db_password .= \"x\";", "password"),
        ] {
            assert!(ok(text, kw), "{text}");
        }
        for (text, kw) in [
            ("const n = tokens.length;", "token"),
            ("the token is sent", "token"),
            ("f(token)", "token"),
            ("password\n= x", "password"),
            ("secret_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa = 1", "secret"),
            ("token", "token"),
        ] {
            assert!(!ok(text, kw), "{text}");
        }
    }

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
            // In parts: whole, it is a decodable JWT that the `jwt` rule reports.
            concat!(
                "eyJhbGciOiJIUzI1NiJ9",
                ".eyJzdWIiOiIxMjM0NTY3ODkwIn0",
                ".q8Vd2LkP0zR4mT7wYb1nHc"
            ),
            Some("token")
        ));
        for (value, name) in [
            ("this.#maxTokens", "maxTokens"),
            ("runPromptTokenCalculation", "token"),
            ("_proxyUsage.inputTokens", "tokens"),
            ("localAuthToken", "authToken"),
            ("normalizeTokenExpiry", "token"),
            ("anythingllm_authToken", "AUTH_TOKEN"),
            ("__webpack_exports__.BertForTokenClassification", "token"),
            ("accessTokenExpiresAt", "accessTokenExpiresAt"),
            ("anthropicAPIKey", "anthropic_api_key"),
            ("Zugriffstoken", "apiToken"),
            ("GitHub-adgangstoken", "apiToken"),
            ("Administrator-Kontopasswort", "adminPassword"),
            ("Instancewachtwoord", "instancePassword"),
            ("xoxa-08532509747", "token"),
            ("summer_2024_v2", "password"),
        ] {
            assert!(
                is_unlikely_generic_value(value, Some(name)),
                "{name} = {value}"
            );
        }
        for (value, name) in [
            ("Kx9-summer-2024", "password"),
            ("q8Vd2LkP0zR4", "password"),
            ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", "credentials"),
            ("9f86d081884c7d659a2feaa0c55ad015", "api_key"),
        ] {
            assert!(
                !is_unlikely_generic_value(value, Some(name)),
                "{name} = {value}"
            );
        }
        assert!(is_unlikely_generic_value(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            Some("token")
        ));
        // A secret's own name ending is not a false positive: `*_API_KEY`, `*_SECRET`.
        assert!(!is_unlikely_generic_value(
            "q8Vd2LkP0zR4mT7wYb1nHc",
            Some("stripe_secret")
        ));
    }

    /// Random keys of every class and length pass the value checks (the 1st-percentile entropy
    /// thresholds and the word test let through all but a small fraction).
    #[test]
    fn random_keys_pass() {
        use crate::testkeys::{expand, seed_for};
        for class in ["alnum", "urlsafe", "base64", "hex", "lowernum"] {
            for len in [12, 16, 20, 24, 32, 40, 48] {
                let template = format!("{{{class}:{len}}}");
                let lost = (0..500)
                    .filter(|i| {
                        let key = expand(&template, seed_for(&format!("{class}{len}#{i}")));
                        is_unlikely_generic_value(&key, Some("client_secret"))
                    })
                    .count();
                // Short hex and lowercase-with-digits strings are the hardest to tell from
                // words and counters; they may lose a few per cent.
                let allowed = if len < 16 { 40 } else { 10 };
                assert!(lost <= allowed, "{template}: {lost}/500 rejected");
            }
        }
    }

    #[test]
    fn words_and_random_pieces() {
        for w in [
            "Zugriffstoken",
            "wachtwoord",
            "anythingllm",
            "HTTP",
            "Token",
            "credentials",
        ] {
            assert!(is_word(w), "{w}");
        }
        for w in ["Vd", "qxzvbmrtp", "bHc", "Lk"] {
            assert!(!is_word(w), "{w}");
        }
        assert_eq!(
            tokens("getV2HTTPServer_x-1"),
            ["get", "V", "2", "HTTP", "Server", "x", "1"]
        );
    }
}
