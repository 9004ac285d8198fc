//! Anonymous visitors: the opaque `X-Visitor-Id` the visit beacon issues,
//! or, without one, a hash of the client address and user agent.

use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A well-formed `X-Visitor-Id`, if the request carries one.
pub fn visitor_id(req: &HttpRequest) -> Option<String> {
    let raw = req.headers().get("x-visitor-id")?.to_str().ok()?.trim();
    let valid =
        (16..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| raw.to_string())
}

pub fn new_visitor_id() -> String {
    random_id()
}

/// 128 random bits, URL-safe base64 (22 characters): visitor and challenge ids.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Who a rating or visit belongs to: the visitor id, or a hash of where the
/// request comes from (client address and user agent), never the address itself.
pub fn visitor_key(req: &HttpRequest, trusted_proxies: &[std::net::IpAddr]) -> String {
    if let Some(id) = visitor_id(req) {
        return format!("v:{id}");
    }
    let ip = super::client::client_key(req, trusted_proxies);
    let agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    format!(
        "h:{}",
        &hex::encode(Sha256::digest(format!("{ip}\u{0}{agent}").as_bytes()))[..32]
    )
}
