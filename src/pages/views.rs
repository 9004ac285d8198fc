//! What the API answers about pages.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Map, Page};
use crate::clock::utc;
use crate::http::lang::Lang;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "slug": "ban-do-hanh-chinh", "title": "Bản đồ hành chính", "title_vi": "Bản đồ hành chính",
    "title_en": "Administrative map", "body": "<p>Thị xã Hồng Lĩnh có 6 phường và 6 xã.</p>", "parent_id": 1, "position": 3,
    "map": {"latitude": 18.5347, "longitude": 105.7108, "zoom": 13, "boundary": null},
    "created_at": "2026-11-30T08:00:00Z", "updated_at": "2026-11-30T08:00:00Z"}))]
pub struct PageView {
    pub id: i64,
    pub slug: String,
    /// In the requested language, falling back to Vietnamese.
    pub title: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    /// HTML, in the requested language, falling back to Vietnamese.
    pub body: String,
    pub parent_id: Option<i64>,
    /// Order among siblings (lower first).
    pub position: i32,
    pub map: Option<Map>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `?tree=true`: the pages under this one, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, no_recursion)]
    pub children: Option<Vec<PageView>>,
}

pub fn view(p: &Page, lang: Lang) -> PageView {
    PageView {
        id: p.id,
        slug: p.slug.clone(),
        title: lang.pick(p.title.clone(), p.title_en.clone()),
        title_vi: p.title.clone(),
        title_en: p.title_en.clone(),
        body: lang.pick(p.body.clone(), p.body_en.clone()),
        parent_id: p.parent_id,
        position: p.position,
        map: p.map.0.clone(),
        created_at: utc(p.created_at),
        updated_at: utc(p.updated_at),
        children: None,
    }
}

/// The pages under `parent` (the roots for `None`), nested, in order.
pub fn tree(all: &[Page], parent: Option<i64>, lang: Lang) -> Vec<PageView> {
    all.iter()
        .filter(|p| p.parent_id == parent)
        .map(|p| PageView {
            children: Some(tree(all, Some(p.id), lang)),
            ..view(p, lang)
        })
        .collect()
}
