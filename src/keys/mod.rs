//! API keys: content keys for apps and portals that embed public content,
//! integration keys with scopes for scripts. A key's secret is shown once,
//! when it is created; only its SHA-256 is stored (a secret of 192 random
//! bits needs no slow hash). Secrets start with `bantin_ck_` or
//! `bantin_ik_`, so a leaked one is recognisable (secret scanners) and a
//! bearer token is told from a key without a lookup.

pub mod api;
pub mod input;
pub mod model;
pub mod ring;
pub mod store;
pub mod views;

use rand::RngCore;
use sha2::{Digest, Sha256};

use model::KeyKind;

pub const CONTENT_PREFIX: &str = "bantin_ck_";
pub const INTEGRATION_PREFIX: &str = "bantin_ik_";

/// Whether a credential is a key (rather than an access token).
pub fn looks_like_key(credential: &str) -> bool {
    credential.starts_with(CONTENT_PREFIX) || credential.starts_with(INTEGRATION_PREFIX)
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new secret for a key of `kind`: (secret, the prefix shown in lists, hash).
pub fn generate(kind: KeyKind) -> (String, String, String) {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let start = match kind {
        KeyKind::Content => CONTENT_PREFIX,
        KeyKind::Integration => INTEGRATION_PREFIX,
    };
    let secret = format!("{start}{}", hex::encode(bytes));
    let shown = secret[..start.len() + 6].to_string();
    let hashed = hash(&secret);
    (secret, shown, hashed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognisable_and_only_their_hash_is_kept() {
        let (secret, shown, hashed) = generate(KeyKind::Integration);
        assert!(looks_like_key(&secret) && secret.starts_with(INTEGRATION_PREFIX));
        assert_eq!(secret.len(), INTEGRATION_PREFIX.len() + 48);
        assert!(secret.starts_with(&shown) && shown.len() < secret.len() / 2);
        assert_eq!(hashed, hash(&secret));
        assert!(!hashed.contains(&secret[INTEGRATION_PREFIX.len()..]));
        assert_ne!(generate(KeyKind::Content).0, generate(KeyKind::Content).0);
        assert!(!looks_like_key("eyJhbGciOiJIUzI1NiJ9.e30.x"));
    }
}
