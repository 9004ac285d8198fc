//! Item versions: the number of the last change the change log holds for an
//! item. An item's `ETag` is `"<version>-<hash of the bytes>"`, so a cache
//! revalidates on any difference while `If-Match` on `PATCH`/`DELETE`
//! compares only the version: an editor who read version 41 and saves
//! after someone else saved 42 gets `412 Precondition Failed` instead of
//! overwriting it silently (whatever `fields`, `include` or language they
//! read it with).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use super::cache::versioned_etag as etag;
use super::ApiError;

/// Sets the `ETag` of a write's answer, so the next write can send it.
pub fn tag(response: &mut HttpResponse, version: i64, item: &impl Serialize) {
    let bytes = serde_json::to_vec(item).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&etag(version, &bytes)) {
        response.headers_mut().insert(header::ETAG, value);
    }
}

/// What `If-Match` asks of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// No `If-Match`: write whatever the version.
    None,
    /// `If-Match: *`: the item must exist.
    Exists,
    /// The item must be at one of these versions.
    AtVersion(Vec<i64>),
}

impl Precondition {
    /// Reads `If-Match`. A tag bantin did not issue (a list's, a made-up
    /// one) names no version and so never matches. A weak tag (`W/`, which
    /// a compressing proxy may make of ours) counts for its version.
    pub fn of(req: &HttpRequest) -> Result<Precondition, ApiError> {
        let values: Vec<&str> = req
            .headers()
            .get_all(header::IF_MATCH)
            .map(|v| v.to_str().unwrap_or_default())
            .collect();
        Ok(Self::parse(&values))
    }

    /// [`Precondition::of`] for the header's values as text. Anything that
    /// names no version of ours (a list's tag, a made-up or garbled one)
    /// never matches: the write is refused with 412, as RFC 9110 has it
    /// for a tag that does not match.
    pub fn parse(values: &[&str]) -> Precondition {
        if values.is_empty() {
            return Precondition::None;
        }
        let tags: Vec<&str> = values.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
        if tags == ["*"] {
            return Precondition::Exists;
        }
        Precondition::AtVersion(tags.into_iter().filter_map(version_in).collect())
    }

    /// Refuses the write with 412 unless the item is at a version asked
    /// for; `current` reads its version (inside the write transaction, so
    /// nobody writes in between), and only when a version was asked for.
    pub fn holds(&self, current: impl FnOnce() -> Result<i64, ApiError>) -> Result<(), ApiError> {
        match self {
            Precondition::AtVersion(versions) if !versions.contains(&current()?) => Err(ApiError::PreconditionFailed),
            _ => Ok(()),
        }
    }
}

/// What the OpenAPI document says `If-Match` takes: `*`, or entity tags
/// as `ETag` gives them (anything else never matches).
pub const IF_MATCH_PATTERN: &str = r#"^ *(\*|(W/)?"[!#-+.-~-]*"( *, *(W/)?"[!#-+.-~-]*")*) *$"#;

/// The version an entity tag of ours carries (`"41-…"`, `W/"41-…"`).
fn version_in(tag: &str) -> Option<i64> {
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    let (version, hash) = inner.split_once('-')?;
    if hash.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    version.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_our_tags_only() {
        assert_eq!(version_in("\"41-abc\""), Some(41));
        assert_eq!(version_in("W/\"0-abc\""), Some(0));
        assert_eq!(version_in("\"abc\""), None);
        assert_eq!(version_in("41-abc"), None);
        assert_eq!(version_in("\"-1-abc\""), None);
        assert_eq!(version_in("\"41-\""), None);
        let tag = etag(7, b"{}");
        assert_eq!(version_in(&tag), Some(7));
        assert!(tag.starts_with("\"7-") && tag.ends_with('"') && tag.len() == 3 + 32 + 1);
        assert_eq!(Precondition::parse(&["*"]), Precondition::Exists);
        assert_eq!(Precondition::parse(&["0", "*, \"a\""]), Precondition::AtVersion(vec![]));
        assert_eq!(
            Precondition::parse(&["\"3-ab\", W/\"4-cd\""]),
            Precondition::AtVersion(vec![3, 4])
        );
        assert_eq!(Precondition::parse(&[]), Precondition::None);
    }
}
