//! File classes by path: env files, browser bundles, source maps, notebooks, CI config, docs,
//! tests, and hash lists (lockfiles, checksum files) where generic rules only produce noise.

use crate::model::finding::{Tag, DEPENDENCY_DIRS};

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '!']).next().unwrap_or(path)
}

/// `.env`, `.env.local`, `.env.production`, `prod.env` — but not `.env.example` and friends.
pub fn is_dotenv(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    let env_like = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    env_like && !is_env_template(&name)
}

/// `.env.example`, `.env.sample`, `.env.template`, `.env.dist` (and `example.env`-style names).
pub fn is_env_template(name: &str) -> bool {
    let name = file_name(name).to_ascii_lowercase();
    ["example", "sample", "template", "dist", "defaults"]
        .iter()
        .any(|t| {
            name.ends_with(&format!(".{t}"))
                || name.starts_with(&format!("{t}."))
                || name.contains(&format!(".{t}."))
        })
}

/// Files under a dependency directory (`node_modules/`, `vendor/`, ... see
/// [`DEPENDENCY_DIRS`]): third-party code a package manager installed, not the user's own.
pub fn is_dependency(path: &str) -> bool {
    let mut parts = path.split(['/', '!']);
    parts.next_back(); // the file name
    parts.any(|c| DEPENDENCY_DIRS.contains(&c))
}

/// Files that ship to browsers: build output and bundles. Dependency code is not: a package's
/// `node_modules/x/dist/` is what the package published, not what your site serves.
pub fn is_client_bundle(path: &str) -> bool {
    if is_dependency(path) {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    let in_build_dir = [
        "dist/",
        "build/",
        "out/",
        ".next/static/",
        "public/",
        "static/",
        ".output/public/",
        ".svelte-kit/output/client/",
    ]
    .iter()
    .any(|d| lower.starts_with(d) || lower.contains(&format!("/{d}")));
    let scripty = [".js", ".mjs", ".cjs", ".html", ".map"]
        .iter()
        .any(|e| name.ends_with(e));
    let bundle_name =
        name.ends_with(".min.js") || name.ends_with(".bundle.js") || is_content_hashed(name);
    (in_build_dir && scripty) || bundle_name
}

/// `main.3f2a9c1b.js`, `index-BfQ9x2aZ.js`: a content hash before the extension.
fn is_content_hashed(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".js")
        .or_else(|| name.strip_suffix(".mjs"))
    else {
        return false;
    };
    let hash = stem.rsplit(['.', '-']).next().unwrap_or("");
    hash.len() >= 8
        && hash.len() < stem.len()
        && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && hash.bytes().any(|b| b.is_ascii_digit())
}

pub fn is_source_map(path: &str) -> bool {
    file_name(path).to_ascii_lowercase().ends_with(".map")
}

pub fn is_notebook(path: &str) -> bool {
    file_name(path).to_ascii_lowercase().ends_with(".ipynb")
}

pub fn is_ci_config(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with(".github/workflows/")
        || lower.contains("/.github/workflows/")
        || [
            ".gitlab-ci.yml",
            ".travis.yml",
            "jenkinsfile",
            "azure-pipelines.yml",
            "bitbucket-pipelines.yml",
            ".drone.yml",
        ]
        .contains(&file_name(&lower))
        || lower.starts_with(".circleci/")
}

pub fn is_docs(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    [".md", ".rst", ".adoc", ".txt"]
        .iter()
        .any(|e| name.ends_with(e))
        || lower.starts_with("docs/")
        || lower.contains("/docs/")
}

pub fn is_test(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split(['/', '!']).any(|c| {
        matches!(
            c,
            "test" | "tests" | "__tests__" | "spec" | "fixtures" | "testdata"
        )
    }) || file_name(&lower).contains("_test.")
        || file_name(&lower).contains(".test.")
        || file_name(&lower).contains(".spec.")
}

/// Lockfiles and checksum lists: full of hashes that generic rules would take for secrets.
pub fn is_hash_list(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    [
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "cargo.lock",
        "go.sum",
        "poetry.lock",
        "pipfile.lock",
        "uv.lock",
        "composer.lock",
        "gemfile.lock",
        "flake.lock",
        "sha256sums",
        "sha512sums",
        "md5sums",
        "checksums.txt",
    ]
    .contains(&name.as_str())
        || [".sha256", ".sha512", ".sha1", ".md5", ".sum", ".lock"]
            .iter()
            .any(|e| name.ends_with(e))
}

/// Locale and translation files: their values are prose in many languages (`Zugriffstoken`,
/// `Administrator-Kontopasswort`) under keys that name secrets (`settings.apiToken`). The generic
/// rule skips them; rules for distinctive key formats still run.
pub fn is_translation(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    // gettext, XLIFF, Flutter ARB, Fluent, Qt, iOS/macOS strings, .NET resources.
    if matches!(
        ext,
        "po" | "pot"
            | "mo"
            | "xliff"
            | "xlf"
            | "arb"
            | "ftl"
            | "ts"
            | "strings"
            | "stringsdict"
            | "resx"
    ) && (ext != "ts" || lower.split('/').any(|c| c == "translations" || c == "i18n"))
    {
        return true;
    }
    let dirs: Vec<&str> = lower.split(['/', '!']).collect();
    let parent_dirs = &dirs[..dirs.len().saturating_sub(1)];
    let in_locale_dir = parent_dirs.iter().any(|c| {
        matches!(
            *c,
            "locales" | "locale" | "i18n" | "l10n" | "lang" | "langs" | "translations" | "_locales"
        )
    });
    // `messages/de.json`, `messages/en-US.json` (next-intl and friends).
    let messages_json = parent_dirs.last() == Some(&"messages") && ext == "json";
    // Android `res/values-de/strings.xml`, Java `messages_de.properties`.
    let android =
        parent_dirs.last().is_some_and(|d| d.starts_with("values-")) && name == "strings.xml";
    let java =
        ext == "properties" && (name.starts_with("messages_") || name.starts_with("messages."));
    in_locale_dir || messages_json || android || java
}

/// Every tag the path alone implies.
pub fn tags_for_path(path: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    type Check = fn(&str) -> bool;
    let checks: [(Check, Tag); 8] = [
        (is_dotenv, Tag::Dotenv),
        (is_client_bundle, Tag::ClientBundle),
        (is_source_map, Tag::SourceMap),
        (is_notebook, Tag::Notebook),
        (is_ci_config, Tag::CiConfig),
        (is_docs, Tag::Docs),
        (is_test, Tag::Test),
        (is_dependency, Tag::Dependency),
    ];
    for (check, tag) in checks {
        if check(path) {
            tags.push(tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files() {
        for p in [".env", ".env.local", "app/.env.production", "prod.env"] {
            assert!(is_dotenv(p), "{p}");
        }
        for p in [
            ".env.example",
            ".env.sample",
            "x/.env.template",
            ".env.dist",
            "environment.ts",
        ] {
            assert!(!is_dotenv(p), "{p}");
        }
    }

    #[test]
    fn bundles() {
        for p in [
            "dist/assets/index-BfQ9x2aZ.js",
            ".next/static/chunks/app.js",
            "web/build/main.js",
            "vendor.min.js",
            "main.3f2a9c1b.js",
        ] {
            assert!(is_client_bundle(p), "{p}");
        }
        for p in ["src/app.js", "src/main.rs", "dist/readme.txt"] {
            assert!(!is_client_bundle(p), "{p}");
        }
    }

    #[test]
    fn dependency_code_is_not_a_bundle() {
        for p in [
            "node_modules/openai/dist/index.js",
            "web/node_modules/@scope/pkg/build/server.js",
            "vendor/github.com/x/y/z.go",
            "app/bower_components/lib/dist/lib.min.js",
            "lib/python3.12/site-packages/pkg/mod.py",
        ] {
            assert!(is_dependency(p), "{p}");
            assert!(!is_client_bundle(p), "{p}");
            assert!(tags_for_path(p).contains(&Tag::Dependency), "{p}");
        }
        for p in [
            "src/vendor.js",
            "vendor.min.js",
            "my_node_modules/x.js",
            "node_modules",
        ] {
            assert!(!is_dependency(p), "{p}");
        }
    }

    #[test]
    fn translations() {
        for p in [
            "frontend/src/locales/de/common.js",
            "src/lib/i18n/locales/nl-NL/translation.json",
            "po/de.po",
            "messages/de.json",
            "app/src/main/res/values-da/strings.xml",
            "src/main/resources/messages_fr.properties",
            "config/locales/ja.yml",
            "resources/lang/en/passwords.php",
            "app/translations/app_de.ts",
            "ios/App/de.lproj/Localizable.strings",
        ] {
            assert!(is_translation(p), "{p}");
        }
        for p in [
            "src/locale.ts",
            "src/i18n.ts",
            "src/messages.json",
            "src/lib/messages/handler.ts",
            "app/src/main/res/values/config.xml",
            "src/main/resources/application.properties",
            "src/config.ts",
        ] {
            assert!(!is_translation(p), "{p}");
        }
    }

    #[test]
    fn hash_lists() {
        assert!(is_hash_list("web/package-lock.json"));
        assert!(is_hash_list("go.sum"));
        assert!(!is_hash_list("src/lock.rs"));
    }
}
