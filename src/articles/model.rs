//! Articles as stored, and their closed sets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::json::Json;
use crate::db::schema::articles;

crate::text_enum! {
    /// Publication state. `scheduled` articles become visible by themselves when
    /// their `published_at` arrives.
    #[schema(as = ArticleStatus)]
    pub enum Status {
        Draft = "draft",
        Scheduled = "scheduled",
        Published = "published",
        Archived = "archived",
    }
}

/// Statuses a reader may see (a scheduled article once its time has come).
pub const VISIBLE_STATUSES: [&str; 2] = ["published", "scheduled"];

pub use crate::media::refs::Image;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    #[diesel(deserialize_as = Option<String>)]
    pub cover_image: Json<Option<Image>>,
    #[diesel(deserialize_as = String)]
    pub images: Json<Vec<Image>>,
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

    /// Whether the change log has told the public about it: stored as
    /// published (a scheduled article is told when it is stored as published,
    /// by the job that notices its time has come, or by the next edit).
    pub fn is_announced(&self) -> bool {
        self.status == Status::Published.as_str()
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

impl ArticleData {
    /// A new article before its input is applied.
    pub fn new(now: NaiveDateTime) -> Self {
        ArticleData {
            slug: String::new(),
            title: String::new(),
            summary: None,
            body: String::new(),
            cover_image: None,
            images: "[]".into(),
            byline: None,
            category_id: None,
            status: Status::Draft.as_str().into(),
            published_at: None,
            comments_enabled: true,
            updated_at: now,
        }
    }
}

impl ArticleData {
    /// Stores a scheduled article whose time has come as published, so that
    /// the stored status says what readers see.
    pub fn settle(&mut self, now: NaiveDateTime) {
        if self.status == Status::Scheduled.as_str() && self.published_at.is_some_and(|p| p <= now) {
            self.status = Status::Published.as_str().into();
        }
    }

    /// See [`ArticleRow::is_announced`].
    pub fn is_announced(&self) -> bool {
        self.status == Status::Published.as_str()
    }
}

impl From<&ArticleRow> for ArticleData {
    fn from(row: &ArticleRow) -> Self {
        ArticleData {
            slug: row.slug.clone(),
            title: row.title.clone(),
            summary: row.summary.clone(),
            body: row.body.clone(),
            cover_image: row.cover_image.text_or_null(),
            images: row.images.text(),
            byline: row.byline.clone(),
            category_id: row.category_id,
            status: row.status.clone(),
            published_at: row.published_at,
            comments_enabled: row.comments_enabled,
            updated_at: row.updated_at,
        }
    }
}

/// What an article links to; `None` leaves a list as it is.
#[derive(Debug, Default)]
pub struct Links {
    pub tags: Option<Vec<String>>,
    pub official_ids: Option<Vec<i64>>,
    pub event_ids: Option<Vec<i64>>,
}
