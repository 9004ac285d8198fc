//! Where webhooks may go. bantin resolves the receiver's host itself (one
//! second at most) and refuses loopback, private, link-local (cloud
//! metadata at 169.254.169.254 among them), shared, multicast and other
//! special addresses, when a hook is registered and again on every
//! delivery: the same resolver connects, so a name that changes its
//! address between the check and the connection (DNS rebinding) gains
//! nothing. `BANTIN_WEBHOOK_ALLOW_PRIVATE=true` lifts the address rule
//! (on-premise receivers, tests); `BANTIN_WEBHOOK_ALLOWED_HOSTS` limits
//! hooks to the hosts it names, whatever their addresses: naming a host
//! there is trusting it, so a listed host may be private (`127.0.0.1` in
//! tests) without `BANTIN_WEBHOOK_ALLOW_PRIVATE`.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use futures_util::future::LocalBoxFuture;

use crate::config::WebhookSettings;

/// How long a host may take to resolve.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(1);

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not an http:// or https:// URL with a host")]
    Shape,
    #[error("{0} is not among BANTIN_WEBHOOK_ALLOWED_HOSTS")]
    HostNotAllowed(String),
    #[error("{0} is a private, loopback or otherwise special address (list its host in BANTIN_WEBHOOK_ALLOWED_HOSTS, or set BANTIN_WEBHOOK_ALLOW_PRIVATE=true)")]
    Private(IpAddr),
    #[error("{0} did not resolve within a second")]
    Unresolvable(String),
}

#[derive(Debug, Clone)]
pub struct Guard {
    allow_private: bool,
    allowed_hosts: Vec<String>,
}

impl Guard {
    pub fn new(settings: &WebhookSettings) -> Self {
        Guard {
            allow_private: settings.allow_private,
            allowed_hosts: settings.allowed_hosts.clone(),
        }
    }

    /// The host and port of an acceptable URL: `http(s)://`, a host, no
    /// user or password, at most 2,000 characters.
    pub fn target(&self, raw: &str) -> Result<(String, u16), Refusal> {
        if raw.len() > 2000 {
            return Err(Refusal::Shape);
        }
        let url = url::Url::parse(raw).map_err(|_| Refusal::Shape)?;
        if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Shape);
        }
        let host = match url.host().ok_or(Refusal::Shape)? {
            url::Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
            url::Host::Ipv4(ip) => ip.to_string(),
            url::Host::Ipv6(ip) => ip.to_string(),
        };
        let port = url.port_or_known_default().ok_or(Refusal::Shape)?;
        self.host_allowed(&host)?;
        Ok((host, port))
    }

    /// Whether `host` is named in `BANTIN_WEBHOOK_ALLOWED_HOSTS`.
    fn listed(&self, host: &str) -> bool {
        let bare = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        self.allowed_hosts.iter().any(|h| {
            h.trim_start_matches('[')
                .trim_end_matches(']')
                .eq_ignore_ascii_case(&bare)
        })
    }

    /// Whether a special address is allowed for `host`.
    fn private_allowed(&self, host: &str) -> bool {
        self.allow_private || self.listed(host)
    }

    fn host_allowed(&self, host: &str) -> Result<(), Refusal> {
        if self.allowed_hosts.is_empty() || self.listed(host) {
            Ok(())
        } else {
            let bare = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
            Err(Refusal::HostNotAllowed(bare))
        }
    }

    /// The addresses to connect to for `host`, every one of them allowed.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
        self.host_allowed(host)?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((bare, port)))
                .await
                .map_err(|_| Refusal::Unresolvable(bare.to_string()))?
                .map_err(|_| Refusal::Unresolvable(bare.to_string()))?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(Refusal::Unresolvable(bare.to_string()));
        }
        if !self.private_allowed(host) {
            if let Some(bad) = addrs.iter().find(|a| is_special(a.ip())) {
                return Err(Refusal::Private(bad.ip()));
            }
        }
        Ok(addrs)
    }

    /// Checks what can be checked without a lookup before each delivery: the
    /// URL's shape and host, and its address when it is one (a connection
    /// to an address literal never goes through the resolver).
    pub fn precheck(&self, raw: &str) -> Result<(), Refusal> {
        let (host, _) = self.target(raw)?;
        match host.parse::<IpAddr>() {
            Ok(ip) if !self.private_allowed(&host) && is_special(ip) => Err(Refusal::Private(ip)),
            _ => Ok(()),
        }
    }

    /// Checks a URL as a registration does: its shape, its host, its addresses.
    pub async fn check(&self, raw: &str) -> Result<(), Refusal> {
        let (host, port) = self.target(raw)?;
        self.resolve(&host, port).await.map(|_| ())
    }
}

/// The resolver webhook connections use: only allowed addresses.
impl actix_tls::connect::Resolve for Guard {
    fn lookup<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> LocalBoxFuture<'a, Result<Vec<SocketAddr>, Box<dyn StdError>>> {
        Box::pin(async move {
            self.resolve(host, port)
                .await
                .map_err(|e| Box::new(e) as Box<dyn StdError>)
        })
    }
}

/// Addresses no webhook goes to unless private ones are allowed.
pub fn is_special(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_special_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_special_v4(v4),
            None => is_special_v6(v6),
        },
    }
}

fn is_special_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16: cloud metadata
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared (CGNAT); Alibaba's metadata 100.100.100.200
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn is_special_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local (fd00:ec2::254: AWS metadata)
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0xdb8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64: could reach IPv4 inside
        || first == 0x2002 // 6to4: could reach IPv4 inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(allow_private: bool, hosts: &[&str]) -> WebhookSettings {
        WebhookSettings {
            allow_private,
            allowed_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            timeout: Duration::from_secs(1),
            retry_base: Duration::from_secs(1),
            retry_window: Duration::from_secs(60),
            poll: Duration::from_millis(100),
        }
    }

    #[test]
    fn special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.100.100.200",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
        ] {
            assert!(is_special(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["203.162.4.190", "8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"] {
            assert!(!is_special(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_need_a_scheme_a_host_and_no_credentials() {
        let guard = Guard::new(&settings(false, &[]));
        assert_eq!(
            guard.target("https://hooks.example.vn/x").unwrap(),
            ("hooks.example.vn".into(), 443)
        );
        assert_eq!(guard.target("http://[::1]:8080/").unwrap(), ("::1".into(), 8080));
        for bad in ["ftp://x/", "https://user:pw@x/", "/relative", "http://", "gopher://x"] {
            assert_eq!(guard.target(bad), Err(Refusal::Shape), "{bad}");
        }
        let only = Guard::new(&settings(true, &["127.0.0.1"]));
        assert!(only.target("http://127.0.0.1:9/").is_ok());
        assert_eq!(
            only.target("http://localhost:9/"),
            Err(Refusal::HostNotAllowed("localhost".into()))
        );
    }

    #[actix_web::test]
    async fn private_addresses_pass_only_when_allowed() {
        let strict = Guard::new(&settings(false, &[]));
        assert_eq!(
            strict.check("http://127.0.0.1:9/").await,
            Err(Refusal::Private("127.0.0.1".parse().unwrap()))
        );
        assert!(matches!(
            strict.check("http://localhost:9/").await,
            Err(Refusal::Private(_))
        ));
        let open = Guard::new(&settings(true, &[]));
        assert!(open.check("http://127.0.0.1:9/").await.is_ok());
        // Naming a host in the allow-list is trusting it: nothing else needed.
        let listed = Guard::new(&settings(false, &["127.0.0.1"]));
        assert!(listed.check("http://127.0.0.1:9/").await.is_ok());
        assert!(listed.precheck("http://127.0.0.1:9/").is_ok());
        assert!(matches!(
            listed.check("http://localhost:9/").await,
            Err(Refusal::HostNotAllowed(_))
        ));
    }
}
