//! What the API answers about categories and tags, and the small
//! `TermRef` that articles embed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::Term;
use crate::clock::utc;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "tin-hoat-dong", "name": "Tin hoạt động", "description": null,
    "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct TermView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Term> for TermView {
    fn from(t: Term) -> Self {
        TermView {
            id: t.id,
            slug: t.slug,
            name: t.name,
            description: t.description,
            created_at: utc(t.created_at),
            updated_at: utc(t.updated_at),
        }
    }
}

/// A category or tag as embedded in an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

impl From<&Term> for TermRef {
    fn from(t: &Term) -> Self {
        TermRef {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
        }
    }
}
