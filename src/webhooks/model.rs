//! Webhooks and their deliveries, as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::changes::{Event, Kind};
use crate::db::schema::{webhook_deliveries, webhooks};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub failures: i32,
    pub cursor: i64,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Webhook {
    pub fn patterns(&self) -> Vec<&str> {
        self.events.split_whitespace().collect()
    }

    /// Whether the hook asked to hear of `event` (`article.published`).
    pub fn wants(&self, event: &str) -> bool {
        self.patterns().into_iter().any(|p| matches(p, event))
    }
}

/// Whether a pattern (`*`, `article.*`, `article.published`) covers an event.
pub fn matches(pattern: &str, event: &str) -> bool {
    match pattern.strip_suffix(".*") {
        _ if pattern == "*" => true,
        Some(kind) => event.split_once('.').is_some_and(|(k, _)| k == kind),
        None => pattern == event,
    }
}

/// Whether bantin can ever send `pattern`: `*`, `<kind>.*`, or an event of a kind.
pub fn is_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((kind, verb)) = pattern.split_once('.') else {
        return false;
    };
    let Some(kind) = Kind::from_singular(kind) else {
        return false;
    };
    verb == "*" || kind.events().iter().any(|e| e.as_str() == verb)
}

/// Every event name a hook may ask for, for the documentation.
pub fn all_events() -> Vec<String> {
    Kind::ALL
        .iter()
        .filter_map(|k| Kind::parse(k))
        .flat_map(|k| {
            k.events()
                .into_iter()
                .map(move |e: Event| format!("{}.{}", k.singular(), e.as_str()))
        })
        .collect()
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhook {
    pub name: String,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub failures: i32,
    pub cursor: i64,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to a hook; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    pub name: Option<String>,
    pub url: Option<String>,
    pub events: Option<String>,
    pub secret: Option<String>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

crate::text_enum! {
    /// Where a delivery stands.
    pub enum DeliveryState {
        /// Not yet received: sent again later.
        Pending = "pending",
        Delivered = "delivered",
        /// Given up (24 hours of retries, or the receiver answered 410).
        Failed = "failed",
        /// Its hook was disabled before it could be sent.
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub seq: Option<i64>,
    pub kind: String,
    pub resource_id: i64,
    pub data: String,
    pub occurred_at: NaiveDateTime,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_duration_ms: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Delivery {
    /// The body sent, the same on every attempt: the signature covers it.
    pub fn body(&self) -> String {
        let occurred_at = crate::clock::utc(self.occurred_at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let data: serde_json::Value = serde_json::from_str(&self.data).unwrap_or(serde_json::Value::Null);
        serde_json::json!({
            "id": self.id,
            "event": self.event,
            "seq": self.seq,
            "occurred_at": occurred_at,
            "data": data,
        })
        .to_string()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewDelivery {
    pub webhook_id: i64,
    pub event: String,
    pub seq: Option<i64>,
    pub kind: String,
    pub resource_id: i64,
    pub data: String,
    pub occurred_at: NaiveDateTime,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    pub duration_ms: i32,
    /// Why it failed, when it did (a timeout, a refused address, …).
    pub error: Option<String>,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The receiver says the hook is gone for good.
    pub fn gone(&self) -> bool {
        self.status == Some(410)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_cover_what_they_name() {
        assert!(matches("*", "article.published"));
        assert!(matches("article.*", "article.deleted"));
        assert!(!matches("article.*", "event.deleted"));
        assert!(matches("comment.approved", "comment.approved"));
        assert!(!matches("comment.approved", "comment.removed"));
        assert!(is_pattern("official.*") && is_pattern("comment.approved") && is_pattern("*"));
        assert!(!is_pattern("article.approved") && !is_pattern("articles.*") && !is_pattern("article"));
        assert!(all_events().contains(&"article.unpublished".to_string()));
        assert!(all_events().contains(&"tag.created".to_string()));
    }
}
