//! The generic rule on real-looking code: decoys (identifiers, code, values equal to their
//! names, prose in many languages, locale files, other scanners' published negative examples)
//! give no finding; every assignment syntax it supports finds a key generated at test time.

use crate::common;
use common::*;

/// Scans a tree of `(path, text)` files (no history); returns the findings.
fn scan_files(files: &[(&str, String)]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    let (code, report, stderr) = scan_json(dir.path(), &["."]);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    findings(&report)
}

/// Asserts that none of `lines`, each written as its own file of kind `ext`, gives a finding.
fn assert_no_findings(what: &str, ext: &str, lines: &[&str]) {
    let files: Vec<(String, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("src/decoy{i}.{ext}"), format!("{l}\n")))
        .collect();
    let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let found = scan_files(&refs);
    let described: Vec<String> = found
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap_or("");
            let i: usize = path
                .trim_start_matches("src/decoy")
                .split('.')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            format!("{} on {:?}", f["rule_id"], lines.get(i))
        })
        .collect();
    assert!(described.is_empty(), "{what}: {described:#?}");
}

#[test]
fn identifiers_and_code_expressions_are_not_secrets() {
    assert_no_findings(
        "identifiers",
        "js",
        &[
            "this.#maxTokens = options.maxTokens;",
            "const maxTokens = this.#maxTokens;",
            "const token = runPromptTokenCalculation(messages);",
            "const tokens = { input: _proxyUsage.inputTokens };",
            "usage.token = _proxyUsage.inputTokens;",
            "const authToken = localAuthToken;",
            "const token = normalizeTokenExpiry(expiry);",
            "export const AUTH_TOKEN = \"anythingllm_authToken\";",
            "tokenClassifier: __webpack_exports__.BertForTokenClassification,",
            "const secret = process.env.SESSION_SECRET || crypto.randomUUID();",
            "apiKey: this.config.apiKey,",
            "password: req.body.confirmPassword,",
            "const apiKey = getApiKeyFromHeader(req);",
            "token = self._refresh_token_if_expired()",
            "secretKey: SecretKeySpec.getInstance(ALGORITHM),",
            "let access_token = oauth_client::exchange_code(code);",
            "$this->apiToken = $container->getParameter('api_token');",
            "List<SecretKey> secretKeys = keyStore.loadSecretKeys();",
            "credentials: 'same-origin',",
            "credentials: \"include\",",
            "author: \"GitHubActionsBot2024\",",
            "authority: \"login.microsoftonline.com\",",
            "private_key_path = \"~/.ssh/id_ed25519\"",
            "tokenizer_name = \"bert-base-uncased\"",
            "const SECRET_MANAGER_CLIENT = new SecretManagerServiceClient();",
            "token: ${{ secrets.GITHUB_TOKEN }}",
            "API_TOKEN := $(shell cat token.txt)",
        ],
    );
}

#[test]
fn values_equal_to_their_names_are_not_secrets() {
    assert_no_findings(
        "own name",
        "ts",
        &[
            "accessTokenExpiresAt: 'accessTokenExpiresAt',",
            "anthropic_api_key: anthropicAPIKey,",
            "REFRESH_TOKEN_COOKIE = 'refresh_token_cookie'",
            "const STORAGE_KEYS = { apiKeyStorage: 'API_KEY_STORAGE' };",
            "clientSecretParam = \"CLIENT-SECRET-PARAM\"",
        ],
    );
}

/// Translation strings as they appear in code and config outside locale files, in several
/// languages: prose, not keys.
#[test]
fn prose_in_many_languages_is_not_a_secret() {
    assert_no_findings(
        "prose",
        "json",
        &[
            "{\"apiTokenLabel\": \"Zugriffstoken\"}",
            "{\"tokenLabel\": \"GitHub-adgangstoken\"}",
            "{\"adminPassword\": \"Administrator-Kontopasswort\"}",
            "{\"instancePassword\": \"Instancewachtwoord\"}",
            "{\"password\": \"Adgangskode\"}",
            "{\"apiKey\": \"Tilgangsnokkel\"}",
            "{\"password\": \"Senha-do-administrador\"}",
            "{\"secret\": \"Segreto-condiviso\"}",
            "{\"token\": \"Jeton-d-acces-personnel\"}",
            "{\"password\": \"Kata-sandi-admin\"}",
            "{\"password\": \"Wachtwoordherstel\"}",
            "{\"apiKey\": \"Klucz-dostepu-API\"}",
            "{\"secret\": \"Salasanan-vahvistus\"}",
            "{\"token\": \"Toegangstoken\"}",
            "{\"passwordHint\": \"Passwortwiederholung\"}",
            "{\"token\": \"Personal-access-token\"}",
        ],
    );
}

/// A locale or translation file holds prose under secret-sounding keys: the generic rule skips
/// it, while rules for distinctive formats still run there.
#[test]
fn locale_files_are_skipped_by_the_generic_rule_only() {
    let generic_looking = fake("{alnum:12}{digits:4}{alnum:8}", "locale-generic");
    let openai = openai_key("locale-openai");
    let files = vec![
        (
            "frontend/src/locales/de/common.json",
            format!("{{\"apiToken\": \"{generic_looking}\", \"adminPassword\": \"Administrator-Kontopasswort\"}}\n"),
        ),
        (
            "src/i18n/nl.ts",
            format!("export default {{ instancePassword: \"{generic_looking}\" }};\n"),
        ),
        ("po/da.po", format!("msgid \"token\"\nmsgstr \"token={generic_looking}\"\n")),
        ("messages/fr.json", format!("{{\"secret\": \"{generic_looking}\"}}\n")),
        (
            "app/src/main/res/values-de/strings.xml",
            format!("<string name=\"api_token\">{generic_looking}</string>\n"),
        ),
        ("locales/en.yml", format!("openai_note: {openai}\n")),
    ];
    let found = scan_files(&files);
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0].1, "locales/en.yml", "{rules:?}");
    assert_ne!(rules[0].0, "generic-secret", "{rules:?}");

    // The same generic-looking assignment outside a locale file is found.
    let found = scan_files(&[(
        "src/config.ts",
        format!("export const apiToken = \"{generic_looking}\";\n"),
    )]);
    assert_eq!(rule_ids_of(&found), ["generic-secret"]);
}

fn rule_ids_of(found: &[serde_json::Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Kinds of values that other scanners publish as negative examples of their generic rules: a
/// key-vault name, a public key (.NET's `PublicKeyToken`, an SSH public key), Maven
/// coordinates, a CSRF token, a Slack-looking fragment.
#[test]
fn published_negative_examples_are_not_secrets() {
    let csrf = fake("{alnum:40}", "csrf");
    let hex16 = fake("{hex:16}", "public-key-token");
    let ssh_pub = fake("AAAAC3NzaC1lZDI1NTE5AAAAI{base64:43}", "ssh-pub");
    let lines = [
        "keyVaultSecretsName: \"kv-myapp-secrets-westeurope\"".to_string(),
        "SECRETS_VAULT = \"corp-secrets-vault-prod\"".to_string(),
        format!("<add assembly=\"System.Web, Version=4.0.0.0, Culture=neutral, PublicKeyToken={hex16}\" />"),
        format!("public_key_token: {hex16}"),
        format!("publicKey: \"ssh-ed25519 {ssh_pub} deploy@ci\""),
        "implementation \"com.azure:azure-security-keyvault-secrets:4.7.3-beta.1\"".to_string(),
        "<artifactId>spring-security-oauth2-authorization-server</artifactId>".to_string(),
        "compile 'io.jsonwebtoken:jjwt-api:0.11.5'".to_string(),
        format!("<input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">"),
        format!("csrfToken: \"{csrf}\","),
        format!("<meta name=\"csrf-token\" content=\"{csrf}\">"),
        "token: xoxa-08532509747".to_string(),
        "SLACK_TOKEN=xoxa-08532509747".to_string(),
    ];
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_no_findings("published negatives", "txt", &refs);
}

/// One positive example per assignment syntax: `(file, text with @K@ for the key, key)`. Keys are generated
/// at test time.
fn syntaxes() -> Vec<(&'static str, String, String)> {
    let k = |seed: &str| fake("{alnum:20}{digits:2}{alnum:10}", seed);
    let mut out = Vec::new();
    let mut add = |file: &'static str, text: &str, key: String| {
        out.push((file, text.replace("@K@", &key), key));
    };
    add("main.go", "var apiToken string = \"@K@\"\n", k("go-var"));
    add(
        "main2.go",
        "func f() {\n\tapiSecret := \"@K@\"\n}\n",
        k("go-short"),
    );
    add(
        "cfg.ts",
        "const stripeSecret: string = \"@K@\";\n",
        k("ts-annot"),
    );
    add("cfg.py", "api_key: str = '@K@'\n", k("py-annot"));
    add(
        "cfg.rs",
        "const SERVICE_TOKEN: &str = \"@K@\";\n",
        k("rs-annot"),
    );
    add(
        "config.xml",
        "<config>\n  <apiKey>\n    @K@\n  </apiKey>\n</config>\n",
        k("xml-next-line"),
    );
    add("app.xml", "<password>@K@</password>\n", k("xml-inline"));
    add(
        "db.php",
        "<?php\n$db_password .= \"@K@\";\n",
        k("php-append"),
    );
    add(
        "Main.java",
        "System.setProperty(\"PAYMENTS_TOKEN\", \"@K@\");\n",
        k("set-property"),
    );
    add("Makefile", "API_TOKEN ?= @K@\n", k("make-cond"));
    add("GNUmakefile", "API_TOKEN ::= @K@\n", k("make-simple"));
    add("rules.mk", "API_TOKEN :::= @K@\n", k("make-posix"));
    add(
        "app/build.gradle",
        "buildConfigField \"String\", \"MAPS_API_KEY\", \"\\\"@K@\\\"\"\n",
        k("gradle"),
    );
    add(
        "config/mail.php",
        "'key' => env('MAILER_API_KEY', '@K@'),\n",
        k("laravel-env"),
    );
    add(
        "settings.py",
        "token = os.getenv(\"SERVICE_TOKEN\", \"@K@\")\n",
        k("getenv-default"),
    );
    add("app.ini", "db_password          = @K@\n", k("spaces"));
    add("creds.yaml", "credentials: @K@\n", k("credentials"));
    add("creds2.yaml", "creds: @K@\n", k("creds"));
    add("auth.toml", "auth = \"@K@\"\n", k("auth"));
    add("pk.yaml", "private-key: @K@\n", k("private-key"));
    add(
        "client.json",
        "{\"client_secret\": \"@K@\"}\n",
        k("client-secret"),
    );
    add(
        "todo.py",
        "todo_secret_do_not_commit = \"@K@\"\n",
        k("do-not-commit"),
    );
    // A hex value is the secret itself for these names, not a hash.
    add(
        "hex1.cfg",
        "CREDENTIALS=@K@\n",
        fake("{hex:40}", "hex-credentials"),
    );
    add("hex2.cfg", "AUTH=@K@\n", fake("{hex:32}", "hex-auth"));
    add(
        "hex3.cfg",
        "CLIENT_SECRET=@K@\n",
        fake("{hex:64}", "hex-client-secret"),
    );
    add(
        "hex4.cfg",
        "PRIVATE_KEY=@K@\n",
        fake("{hex:64}", "hex-private-key"),
    );
    // Real passwords: a word with random pieces, a short random one.
    add(
        "pw1.cfg",
        "DB_PASSWORD=@K@\n",
        fake("{upper:1}{lower:1}{digits:1}-summer-{digits:4}", "pw-words"),
    );
    add(
        "pw2.cfg",
        "ADMIN_PASSWORD=@K@\n",
        fake("{alnum:16}", "pw-random16"),
    );
    add(
        "pw3.yml",
        "password: \"@K@\"\n",
        fake("{alnum:10}", "pw-random10"),
    );
    out
}

#[test]
fn every_supported_assignment_syntax_finds_the_key() {
    for (file, text, key) in syntaxes() {
        let found = scan_files(&[(file, text.clone())]);
        assert_eq!(
            rule_ids_of(&found),
            ["generic-secret"],
            "{file}: {text:?} -> {found:#?}"
        );
        let f = &found[0];
        let line = text
            .lines()
            .position(|l| l.contains(&key))
            .map(|i| i + 1)
            .unwrap();
        assert_eq!(f["line"].as_u64(), Some(line as u64), "{file}: {f:#?}");
    }
}

#[test]
fn hex_values_of_other_names_are_hashes() {
    let sha1 = fake("{hex:40}", "hash-sha1");
    let sha256 = fake("{hex:64}", "hash-sha256");
    assert_no_findings(
        "hashes",
        "yaml",
        &[
            &format!("token: {sha1}"),
            &format!("last_token_commit: {sha1}"),
            &format!("secret_digest: {sha256}"),
        ],
    );
}
