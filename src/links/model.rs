use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::json::Json;
use crate::db::schema::link_groups;
use crate::media::refs::Image;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = link_groups)]
pub struct LinkGroup {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub position: i32,
    #[diesel(deserialize_as = String)]
    pub links: Json<Vec<Link>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = link_groups, treat_none_as_null = true)]
pub struct LinkGroupData {
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub position: i32,
    pub links: String,
    pub updated_at: NaiveDateTime,
}

impl LinkGroupData {
    pub fn new(now: NaiveDateTime) -> Self {
        LinkGroupData {
            slug: String::new(),
            name: String::new(),
            name_en: None,
            position: 0,
            links: "[]".into(),
            updated_at: now,
        }
    }
}

impl From<&LinkGroup> for LinkGroupData {
    fn from(g: &LinkGroup) -> Self {
        LinkGroupData {
            slug: g.slug.clone(),
            name: g.name.clone(),
            name_en: g.name_en.clone(),
            position: g.position,
            links: g.links.text(),
            updated_at: g.updated_at,
        }
    }
}

/// One link of a group, as stored and answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"title": "Cổng thông tin điện tử tỉnh Hà Tĩnh", "url": "https://hatinh.gov.vn", "logo": null}))]
pub struct Link {
    pub title: String,
    /// An absolute http(s) URL.
    pub url: String,
    pub logo: Option<Image>,
}
