//! What the API answers about keys: never the secret, except once.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{ApiKey, KeyKind, Scope};
use crate::clock::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageDay {
    /// A day in UTC.
    pub day: NaiveDate,
    pub requests: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "name": "Ứng dụng di động", "kind": "content", "prefix": "bantin_ck_3f9a2c",
    "scopes": [], "allowed_origins": [], "requests_per_minute": 600, "expires_at": null, "revoked_at": null,
    "active": true, "created_by": 1, "created_at": "2026-11-30T08:00:00Z", "last_used_at": null}))]
pub struct KeyView {
    pub id: i64,
    pub name: String,
    pub kind: KeyKind,
    /// The first characters of the secret, to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub allowed_origins: Vec<String>,
    pub requests_per_minute: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Not revoked and not expired.
    pub active: bool,
    /// The admin who created it.
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Updated every few seconds, not on each request.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Requests per day over the last 30 days (on `GET /keys/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub usage: Option<Vec<UsageDay>>,
    /// The secret: in the answer to its creation only. Keep it; it cannot be shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<String>,
}

impl KeyView {
    pub fn of(key: ApiKey, now: NaiveDateTime) -> KeyView {
        KeyView {
            active: key.is_active(now),
            kind: key.kind(),
            scopes: key.scopes(),
            allowed_origins: key.allowed_origins(),
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            requests_per_minute: key.requests_per_minute,
            expires_at: key.expires_at.map(utc),
            revoked_at: key.revoked_at.map(utc),
            created_by: key.created_by,
            created_at: utc(key.created_at),
            last_used_at: key.last_used_at.map(utc),
            usage: None,
            secret: None,
        }
    }
}
