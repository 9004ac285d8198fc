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

/// A position in the change log, as clients keep it: the epoch of the log
/// (see [`super::store::epoch`]) and a change number, opaque, so that it
/// can carry more one day without breaking them.
pub fn token(epoch: i64, seq: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c2:{epoch}:{seq}"))
}

/// The longest token this server writes (and so accepts).
pub const MAX_TOKEN_CHARS: usize = 64;

/// The pattern every token matches (URL-safe base64 without padding): the
/// OpenAPI document states it, so generators make well-formed ones.
pub const TOKEN_PATTERN: &str = "^[A-Za-z0-9_-]{4,64}$";

/// The epoch and position a token names. Tokens of the first format
/// (`c1:`, before epochs) belong to epoch 0, the log's epoch until its
/// first restore or import.
pub fn position(token: &str) -> Option<(i64, i64)> {
    if token.len() > MAX_TOKEN_CHARS {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (epoch, seq) = match text.strip_prefix("c1:") {
        Some(seq) => (0, seq.parse().ok()?),
        None => {
            let (epoch, seq) = text.strip_prefix("c2:")?.split_once(':')?;
            (epoch.parse().ok()?, seq.parse().ok()?)
        }
    };
    (seq >= 0 && epoch >= 0).then_some((epoch, seq))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// `meta.next` of the previous page, or a token from `GET /changes/token`.
    /// Without it, the log is read from the oldest change it keeps.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]{4,64}$")]
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
    /// The epoch and position of the token sent.
    pub since: Option<(i64, i64)>,
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
        let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        for (epoch, seq) in [(0, 0), (1, 1), (2_000_000_000, 41), (i64::MAX, i64::MAX)] {
            let t = token(epoch, seq);
            assert_eq!(position(&t), Some((epoch, seq)));
            assert!(regex_lite_matches(&t), "{t}");
        }
        // Tokens from before epochs belong to the first one.
        assert_eq!(position(&encode("c1:41")), Some((0, 41)));
        assert_eq!(position(""), None);
        assert_eq!(position("41"), None);
        assert_eq!(position(&encode("c1:-5")), None);
        assert_eq!(position(&encode("c2:5")), None);
        assert_eq!(position(&encode("c2:-1:5")), None);
        assert_eq!(position(&encode("c3:1:5")), None);
    }

    /// What [`TOKEN_PATTERN`] says, by hand.
    fn regex_lite_matches(t: &str) -> bool {
        (4..=MAX_TOKEN_CHARS).contains(&t.len())
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }
}
