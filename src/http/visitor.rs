//! Anonymous visitors: the `X-Visitor-Id` the visit beacon issues. An id is
//! 128 random bits and a MAC of them under a server key, so the server knows
//! the ids it issued without storing them, and a client cannot invent one
//! (to rate an article many times, say).

use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::ApiError;

const RANDOM_CHARS: usize = 22;
/// What an id this server issues looks like (22 random characters and a
/// 16-character MAC, URL-safe base64): the OpenAPI document's pattern.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{38}$";
const MAC_BYTES: usize = 12;

/// Signs and checks visitor ids.
pub struct VisitorIds {
    key: Vec<u8>,
}

impl VisitorIds {
    /// A key of its own, derived from the server secret.
    pub fn new(server_secret: &[u8]) -> VisitorIds {
        VisitorIds {
            key: hmac_sha256(server_secret, b"bantin visitor ids").to_vec(),
        }
    }

    fn mac(&self, random: &str) -> String {
        URL_SAFE_NO_PAD.encode(&hmac_sha256(&self.key, random.as_bytes())[..MAC_BYTES])
    }

    /// A new id, to give to a client on its first visit.
    pub fn issue(&self) -> String {
        let random = random_id();
        let mac = self.mac(&random);
        format!("{random}{mac}")
    }

    /// Whether this server issued `id`.
    pub fn is_issued(&self, id: &str) -> bool {
        if !id.is_ascii() || id.len() <= RANDOM_CHARS {
            return false;
        }
        let (random, mac) = id.split_at(RANDOM_CHARS);
        let expected = self.mac(random);
        // Constant time: the MAC must not be guessable byte by byte.
        expected.len() == mac.len() && expected.bytes().zip(mac.bytes()).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }

    /// The request's `X-Visitor-Id`: `None` when there is none, 400
    /// `visitor_invalid` when it is not one this server issued.
    pub fn of(&self, req: &HttpRequest) -> Result<Option<String>, ApiError> {
        let Some(raw) = req.headers().get("x-visitor-id") else {
            return Ok(None);
        };
        match raw.to_str().ok().map(str::trim).filter(|id| self.is_issued(id)) {
            Some(id) => Ok(Some(id.to_string())),
            None => Err(ApiError::VisitorInvalid),
        }
    }
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// 128 random bits, URL-safe base64 (22 characters): visitor and challenge ids.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_ids_pass() {
        let ids = VisitorIds::new(b"a server secret of some length....");
        let id = ids.issue();
        assert!(ids.is_issued(&id));
        assert!(regex::Regex::new(ID_PATTERN).unwrap().is_match(&id), "{id}");
        assert!(!VisitorIds::new(b"another secret").is_issued(&id));
        let mut forged = id.clone();
        forged.replace_range(0..1, if id.starts_with('A') { "B" } else { "A" });
        assert!(!ids.is_issued(&forged));
        for bad in ["", "VisitorAAAAAAAAAAAAAAA", "ữữữữữữữữữữữữữữữữữữữữữữữữ", &id[..30]]
        {
            assert!(!ids.is_issued(bad), "{bad}");
        }
    }
}
