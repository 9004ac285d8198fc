//! Who is calling: the client address, trusting `X-Forwarded-For` only when
//! the direct peer is a configured proxy (otherwise anyone could spoof it).

use std::net::IpAddr;

use actix_web::HttpRequest;

/// `BANTIN_TRUSTED_PROXIES`, as app data for what has no `AppState` at
/// hand (the request log's span).
#[derive(Debug, Clone)]
pub struct TrustedProxies(pub Vec<IpAddr>);

/// A client's rate-limit and identity key: its address as text.
pub fn client_key(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> String {
    client_ip(req, trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    // Walk the chain from the nearest hop outwards; the first address that is
    // not one of our proxies is the client.
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted_proxies.contains(ip))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::client_ip;

    fn request(peer: &str, forwarded: Option<&str>) -> actix_web::HttpRequest {
        let mut req = TestRequest::default().peer_addr(peer.parse().unwrap());
        if let Some(value) = forwarded {
            req = req.insert_header(("X-Forwarded-For", value));
        }
        req.to_http_request()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy = "10.0.0.2".parse().unwrap();
        let trusted = [proxy];
        // From an untrusted peer the header is ignored: anyone could send it.
        assert_eq!(
            client_ip(&request("203.0.113.9:4000", Some("1.2.3.4")), &trusted),
            Some("203.0.113.9".parse().unwrap())
        );
        // From our proxy, the nearest address that is not a proxy is the client.
        assert_eq!(
            client_ip(&request("10.0.0.2:4000", Some("1.2.3.4, 198.51.100.7")), &trusted),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(
            client_ip(&request("10.0.0.2:4000", Some("1.2.3.4, 10.0.0.2")), &trusted),
            Some("1.2.3.4".parse().unwrap())
        );
        // A proxy that sent no header: the proxy is all we know.
        assert_eq!(client_ip(&request("10.0.0.2:4000", None), &trusted), Some(proxy));
        assert_eq!(
            client_ip(&request("10.0.0.2:4000", Some("garbage")), &trusted),
            Some(proxy)
        );
    }
}
