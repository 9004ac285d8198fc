//! What the API answers about webhooks: the secret only once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Delivery, DeliveryState, Webhook};
use crate::clock::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    /// `false` once switched off, by an admin or by bantin (see `disabled_reason`).
    pub active: bool,
    /// Why bantin stopped sending: "the receiver answered 410 Gone", "50
    /// failed deliveries in a row", or "switched off by an admin".
    pub disabled_reason: Option<String>,
    /// Failed attempts in a row (50 disable the hook).
    pub failures: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The signing secret: in the answer to the creation only, when bantin made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<String>,
}

impl From<Webhook> for WebhookView {
    fn from(h: Webhook) -> Self {
        WebhookView {
            events: h.patterns().into_iter().map(str::to_string).collect(),
            id: h.id,
            name: h.name,
            url: h.url,
            active: h.active,
            disabled_reason: h.disabled_reason,
            failures: h.failures,
            created_by: h.created_by,
            created_at: utc(h.created_at),
            updated_at: utc(h.updated_at),
            secret: None,
        }
    }
}

/// One delivery and its last attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Sent as `Bantin-Delivery`, the same on every attempt.
    pub id: i64,
    pub event: String,
    /// The change it tells of (none for a ping).
    pub seq: Option<i64>,
    #[serde(rename = "type")]
    pub kind: String,
    pub resource_id: i64,
    pub state: DeliveryState,
    pub attempts: i32,
    /// When it is tried again, while `pending`.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status on the last attempt, if it answered.
    pub last_status: Option<i32>,
    pub last_duration_ms: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        let state = DeliveryState::parse(&d.state).unwrap_or(DeliveryState::Pending);
        DeliveryView {
            next_attempt_at: (state == DeliveryState::Pending).then(|| utc(d.next_attempt_at)),
            state,
            id: d.id,
            event: d.event,
            seq: d.seq,
            kind: d.kind,
            resource_id: d.resource_id,
            attempts: d.attempts,
            last_attempt_at: d.last_attempt_at.map(utc),
            last_status: d.last_status,
            last_duration_ms: d.last_duration_ms,
            last_error: d.last_error,
            created_at: utc(d.created_at),
        }
    }
}
