//! Short-lived JWT access tokens (HS256) and opaque refresh tokens, which are
//! stored only as SHA-256 hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::NaiveDateTime;
use jsonwebtoken::{decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::http::ApiError;

pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
pub const REFRESH_TOKEN_DAYS: i64 = 30;
const ISSUER: &str = "bantin";

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string per RFC 7519.
    pub sub: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// The user's session version when the token was issued.
    pub ver: i32,
    /// The sign-in (session) the token belongs to.
    pub sid: String,
}

/// Who an access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bearer {
    pub user_id: i64,
    pub version: i32,
    pub session: String,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(&self, bearer: &Bearer, now: NaiveDateTime) -> Result<String, ApiError> {
        let iat = now.and_utc().timestamp();
        let claims = Claims {
            sub: bearer.user_id.to_string(),
            iss: ISSUER.into(),
            iat,
            exp: iat + ACCESS_TOKEN_SECONDS,
            ver: bearer.version,
            sid: bearer.session.clone(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "signing an access token failed");
            ApiError::Internal
        })
    }

    /// Who a valid token speaks for. Only HS256 is accepted (so `alg: none`
    /// and key-confusion tricks fail); expiry is checked without leeway
    /// against the real clock. Whether the session still stands is the
    /// caller's to check.
    pub fn verify(&self, token: &str) -> Result<Bearer, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        let data = decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => ApiError::TokenExpired,
            _ => ApiError::Unauthorized,
        })?;
        Ok(Bearer {
            user_id: data.claims.sub.parse().map_err(|_| ApiError::Unauthorized)?,
            version: data.claims.ver,
            session: data.claims.sid,
        })
    }
}

/// A new session id (a random 128-bit value).
pub fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new opaque refresh token and the hash to store for it.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_tokens_signed_with_another_key_or_none() {
        let now = chrono::Utc::now().naive_utc();
        let keys = JwtKeys::new(&[1u8; 32]);
        let other = JwtKeys::new(&[2u8; 32]);
        let bearer = Bearer {
            user_id: 7,
            version: 3,
            session: "s".into(),
        };
        let token = keys.issue(&bearer, now).unwrap();
        assert_eq!(keys.verify(&token).unwrap(), bearer);
        assert_eq!(other.verify(&token), Err(ApiError::Unauthorized));

        let payload = token.split('.').nth(1).unwrap();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            keys.verify(&format!("{none_header}.{payload}.")),
            Err(ApiError::Unauthorized)
        );
        assert_eq!(keys.verify("garbage"), Err(ApiError::Unauthorized));

        let old = keys.issue(&bearer, now - chrono::Duration::hours(1)).unwrap();
        assert_eq!(keys.verify(&old), Err(ApiError::TokenExpired));
    }
}
