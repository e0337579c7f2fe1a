//! Passwords in connection strings (`postgres://user:pass@host/db`, JDBC and ADO.NET
//! parameters): which ones are placeholders, and whether the host is a developer's own machine.
//!
//! A password in a URI is only a finding when it is a real password: not a template reference
//! (`${DB_PASSWORD}`, `$PGPASSWORD`, `{{ .Values.password }}`, `<password>`, `%(pw)s`), not a
//! masked value (`***`), not a stock default (`postgres:postgres`, `guest:guest`, `root:root`,
//! `user:password`), and not on a documentation host (`example.com`, `your-host`).
//!
//! Severity by host: a real password for a database on `localhost` (or `127.0.0.1`, `::1`,
//! `host.docker.internal`, or a single-label docker-compose service name such as `db`) only
//! opens a developer's own container, so its rule is `low`; a password for any other host opens
//! a shared database and its rule is `critical`. Rules pick one side with
//! `filter = "remote-password"` or `filter = "local-password"` (see [`MatchFilter`]).
//!
//! Everything here is pure and allocation-light: it runs once per regex match, never per byte.

use crate::model::rule::MatchFilter;

/// Where a connection string points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostClass {
    /// The developer's own machine or a compose network: `localhost`, `127.0.0.1`, `db`.
    Local,
    /// Anything else.
    Remote,
    /// A documentation or template host (`example.com`, `<host>`, `${DB_HOST}`, `your-host`).
    Placeholder,
}

/// Classifies the host part of a connection string (without port; brackets allowed).
pub fn classify_host(host: &str) -> HostClass {
    let h = host
        .trim()
        .trim_start_matches("tcp:")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if h.is_empty()
        || h.contains(['<', '>', '{', '}', '$', '%', '*'])
        || h.contains("example")
        || h.contains("your")
        || h.contains("xxx")
        || h.contains("placeholder")
        || h.ends_with(".invalid")
        || matches!(
            h.as_str(),
            "host" | "hostname" | "server" | "myhost" | "dbhost" | "db_host" | "db-host"
        )
    {
        return HostClass::Placeholder;
    }
    if h == "localhost"
        || h.ends_with(".localhost")
        || h == "host.docker.internal"
        || h == "host.containers.internal"
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "."
        || h == "(local)"
        || h.starts_with("(localdb)")
        || h.starts_with(".\\")
        || h.starts_with("(local)\\")
    {
        return HostClass::Local;
    }
    // A single-label name (`db`, `postgres`, `redis-cache`) only resolves inside a compose or
    // cluster network: a development stack. IP addresses and dotted names are remote.
    if !h.contains('.') && !h.contains(':') && !h.contains('\\') {
        return HostClass::Local;
    }
    HostClass::Remote
}

/// Stock passwords that documentation, tutorials and default containers use. Compared against
/// the lowercased password.
const DEFAULT_PASSWORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "pw",
    "secret",
    "changeme",
    "change_me",
    "changeit",
    "default",
    "admin",
    "administrator",
    "root",
    "toor",
    "tiger",
    "test",
    "testing",
    "tester",
    "user",
    "username",
    "guest",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbitmq",
    "rabbit",
    "sa",
    "sql",
    "oracle",
    "docker",
    "dev",
    "development",
    "local",
    "demo",
    "sample",
    "foo",
    "bar",
    "foobar",
    "qwerty",
    "letmein",
    "hunter2",
    "mypassword",
    "my_password",
    "my-password",
    "mysecretpassword",
    "yourpassword",
    "your_password",
    "your-password",
    "dbpassword",
    "db_password",
    "db-password",
    "dbpass",
    "db_pass",
    "pass123",
    "pass1234",
    "password1",
    "password123",
    "password!",
    "admin123",
    "root123",
    "secret123",
    "test123",
    "123456",
    "12345678",
    "1234",
    "pa55word",
    "p@ssw0rd",
    "p@ssword",
    "passw0rd",
    "s3cret",
    "supersecret",
    "super_secret",
    "topsecret",
    "none",
    "null",
    "empty",
    "todo",
    "tbd",
];

/// True when `password` (as written in the connection string, possibly percent-encoded) is not
/// a real secret: a reference, a template, a mask, a stock default, or the user name again.
pub fn is_placeholder_password(user: Option<&str>, password: &str) -> bool {
    let p = password.trim();
    if p.is_empty() {
        return true;
    }
    let lower = p.to_ascii_lowercase();
    // References to a value kept elsewhere: `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`, `%(name)s`,
    // `{{ x }}`, `{x}`, `<x>`, `[x]`, `#{x}`, `@VAR@`.
    let first = p.as_bytes()[0];
    if matches!(first, b'$' | b'<' | b'[' | b'{')
        || (first == b'%' && !is_percent_escape(p.as_bytes()))
        || p.contains("${")
        || p.contains("{{")
        || p.contains("$(")
        || p.contains("#{")
        || (p.starts_with('@') && p.ends_with('@') && p.len() > 2)
        || (p.starts_with('%')
            && p.ends_with('%')
            && p.len() > 2
            && p[1..p.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        || (p.starts_with("%(") && p.ends_with(")s"))
        || lower == "%s"
    {
        return true;
    }
    // Format placeholders anywhere: `{password}`, `{0}`, `{db.pass}`, `{alnum:24}`.
    if has_format_placeholder(p.as_bytes()) {
        return true;
    }
    // Masks: `***`, `xxxx`, `....`, `-`.
    if p.bytes()
        .all(|b| matches!(b, b'*' | b'.' | b'x' | b'X' | b'-' | b'_' | b'#' | b'?'))
    {
        return true;
    }
    if DEFAULT_PASSWORDS.contains(&lower.as_str()) || spells_password(p) {
        return true;
    }
    // `postgres:postgres`, `guest:guest`, `app:app123`, `dbuser:dbuserpass`, `app:app_pw`.
    if let Some(u) = user {
        let u = u.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix(u.as_str()).filter(|_| !u.is_empty()) {
            let rest = rest.trim_start_matches(['_', '-', '.']);
            let suffix = ["pass", "passwd", "password", "pw", "pwd", "secret"];
            if rest.len() <= 3 || suffix.contains(&rest) {
                return true;
            }
        }
    }
    // Placeholder words anywhere in the password: `your_db_password`, `replace-me`, `<pw>`.
    const WORDS: &[&str] = &[
        "your",
        "password_here",
        "passwordhere",
        "changeme",
        "change_me",
        "change-me",
        "replace",
        "placeholder",
        "example",
        "redacted",
        "dummy",
        "secret_here",
        "insert",
        "fixme",
        "xxxx",
        "****",
        "...",
    ];
    WORDS.iter().any(|w| lower.contains(w))
}

/// True when `p`, percent-decoded, is a spelling of the word "password" that tests use to
/// exercise escaping (`p%40ssw%3Ard` = `p@ssw:rd`, `P4$$w0rd!`): with look-alike digits and
/// symbols read as letters (`@` a, `0` o, `$` s, ...) and other punctuation dropped, it reads
/// `password` or `password` less one letter.
fn spells_password(p: &str) -> bool {
    let b = p.as_bytes();
    let mut decoded = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && is_percent_escape(&b[i..]) {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            decoded.push(u8::from_str_radix(hex, 16).unwrap_or(b'%'));
            i += 3;
        } else {
            decoded.push(b[i]);
            i += 1;
        }
    }
    let letters: Vec<u8> = decoded
        .iter()
        .filter_map(|&c| match c.to_ascii_lowercase() {
            b'@' | b'4' => Some(b'a'),
            b'0' => Some(b'o'),
            b'$' | b'5' => Some(b's'),
            b'3' => Some(b'e'),
            b'1' | b'!' => None,
            c if c.is_ascii_lowercase() => Some(c),
            _ => None,
        })
        .collect();
    const WORD: &[u8] = b"password";
    letters == WORD
        || (letters.len() + 1 == WORD.len()
            && (0..WORD.len()).any(|skip| {
                WORD.iter()
                    .enumerate()
                    .filter(|&(k, _)| k != skip)
                    .map(|(_, &c)| c)
                    .eq(letters.iter().copied())
            }))
}

/// A `{name}` / `{0}` / `{name:spec}` format placeholder somewhere in `b`.
fn has_format_placeholder(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &c)| {
        c == b'{' && {
            let rest = &b[i + 1..];
            let n = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.'))
                .count();
            n > 0 && rest.get(n) == Some(&b'}')
        }
    })
}

/// `%40abc` is a percent-escaped `@`, a real password's first character.
fn is_percent_escape(b: &[u8]) -> bool {
    b.len() >= 3 && b[1].is_ascii_hexdigit() && b[2].is_ascii_hexdigit()
}

/// Applies a rule's connection-string filter to one match: `true` keeps it.
pub fn keep(filter: MatchFilter, user: Option<&str>, password: &str, host: Option<&str>) -> bool {
    if is_placeholder_password(user, password) {
        return false;
    }
    let class = host.map_or(HostClass::Remote, classify_host);
    match filter {
        MatchFilter::RemotePassword => class == HostClass::Remote,
        MatchFilter::LocalPassword => class == HostClass::Local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_password_are_placeholders() {
        for p in [
            "p%40ssw%3Ard",
            "P4$$w0rd!",
            "passwrd",
            "Pa55w0rd",
            "p@ss-word",
        ] {
            assert!(is_placeholder_password(Some("user"), p), "{p}");
        }
        for p in ["passwordmanager9", "pQ7sw0rdX", "p%40xk%3Az9"] {
            assert!(!is_placeholder_password(Some("user"), p), "{p}");
        }
    }

    #[test]
    fn hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "[::1]",
            "db",
            "postgres",
            "redis-cache",
            "host.docker.internal",
            "(localdb)\\mssqllocaldb",
            ".\\SQLEXPRESS",
            "0.0.0.0",
        ] {
            assert_eq!(classify_host(h), HostClass::Local, "{h}");
        }
        for h in [
            "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
            "10.0.3.7",
            "db.internal.corp",
            "cluster0.ab1cd.mongodb.net",
            "tcp:myserver.database.windows.net",
        ] {
            assert_eq!(classify_host(h), HostClass::Remote, "{h}");
        }
        for h in [
            "example.com",
            "db.example.org",
            "<host>",
            "${DB_HOST}",
            "your-host",
            "host",
        ] {
            assert_eq!(classify_host(h), HostClass::Placeholder, "{h}");
        }
    }

    #[test]
    fn passwords() {
        for (u, p) in [
            (Some("user"), "password"),
            (Some("dbuser"), "dbuserpass"),
            (Some("app"), "app_pw"),
            (Some("postgres"), "postgres"),
            (Some("guest"), "guest"),
            (Some("app"), "app123"),
            (None, "${DB_PASSWORD}"),
            (None, "$PGPASSWORD"),
            (None, "{{ .Values.password }}"),
            (None, "<password>"),
            (None, "%(password)s"),
            (None, "***"),
            (None, "xxxxxx"),
            (None, "your_db_password"),
            (None, "[YOUR-PASSWORD]"),
            (None, "%DB_PASS%"),
            (None, "@DB_PASSWORD@"),
            (None, "pscale_pw_{urlsafe:43}"),
            (None, "x{0}"),
        ] {
            assert!(is_placeholder_password(u, p), "{u:?}:{p}");
        }
        for (u, p) in [
            (Some("app"), "q8Vd2LkP0zR4"),
            (Some("neondb_owner"), &*format!("npg_{}", "a1B2c3D4e5F6")),
            (None, "%40q8Vd2LkP0z"),
            (Some("postgres"), "hunter2-prod"),
        ] {
            assert!(!is_placeholder_password(u, p), "{u:?}:{p}");
        }
    }

    #[test]
    fn filters_split_local_from_remote() {
        let f = |filter, host| keep(filter, Some("app"), "q8Vd2LkP0zR4", host);
        assert!(f(MatchFilter::RemotePassword, Some("db.prod.corp")));
        assert!(!f(MatchFilter::RemotePassword, Some("localhost")));
        assert!(f(MatchFilter::LocalPassword, Some("localhost")));
        assert!(!f(MatchFilter::LocalPassword, Some("db.prod.corp")));
        assert!(!f(MatchFilter::RemotePassword, Some("db.example.com")));
        assert!(!f(MatchFilter::LocalPassword, Some("<host>")));
        // No host captured (a parameter list without a server): treated as remote.
        assert!(f(MatchFilter::RemotePassword, None));
    }
}
