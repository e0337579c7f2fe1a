//! Deploy-time causes: where an old `OPENAI_API_KEY` can hide between the value you just fixed
//! and the one the deployed app loads. Each value the doctor can see is compared by
//! fingerprint (the first 12 hex digits of its SHA-256, never the key); for the places it cannot
//! read (a hosting platform's settings, CI secrets) it prints the command that shows the same
//! fingerprint there.

use super::report::Notes;
use super::{parse_env_file, VAR};
use crate::detect::{Engine, ScanHints};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The fingerprint of a key: the first 12 hex digits of its SHA-256. It identifies a key
/// without revealing it, and the same value comes out of [`FP_COMMAND`] anywhere a shell runs.
pub fn fingerprint(key: &str) -> String {
    let d = Sha256::digest(key.as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The shell command that prints [`fingerprint`] of the running environment's key.
pub const FP_COMMAND: &str = r#"printf %s "$OPENAI_API_KEY" | sha256sum | cut -c1-12"#;

/// Env files that frameworks load per mode (Next.js, Vite, Create React App, Nuxt, ...): a
/// production build reads these, not the `.env.local` a developer edits.
const MODE_FILES: &[&str] = &[
    ".env.production",
    ".env.production.local",
    ".env.development",
    ".env.development.local",
    ".env.staging",
];

/// Build outputs that keep a copy of what was inlined at build time.
const BUILD_DIRS: &[&str] = &[
    ".next",
    "dist",
    "build",
    "out",
    ".output",
    ".vercel/output",
    ".svelte-kit",
    ".nuxt",
];

/// Bounds on what the build-output search reads.
const MAX_FILES: usize = 20_000;
const MAX_FILE_BYTES: u64 = 8 << 20;
const MAX_TOTAL_BYTES: u64 = 128 << 20;

/// A hosting platform: the file that says the app is deployed there, the variable that is set
/// when code runs there, and how to see the deployed value's fingerprint.
struct Platform {
    name: &'static str,
    files: &'static [&'static str],
    runtime_var: &'static str,
    how: &'static str,
}

const PLATFORMS: &[Platform] = &[
    Platform {
        name: "Vercel",
        files: &["vercel.json", ".vercel/project.json"],
        runtime_var: "VERCEL",
        how: "the value is in Project → Settings → Environment Variables, per environment (Production, Preview, Development), and a change reaches only new deployments: redeploy. Compare: `vercel env pull .env.vercel --environment=production && keyhound doctor --offline --env-file .env.vercel`",
    },
    Platform {
        name: "Netlify",
        files: &["netlify.toml"],
        runtime_var: "NETLIFY",
        how: "the value is in Site configuration → Environment variables (per deploy context), and a change needs a new deploy. Compare: `netlify env:get OPENAI_API_KEY --context production | tr -d '\\n' | sha256sum | cut -c1-12`",
    },
    Platform {
        name: "Fly.io",
        files: &["fly.toml"],
        runtime_var: "FLY_APP_NAME",
        how: "the value is an app secret (`fly secrets list` shows its digest and when it changed); machines pick up a new value when they restart. Compare: `fly ssh console -C 'sh -c \"printf %s \\\"$OPENAI_API_KEY\\\" | sha256sum\"'`",
    },
    Platform {
        name: "Render",
        files: &["render.yaml"],
        runtime_var: "RENDER",
        how: "the value is in the service's Environment tab or an environment group (a group value can override it); saving redeploys",
    },
    Platform {
        name: "Railway",
        files: &["railway.json", "railway.toml"],
        runtime_var: "RAILWAY_ENVIRONMENT",
        how: "the value is in the service's Variables (shared variables can be referenced); a change is staged until you deploy it",
    },
    Platform {
        name: "Heroku",
        files: &["Procfile", "app.json"],
        runtime_var: "DYNO",
        how: "the value is a config var; setting it restarts the dynos. Compare: `heroku run 'printf %s \"$OPENAI_API_KEY\" | sha256sum | cut -c1-12'`",
    },
    Platform {
        name: "Google Cloud Run / App Engine",
        files: &["app.yaml", "service.yaml"],
        runtime_var: "K_SERVICE",
        how: "the value is in the service's variables or a Secret Manager version pinned by the revision: a new secret version needs a new revision (or `:latest`)",
    },
    Platform {
        name: "AWS Lambda",
        files: &["serverless.yml", "template.yaml", "samconfig.toml"],
        runtime_var: "AWS_LAMBDA_FUNCTION_NAME",
        how: "the value is in the function's environment variables or an SSM/Secrets Manager value read at cold start: warm instances keep the old one until they are recycled",
    },
];

/// Runs the deploy-time checks. `current` is the cleaned key the doctor found first (the one a
/// local program would use), if any.
pub fn check(
    dir: &Path,
    env: &[(String, String)],
    current: Option<&str>,
    engine: &Engine,
    r: &mut Notes,
) {
    let cur_fp = current.map(fingerprint);
    let cur = cur_fp.as_deref().unwrap_or("none");
    r.info(format!(
        "deploy: the key here has fingerprint {cur}; on any machine, `{FP_COMMAND}` prints the fingerprint of the key that process sees: if the deployed app's differs, it runs with another key"
    ));

    // Where this process runs.
    for p in PLATFORMS {
        if env.iter().any(|(k, v)| k == p.runtime_var && !v.is_empty()) {
            r.info(format!(
                "deploy: keyhound runs on {}: the environment value comes from its settings; {}",
                p.name, p.how
            ));
        }
    }
    if env
        .iter()
        .any(|(k, v)| k == "GITHUB_ACTIONS" && v == "true")
    {
        r.info("deploy: keyhound runs in GitHub Actions: the value comes from a repository, environment or organization secret (an environment secret wins over a repository secret of the same name)");
    }

    // Platforms the project is configured for.
    for p in PLATFORMS {
        if let Some(f) = p.files.iter().find(|f| dir.join(f).is_file()) {
            r.info(format!("deploy: {f}: deployed on {}: {}", p.name, p.how));
        }
    }
    ci_secrets(dir, r);

    // Env files for other modes: a production build loads these.
    for f in MODE_FILES {
        let Ok(bytes) = read_bounded(&dir.join(f), 1 << 20) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for s in parse_env_file(&text, f) {
            if s.name != VAR || s.value.trim().is_empty() {
                continue;
            }
            let fp = fingerprint(&super::clean(&s.value));
            if cur_fp.as_deref() == Some(fp.as_str()) {
                r.ok(format!(
                    "deploy: {} holds the same key (fingerprint {fp})",
                    s.place.label()
                ));
            } else {
                r.warn(
                    format!("deploy: {} holds a different key (fingerprint {fp}, here {cur}): a build for that mode loads it, and a variable set on the platform does not replace it in frameworks that inline env at build time", s.place.label()),
                    format!("update or remove {VAR} in {f}, then rebuild"),
                );
            }
        }
    }

    docker(dir, r);
    overrides(dir, r);
    build_outputs(dir, cur_fp.as_deref(), engine, r);
}

/// Reads at most `max` bytes of a regular file (not a FIFO or device behind a symlink).
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut buf = Vec::new();
    std::fs::File::open(path)?.take(max).read_to_end(&mut buf)?;
    Ok(buf)
}

/// CI workflows that pass the key from a secret.
fn ci_secrets(dir: &Path, r: &mut Notes) {
    let wf = dir.join(".github/workflows");
    let mut files: Vec<_> = std::fs::read_dir(&wf)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.push(dir.join(".gitlab-ci.yml"));
    files.sort();
    for f in files {
        let Ok(bytes) = read_bounded(&f, 1 << 20) else {
            continue;
        };
        if !String::from_utf8_lossy(&bytes).contains(VAR) {
            continue;
        }
        let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
        let how = if rel.starts_with(".gitlab") {
            "GitLab: Settings → CI/CD → Variables (a protected variable is only given to protected branches)"
        } else {
            "GitHub: Settings → Secrets and variables → Actions; `gh secret list` shows when each secret last changed, and an environment secret of the same name wins"
        };
        r.info(format!(
            "deploy: {rel} passes {VAR} from a CI secret, which keyhound cannot read: {how}. A secret cannot be shown, but a step running `{FP_COMMAND}` prints its fingerprint"
        ));
    }
}

/// A Dockerfile that bakes the key (or a `.env`) into the image.
fn docker(dir: &Path, r: &mut Notes) {
    let Ok(bytes) = read_bounded(&dir.join("Dockerfile"), 1 << 20) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let upper = t.to_ascii_uppercase();
        if (upper.starts_with("ENV ") || upper.starts_with("ARG ")) && t.contains(VAR) {
            r.problem(
                format!("deploy: Dockerfile line {} sets {VAR} at build time: the key is baked into the image, so a cached image or layer keeps the old key after you change it (and anyone with the image can read it)", i + 1),
                "pass the key at run time (`docker run -e OPENAI_API_KEY`, compose `environment:`, your platform's secrets) and rebuild with `docker build --no-cache`",
            );
        }
    }
    let copies_all = text.lines().any(|l| {
        let u = l.trim_start().to_ascii_uppercase();
        (u.starts_with("COPY ") || u.starts_with("ADD ")) && {
            let parts: Vec<&str> = l.split_whitespace().collect();
            parts.len() >= 3 && parts[1..parts.len() - 1].contains(&".")
        }
    });
    let ignored = std::fs::read_to_string(dir.join(".dockerignore")).is_ok_and(|d| {
        d.lines()
            .any(|l| matches!(l.trim(), ".env" | ".env*" | "*.env" | ".env.*" | "**/.env"))
    });
    if copies_all && dir.join(".env").is_file() && !ignored {
        r.warn(
            "deploy: the Dockerfile copies the whole directory and .dockerignore does not exclude .env: the image carries this .env, and an app that loads it with override replaces the runtime variable with it",
            "add .env (and .env.*) to .dockerignore and rebuild",
        );
    }
}

/// Code that loads `.env` over the real environment.
fn overrides(dir: &Path, r: &mut Notes) {
    let walker = ignore::WalkBuilder::new(dir).max_depth(Some(3)).build();
    let mut seen = 0;
    for e in walker.flatten() {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        if !matches!(ext, "py" | "js" | "mjs" | "cjs" | "ts") {
            continue;
        }
        seen += 1;
        if seen > 2_000 {
            break;
        }
        let Ok(bytes) = read_bounded(p, 256 << 10) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Some(line) = text.lines().position(|l| {
            (l.contains("load_dotenv") && l.contains("override=True"))
                || (l.contains("dotenv") && l.contains("override: true"))
        }) else {
            continue;
        };
        let rel = p.strip_prefix(dir).unwrap_or(p).display();
        r.warn(
            format!("deploy: {rel} line {} loads .env with override: a .env deployed with the app shadows the platform's {VAR}", line + 1),
            "drop the override (the real environment should win), or keep .env out of the deployment",
        );
    }
}

/// OpenAI keys in build outputs: a cached build that still holds an old key.
fn build_outputs(dir: &Path, current: Option<&str>, engine: &Engine, r: &mut Notes) {
    let rules = engine.rules();
    let (mut files, mut total) = (0usize, 0u64);
    let mut reported: Vec<String> = Vec::new();
    for b in BUILD_DIRS {
        let root = dir.join(b);
        if !root.is_dir() {
            continue;
        }
        let walker = ignore::WalkBuilder::new(&root)
            .standard_filters(false)
            .build();
        for e in walker.flatten() {
            if files >= MAX_FILES || total >= MAX_TOTAL_BYTES {
                break;
            }
            let p = e.path();
            let Ok(meta) = e.metadata() else { continue };
            if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
                continue;
            }
            files += 1;
            total += meta.len();
            let Ok(bytes) = read_bounded(p, MAX_FILE_BYTES) else {
                continue;
            };
            for m in engine.scan(
                &bytes,
                ScanHints {
                    generic: false,
                    decode_base64: false,
                },
            ) {
                if rules[m.rule].provider != "openai" {
                    continue;
                }
                let fp = fingerprint(&m.secret);
                if reported.contains(&fp) {
                    continue;
                }
                reported.push(fp.clone());
                let rel = p.strip_prefix(dir).unwrap_or(p).display();
                if current == Some(fp.as_str()) {
                    r.warn(
                        format!("deploy: the build output {rel} holds this key (fingerprint {fp}): if those files are served to browsers, the key is public"),
                        "keep the key on the server (no NEXT_PUBLIC_/VITE_ prefix, no `env:`/`define` inlining) and call OpenAI from a server route",
                    );
                } else {
                    r.problem(
                        format!("deploy: the build output {rel} holds another OpenAI key (fingerprint {fp}, here {}): a cached build still uses the old key", current.unwrap_or("none")),
                        format!("rebuild without the cache (delete {b}/; on Vercel: Redeploy without \"Use existing Build Cache\"), and revoke the old key if the build was ever public"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_matches_the_shell_command() {
        // printf %s abc | sha256sum | cut -c1-12
        assert_eq!(fingerprint("abc"), "ba7816bf8f01");
        assert_eq!(fingerprint("abc").len(), 12);
    }
}
