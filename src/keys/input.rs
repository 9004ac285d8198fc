//! What admins send about keys.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{KeyChanges, KeyKind, Scope};
use crate::http::input::{check_declared, clean_text, finish};
use crate::http::{ApiError, FieldError, FieldIssue};

/// Most origins one content key may be used from.
const MAX_ORIGINS: usize = 20;

/// Most scopes one key's list may name: each scope once (the document's
/// `maxItems`, whatever the number of scopes).
pub const MAX_SCOPES: usize = Scope::ALL.len();

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    /// What it is for: "Cổng thông tin tỉnh", "Nightly import".
    #[schema(example = "Ứng dụng di động")]
    #[check(chars(min = 1, max = 100), not_blank)]
    pub name: String,
    pub kind: KeyKind,
    /// Integration keys only: what the key may do besides reading public content.
    pub scopes: Option<Vec<Scope>>,
    /// Content keys only: the web origins (`https://portal.example.vn`) whose
    /// pages may use the key; empty or absent: any. Requests without an
    /// `Origin` header (apps, servers) are not affected.
    #[schema(max_items = 20, example = json!(["https://honglinh.hatinh.gov.vn"]))]
    pub allowed_origins: Option<Vec<String>>,
    /// Default `BANTIN_KEY_REQUESTS_PER_MINUTE` (600).
    #[schema(minimum = 1, maximum = 1000000)]
    pub requests_per_minute: Option<i64>,
    /// When the key stops working; never by default.
    pub expires_at: Option<DateTime<FixedOffset>>,
}

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKey {
    #[check(chars(min = 1, max = 100), not_blank)]
    pub name: Option<String>,
    /// Integration keys only; replaces the list.
    pub scopes: Option<Vec<Scope>>,
    /// Content keys only; replaces the list.
    #[schema(max_items = 20)]
    pub allowed_origins: Option<Vec<String>>,
    #[schema(minimum = 1, maximum = 1000000)]
    pub requests_per_minute: Option<i64>,
    /// `null`: never expires.
    #[serde(default, deserialize_with = "crate::http::patch::nullable")]
    pub expires_at: Option<Option<DateTime<FixedOffset>>>,
}

/// A key to create, checked.
pub struct NewKeyInput {
    pub name: String,
    pub kind: KeyKind,
    pub scopes: String,
    pub allowed_origins: String,
    pub requests_per_minute: Option<i32>,
    pub expires_at: Option<NaiveDateTime>,
}

/// What the OpenAPI document says an origin is: exactly [`is_origin`].
pub const ORIGIN_PATTERN: &str = r"^https?://[a-z0-9.:\[\]-]+$";

/// `https://portal.example.vn` or `http://localhost:3000`: scheme, host and
/// port, lowercase, no path.
pub fn is_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && origin.len() <= 200
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.:[]".contains(&b))
}

/// A list only one kind of key has, of at most `most` items; `None` (and an
/// error) for a list sent to the other kind or too long.
fn kind_list<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    list: Option<Vec<T>>,
    allowed: bool,
    most: usize,
) -> Option<Vec<T>> {
    let list = list?;
    if !allowed && !list.is_empty() {
        errors.push(FieldError::new(field, FieldIssue::NotAllowed));
        return None;
    }
    if list.len() > most {
        errors.push(FieldError::new(
            field,
            FieldIssue::Length {
                min: 0,
                max: most as u64,
            },
        ));
        return None;
    }
    Some(list)
}

fn origins(errors: &mut Vec<FieldError>, list: Option<Vec<String>>, kind: KeyKind) -> Option<String> {
    let list = kind_list(errors, "allowed_origins", list, kind == KeyKind::Content, MAX_ORIGINS)?;
    for (i, origin) in list.iter().enumerate() {
        if !is_origin(origin) {
            errors.push(FieldError::new(format!("allowed_origins[{i}]"), FieldIssue::Format));
        }
    }
    Some(list.join(" "))
}

fn scopes(errors: &mut Vec<FieldError>, list: Option<Vec<Scope>>, kind: KeyKind) -> Option<String> {
    let mut list = kind_list(errors, "scopes", list, kind == KeyKind::Integration, MAX_SCOPES)?;
    list.sort_by_key(|s| s.as_str());
    list.dedup();
    Some(list.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
}

fn rate(errors: &mut Vec<FieldError>, value: Option<i64>) -> Option<i32> {
    let value = value?;
    if !(1..=1_000_000).contains(&value) {
        errors.push(FieldError::new(
            "requests_per_minute",
            FieldIssue::Range { min: 1, max: 1_000_000 },
        ));
        return None;
    }
    Some(value as i32)
}

fn expiry(
    errors: &mut Vec<FieldError>,
    at: Option<DateTime<FixedOffset>>,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    let at = at?;
    if !crate::clock::accepted(&at) {
        errors.push(FieldError::new("expires_at", FieldIssue::Format));
        return None;
    }
    let at = crate::clock::to_stored(at);
    if at <= now {
        errors.push(FieldError::new("expires_at", FieldIssue::InThePast));
    }
    Some(at)
}

impl CreateKey {
    pub fn parse(self, now: NaiveDateTime) -> Result<NewKeyInput, ApiError> {
        let mut errors = check_declared(&self, false);
        let name = clean_text(&self.name);
        let scopes = scopes(&mut errors, self.scopes, self.kind).unwrap_or_default();
        let allowed_origins = origins(&mut errors, self.allowed_origins, self.kind).unwrap_or_default();
        let requests_per_minute = rate(&mut errors, self.requests_per_minute);
        let expires_at = expiry(&mut errors, self.expires_at, now);
        finish(errors)?;
        Ok(NewKeyInput {
            name,
            kind: self.kind,
            scopes,
            allowed_origins,
            requests_per_minute,
            expires_at,
        })
    }
}

impl UpdateKey {
    /// The changes to a key of `kind`.
    pub fn parse(self, kind: KeyKind, now: NaiveDateTime) -> Result<KeyChanges, ApiError> {
        let mut errors = check_declared(&self, false);
        let name = self.name.as_deref().map(clean_text);
        let scopes = scopes(&mut errors, self.scopes, kind);
        let allowed_origins = origins(&mut errors, self.allowed_origins, kind);
        let requests_per_minute = rate(&mut errors, self.requests_per_minute);
        let expires_at = self.expires_at.map(|e| expiry(&mut errors, e, now));
        finish(errors)?;
        Ok(KeyChanges {
            name,
            scopes,
            allowed_origins,
            requests_per_minute,
            expires_at,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KeyListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert!(is_origin("https://honglinh.hatinh.gov.vn"));
        assert!(is_origin("http://localhost:3000"));
        assert!(!is_origin("https://portal.example.vn/path"));
        assert!(!is_origin("https://Portal.example.vn"));
        assert!(!is_origin("ftp://x"));
        assert!(!is_origin("https://"));
        assert!(!is_origin("*"));
    }
}
