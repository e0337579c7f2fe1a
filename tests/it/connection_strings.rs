//! Database connection strings end to end: passwords in `postgres://`, `mysql://`,
//! `mongodb+srv://`, `redis://`, `amqp://`, `sqlserver://`, JDBC and ADO.NET strings, planted in
//! `.env`, YAML, JSON and source files and scanned by the real binary. Real passwords on remote
//! hosts are `critical`, on local hosts `low`; placeholders, references and stock defaults are
//! never reported. Also: published emulator keys are never findings, and no example of the
//! database and platform rules is reported as another provider's key.

use crate::common;

use keyhound::engine::{Engine, ScanHints};
use keyhound::rules::builtin_rules;
use keyhound::testkeys::{expand, seed_for};
use serde_json::Value;

/// A password that looks like a real one (no placeholder word, no run).
fn password(seed: &str) -> String {
    expand("{alnum:20}", seed_for(seed))
}

/// (path, rule id, line, severity) of every rule finding in a JSON report.
fn found(report: &Value) -> Vec<(String, String, u64, String)> {
    let rules = builtin_rules();
    let mut v: Vec<_> = common::findings(report)
        .iter()
        // Repository-hygiene findings (`.env` not ignored, ...) are not rule matches.
        .filter(|f| rules.iter().any(|r| f["rule_id"] == r.id.as_str()))
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Findings of the rules this file is about (hygiene checks such as "`.env` is tracked" are
/// reported too and are someone else's business).
fn uri_findings(report: &Value) -> Vec<(String, String, u64, String)> {
    let ours: Vec<String> = builtin_rules()
        .into_iter()
        .filter(|r| r.filter.is_some())
        .map(|r| r.id)
        .collect();
    found(report)
        .into_iter()
        .filter(|f| ours.contains(&f.1))
        .collect()
}

#[test]
fn passwords_in_every_file_kind_are_found_with_their_host_severity() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| password(&format!("uri-{n}"));
    let (pg, my, mongo, redis, amqp, mssql, jdbc, ado, local, compose) = (
        p("pg"),
        p("my"),
        p("mongo"),
        p("redis"),
        p("amqp"),
        p("mssql"),
        p("jdbc"),
        p("ado"),
        p("local"),
        p("compose"),
    );
    common::write(
        dir.path(),
        ".env",
        format!(
            "# database\nDATABASE_URL=postgresql://app:{pg}@ep-quiet-sun-123456.us-east-2.aws.neon.tech/neondb?sslmode=require\n\
             LOCAL_DATABASE_URL=postgres://app:{local}@localhost:5432/app\n\
             TEMPLATE_URL=postgres://${{DB_USER}}:${{DB_PASSWORD}}@${{DB_HOST}}/app\n\
             DEFAULT_URL=postgres://postgres:postgres@localhost:5432/postgres\n"
        ),
    );
    common::write(
        dir.path(),
        "deploy/values.yaml",
        format!(
            "app:\n  env:\n    REDIS_URL: \"rediss://default:{redis}@eu1-calm-owl-31234.upstash.io:6379\"\n    \
             BROKER_URL: amqps://orders:{amqp}@puffin.rmq2.cloudamqp.com/orders\n    \
             PLACEHOLDER: \"mongodb+srv://<username>:<password>@cluster0.abcde.mongodb.net/\"\n"
        ),
    );
    common::write(
        dir.path(),
        "docker-compose.yml",
        format!(
            "services:\n  api:\n    environment:\n      - DATABASE_URL=postgres://api:{compose}@db:5432/api\n      \
             - RABBIT_URL=amqp://guest:guest@rabbitmq:5672/\n"
        ),
    );
    common::write(
        dir.path(),
        "appsettings.json",
        format!(
            "{{\n  \"ConnectionStrings\": {{\n    \"Main\": \"Server=tcp:shop-prod.database.windows.net,1433;Initial Catalog=shop;User ID=shop;Password={ado};Encrypt=True;\",\n    \
             \"Dev\": \"Server=(localdb)\\\\mssqllocaldb;Database=shop;Trusted_Connection=True;\"\n  }},\n  \
             \"Mongo\": \"mongodb+srv://svc:{mongo}@prod.ab1cd.mongodb.net/shop\"\n}}\n"
        ),
    );
    common::write(
        dir.path(),
        "src/db.py",
        format!(
            "import os\nfrom sqlalchemy import create_engine\n\n\
             engine = create_engine(\"mysql+pymysql://shop:{my}@mysql-prod.c9x.us-west-2.rds.amazonaws.com:3306/shop\")\n\
             other = create_engine(f\"postgresql://{{user}}:{{password}}@{{host}}/db\")\n\
             reports = create_engine('mssql+pyodbc://report:{mssql}@sql01.corp.internal/Reports')\n"
        ),
    );
    common::write(
        dir.path(),
        "src/main/resources/application.properties",
        format!(
            "spring.datasource.url=jdbc:postgresql://10.2.3.4:5432/billing?user=billing&password={jdbc}\n\
             spring.datasource.password=${{DB_PASSWORD}}\n"
        ),
    );
    let (code, report, stderr) = common::scan_json(dir.path(), &[".", "--no-history"]);
    assert_eq!(code, 1, "{stderr}");
    let got = uri_findings(&report);
    let want: Vec<(String, String, u64, String)> = [
        (".env", "postgres-uri-password", 2, "critical"),
        (".env", "database-uri-local-password", 3, "low"),
        (
            "appsettings.json",
            "ado-connection-string-password",
            3,
            "critical",
        ),
        ("appsettings.json", "mongodb-uri-password", 6, "critical"),
        ("deploy/values.yaml", "redis-uri-password", 3, "critical"),
        ("deploy/values.yaml", "amqp-uri-password", 4, "critical"),
        (
            "docker-compose.yml",
            "database-uri-local-password",
            4,
            "low",
        ),
        ("src/db.py", "mysql-uri-password", 4, "critical"),
        ("src/db.py", "sqlserver-uri-password", 6, "critical"),
        (
            "src/main/resources/application.properties",
            "jdbc-password-parameter",
            1,
            "critical",
        ),
    ]
    .iter()
    .map(|(p, r, l, s)| (p.to_string(), r.to_string(), *l, s.to_string()))
    .collect::<std::collections::BTreeSet<_>>()
    .into_iter()
    .collect();
    assert_eq!(got, want, "stderr: {stderr}");
    // Only the password is the secret, and it is redacted in the report.
    let text = serde_json::to_string(&report).unwrap();
    for pw in [
        &pg, &my, &mongo, &redis, &amqp, &mssql, &jdbc, &ado, &local, &compose,
    ] {
        assert!(!text.contains(pw.as_str()), "full password in the report");
    }
}

#[test]
fn placeholders_and_references_are_never_reported() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "DATABASE_URL=postgres://user:password@localhost:5432/mydb",
        "DATABASE_URL=postgresql://postgres:postgres@localhost/postgres",
        "DATABASE_URL=postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/app",
        "DATABASE_URL=postgres://app:$PGPASSWORD@db.prod.corp/app",
        "DATABASE_URL=\"postgresql://<user>:<password>@<host>:5432/<db>\"",
        "DATABASE_URL=postgres://app:***@db.prod.corp/app",
        "DATABASE_URL=postgresql://johndoe:mypassword@db.example.com:5432/mydb",
        "MONGODB_URI=mongodb+srv://<db_username>:<db_password>@cluster0.abcde.mongodb.net/",
        "MONGO_URL=mongodb://root:example@mongo:27017/",
        "REDIS_URL=redis://:{{ .Values.redis.password }}@redis:6379",
        "BROKER_URL=amqp://guest:guest@localhost:5672//",
        "BROKER_URL=amqp://%(user)s:%(password)s@rabbit.prod.corp/",
        "spring.datasource.url=jdbc:mysql://localhost:3306/app?user=root&password=root",
        "\"Db\": \"Host=pg.internal.corp;Database=app;Username=app;Password=${DB_PASSWORD}\"",
        "url: postgresql://[YOUR-USER]:[YOUR-PASSWORD]@aws-0-us-east-1.pooler.supabase.com:6543/postgres",
    ];
    common::write(dir.path(), "docs/setup.md", lines.join("\n") + "\n");
    common::write(dir.path(), "config.yaml", lines.join("\n") + "\n");
    let (code, report, stderr) = common::scan_json(dir.path(), &[".", "--no-history"]);
    assert_eq!(uri_findings(&report), vec![], "stderr: {stderr}");
    assert_eq!(found(&report), vec![], "no rule at all fires: {stderr}");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn published_emulator_keys_are_never_reported_but_real_account_keys_are() {
    let e = Engine::new(builtin_rules()).unwrap();
    // The Azurite and Cosmos DB emulator keys, assembled at run time so that the repository
    // holds neither as one string.
    let azurite = [
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu",
        "Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    ]
    .concat();
    let cosmos = [
        "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nD",
        "uVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
    ]
    .concat();
    for text in [
        format!("AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"),
        format!("AZURE_STORAGE_KEY={azurite}"),
        format!("COSMOS=AccountEndpoint=https://emulator.documents.azure.com:443/;AccountKey={cosmos};"),
    ] {
        let m = e.scan(text.as_bytes(), ScanHints::default());
        assert!(m.is_empty(), "{text}: {m:?}");
    }
    let real = expand(
        "DefaultEndpointsProtocol=https;AccountName=prodfiles;AccountKey={base64:86}==;EndpointSuffix=core.windows.net",
        seed_for("real-storage-key"),
    );
    let m = e.scan(real.as_bytes(), ScanHints::default());
    assert_eq!(m.len(), 1, "{real}");
    assert_eq!(e.rules()[m[0].rule].id, "azure-storage-account-key");
}

/// The database, backend, cloud and platform families (the rules of the other families are
/// someone else's business here).
fn in_scope(r: &keyhound::rules::Rule) -> bool {
    const PROVIDERS: &[&str] = &[
        "postgresql",
        "mysql",
        "mongodb",
        "redis",
        "rabbitmq",
        "sqlserver",
        "oracle",
        "clickhouse",
        "snowflake",
        "jdbc",
        "database",
        "neon",
        "planetscale",
        "upstash",
        "turso",
        "firebase",
        "vercel",
        "netlify",
        "cloudflare",
        "digitalocean",
        "heroku",
        "flyio",
        "render",
        "railway",
        "doppler",
        "databricks",
        "hashicorp",
        "pulumi",
        "tailscale",
        "grafana",
    ];
    PROVIDERS.contains(&r.provider.as_str())
        || matches!(
            r.id.as_str(),
            "azure-cosmosdb-account-key"
                | "azure-storage-account-key"
                | "azure-sas-token"
                | "azure-ad-client-secret"
                | "azure-shared-access-key"
                | "google-oauth-client-secret"
                | "google-oauth-refresh-token"
                | "google-vertex-express-key"
                | "aws-bedrock-api-key"
                | "aws-bedrock-short-term-api-key"
        )
}

/// The providers this work added rules for. Every example of their rules, over many seeds, is
/// reported only as that provider's key: never as another provider's (a Neon password is not
/// a generic secret, a PlanetScale password in a `mysql://` URL is the URL's finding, ...).
#[test]
fn examples_are_not_reported_as_another_providers_key() {
    let rules = builtin_rules();
    let e = Engine::new(rules.clone()).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in rules.iter().filter(|r| in_scope(r)) {
        // Connection-string rules name the database; the URL of a PlanetScale or Neon database
        // is still that database's connection string.
        for (n, template) in rule.examples.iter().enumerate() {
            for s in 0..8 {
                let text = expand(template, seed_for(&format!("cross-{}-{n}-{s}", rule.id)));
                for m in e.scan(text.as_bytes(), ScanHints::default()) {
                    let other = &e.rules()[m.rule];
                    if other.provider != rule.provider {
                        failures.push(format!(
                            "{} example {n}: reported as {} ({})",
                            rule.id, other.id, other.provider
                        ));
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} examples checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn at_least_65_database_and_platform_rules_each_documented() {
    let rules = builtin_rules();
    let ids = [
        "postgres-uri-password",
        "mysql-uri-password",
        "mongodb-uri-password",
        "redis-uri-password",
        "amqp-uri-password",
        "sqlserver-uri-password",
        "jdbc-password-parameter",
        "ado-connection-string-password",
        "database-uri-local-password",
        "neon-api-key",
        "planetscale-service-token",
        "planetscale-password",
        "planetscale-oauth-token",
        "upstash-redis-rest-token",
        "turso-auth-token",
        "firebase-admin-service-account",
        "mongodb-atlas-service-account-secret",
        "mongodb-atlas-api-private-key",
        "vercel-personal-access-token",
        "netlify-personal-access-token",
        "cloudflare-user-api-token",
        "cloudflare-global-api-key-legacy",
        "digitalocean-pat",
        "digitalocean-oauth-token",
        "digitalocean-refresh-token",
        "heroku-api-key",
        "flyio-access-token",
        "render-api-key",
        "railway-token",
        "doppler-service-token",
        "doppler-personal-token",
        "databricks-pat",
        "azure-storage-account-key",
        "azure-sas-token",
        "azure-ad-client-secret",
        "google-oauth-client-secret",
        "google-oauth-refresh-token",
        "google-vertex-express-key",
        "aws-bedrock-api-key",
        "aws-bedrock-short-term-api-key",
    ];
    for id in ids {
        let r = rules
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no rule {id}"));
        assert!(r.examples.len() >= 2, "{id}: fewer than 2 examples");
        assert!(!r.negative_examples.is_empty(), "{id}: no negative example");
    }
    // Every rule of these families says where to revoke or change the secret.
    let places = [
        "console",
        "dashboard",
        "portal",
        "settings",
        "http",
        "iam",
        "alter ",
        "revoke",
        "Access",
    ];
    let mine: Vec<_> = rules.iter().filter(|r| in_scope(r)).collect();
    assert!(mine.len() >= 65, "only {} rules", mine.len());
    for r in &mine {
        let text = r.remediation.to_ascii_lowercase();
        assert!(
            places
                .iter()
                .any(|p| text.contains(&p.to_ascii_lowercase())),
            "{}: the remediation must say where to revoke: {}",
            r.id,
            r.remediation
        );
        assert!(r.examples.len() >= 2, "{}: fewer than 2 examples", r.id);
        assert!(!r.negative_examples.is_empty(), "{}: no negative", r.id);
        assert!(!r.keywords.is_empty(), "{}: no keywords", r.id);
    }
    // Local passwords matter less than remote ones.
    let sev = |id: &str| rules.iter().find(|r| r.id == id).unwrap().severity;
    assert!(sev("database-uri-local-password") < sev("postgres-uri-password"));
}
