//! The HTTP side of verification: one request per attempt, retries with exponential backoff and
//! jitter that honour `Retry-After`, and a per-provider rate limit shared by every worker.
//!
//! TLS is rustls with the webpki roots (certificates are validated); redirects are never
//! followed, so a key is only ever sent to the host it was configured for.

use super::endpoint::{Base, Endpoints};
use super::{Method, Outcome, Probe, Reply, Verifier};
use crate::diag::Warnings;
use crate::model::error::Error;
use crate::model::finding::{Secret, Verification, VerifyStatus};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Tunables. Defaults suit real providers; the `KEYHOUND_VERIFY_*` environment variables
/// (documented in docs/verify.md) shorten them for tests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whole-request budget, from DNS to the end of the body (`KEYHOUND_VERIFY_TIMEOUT_MS`).
    pub timeout: Duration,
    /// Connection budget (at most `timeout`).
    pub connect_timeout: Duration,
    /// Retries after the first attempt for 5xx, timeouts, connection errors and rate limits
    /// (`KEYHOUND_VERIFY_RETRIES`).
    pub retries: u32,
    /// First backoff; doubles on each retry, with jitter (`KEYHOUND_VERIFY_BACKOFF_MS`).
    pub backoff: Duration,
    /// Longest single wait; a `Retry-After` beyond it ends the retries (`KEYHOUND_VERIFY_MAX_WAIT_MS`).
    pub max_wait: Duration,
    /// Checks in flight at once (`KEYHOUND_VERIFY_CONCURRENCY`).
    pub concurrency: usize,
    /// Requests per second per provider (`KEYHOUND_VERIFY_RATE`).
    pub per_second: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
            concurrency: 8,
            per_second: 5.0,
        }
    }
}

impl Settings {
    /// Defaults, adjusted by the `KEYHOUND_VERIFY_*` environment variables. A value that is not
    /// a number is a warning and the default stays.
    pub fn from_env(warnings: &Warnings) -> Settings {
        let mut s = Settings::default();
        let num = |name: &str| -> Option<f64> {
            let v = std::env::var(name).ok()?;
            match v.trim().parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
                _ => {
                    warnings.warn(
                        name,
                        format!("'{v}' is not a non-negative number; using the default"),
                    );
                    None
                }
            }
        };
        let ms = |n: f64| Duration::from_micros((n * 1000.0) as u64);
        if let Some(n) = num("KEYHOUND_VERIFY_TIMEOUT_MS") {
            s.timeout = ms(n.max(1.0));
        }
        s.connect_timeout = s.connect_timeout.min(s.timeout);
        if let Some(n) = num("KEYHOUND_VERIFY_RETRIES") {
            s.retries = (n as u32).min(10);
        }
        if let Some(n) = num("KEYHOUND_VERIFY_BACKOFF_MS") {
            s.backoff = ms(n);
        }
        if let Some(n) = num("KEYHOUND_VERIFY_MAX_WAIT_MS") {
            s.max_wait = ms(n);
        }
        if let Some(n) = num("KEYHOUND_VERIFY_CONCURRENCY") {
            s.concurrency = (n as usize).clamp(1, 64);
        }
        if let Some(n) = num("KEYHOUND_VERIFY_RATE") {
            s.per_second = n;
        }
        s
    }

    /// The wait before retry number `retry` (0-based): `backoff * 2^retry`, capped at
    /// `max_wait`, scaled by a random factor in [0.5, 1) ("equal jitter") so that workers that
    /// failed together do not retry together.
    pub fn backoff_for(&self, retry: u32) -> Duration {
        let exp = self
            .backoff
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_wait);
        exp.mul_f64(0.5 + 0.5 * jitter())
    }
}

/// A random number in [0, 1), from the standard library's per-process random hash keys.
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Spaces requests to one provider `1 / per_second` apart, across all workers, and lets a
/// `Retry-After` from one answer hold back every worker's next request to that provider.
#[derive(Debug, Default)]
struct RateLimiter {
    interval: Duration,
    next: Mutex<HashMap<&'static str, Instant>>,
}

impl RateLimiter {
    fn new(per_second: f64) -> RateLimiter {
        let interval = if per_second > 0.0 {
            Duration::from_secs_f64((1.0 / per_second).min(60.0))
        } else {
            Duration::ZERO
        };
        RateLimiter {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for `provider`'s next slot and takes it.
    fn acquire(&self, provider: &'static str) {
        let slot = {
            let mut next = self.next.lock().unwrap();
            let now = Instant::now();
            let slot = next
                .get(provider)
                .copied()
                .filter(|t| *t > now)
                .unwrap_or(now);
            next.insert(provider, slot + self.interval);
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }

    /// No request to `provider` before `until`.
    fn hold(&self, provider: &'static str, until: Instant) {
        let mut next = self.next.lock().unwrap();
        let e = next.entry(provider).or_insert(until);
        if *e < until {
            *e = until;
        }
    }
}

/// Sends checks. Shared by all workers (`&Client` is `Sync`).
pub struct Client {
    pub settings: Settings,
    pub endpoints: Endpoints,
    /// Official hosts: proxies from the environment (`HTTPS_PROXY`, `NO_PROXY`) apply.
    agent: ureq::Agent,
    /// Loopback overrides: always direct.
    direct: ureq::Agent,
    limiter: RateLimiter,
    requests: std::sync::atomic::AtomicUsize,
}

impl Client {
    pub fn new(settings: Settings, endpoints: Endpoints) -> Client {
        let agent = |proxy: bool| {
            let mut b = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(settings.timeout))
                .timeout_connect(Some(settings.connect_timeout))
                .user_agent(concat!(
                    "keyhound/",
                    env!("CARGO_PKG_VERSION"),
                    " (secret verification)"
                ))
                .accept("application/json");
            if !proxy {
                b = b.proxy(None);
            }
            b.build().new_agent()
        };
        Client {
            limiter: RateLimiter::new(settings.per_second),
            agent: agent(true),
            direct: agent(false),
            settings,
            endpoints,
            requests: Default::default(),
        }
    }

    /// HTTP requests sent so far (every attempt counts).
    pub fn requests_sent(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Checks `secret` with `v`: the verdict, its detail redacted.
    pub fn check(&self, v: &Verifier, secret: &Secret) -> Verification {
        match (v.probe)(secret.expose()) {
            Ok(probe) => self.check_probe(v, secret, &probe),
            Err(why) => Verification {
                status: VerifyStatus::Unknown,
                detail: super::clean_detail(&why.0, secret.expose()),
            },
        }
    }

    /// Sends `probe` (retrying passing failures) and judges the answer.
    pub fn check_probe(&self, v: &Verifier, secret: &Secret, probe: &Probe) -> Verification {
        let mut base = self.endpoints.base(v);
        if let (false, Some(official)) = (base.overridden, &probe.official_base) {
            base.url = official.clone();
        }
        let (status, detail) = self.attempts(v, secret, &base, probe);
        Verification {
            status,
            detail: super::clean_detail(&detail, secret.expose()),
        }
    }

    /// Sends `probe` and returns the provider's answer itself (for `doctor`, which explains every
    /// documented error in its own words). 5xx answers and transport errors are retried like
    /// [`Client::check_probe`] does; a transport error that outlasts the retries is `Err`, redacted.
    pub fn ask(&self, v: &Verifier, secret: &Secret, probe: &Probe) -> Result<Reply, Error> {
        let mut base = self.endpoints.base(v);
        if let (false, Some(official)) = (base.overridden, &probe.official_base) {
            base.url = official.clone();
        }
        let url = format!("{}{}", base.url, probe.path);
        let mut attempt = 0u32;
        loop {
            self.limiter.acquire(v.name);
            let res = self.send(&base, &url, probe);
            let passing = match &res {
                Ok(r) => r.status >= 500,
                Err(_) => true,
            };
            if !passing || attempt >= self.settings.retries {
                return res.map_err(|e| {
                    Error::Network(super::clean_detail(
                        &describe(&e, &base.url),
                        secret.expose(),
                    ))
                });
            }
            std::thread::sleep(self.settings.backoff_for(attempt));
            attempt += 1;
        }
    }

    fn attempts(
        &self,
        v: &Verifier,
        secret: &Secret,
        base: &Base,
        probe: &Probe,
    ) -> (VerifyStatus, String) {
        let url = format!("{}{}", base.url, probe.path);
        let mut attempt = 0u32;
        loop {
            self.limiter.acquire(v.name);
            let (outcome, retry_after) = match self.send(base, &url, probe) {
                Ok(reply) if (300..400).contains(&reply.status) => {
                    let to = reply
                        .header("location")
                        .map(location_host)
                        .unwrap_or_default();
                    let detail = format!(
                        "HTTP {}: redirected{to}; not followed, keys are only sent to the configured host",
                        reply.status
                    );
                    (Outcome::Final(VerifyStatus::Unknown, detail), None)
                }
                Ok(reply) => {
                    let ra = reply.header("retry-after").and_then(parse_retry_after);
                    ((v.judge)(secret.expose(), &reply), ra)
                }
                Err(e) => (
                    Outcome::Transient(VerifyStatus::Unknown, describe(&e, &base.url)),
                    None,
                ),
            };
            let (status, detail) = match outcome {
                Outcome::Final(s, d) => return (s, d),
                Outcome::Transient(s, d) => (s, d),
            };
            let tries = attempt + 1;
            let after = |d: String| {
                if tries > 1 {
                    format!("{d} (after {tries} attempts)")
                } else {
                    d
                }
            };
            if attempt >= self.settings.retries {
                return (status, after(detail));
            }
            let mut wait = self.settings.backoff_for(attempt);
            if let Some(ra) = retry_after {
                if ra > self.settings.max_wait {
                    let d = format!(
                        "{detail}; Retry-After {}s is longer than keyhound waits",
                        ra.as_secs()
                    );
                    return (status, after(d));
                }
                self.limiter.hold(v.name, Instant::now() + ra);
                wait = wait.max(ra);
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn send(&self, base: &Base, url: &str, probe: &Probe) -> Result<Reply, ureq::Error> {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let agent = if base.loopback {
            &self.direct
        } else {
            &self.agent
        };
        let mut resp = match probe.method {
            Method::Get => {
                let mut req = agent.get(url);
                for (k, val) in &probe.headers {
                    req = req.header(*k, val);
                }
                req.call()?
            }
            Method::Post => {
                let mut req = agent.post(url);
                for (k, val) in &probe.headers {
                    req = req.header(*k, val);
                }
                match &probe.body {
                    Some((ct, body)) => req.header("content-type", *ct).send(&body[..])?,
                    None => req.send_empty()?,
                }
            }
        };
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let status = resp.status().as_u16();
        // Error bodies are small; a huge one is cut, not an error.
        let body = resp
            .body_mut()
            .with_config()
            .limit(256 * 1024)
            .read_to_vec()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
}

/// ` to other.example.com` from a Location header (the host only: a path could carry a token).
fn location_host(loc: &str) -> String {
    match loc
        .parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_string))
    {
        Some(h) => format!(" to {h}"),
        None => String::new(),
    }
}

/// A transport error in words, without the URL (a Slack webhook URL is itself the secret).
fn describe(e: &ureq::Error, base: &str) -> String {
    let host = base
        .parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let what = match e {
        ureq::Error::Timeout(_) => "timed out".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        ureq::Error::Io(io) => format!("connection error: {}", io.kind()).replace('_', " "),
        ureq::Error::Tls(m) => format!("TLS error: {m}"),
        ureq::Error::Rustls(r) => format!("TLS error: {r}"),
        ureq::Error::Protocol(p) => format!("bad HTTP answer: {p}"),
        ureq::Error::BodyExceedsLimit(_) => "answer too large".to_string(),
        other => format!(
            "request failed: {}",
            other.to_string().replace(base, "<endpoint>")
        ),
    };
    format!("{what} ({host})")
}

/// `Retry-After`: delta-seconds, or an HTTP date (IMF-fixdate, e.g. `Wed, 21 Oct 2015 07:28:00 GMT`).
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let at = parse_http_date(v)?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn parse_http_date(v: &str) -> Option<SystemTime> {
    // "Wed, 21 Oct 2015 07:28:00 GMT"
    let rest = v.split_once(", ").map_or(v, |(_, r)| r);
    let parts: Vec<&str> = rest.split_whitespace().collect();
    if parts.len() != 5 || parts[4] != "GMT" {
        return None;
    }
    let day: i64 = parts[0].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[1])? as i64
        + 1;
    let year: i64 = parts[2].parse().ok()?;
    let time: Vec<i64> = parts[3]
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if time.len() != 3 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2];
    let secs = u64::try_from(secs).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let t = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_445_412_480
        );
        let t = parse_http_date("Thu, 01 Jan 1970 00:00:10 GMT").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            10
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let s = Settings {
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_millis(350),
            ..Settings::default()
        };
        for _ in 0..20 {
            let b0 = s.backoff_for(0);
            assert!(
                b0 >= Duration::from_millis(50) && b0 < Duration::from_millis(100),
                "{b0:?}"
            );
            let b1 = s.backoff_for(1);
            assert!(
                b1 >= Duration::from_millis(100) && b1 < Duration::from_millis(200),
                "{b1:?}"
            );
            assert!(s.backoff_for(10) < Duration::from_millis(350));
        }
    }

    #[test]
    fn rate_limiter_spaces_requests() {
        let r = RateLimiter::new(50.0);
        let t = Instant::now();
        for _ in 0..4 {
            r.acquire("x");
        }
        assert!(
            t.elapsed() >= Duration::from_millis(55),
            "{:?}",
            t.elapsed()
        );
        let t = Instant::now();
        r.acquire("y");
        assert!(t.elapsed() < Duration::from_millis(15));
    }
}
