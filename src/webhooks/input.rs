//! What admins send about webhooks.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::guard::{Guard, Refusal};
use super::model::is_pattern;
use crate::http::error::AddressRefusal;
use crate::http::input::{check_declared, clean_text, finish};
use crate::http::{ApiError, FieldError, FieldIssue};

const MAX_EVENTS: usize = 50;

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Cổng tỉnh", "url": "https://portal.example.vn/hooks/bantin",
    "events": ["article.published", "article.updated", "article.unpublished", "article.deleted"]}))]
pub struct CreateWebhook {
    #[check(chars(min = 1, max = 100), not_blank)]
    pub name: String,
    /// `http(s)://` where deliveries are posted.
    #[schema(pattern = r#"^https?://[^/\s\x00"'<>\\`][^\s\x00"'<>\\`]*$"#)]
    #[check(chars(min = 1, max = 2000))]
    pub url: String,
    /// What to be told of: `article.published`, `article.*`, `*`, …
    #[schema(min_items = 1, max_items = 50)]
    pub events: Vec<String>,
    /// The key of the signatures (16–200 visible ASCII characters); one is
    /// made when absent and shown once, in the answer.
    #[check(chars(min = 16, max = 200), visible_ascii)]
    pub secret: Option<String>,
    /// Default `true`.
    pub active: Option<bool>,
}

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    #[check(chars(min = 1, max = 100), not_blank)]
    pub name: Option<String>,
    #[schema(pattern = r#"^https?://[^/\s\x00"'<>\\`][^\s\x00"'<>\\`]*$"#)]
    #[check(chars(min = 1, max = 2000))]
    pub url: Option<String>,
    #[schema(min_items = 1, max_items = 50)]
    pub events: Option<Vec<String>>,
    /// A new key for the signatures.
    #[check(chars(min = 16, max = 200), visible_ascii)]
    pub secret: Option<String>,
    /// `false` switches the hook off (what it still owed is dropped);
    /// `true` switches it back on, from now.
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn check_events(errors: &mut Vec<FieldError>, events: &[String]) -> String {
    if events.is_empty() || events.len() > MAX_EVENTS {
        errors.push(FieldError::new(
            "events",
            FieldIssue::Length {
                min: 1,
                max: MAX_EVENTS as u64,
            },
        ));
    }
    for (i, event) in events.iter().enumerate() {
        if !is_pattern(event) {
            errors.push(FieldError::new(format!("events[{i}]"), FieldIssue::Format));
        }
    }
    let mut events = events.to_vec();
    events.dedup();
    events.join(" ")
}

/// Checks a URL as the guard sees it (its addresses too: this resolves).
pub async fn check_url(guard: &Guard, url: &str) -> Result<(), ApiError> {
    match guard.check(url).await {
        Ok(()) => Ok(()),
        Err(Refusal::Shape) => Err(ApiError::validation("url", FieldIssue::Url)),
        Err(Refusal::HostNotAllowed(_)) => Err(ApiError::validation(
            "url",
            FieldIssue::AddressRefused(AddressRefusal::HostNotListed),
        )),
        Err(Refusal::Private(_)) => Err(ApiError::validation(
            "url",
            FieldIssue::AddressRefused(AddressRefusal::Private),
        )),
        Err(Refusal::Unresolvable(_)) => Err(ApiError::validation(
            "url",
            FieldIssue::AddressRefused(AddressRefusal::Unresolvable),
        )),
    }
}

/// A hook to create, checked (but for its address: see [`check_url`]).
pub struct HookInput {
    pub name: String,
    pub url: String,
    pub events: String,
    pub secret: Option<String>,
    pub active: bool,
}

impl CreateWebhook {
    pub fn parse(self) -> Result<HookInput, ApiError> {
        let mut errors = check_declared(&self, false);
        let name = clean_text(&self.name);
        let events = check_events(&mut errors, &self.events);
        finish(errors)?;
        Ok(HookInput {
            name,
            url: self.url,
            events,
            secret: self.secret,
            active: self.active.unwrap_or(true),
        })
    }
}

impl UpdateWebhook {
    pub fn parse(self) -> Result<super::model::WebhookChanges, ApiError> {
        let mut errors = check_declared(&self, false);
        let name = self.name.as_deref().map(clean_text);
        let events = self.events.map(|e| check_events(&mut errors, &e));
        finish(errors)?;
        Ok(super::model::WebhookChanges {
            name,
            url: self.url,
            events,
            secret: self.secret,
            active: self.active,
            updated_at: None,
        })
    }
}
