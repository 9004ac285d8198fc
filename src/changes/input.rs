//! What a sync client asks `/changes` for, and the tokens it keeps.

use base64::Engine;
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::Kind;
use crate::http::error::ParamIssue;
use crate::http::ApiError;

/// Changes a page holds by default and at most.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 500;

/// A position in the change log, as clients keep it: opaque, so that it
/// can carry more one day without breaking them.
pub fn token(seq: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c1:{seq}"))
}

/// The position a token names.
pub fn position(token: &str) -> Option<i64> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let seq: i64 = text.strip_prefix("c1:")?.parse().ok()?;
    (seq >= 0 && token.len() <= 40).then_some(seq)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// `meta.next` of the previous page, or a token from `GET /changes/token`.
    /// Without it, the log is read from the oldest change it keeps.
    #[param(max_length = 40)]
    pub since: Option<String>,
    /// Only these kinds, comma-separated (`articles,events`).
    pub types: Option<String>,
    /// 1–500, default 100.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// `false` leaves out each item's `data` (ids and slugs only).
    #[param(value_type = Option<bool>)]
    pub expand: Option<String>,
    /// `actor` (admins): who made each change, and every change rather than
    /// only the last of each item — the audit trail.
    pub include: Option<String>,
}

/// A `/changes` request, checked.
pub struct Asked {
    pub since: Option<i64>,
    pub kinds: Vec<Kind>,
    pub limit: i64,
    pub expand: bool,
    pub actor: bool,
}

impl ChangesQuery {
    pub fn parse(&self) -> Result<Asked, ApiError> {
        let since = self
            .since
            .as_deref()
            .map(|t| {
                position(t).ok_or_else(|| {
                    ApiError::invalid_parameter("since", ParamIssue::Malformed("a token from /changes".into()))
                })
            })
            .transpose()?;
        let mut kinds = Vec::new();
        for name in crate::http::params::include(self.types.as_deref(), Kind::ALL).map_err(|_| {
            ApiError::invalid_parameter(
                "types",
                ParamIssue::OneOf(Kind::ALL.iter().map(|k| k.to_string()).collect()),
            )
        })? {
            kinds.extend(Kind::parse(name));
        }
        if self.types.is_some() && kinds.is_empty() {
            return Err(ApiError::invalid_parameter("types", ParamIssue::Empty));
        }
        let limit = match self.limit.as_deref() {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| ApiError::invalid_parameter("limit", ParamIssue::Range { min: 1, max: MAX_LIMIT }))?,
        };
        let expand = match self.expand.as_deref() {
            None | Some("true") => true,
            Some("false") => false,
            Some(_) => {
                return Err(ApiError::invalid_parameter(
                    "expand",
                    ParamIssue::OneOf(vec!["true".into(), "false".into()]),
                ))
            }
        };
        let actor = !crate::http::params::include(self.include.as_deref(), &["actor"])?.is_empty();
        Ok(Asked {
            since,
            kinds,
            limit,
            expand,
            actor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_nothing_else_is_one() {
        for seq in [0, 1, 41, i64::MAX] {
            assert_eq!(position(&token(seq)), Some(seq));
        }
        assert_eq!(position(""), None);
        assert_eq!(position("41"), None);
        assert_eq!(
            position(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("c1:-5")),
            None
        );
        assert_eq!(
            position(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("c2:5")),
            None
        );
    }
}
