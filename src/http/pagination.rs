//! Keyset (cursor) pagination: one cursor format and one page shape for
//! every list. Page 10,000 costs what page 1 costs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ParamIssue};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The position after the last item of a page: the sort it belongs to, the
/// sort key of that item (as text) and its id as the tie-breaker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "s")]
    pub sort: String,
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("cursor serializes"))
    }

    /// Decodes a cursor made for `sort`; any other is a 400.
    pub fn decode(raw: &str, sort: &str) -> Result<Cursor, ApiError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(raw.trim_end_matches('='))
            .map_err(|_| ApiError::InvalidCursor)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| ApiError::InvalidCursor)?;
        // No stored key holds NUL, and PostgreSQL refuses to compare with one.
        if cursor.sort != sort || cursor.key.as_deref().is_some_and(|k| k.contains('\0')) {
            return Err(ApiError::InvalidCursor);
        }
        Ok(cursor)
    }
}

/// How a time is written in a cursor key (UTC, whole seconds).
const TIME_KEY: &str = "%Y-%m-%d %H:%M:%S";

/// A time as a cursor key.
pub fn time_key(at: chrono::NaiveDateTime) -> String {
    at.format(TIME_KEY).to_string()
}

/// The time a cursor key holds: an invalid cursor unless it is one bantin
/// wrote, in the years it accepts.
pub fn parse_time_key(key: &str) -> Result<chrono::NaiveDateTime, ApiError> {
    chrono::NaiveDateTime::parse_from_str(key, TIME_KEY)
        .ok()
        .filter(|at| crate::clock::supported(*at))
        .ok_or(ApiError::InvalidCursor)
}

/// `?limit=`: absent means the default; anything but an integer in range is a 400.
pub fn page_limit(raw: Option<&str>) -> Result<i64, ApiError> {
    let limit = raw.map(|r| r.trim().parse::<i64>().unwrap_or(-1));
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid_parameter(
            "limit",
            ParamIssue::Range { min: 1, max: MAX_LIMIT },
        )),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// Pass as `?cursor=` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    pub limit: i64,
    /// Number of matching items, where counting them is cheap.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub total: Option<i64>,
}

/// A list response: `{"data": [...], "meta": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub data: Vec<T>,
    pub meta: PageMeta,
}

/// A page of a list in id order (the order of admin lists and queues):
/// what its `limit` and `cursor` ask for.
#[derive(Debug, Clone, Copy)]
pub struct ById {
    pub limit: i64,
    /// The id the page starts after.
    pub after: Option<i64>,
    sort: &'static str,
}

impl ById {
    /// Reads `limit` and `cursor`; a cursor of another list (another `sort`) is a 400.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>, sort: &'static str) -> Result<ById, ApiError> {
        let limit = page_limit(limit)?;
        let after = cursor.map(|c| Cursor::decode(c, sort)).transpose()?.map(|c| c.id);
        Ok(ById { limit, after, sort })
    }

    /// The page of `rows`, fetched with one more than `limit`.
    pub fn page<T>(&self, rows: Vec<T>, id: impl Fn(&T) -> i64) -> Paged<T> {
        Paged::from_rows(rows, self.limit, |row| Cursor {
            sort: self.sort.into(),
            key: None,
            id: id(row),
        })
    }
}

impl<T> Paged<T> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra
    /// row only tells that there is a next page.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> Cursor) -> Paged<T> {
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|r| cursor_of(r).encode())
        } else {
            None
        };
        Paged {
            data: rows,
            meta: PageMeta {
                next_cursor,
                limit,
                total: None,
            },
        }
    }

    /// A whole list in one answer (a menu's tree): no next page, its size
    /// as the limit and the total.
    pub fn whole(data: Vec<T>, size: usize) -> Paged<T> {
        let size = size as i64;
        Paged {
            data,
            meta: PageMeta {
                next_cursor: None,
                limit: size,
                total: Some(size),
            },
        }
    }

    pub fn with_total(mut self, total: i64) -> Self {
        self.meta.total = Some(total);
        self
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            data: self.data.into_iter().map(f).collect(),
            meta: self.meta,
        }
    }
}

/// Pages a small, fully loaded collection (the leadership directory) that is
/// already sorted by `key` (an integer rank, then the id). The cursor holds
/// the last key, so pages stay stable while items are added.
pub fn page_sorted<T>(
    items: Vec<T>,
    sort: &str,
    limit: i64,
    cursor: Option<&str>,
    key: impl Fn(&T) -> (i64, i64),
) -> Result<Paged<T>, ApiError> {
    let after = match cursor {
        None => None,
        Some(raw) => {
            let c = Cursor::decode(raw, sort)?;
            let rank = c
                .key
                .as_deref()
                .and_then(|k| k.parse::<i64>().ok())
                .ok_or(ApiError::InvalidCursor)?;
            Some((rank, c.id))
        }
    };
    let total = items.len() as i64;
    let rows: Vec<T> = items
        .into_iter()
        .filter(|item| after.is_none_or(|a| key(item) > a))
        .take(limit as usize + 1)
        .collect();
    Ok(Paged::from_rows(rows, limit, |item| {
        let (rank, id) = key(item);
        Cursor {
            sort: sort.into(),
            key: Some(rank.to_string()),
            id,
        }
    })
    .with_total(total))
}

const RELEVANCE: &str = "relevance";

/// The offset a relevance cursor holds (search results page by offset: a
/// relevance order has no stable key to seek by). At most `max`.
pub fn relevance_offset(cursor: Option<&str>, max: i64) -> Result<i64, ApiError> {
    match cursor {
        None => Ok(0),
        Some(raw) => {
            let c = Cursor::decode(raw, RELEVANCE)?;
            c.key
                .and_then(|k| k.parse::<i64>().ok())
                .filter(|o| (0..=max).contains(o))
                .ok_or(ApiError::InvalidCursor)
        }
    }
}

/// Pages relevance-ordered items (fetched `limit + 1` from `offset`).
pub fn relevance_page<T>(items: Vec<T>, offset: i64, limit: i64) -> Paged<T> {
    // The next page starts where this one ends: the cursor holds that offset.
    Paged::from_rows(items, limit, |_| Cursor {
        sort: RELEVANCE.into(),
        key: Some((offset + limit).to_string()),
        id: 0,
    })
}

/// Where the API is reached from outside (`BANTIN_PUBLIC_URL`), for the
/// absolute URLs bantin writes: never taken from `Host` or `X-Forwarded-*`,
/// which a client can set and a shared cache would keep.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

/// The `Link: <…>; rel="next"` value for a page, keeping every other query
/// parameter of the request.
/// The key a request was made with, as sent in `?key=`: the gate takes it
/// out of the query string, and the response cache puts it back into the
/// next page's link (after storing the answer without it).
#[derive(Debug, Clone)]
pub struct QueryKey(pub String);

pub fn next_link(req: &actix_web::HttpRequest, next_cursor: &str) -> String {
    let base = req
        .app_data::<PublicUrl>()
        .map(|u| u.0.trim_end_matches('/'))
        .unwrap_or("http://localhost");
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "cursor")
        .collect();
    pairs.push(("cursor".into(), next_cursor.into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("<{base}{}?{query}>; rel=\"next\"", req.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_sorts() {
        let c = Cursor {
            sort: "-published_at".into(),
            key: Some("2022-07-19 08:00:00".into()),
            id: 42,
        };
        let raw = c.encode();
        assert_eq!(Cursor::decode(&raw, "-published_at").unwrap(), c);
        assert!(Cursor::decode(&raw, "title").is_err());
        assert!(Cursor::decode("not a cursor", "title").is_err());
        assert!(Cursor::decode("", "title").is_err());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(page_limit(None).unwrap(), 20);
        assert_eq!(page_limit(Some("100")).unwrap(), 100);
        assert!(page_limit(Some("0")).is_err());
        assert!(page_limit(Some("101")).is_err());
        assert!(page_limit(Some("abc")).is_err());
        assert!(page_limit(Some("")).is_err());
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let page = Paged::from_rows(vec![1, 2, 3], 2, |n| Cursor {
            sort: "id".into(),
            key: None,
            id: *n,
        });
        assert_eq!(page.data, vec![1, 2]);
        let next = Cursor::decode(page.meta.next_cursor.as_deref().unwrap(), "id").unwrap();
        assert_eq!(next.id, 2);
        let last = Paged::from_rows(vec![1, 2], 2, |n| Cursor {
            sort: "id".into(),
            key: None,
            id: *n,
        });
        assert!(last.meta.next_cursor.is_none());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Any text as a cursor is a clean 400 or a cursor, never a panic.
        #[test]
        fn any_cursor_text_is_an_answer(raw in "\\PC{0,80}", sort in "-?[a-z_]{1,12}") {
            match Cursor::decode(&raw, &sort) {
                Ok(cursor) => prop_assert_eq!(cursor.sort, sort),
                Err(e) => prop_assert_eq!(e, ApiError::InvalidCursor),
            }
            let _ = relevance_offset(Some(&raw), 1000);
            let _ = page_limit(Some(&raw));
        }

        /// What bantin writes, it reads back.
        #[test]
        fn cursors_round_trip(sort in "\\PC{0,20}", key in proptest::option::of("\\PC{0,40}"), id in any::<i64>()) {
            let cursor = Cursor { sort: sort.clone(), key, id };
            if cursor.key.as_deref().is_some_and(|k| k.contains('\0')) {
                return Ok(());
            }
            prop_assert_eq!(Cursor::decode(&cursor.encode(), &sort).unwrap(), cursor);
        }
    }
}

/// The query string of a small list kept in editors' order (link groups,
/// playlists): a page of it, in a language.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderedListQuery {
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<crate::http::lang::LangParam>,
    /// Only items changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub updated_since: Option<String>,
}
