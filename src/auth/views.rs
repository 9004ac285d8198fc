//! What signing in answers.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9…",
    "refresh_token": "q0kM5p…",
    "token_type": "Bearer",
    "expires_in": 900
}))]
pub struct TokenPair {
    /// JWT to send as `Authorization: Bearer …`; valid for `expires_in` seconds.
    pub access_token: String,
    /// Opaque, single-use token for `/auth/refresh`; valid for 30 days.
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}
