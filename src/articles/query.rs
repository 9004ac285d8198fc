//! What a list of articles can be asked for, independent of HTTP: sort
//! orders, filters and the keyset position. Parsed once in `input`,
//! executed by `store::list`.

use chrono::NaiveDateTime;

use super::model::{ArticleRow, Status};
use crate::db::{IdOrSlug, Narrow};

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
    pub fn parse(raw: &str) -> Option<Sort> {
        let (descending, name) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let field = match name {
            "published_at" => SortField::PublishedAt,
            "updated_at" => SortField::UpdatedAt,
            "created_at" => SortField::CreatedAt,
            "title" => SortField::Title,
            _ => return None,
        };
        Some(Sort { field, descending })
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

    /// The sort key of `row` in this order.
    pub fn key_of(&self, row: &ArticleRow) -> SortKey {
        match self.field {
            SortField::PublishedAt => SortKey::Time(row.published_at.unwrap_or(row.created_at)),
            SortField::UpdatedAt => SortKey::Time(row.updated_at),
            SortField::CreatedAt => SortKey::Time(row.created_at),
            SortField::Title => SortKey::Text(row.title.clone()),
        }
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
    /// Articles linked to this official.
    pub official: Option<Narrow>,
    /// Articles about this organization: linked to one of its events, or to
    /// an official who holds a position in it (feeds' `?organization=`).
    pub organization: Option<Narrow>,
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
