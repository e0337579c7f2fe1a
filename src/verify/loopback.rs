//! Plain `http://` overrides go to loopback only, decided from the address the host name resolves
//! to (not from the name: `attacker.localhost` may resolve anywhere), and the connection goes to
//! that very address, so a second lookup cannot send the key elsewhere.

use crate::model::error::Error;
use std::net::{IpAddr, ToSocketAddrs};

/// Names resolved to fixed addresses, like curl's `--resolve`: `KEYHOUND_RESOLVE=name=ip[,…]`
/// (for tests and for hosts files a container does not share).
pub const RESOLVE_ENV: &str = "KEYHOUND_RESOLVE";

/// 127.0.0.0/8, ::1, and ::ffff:127.x.
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_loopback(),
        IpAddr::V6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// The loopback address to connect to for `host`: an address literal must be loopback; a name
/// must resolve, and every address it resolves to must be loopback.
pub fn resolve(host: &str, port: u16) -> Result<IpAddr, Error> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    let refuse = |what: String| {
        Err(Error::Usage(format!(
            "plain http:// is only allowed to a loopback host (one that resolves to 127.0.0.0/8 or ::1 only); {what}: keys must not cross a network unencrypted; use https://"
        )))
    };
    if let Ok(ip) = h.parse::<IpAddr>() {
        return if is_loopback_ip(ip) {
            Ok(ip)
        } else {
            refuse(format!("'{h}' is not one"))
        };
    }
    let fixed: Vec<IpAddr> = std::env::var(RESOLVE_ENV)
        .unwrap_or_default()
        .split(',')
        .filter_map(|e| e.split_once('='))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(h))
        .filter_map(|(_, ip)| ip.trim().parse().ok())
        .collect();
    let addrs: Vec<IpAddr> = if fixed.is_empty() {
        match (h, port).to_socket_addrs() {
            Ok(a) => a.map(|a| a.ip()).collect(),
            Err(_) => return refuse(format!("'{h}' does not resolve here")),
        }
    } else {
        fixed
    };
    match addrs.iter().find(|ip| !is_loopback_ip(**ip)) {
        Some(other) => refuse(format!("'{h}' resolves to {other}")),
        None => addrs
            .first()
            .copied()
            .ok_or(())
            .or_else(|_| refuse(format!("'{h}' does not resolve here"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(resolve("127.0.0.1", 80).unwrap().to_string(), "127.0.0.1");
        assert_eq!(resolve("[::1]", 80).unwrap().to_string(), "::1");
        assert!(resolve("10.0.0.1", 80)
            .unwrap_err()
            .to_string()
            .contains("loopback"));
        assert!(resolve("[::2]", 80).is_err());
    }
}
