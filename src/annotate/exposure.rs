//! Keys exposed to browsers: secrets in build output and source maps (the key's own rule, tagged
//! `client-bundle` and raised to critical), secrets assigned to a framework's public env
//! variable (re-labelled `client-exposed-env`: one finding per key, not two), and AI SDK
//! clients created in the browser (`browser-sdk-client`, even without a literal key).

use super::PathClass;
use crate::model::check::{self as checks, CheckId};
use crate::model::finding::{locate, Annotation, Finding, Origin, Tag, EXPOSED};
use crate::model::rule::Severity;

/// Public-variable prefixes and the framework that inlines them into the browser bundle.
/// Longer prefixes first: `NEXT_PUBLIC_` must win over `PUBLIC_`.
pub const PUBLIC_PREFIXES: &[(&str, &str)] = &[
    ("NEXT_PUBLIC_", "Next.js"),
    ("NUXT_PUBLIC_", "Nuxt"),
    ("EXPO_PUBLIC_", "Expo"),
    ("REACT_APP_", "Create React App"),
    ("VUE_APP_", "Vue CLI"),
    ("GATSBY_", "Gatsby"),
    ("VITE_", "Vite"),
    ("PUBLIC_", "SvelteKit/Astro"),
];

/// Only keys at least this severe are re-labelled or raised to critical: lower-severity rules
/// (generic matches, publishable-by-design keys) keep their severity and only get the tag.
const ESCALATE_FROM: Severity = Severity::High;

/// The public variable (name, framework) the secret starting at `offset` is assigned to, when
/// the text before it on its line is `NAME=`, `NAME: `, `"NAME": "`, `process.env.NAME ?? "`, ...
pub fn public_var(data: &[u8], offset: usize) -> Option<(String, &'static str)> {
    let offset = offset.min(data.len());
    // Only the 256 bytes before the secret matter: searched for the line start there, not
    // back to the start of a multi-megabyte line for every finding.
    let lo = offset.saturating_sub(256);
    let line_start = memchr::memrchr(b'\n', &data[lo..offset]).map_or(lo, |i| lo + i + 1);
    let mut s = &data[line_start..offset];
    let trim_quotes = |s: &mut &[u8]| {
        while let Some((&b, rest)) = s.split_last() {
            if matches!(b, b' ' | b'\t' | b'"' | b'\'' | b'`' | b'(' | b'{') {
                *s = rest;
            } else {
                break;
            }
        }
    };
    trim_quotes(&mut s);
    // The assignment operator.
    if s.ends_with(b"??") || s.ends_with(b"||") {
        s = &s[..s.len() - 2];
    } else if let Some(rest) = s.strip_suffix(b"=").or_else(|| s.strip_suffix(b":")) {
        if rest.ends_with(b"=")
            || rest.ends_with(b"!")
            || rest.ends_with(b"<")
            || rest.ends_with(b">")
        {
            return None; // a comparison, not an assignment
        }
        s = rest;
    } else {
        return None;
    }
    trim_quotes(&mut s);
    let start = s
        .iter()
        .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .map_or(0, |i| i + 1);
    let name = std::str::from_utf8(&s[start..]).ok()?;
    PUBLIC_PREFIXES
        .iter()
        .find(|(p, _)| name.len() > p.len() && name.starts_with(p))
        .map(|(_, fw)| (name.to_string(), *fw))
}

/// Reports a key finding as `client-exposed-env`: same key, rule, provider and location, the
/// check's remediation, critical. The annotation says so; the key keeps its own rule.
pub fn relabel_public(f: &mut Finding, var: &str, framework: &'static str) {
    f.severity = CheckId::ClientExposedEnv.check().severity;
    let prefix = PUBLIC_PREFIXES
        .iter()
        .find(|(p, _)| var.starts_with(p))
        .map_or("", |(p, _)| p);
    f.annotate(Annotation::PublicVariable {
        var: var.to_string(),
        framework,
        prefix,
    });
    f.remediation = format!(
        "Rotate this key, rename {var} without the {prefix} prefix so it stays on the server, and call the API from a server route that reads it."
    );
}

/// Per finding: re-labels keys assigned to public variables. Base64-decoded matches are not
/// assignments and are left alone.
pub fn classify(f: &mut Finding, data: &[u8], offset: usize) {
    if !f.is_key() || f.has_tag(Tag::Base64) || f.severity < ESCALATE_FROM {
        return;
    }
    if let Some((var, framework)) = public_var(data, offset) {
        relabel_public(f, &var, framework);
    }
}

/// Marks a key as shipped to browsers: tag, critical, and the exposure in its message.
fn mark_client_bundle(f: &mut Finding, where_: &str) {
    f.add_tag(Tag::ClientBundle);
    if f.check_id() == Some(CheckId::ClientExposedEnv) {
        return;
    }
    f.annotate(Annotation::ShippedToBrowsers(where_.to_string()));
    if f.severity >= ESCALATE_FROM {
        f.severity = Severity::Critical;
        f.remediation = format!(
            "Rotate this key now: it shipped to every visitor. Remove it from the frontend code, call the API from your server (a backend route that holds the key), then rebuild and redeploy. {}",
            f.remediation
        );
    }
}

#[derive(serde::Deserialize)]
struct MapSources {
    #[serde(default)]
    sources: Vec<Option<String>>,
}

/// Per blob, after every finding of the blob is built (`offsets[k]` is where `findings[k]`
/// starts): source maps' `sourcesContent`, build output escalation.
pub fn annotate(class: &PathClass, data: &[u8], findings: &mut [Finding], offsets: &[usize]) {
    use super::json_path::Seg;
    let mut marked = vec![false; findings.len()];
    if class.source_map && !findings.is_empty() {
        if let Ok(paths) = super::json_path::paths_at(data, offsets) {
            let mut sources: Option<Vec<Option<String>>> = None;
            for (k, (f, p)) in findings.iter_mut().zip(&paths).enumerate() {
                let [Seg::Key(key), Seg::Index(i), ..] = p.as_slice() else {
                    continue;
                };
                if f.public.is_some() {
                    continue;
                }
                if key != "sourcesContent" {
                    continue;
                }
                let srcs = sources.get_or_insert_with(|| {
                    serde_json::from_slice::<MapSources>(data)
                        .map(|m| m.sources)
                        .unwrap_or_default()
                });
                let where_ = match srcs.get(*i).cloned().flatten() {
                    Some(name) => format!("in the source map's sourcesContent (original source {name}), which ships to browsers"),
                    None => "in the source map's sourcesContent, which ships to browsers".to_string(),
                };
                mark_client_bundle(f, &where_);
                marked[k] = true;
            }
        }
    }
    for (f, done) in findings.iter_mut().zip(marked) {
        if !done && f.is_key() && f.public.is_none() && class.client_bundle {
            mark_client_bundle(f, "in a file that ships to browsers (build output)");
        }
    }
}

/// File types where an SDK client can be constructed.
pub fn is_script(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte", ".astro",
        ".html", ".htm",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

const SDK_FLAG: &[u8] = b"dangerouslyAllowBrowser";

/// Byte offsets of `dangerouslyAllowBrowser: true` (and `:!0`, `= true`, `{true}`).
pub fn browser_flags(data: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(data, SDK_FLAG) {
        let mut i = at + SDK_FLAG.len();
        let skip_ws = |i: &mut usize| {
            while *i < data.len() && matches!(data[*i], b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'')
            {
                *i += 1;
            }
        };
        skip_ws(&mut i);
        if i >= data.len() || !matches!(data[i], b':' | b'=') {
            continue;
        }
        i += 1;
        skip_ws(&mut i);
        if data.get(i) == Some(&b'{') {
            i += 1;
            skip_ws(&mut i);
        }
        let rest = &data[i..];
        let truthy = rest.starts_with(b"!0")
            || (rest.starts_with(b"true")
                && !rest
                    .get(4)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_'));
        if truthy {
            out.push(at);
        }
    }
    out
}

/// `browser-sdk-client` findings of one blob. Critical in build output, or when a key was found
/// in the same file, or a public env variable is read within a few lines; high otherwise
/// (a bring-your-own-key app passes the user's own key).
pub fn browser_sdk_clients(
    class: &PathClass,
    path: &str,
    data: &[u8],
    origin: &Origin,
    key_in_file: bool,
) -> Vec<Finding> {
    if !class.script
        || class.docs
        || class.dependency
        || memchr::memmem::find(data, SDK_FLAG).is_none()
    {
        return Vec::new();
    }
    let flags = browser_flags(data);
    let positions = locate(data, &flags);
    let bundle = class.client_bundle;
    flags
        .iter()
        .zip(positions)
        .map(|(&at, (line, column))| {
            let mut f = checks::finding(CheckId::BrowserSdkClient, path, line, column, origin.clone());
            let window = &data[at.saturating_sub(2048)..(at + 2048).min(data.len())];
            let public_env = PUBLIC_PREFIXES.iter().any(|(p, _)| memchr::memmem::find(window, p.as_bytes()).is_some());
            f.summary = "AI SDK client created in the browser (dangerouslyAllowBrowser): whatever API key it is given ships to every visitor".to_string();
            if bundle {
                f.add_tag(Tag::ClientBundle);
            }
            if bundle || key_in_file || public_env {
                f.severity = Severity::Critical;
                let why = if key_in_file {
                    "a key is in this file"
                } else if public_env {
                    "its key comes from a public env variable"
                } else {
                    "this is build output"
                };
                f.summary.push_str(&format!(" ({why}): {EXPOSED}"));
            }
            for &t in &class.tags {
                f.add_tag(t);
            }
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var_of(line: &str) -> Option<String> {
        let off = line.find("sk-").unwrap();
        public_var(line.as_bytes(), off).map(|(v, _)| v)
    }

    #[test]
    fn public_variables() {
        assert_eq!(
            var_of("NEXT_PUBLIC_OPENAI_KEY=sk-x").as_deref(),
            Some("NEXT_PUBLIC_OPENAI_KEY")
        );
        assert_eq!(
            var_of("export VITE_OPENAI_KEY=\"sk-x\"").as_deref(),
            Some("VITE_OPENAI_KEY")
        );
        assert_eq!(
            var_of("  \"REACT_APP_KEY\": \"sk-x\"").as_deref(),
            Some("REACT_APP_KEY")
        );
        assert_eq!(
            var_of("const k = process.env.NEXT_PUBLIC_KEY ?? 'sk-x'").as_deref(),
            Some("NEXT_PUBLIC_KEY")
        );
        assert_eq!(
            var_of("PUBLIC_OPENAI_KEY: sk-x").as_deref(),
            Some("PUBLIC_OPENAI_KEY")
        );
        assert_eq!(var_of("OPENAI_API_KEY=sk-x"), None);
        assert_eq!(var_of("MY_PUBLIC_KEY=sk-x"), None);
        assert_eq!(var_of("if (VITE_KEY == 'sk-x')"), None);
        assert_eq!(var_of("NEXT_PUBLIC_=sk-x"), None);
    }

    #[test]
    fn browser_flag_forms() {
        let src = b"new OpenAI({apiKey:k,dangerouslyAllowBrowser:!0}); x = {dangerouslyAllowBrowser: true}; y = {dangerouslyAllowBrowser: false}; z = {\"dangerouslyAllowBrowser\": true}";
        assert_eq!(browser_flags(src).len(), 3);
        assert!(browser_flags(b"// set dangerouslyAllowBrowser to opt in").is_empty());
        assert!(browser_flags(b"dangerouslyAllowBrowser: trueish").is_empty());
    }
}
