//! Where each provider's checks go: its official host, or an override given with
//! `--verify-endpoint PROVIDER=URL` (for tests, proxies and gateways). An override must be
//! `https://`, or plain `http://` to a loopback host (127.0.0.0/8, ::1, localhost): a key never
//! crosses a network in clear text.

use super::{verifier, verifier_names, Verifier};
use crate::model::error::Error;
use std::collections::HashMap;
use std::net::IpAddr;

/// A base URL checks are sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// `scheme://host[:port][/prefix]`, no trailing slash.
    pub url: String,
    /// The host is loopback: requests bypass any proxy from the environment.
    pub loopback: bool,
    /// Given with `--verify-endpoint` rather than the official host.
    pub overridden: bool,
}

/// The overrides in force.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    overrides: HashMap<&'static str, Base>,
}

impl Endpoints {
    /// Parses `--verify-endpoint` values (`PROVIDER=URL`, repeatable).
    pub fn parse(values: &[String]) -> Result<Endpoints, Error> {
        let mut overrides = HashMap::new();
        for v in values {
            let (name, url) = v
                .split_once('=')
                .ok_or_else(|| Error::Usage(format!("--verify-endpoint '{v}': expected PROVIDER=URL, e.g. openai=http://127.0.0.1:8080")))?;
            let name = name.trim().to_ascii_lowercase();
            let Some(ver) = verifier(&name) else {
                return Err(Error::Usage(format!(
                    "--verify-endpoint: unknown provider '{name}' (known: {})",
                    verifier_names().join(", ")
                )));
            };
            let base = parse_base(url.trim()).map_err(|e| {
                Error::Usage(format!("--verify-endpoint {name}={}: {e}", url.trim()))
            })?;
            if overrides.insert(ver.name, base).is_some() {
                return Err(Error::Usage(format!(
                    "--verify-endpoint: '{name}' is given twice"
                )));
            }
        }
        Ok(Endpoints { overrides })
    }

    /// The base URL for `v`'s checks.
    pub fn base(&self, v: &Verifier) -> Base {
        self.overrides.get(v.name).cloned().unwrap_or_else(|| Base {
            url: v.base.to_string(),
            loopback: false,
            overridden: false,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.overrides.is_empty()
    }
}

/// Validates one override URL.
pub fn parse_base(url: &str) -> Result<Base, Error> {
    let bad = |why: &str| Error::Usage(why.to_string());
    let uri: ureq::http::Uri = url.parse().map_err(|_| bad("not a URL"))?;
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad("the URL has no host"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad("credentials in the URL are not accepted"));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(bad("the URL must not have a query or fragment"));
    }
    let (loopback, authority) = match scheme.as_deref() {
        Some("https") => (
            is_loopback(host),
            uri.authority()
                .map(|a| a.as_str())
                .unwrap_or(host)
                .to_string(),
        ),
        // Decided from the resolved address, and requests go to that address.
        Some("http") => {
            let port = uri.port_u16().unwrap_or(80);
            match super::loopback::resolve(host, port)? {
                std::net::IpAddr::V4(ip) => (true, format!("{ip}:{port}")),
                std::net::IpAddr::V6(ip) => (true, format!("[{ip}]:{port}")),
            }
        }
        _ => {
            return Err(bad(
                "the URL must start with https:// (or http:// for a loopback host)",
            ))
        }
    };
    let path = uri.path().trim_end_matches('/');
    Ok(Base {
        url: format!("{}://{authority}{path}", scheme.unwrap_or_default()),
        loopback,
        overridden: true,
    })
}

/// 127.0.0.0/8, ::1 (and ::ffff:127.x), `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") || h.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    match h.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => a.is_loopback(),
        Ok(IpAddr::V6(a)) => {
            a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "localhost",
            "LOCALHOST",
            "api.localhost",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "10.0.0.1",
            "example.com",
            "localhost.example.com",
            "128.0.0.1",
            "[::2]",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn overrides() {
        let e = Endpoints::parse(&[
            "openai=http://127.0.0.1:8080/".into(),
            "GitHub=https://ghe.example.com/api/v3".into(),
        ])
        .unwrap();
        let b = e.base(verifier("openai").unwrap());
        assert_eq!(b.url, "http://127.0.0.1:8080");
        assert!(b.loopback && b.overridden);
        assert_eq!(
            e.base(verifier("github").unwrap()).url,
            "https://ghe.example.com/api/v3"
        );
        assert_eq!(
            e.base(verifier("stripe").unwrap()).url,
            "https://api.stripe.com"
        );
        assert_eq!(parse_base("http://[::1]:9/").unwrap().url, "http://[::1]:9");
        assert_eq!(
            parse_base("http://127.0.0.1/x").unwrap().url,
            "http://127.0.0.1:80/x"
        );
    }

    #[test]
    fn refusals() {
        let err = Endpoints::parse(&["openai=http://example.com".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("loopback"), "{err}");
        assert!(Endpoints::parse(&["nope=https://x.example".into()])
            .unwrap_err()
            .to_string()
            .contains("unknown provider"));
        assert!(Endpoints::parse(&["openai".into()])
            .unwrap_err()
            .to_string()
            .contains("PROVIDER=URL"));
        assert!(Endpoints::parse(&["openai=ftp://127.0.0.1".into()]).is_err());
        assert!(Endpoints::parse(&["openai=https://u:p@x.example".into()]).is_err());
        assert!(Endpoints::parse(&[
            "openai=https://a.example".into(),
            "openai=https://b.example".into()
        ])
        .is_err());
    }
}
