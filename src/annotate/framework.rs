//! Exposure through framework configuration: settings that inline server environment variables
//! into the browser bundle, reported as `client-exposed-env` at the config line, even when the
//! key itself is not in the repository (it is in the deployment's environment, and the build
//! copies it into JavaScript every visitor downloads).
//!
//! - Next.js `env: { … }` in `next.config.*`;
//! - Vite `define` of `process.env.X` / `import.meta.env.X`, and an `envPrefix` of `''` or of
//!   non-public prefixes (`vite.config.*`, `astro.config.*`);
//! - webpack `DefinePlugin` / `EnvironmentPlugin`;
//! - Nuxt `runtimeConfig.public` (`nuxt.config.*`);
//! - SvelteKit `$env/static/public` / `$env/dynamic/public` imports, Astro `envField` with
//!   `access: "public"`, and `EXPO_PUBLIC_` / `PUBLIC_` (and the other public prefixes)
//!   variables read in code.
//!
//! Only secret names count: a public API URL or a publishable key inlined on purpose is not a
//! leak. Critical for a known secret name (an AI provider key, a service-role key, a secret
//! key), high for another secret-looking name. Pure: a path and bytes in, findings out.

use crate::model::check::{self as checks, CheckId};
use crate::model::finding::{locate, Finding, Origin};
use crate::model::rule::Severity;
use regex::bytes::Regex;
use std::sync::OnceLock;

/// How secret a variable name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Secretness {
    None,
    /// `…_KEY`, `…_TOKEN`, `…SECRET…`, `…PASSWORD…`: high.
    Looks,
    /// An AI provider's key, a service-role key, a secret key: critical.
    Known,
}

/// Parts of names that are secrets whatever the framework (AI provider keys first).
const KNOWN: &[&str] = &[
    "OPENAI_API_KEY",
    "OPENAI_KEY",
    "OPENAI_SECRET",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_KEY",
    "CLAUDE_API_KEY",
    "GROQ_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_GENERATIVE_AI_API_KEY",
    "GOOGLE_AI_API_KEY",
    "MISTRAL_API_KEY",
    "COHERE_API_KEY",
    "CO_API_KEY",
    "REPLICATE_API_TOKEN",
    "REPLICATE_API_KEY",
    "HF_TOKEN",
    "HUGGINGFACE_API_KEY",
    "HUGGING_FACE_HUB_TOKEN",
    "OPENROUTER_API_KEY",
    "DEEPSEEK_API_KEY",
    "XAI_API_KEY",
    "PERPLEXITY_API_KEY",
    "TOGETHER_API_KEY",
    "FIREWORKS_API_KEY",
    "ELEVENLABS_API_KEY",
    "CEREBRAS_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "SERVICE_ROLE",
    "SERVICE_KEY",
    "STRIPE_SECRET",
    "SECRET_KEY",
    "SECRET_ACCESS_KEY",
    "PRIVATE_KEY",
    "CLIENT_SECRET",
    "JWT_SECRET",
    "DATABASE_URL",
];

/// Parts of names that are public by design (publishable keys, anon keys, DSNs, site keys).
const PUBLIC_BY_DESIGN: &[&str] = &[
    "PUBLISHABLE",
    "ANON",
    "PUBLIC_KEY",
    "SITE_KEY",
    "SITEKEY",
    "DSN",
    "MEASUREMENT_ID",
    "APP_ID",
    "PROJECT_ID",
    "CLIENT_ID",
    "KEY_ID",
    "SEARCH_KEY",
    "SEARCH_API_KEY",
    "MAPS_API_KEY",
    "FIREBASE_API_KEY",
    "RECAPTCHA",
    "TURNSTILE",
    "POSTHOG_KEY",
    "SEGMENT_WRITE_KEY",
];

/// `openaiApiKey` / `openai-api-key` / `OPENAI_API_KEY` -> `OPENAI_API_KEY`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c == '-' || c == '.' {
            '_'
        } else {
            c.to_ascii_uppercase()
        });
    }
    out
}

/// How secret the variable `name` is (any spelling).
pub fn secretness(name: &str) -> Secretness {
    let n = normalize(name);
    if PUBLIC_BY_DESIGN.iter().any(|p| n.contains(p)) {
        return Secretness::None;
    }
    if KNOWN.iter().any(|k| n.contains(k)) {
        return Secretness::Known;
    }
    let parts: Vec<&str> = n.split('_').filter(|p| !p.is_empty()).collect();
    let looks = parts.iter().any(|p| {
        matches!(
            *p,
            "KEY" | "APIKEY" | "TOKEN" | "SECRET" | "PASSWORD" | "PASSWD" | "PWD" | "CREDENTIALS"
        )
    }) || n.contains("SECRET")
        || n.contains("PASSWORD");
    if looks {
        Secretness::Looks
    } else {
        Secretness::None
    }
}

/// The file name of a `/`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '!']).next().unwrap_or(path)
}

fn is_config(path: &str, stem: &str) -> bool {
    let name = file_name(path);
    name.strip_prefix(stem)
        .and_then(|r| r.strip_prefix(".config."))
        .is_some_and(|ext| matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts" | "cts"))
}

fn is_code(path: &str) -> bool {
    let name = file_name(path);
    let ext = name.rsplit('.').next().unwrap_or("");
    matches!(
        ext,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "svelte" | "vue" | "astro"
    ) && !name.ends_with(".min.js")
        && !crate::model::path_class::is_client_bundle(path)
}

/// Framework-config exposures in one blob. `sdk_client_reported`: a browser SDK client in this
/// blob is already reported (`browser-sdk-client`); the public variables the code reads are then
/// the key that client gets, the same exposure, and are not reported again.
pub fn exposures(
    path: &str,
    data: &[u8],
    origin: &Origin,
    sdk_client_reported: bool,
) -> Vec<Finding> {
    if !is_code(path) {
        return Vec::new();
    }
    let mut hits: Vec<Hit> = Vec::new();
    if is_config(path, "next") {
        next_env(data, &mut hits);
    }
    let vite_like = is_config(path, "vite") || is_config(path, "astro");
    if vite_like || is_config(path, "nuxt") || is_config(path, "svelte") {
        vite(data, &mut hits);
    }
    if is_config(path, "nuxt") {
        nuxt(data, &mut hits);
    }
    if is_config(path, "astro") {
        astro_env(data, &mut hits);
    }
    if memchr::memmem::find(data, b"Plugin(").is_some() {
        webpack(data, &mut hits);
    }
    if memchr::memmem::find(data, b"$env/").is_some() {
        sveltekit(data, &mut hits);
    }
    if !sdk_client_reported {
        public_reads(data, &mut hits);
    }

    hits.sort_by_key(|h| (h.offset, h.name.clone()));
    hits.dedup_by(|a, b| a.offset == b.offset && a.name == b.name);
    let offsets: Vec<usize> = hits.iter().map(|h| h.offset).collect();
    hits.into_iter()
        .zip(locate(data, &offsets))
        .map(|(h, (line, col))| {
            let mut f = checks::finding(CheckId::ClientExposedEnv, path, line, col, origin.clone());
            f.severity = if h.secret == Secretness::Known {
                Severity::Critical
            } else {
                Severity::High
            };
            f.summary = h.message;
            f.remediation = h.fix;
            f.notes.push(format!("variable: {}", h.name));
            f
        })
        .collect()
}

/// One exposure: where, which variable, what and how to fix.
struct Hit {
    offset: usize,
    name: String,
    secret: Secretness,
    message: String,
    fix: String,
}

const SERVER_ROUTE: &str =
    "read it on the server instead (an API route, server action or backend function) and rotate the key if a build with it was ever deployed";

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| {
        regex::bytes::RegexBuilder::new(pattern)
            .unicode(false)
            .build()
            .expect("framework regex")
    })
}

/// The byte range of the `{…}` or `[…]` that opens at `open` (strings and comments skipped),
/// bounded to 64 KiB.
fn block(data: &[u8], open: usize) -> Option<std::ops::Range<usize>> {
    let (o, c) = match data.get(open)? {
        b'{' => (b'{', b'}'),
        b'[' => (b'[', b']'),
        _ => return None,
    };
    let end = data.len().min(open + (64 << 10));
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < end {
        let b = data[i];
        if let Some(q) = quote {
            if b == b'\\' {
                i += 1;
            } else if b == q {
                quote = None;
            }
        } else if matches!(b, b'"' | b'\'' | b'`') {
            quote = Some(b);
        } else if b == b'/' && data.get(i + 1) == Some(&b'/') {
            i = memchr::memchr(b'\n', &data[i..end]).map_or(end, |n| i + n);
            continue;
        } else if b == o {
            depth += 1;
        } else if b == c {
            depth -= 1;
            if depth == 0 {
                return Some(open + 1..i);
            }
        }
        i += 1;
    }
    None
}

/// The top-level entries of an object or array body: (offset, text) split at depth-0 commas.
fn entries(data: &[u8], body: std::ops::Range<usize>) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut quote) = (0i32, body.start, None::<u8>);
    let mut i = body.start;
    while i < body.end {
        let b = data[i];
        if let Some(q) = quote {
            if b == b'\\' {
                i += 1;
            } else if b == q {
                quote = None;
            }
        } else {
            match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => depth -= 1,
                b',' if depth == 0 => {
                    out.push((start, &data[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.push((start, &data[start..body.end]));
    out.into_iter()
        .map(|(s, t)| {
            // Skip leading whitespace and line comments so the offset is the entry's own.
            let mut k = 0;
            while k < t.len() {
                if t[k].is_ascii_whitespace() {
                    k += 1;
                } else if t[k..].starts_with(b"//") {
                    k = memchr::memchr(b'\n', &t[k..]).map_or(t.len(), |n| k + n + 1);
                } else {
                    break;
                }
            }
            (s + k, &t[k..])
        })
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// `key: value` of an object entry (quotes around the key removed), or a shorthand `key`.
fn key_value(entry: &[u8]) -> Option<(String, &[u8])> {
    static KV: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &KV,
        r#"^(?:"([^"]{1,200})"|'([^']{1,200})'|`([^`]{1,200})`|\[\s*['"]([^'"]{1,200})['"]\s*\]|([A-Za-z_$][\w$.]{0,200}))\s*(?::|$)"#,
    );
    let c = r.captures(entry)?;
    let key = (1..=5).find_map(|i| c.get(i))?;
    let key = String::from_utf8_lossy(key.as_bytes()).into_owned();
    let rest = &entry[c.get(0)?.end()..];
    Some((key, rest))
}

/// The environment variables a value reads: `process.env.X`, `process.env["X"]`,
/// `import.meta.env.X`, `env.X` (Vite's `loadEnv` result).
fn env_reads(value: &[u8]) -> Vec<String> {
    static ENV: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &ENV,
        r#"\benv(?:\.([A-Za-z_][A-Za-z0-9_]{0,100})|\[\s*['"]([A-Za-z_][A-Za-z0-9_]{0,100})['"]\s*\])"#,
    );
    r.captures_iter(value)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
        .collect()
}

/// The most secret of `names`.
fn worst(names: &[String]) -> Option<(String, Secretness)> {
    names
        .iter()
        .map(|n| (n.clone(), secretness(n)))
        .filter(|(_, s)| *s != Secretness::None)
        .max_by_key(|(_, s)| *s)
}

/// Finds `key\s*:\s*{` / `key(` openings: the offsets of the `{` / `[`.
fn openings(data: &[u8], cell: &'static OnceLock<Regex>, pattern: &str) -> Vec<usize> {
    re(cell, pattern)
        .find_iter(data)
        .map(|m| m.end() - 1)
        .collect()
}

/// Next.js `env: { NAME: process.env.NAME }`.
fn next_env(data: &[u8], hits: &mut Vec<Hit>) {
    static OPEN: OnceLock<Regex> = OnceLock::new();
    for open in openings(data, &OPEN, r#"(?:^|[\s,{])['"]?env['"]?\s*:\s*\{"#) {
        let Some(body) = block(data, open) else {
            continue;
        };
        for (off, e) in entries(data, body) {
            let Some((key, value)) = key_value(e) else {
                continue;
            };
            let mut names = env_reads(value);
            names.push(key.clone());
            let Some((name, secret)) = worst(&names) else {
                continue;
            };
            hits.push(Hit {
                offset: off,
                name: name.clone(),
                secret,
                message: format!("next.config `env` inlines {key} (from {name}) into the browser bundle: Next.js replaces process.env.{key} in client code with the value at build time, so every visitor can read it"),
                fix: format!("Remove {key} from `env` in next.config and {SERVER_ROUTE}."),
            });
        }
    }
}

/// Vite `define` and `envPrefix` (also under `vite:` in Nuxt, SvelteKit and Astro configs).
fn vite(data: &[u8], hits: &mut Vec<Hit>) {
    static DEFINE: OnceLock<Regex> = OnceLock::new();
    for open in openings(data, &DEFINE, r#"(?:^|[\s,{])define\s*:\s*\{"#) {
        define_object(data, open, "Vite `define`", hits);
    }
    static PREFIX: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &PREFIX,
        r#"(?:^|[\s,{])envPrefix\s*:\s*(\[[^\]]{0,500}\]|"[^"]{0,100}"|'[^']{0,100}'|``)"#,
    );
    for c in r.captures_iter(data) {
        let v = c.get(1).expect("group 1");
        let prefixes: Vec<String> = if v.as_bytes().starts_with(b"[") {
            static ITEM: OnceLock<Regex> = OnceLock::new();
            re(&ITEM, r#"["'`]([^"'`]{0,100})["'`]"#)
                .captures_iter(v.as_bytes())
                .map(|c| String::from_utf8_lossy(&c[1]).into_owned())
                .collect()
        } else {
            vec![String::from_utf8_lossy(&v.as_bytes()[1..v.len() - 1]).into_owned()]
        };
        for p in prefixes {
            let up = p.to_ascii_uppercase();
            let public = !up.is_empty()
                && (up.contains("PUBLIC")
                    || up == "VITE_"
                    || up == "VITE"
                    || up.ends_with("CLIENT_"));
            if public {
                continue;
            }
            let secret = if up.is_empty() {
                Secretness::Looks
            } else {
                match secretness(&format!("{up}KEY")) {
                    Secretness::Known => Secretness::Known,
                    _ => Secretness::Looks,
                }
            };
            let what = if up.is_empty() {
                "envPrefix '' exposes every environment variable (API keys, database URLs) to client code as import.meta.env.*".to_string()
            } else {
                format!("envPrefix includes '{p}', which is not a public prefix: every {p}* variable is inlined into the browser bundle as import.meta.env.{p}*")
            };
            hits.push(Hit {
                offset: v.start(),
                name: if up.is_empty() { "(all)".into() } else { p.clone() },
                secret,
                message: what,
                fix: format!("Keep envPrefix to public prefixes (the default VITE_), give only browser-safe values that prefix, and {SERVER_ROUTE}."),
            });
        }
    }
}

/// A `define` / `DefinePlugin` object: keys such as `process.env.X` or `__X__`, values that
/// read the environment.
fn define_object(data: &[u8], open: usize, what: &str, hits: &mut Vec<Hit>) {
    let Some(body) = block(data, open) else {
        return;
    };
    for (off, e) in entries(data, body) {
        let Some((key, value)) = key_value(e) else {
            continue;
        };
        let mut names = env_reads(key.as_bytes());
        names.extend(env_reads(value));
        if key.starts_with("process.env") && names.is_empty() {
            // `'process.env': JSON.stringify(process.env)`: the whole environment.
            if value.windows(11).any(|w| w == b"process.env") {
                hits.push(Hit {
                    offset: off,
                    name: "(all)".into(),
                    secret: Secretness::Looks,
                    message: format!("{what} inlines the whole process.env into the browser bundle: every variable of the build environment, keys included, ships to every visitor"),
                    fix: format!("Define only the browser-safe variables by name, and {SERVER_ROUTE}."),
                });
            }
            continue;
        }
        let Some((name, secret)) = worst(&names) else {
            continue;
        };
        hits.push(Hit {
            offset: off,
            name: name.clone(),
            secret,
            message: format!("{what} replaces {key} with the value of {name} at build time: the key ends up in the browser bundle, readable by every visitor"),
            fix: format!("Remove {key} from {what} and {SERVER_ROUTE}."),
        });
    }
}

/// webpack `DefinePlugin({...})` and `EnvironmentPlugin([...] | {...})`.
fn webpack(data: &[u8], hits: &mut Vec<Hit>) {
    static DEF: OnceLock<Regex> = OnceLock::new();
    for open in openings(data, &DEF, r#"\bDefinePlugin\(\s*\{"#) {
        define_object(data, open, "webpack DefinePlugin", hits);
    }
    static ENVP: OnceLock<Regex> = OnceLock::new();
    for open in openings(data, &ENVP, r#"\bEnvironmentPlugin\(\s*[\[{]"#) {
        let Some(body) = block(data, open) else {
            continue;
        };
        for (off, e) in entries(data, body) {
            let name = if data[open] == b'[' {
                let t = String::from_utf8_lossy(e).trim().to_string();
                t.trim_matches(['"', '\'', '`']).to_string()
            } else {
                match key_value(e) {
                    Some((k, _)) => k,
                    None => continue,
                }
            };
            let s = secretness(&name);
            if s == Secretness::None {
                continue;
            }
            hits.push(Hit {
                offset: off,
                name: name.clone(),
                secret: s,
                message: format!("webpack EnvironmentPlugin inlines {name} into the bundle (process.env.{name} is replaced by its value at build time): every visitor can read it"),
                fix: format!("Remove {name} from EnvironmentPlugin and {SERVER_ROUTE}."),
            });
        }
    }
}

/// Nuxt `runtimeConfig: { public: { … } }`: everything under `public` is sent to the browser.
fn nuxt(data: &[u8], hits: &mut Vec<Hit>) {
    static RC: OnceLock<Regex> = OnceLock::new();
    static PUB: OnceLock<Regex> = OnceLock::new();
    for open in openings(data, &RC, r#"\bruntimeConfig\s*:\s*\{"#) {
        let Some(body) = block(data, open) else {
            continue;
        };
        let inner = &data[body.clone()];
        for p in re(&PUB, r#"(?:^|[\s,{])public\s*:\s*\{"#).find_iter(inner) {
            let popen = body.start + p.end() - 1;
            let Some(pbody) = block(data, popen) else {
                continue;
            };
            for (off, e) in entries(data, pbody) {
                let Some((key, value)) = key_value(e) else {
                    continue;
                };
                let mut names = vec![key.clone()];
                names.extend(env_reads(value));
                let Some((name, secret)) = worst(&names) else {
                    continue;
                };
                hits.push(Hit {
                    offset: off,
                    name: name.clone(),
                    secret,
                    message: format!("nuxt.config runtimeConfig.public.{key} is sent to the browser (Nuxt serializes runtimeConfig.public into every page), so its value ({name}) is readable by every visitor"),
                    fix: format!("Move {key} out of runtimeConfig.public into runtimeConfig (server only), use it from a server route (server/api), and rotate the key if it was deployed."),
                });
            }
        }
    }
}

/// Astro `envField.string({ context: "client", access: "public" })` for a secret name.
fn astro_env(data: &[u8], hits: &mut Vec<Hit>) {
    static F: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &F,
        r#"([A-Za-z_][A-Za-z0-9_]{0,100})\s*:\s*envField\.\w{1,20}\(\s*\{[^}]{0,300}\}"#,
    );
    for c in r.captures_iter(data) {
        let all = c.get(0).expect("match").as_bytes();
        let client = all.windows(6).any(|w| w == b"client");
        let public = all.windows(6).any(|w| w == b"public");
        if !(client && public) {
            continue;
        }
        let name = String::from_utf8_lossy(&c[1]).into_owned();
        let s = secretness(&name);
        if s == Secretness::None {
            continue;
        }
        hits.push(Hit {
            offset: c.get(1).expect("group").start(),
            name: name.clone(),
            secret: s,
            message: format!("astro.config declares {name} with context \"client\" and access \"public\": Astro inlines it into client code, so every visitor can read it"),
            fix: format!("Declare {name} with context: \"server\", access: \"secret\", read it in server code only, and rotate the key if it was deployed."),
        });
    }
}

/// SvelteKit: secret names imported from `$env/static/public` / `$env/dynamic/public`.
fn sveltekit(data: &[u8], hits: &mut Vec<Hit>) {
    static IMP: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &IMP,
        r#"import\s*\{([^}]{0,2000})\}\s*from\s*['"]\$env/(static|dynamic)/public['"]"#,
    );
    for c in r.captures_iter(data) {
        let list = c.get(1).expect("group");
        let mut pos = list.start();
        for part in list.as_bytes().split(|&b| b == b',') {
            let text = String::from_utf8_lossy(part);
            let name = text.split(" as ").next().unwrap_or("").trim().to_string();
            let lead = part.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let at = pos + lead;
            pos += part.len() + 1;
            let s = secretness(&name);
            if name.is_empty() || s == Secretness::None {
                continue;
            }
            hits.push(Hit {
                offset: at,
                name: name.clone(),
                secret: s,
                message: format!("{name} is imported from $env/{}/public: SvelteKit ships public env variables to the browser, so every visitor can read it", &String::from_utf8_lossy(&c[2])),
                fix: "Rename it without the PUBLIC_ prefix, import it from $env/static/private in server code only (+page.server.ts, +server.ts), and rotate the key if it was deployed.".to_string(),
            });
        }
    }
}

/// Code that reads a secret-named public variable (`process.env.EXPO_PUBLIC_OPENAI_API_KEY`,
/// `import.meta.env.PUBLIC_OPENAI_API_KEY`): the framework inlines it into the bundle. Only
/// known secret names, or names with SECRET/PASSWORD/PRIVATE: public-by-design keys
/// (publishable, anon, maps) are meant to be there.
fn public_reads(data: &[u8], hits: &mut Vec<Hit>) {
    if memchr::memmem::find(data, b"env").is_none() {
        return;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &R,
        r#"(?:process\.env|import\.meta\.env)\.((?:EXPO_PUBLIC_|NEXT_PUBLIC_|NUXT_PUBLIC_|VITE_|REACT_APP_|GATSBY_|VUE_APP_|PUBLIC_)[A-Z0-9_]{1,100})"#,
    );
    for c in r.captures_iter(data) {
        let m = c.get(1).expect("group");
        let name = String::from_utf8_lossy(m.as_bytes()).into_owned();
        let (prefix, framework) = super::exposure::PUBLIC_PREFIXES
            .iter()
            .find(|(p, _)| name.starts_with(p))
            .copied()
            .unwrap_or(("", ""));
        let bare = &name[prefix.len()..];
        let s = secretness(bare);
        let strong = s == Secretness::Known
            || ["SECRET", "PASSWORD", "PRIVATE"]
                .iter()
                .any(|w| bare.contains(w));
        if !strong {
            continue;
        }
        hits.push(Hit {
            offset: m.start(),
            name: name.clone(),
            secret: if s == Secretness::Known { Secretness::Known } else { Secretness::Looks },
            message: format!("{name} is a {prefix} variable: {framework} inlines it into the browser bundle at build time, so the {bare} it holds is readable by every visitor"),
            fix: format!("Rename it to {bare} (no {prefix} prefix), use it only in server code (an API route or backend function), and rotate the key if a build with it was deployed."),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str, src: &str) -> Vec<(String, Severity, usize)> {
        exposures(path, src.as_bytes(), &Origin::WorkingTree, false)
            .into_iter()
            .map(|f| {
                let v = f.notes[0].trim_start_matches("variable: ").to_string();
                (v, f.severity, f.line)
            })
            .collect()
    }

    #[test]
    fn secret_names() {
        assert_eq!(secretness("OPENAI_API_KEY"), Secretness::Known);
        assert_eq!(secretness("openaiApiKey"), Secretness::Known);
        assert_eq!(secretness("SUPABASE_SERVICE_ROLE_KEY"), Secretness::Known);
        assert_eq!(secretness("MY_API_TOKEN"), Secretness::Looks);
        assert_eq!(secretness("SUPABASE_ANON_KEY"), Secretness::None);
        assert_eq!(secretness("STRIPE_PUBLISHABLE_KEY"), Secretness::None);
        assert_eq!(secretness("API_URL"), Secretness::None);
        assert_eq!(secretness("KEYBOARD_LAYOUT"), Secretness::None);
    }

    #[test]
    fn next_env_block() {
        let src = "module.exports = {\n  reactStrictMode: true,\n  env: {\n    API_URL: process.env.API_URL,\n    OPENAI_API_KEY: process.env.OPENAI_API_KEY,\n    // comment\n    stripe: process.env.STRIPE_TOKEN,\n  },\n};\n";
        let got = names("next.config.js", src);
        assert_eq!(
            got,
            vec![
                ("OPENAI_API_KEY".to_string(), Severity::Critical, 5),
                ("STRIPE_TOKEN".to_string(), Severity::High, 7)
            ]
        );
        // Not a next.config: nothing.
        assert!(names("src/env.js", src).is_empty());
    }

    #[test]
    fn vite_define_and_env_prefix() {
        let src = "export default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd(), '')\n  return {\n    define: {\n      'process.env.OPENAI_API_KEY': JSON.stringify(env.OPENAI_API_KEY),\n      __APP_VERSION__: JSON.stringify('1.0'),\n      'import.meta.env.SECRET_TOKEN': JSON.stringify(env.SECRET_TOKEN),\n    },\n    envPrefix: ['VITE_', 'SUPABASE_SERVICE_ROLE_'],\n  }\n})\n";
        let got = names("vite.config.ts", src);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], ("OPENAI_API_KEY".into(), Severity::Critical, 5));
        assert_eq!(got[1].0, "SECRET_TOKEN");
        assert_eq!(got[1].1, Severity::High);
        assert_eq!(
            got[2],
            ("SUPABASE_SERVICE_ROLE_".into(), Severity::Critical, 9)
        );
        let empty = names("vite.config.js", "export default { envPrefix: '' }\n");
        assert_eq!(empty, vec![("(all)".to_string(), Severity::High, 1)]);
        assert!(names("vite.config.js", "export default { envPrefix: 'VITE_' }\n").is_empty());
        assert!(names(
            "vite.config.js",
            "export default { envPrefix: ['VITE_', 'PUBLIC_'] }\n"
        )
        .is_empty());
    }

    #[test]
    fn webpack_plugins() {
        let src = "plugins: [\n  new webpack.DefinePlugin({\n    'process.env.NODE_ENV': JSON.stringify('production'),\n    'process.env.ANTHROPIC_API_KEY': JSON.stringify(process.env.ANTHROPIC_API_KEY),\n  }),\n  new webpack.EnvironmentPlugin(['NODE_ENV', 'DB_PASSWORD']),\n  new EnvironmentPlugin({ GROQ_API_KEY: '', DEBUG: false }),\n]\n";
        let got = names("webpack.config.js", src);
        assert_eq!(
            got,
            vec![
                ("ANTHROPIC_API_KEY".into(), Severity::Critical, 4),
                ("DB_PASSWORD".into(), Severity::High, 6),
                ("GROQ_API_KEY".into(), Severity::Critical, 7),
            ]
        );
    }

    #[test]
    fn nuxt_sveltekit_astro_expo() {
        let nuxt = "export default defineNuxtConfig({\n  runtimeConfig: {\n    openaiKey: process.env.OPENAI_API_KEY,\n    public: {\n      apiBase: '/api',\n      openaiApiKey: process.env.NUXT_OPENAI_API_KEY,\n    },\n  },\n})\n";
        assert_eq!(
            names("nuxt.config.ts", nuxt),
            vec![("NUXT_OPENAI_API_KEY".into(), Severity::Critical, 6)]
        );
        let svelte =
            "import { PUBLIC_SITE_URL, PUBLIC_OPENAI_API_KEY } from '$env/static/public';\n";
        assert_eq!(
            names("src/routes/+page.svelte", svelte),
            vec![("PUBLIC_OPENAI_API_KEY".into(), Severity::Critical, 1)]
        );
        let astro = "export default defineConfig({\n  env: { schema: {\n    API_URL: envField.string({ context: \"client\", access: \"public\" }),\n    OPENAI_API_KEY: envField.string({ context: \"client\", access: \"public\" }),\n    STRIPE_SECRET_KEY: envField.string({ context: \"server\", access: \"secret\" }),\n  } },\n});\n";
        assert_eq!(
            names("astro.config.mjs", astro),
            vec![("OPENAI_API_KEY".into(), Severity::Critical, 4)]
        );
        let expo = "const client = new OpenAI({ apiKey: process.env.EXPO_PUBLIC_OPENAI_API_KEY });\nconst url = process.env.EXPO_PUBLIC_API_URL;\nconst sb = process.env.EXPO_PUBLIC_SUPABASE_ANON_KEY;\n";
        assert_eq!(
            names("app/index.tsx", expo),
            vec![("EXPO_PUBLIC_OPENAI_API_KEY".into(), Severity::Critical, 1)]
        );
        let astro_read = "---\nconst key = import.meta.env.PUBLIC_ANTHROPIC_API_KEY;\n---\n";
        assert_eq!(names("src/pages/index.astro", astro_read).len(), 1);
    }
}
