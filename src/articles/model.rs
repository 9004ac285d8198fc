use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::articles;

/// Publication state. `scheduled` articles become visible by themselves when
/// their `published_at` arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Scheduled,
    Published,
    Archived,
}

impl Status {
    pub const ALL: &'static [&'static str] = &["draft", "scheduled", "published", "archived"];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "scheduled" => Some(Status::Scheduled),
            "published" => Some(Status::Published),
            "archived" => Some(Status::Archived),
            _ => None,
        }
    }
}

/// A photo with its caption, as on the portal ("Chủ tịch UBMTTQ thị xã … phát biểu tại hội nghị").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://honglinh.hatinh.gov.vn/media/hoi-nghi-1.jpg",
    "caption": "Chủ tịch UBMTTQ thị xã Đặng Ngọc Sơn phát biểu tại hội nghị", "alt": null}))]
pub struct Image {
    /// An absolute http(s) URL or a path on this site starting with `/`.
    pub url: String,
    pub caption: Option<String>,
    /// Text for screen readers; defaults to nothing.
    pub alt: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub cover_image: Option<String>,
    pub images: String,
    pub byline: Option<String>,
    pub category_id: Option<i64>,
    pub author_id: Option<i64>,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub comments_enabled: bool,
    pub view_count: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ArticleRow {
    /// The status a reader sees: a scheduled article whose time has come is published.
    pub fn effective_status(&self, now: NaiveDateTime) -> Status {
        match Status::parse(&self.status) {
            Some(Status::Scheduled) if self.published_at.is_some_and(|p| p <= now) => Status::Published,
            Some(status) => status,
            None => Status::Draft,
        }
    }

    pub fn is_public(&self, now: NaiveDateTime) -> bool {
        self.effective_status(now) == Status::Published
    }
}

/// Every writable column of an article, as stored.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct ArticleData {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub cover_image: Option<String>,
    pub images: String,
    pub byline: Option<String>,
    pub category_id: Option<i64>,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub comments_enabled: bool,
    pub updated_at: NaiveDateTime,
}
