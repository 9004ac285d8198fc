//! What a list of articles can be asked for, independent of HTTP: sort
//! orders, filters and the keyset position. Parsed once in `api`, executed
//! by `store::list`.

use chrono::NaiveDateTime;

use super::model::{ArticleRow, Status};
use crate::http::error::ParamIssue;
use crate::http::extract::IdOrSlug;
use crate::http::pagination::{parse_time_key, time_key, Cursor};
use crate::http::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    PublishedAt,
    UpdatedAt,
    CreatedAt,
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

/// The sort orders the API accepts (documented in OpenAPI).
pub const SORTS: &[&str] = &[
    "-published_at",
    "published_at",
    "-updated_at",
    "updated_at",
    "-created_at",
    "created_at",
    "title",
    "-title",
];
pub const DEFAULT_SORT: &str = "-published_at";

impl Sort {
    pub fn parse(raw: &str) -> Result<Sort, ApiError> {
        let (descending, name) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let field = match name {
            "published_at" => SortField::PublishedAt,
            "updated_at" => SortField::UpdatedAt,
            "created_at" => SortField::CreatedAt,
            "title" => SortField::Title,
            _ => {
                return Err(ApiError::invalid_parameter(
                    "sort",
                    ParamIssue::OneOf(SORTS.iter().map(|s| s.to_string()).collect()),
                ))
            }
        };
        Ok(Sort { field, descending })
    }

    pub fn name(&self) -> String {
        let field = match self.field {
            SortField::PublishedAt => "published_at",
            SortField::UpdatedAt => "updated_at",
            SortField::CreatedAt => "created_at",
            SortField::Title => "title",
        };
        if self.descending {
            format!("-{field}")
        } else {
            field.to_string()
        }
    }

    /// The cursor that points just after `row` in this order.
    pub fn cursor_after(&self, row: &ArticleRow) -> Cursor {
        let key = match self.field {
            SortField::PublishedAt => time_key(row.published_at.unwrap_or(row.created_at)),
            SortField::UpdatedAt => time_key(row.updated_at),
            SortField::CreatedAt => time_key(row.created_at),
            SortField::Title => row.title.clone(),
        };
        Cursor {
            sort: self.name(),
            key: Some(key),
            id: row.id,
        }
    }

    /// The keyset position a cursor holds, checked against this order.
    pub fn position(&self, raw_cursor: &str) -> Result<(SortKey, i64), ApiError> {
        let cursor = Cursor::decode(raw_cursor, &self.name())?;
        let key = cursor.key.ok_or(ApiError::InvalidCursor)?;
        let key = match self.field {
            SortField::Title => SortKey::Text(key),
            _ => SortKey::Time(parse_time_key(&key)?),
        };
        Ok((key, cursor.id))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Time(NaiveDateTime),
    Text(String),
}

/// Which articles, in which order, from where.
#[derive(Debug, Clone)]
pub struct ListFilter {
    /// Only what anonymous readers may see (published, or scheduled and due).
    pub public_only: bool,
    pub status: Option<Status>,
    pub category: Option<IdOrSlug>,
    pub tag: Option<IdOrSlug>,
    /// Articles linked to this official (id).
    pub official: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: Sort,
    pub after: Option<(SortKey, i64)>,
    pub limit: i64,
    pub now: NaiveDateTime,
    /// Whether to read the (large) body column.
    pub with_body: bool,
}
