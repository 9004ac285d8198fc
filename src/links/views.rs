//! What the API answers about link groups.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Link, LinkGroup};
use crate::clock::utc;
use crate::http::lang::Lang;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "lien-ket-website", "name": "Liên kết website", "name_vi": "Liên kết website",
    "name_en": "Website links", "position": 1,
    "links": [{"title": "Cổng thông tin điện tử tỉnh Hà Tĩnh", "url": "https://hatinh.gov.vn", "logo": null}],
    "created_at": "2026-11-30T08:00:00Z", "updated_at": "2026-11-30T08:00:00Z"}))]
pub struct LinkGroupView {
    pub id: i64,
    pub slug: String,
    /// In the requested language, falling back to Vietnamese.
    pub name: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub position: i32,
    pub links: Vec<Link>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn view(g: &LinkGroup, lang: Lang) -> LinkGroupView {
    LinkGroupView {
        id: g.id,
        slug: g.slug.clone(),
        name: lang.pick(g.name.clone(), g.name_en.clone()),
        name_vi: g.name.clone(),
        name_en: g.name_en.clone(),
        position: g.position,
        links: g.links.0.clone(),
        created_at: utc(g.created_at),
        updated_at: utc(g.updated_at),
    }
}
