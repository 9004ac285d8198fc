//! The small reference to an article that other resources embed (events'
//! `include=articles`). Apart from `views` so that what articles embed
//! (events, officials) may embed it back without an import cycle.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::clock::utc;

/// An article as embedded in events (`include=articles`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleRef {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<crate::articles::store::ArticleRefRow> for ArticleRef {
    fn from((id, slug, title, published_at): crate::articles::store::ArticleRefRow) -> Self {
        ArticleRef {
            id,
            slug,
            title,
            published_at: published_at.map(utc),
        }
    }
}
