use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::json::Json;
use crate::db::schema::pages;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pages)]
pub struct Page {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub title_en: Option<String>,
    pub body: String,
    pub body_en: Option<String>,
    pub parent_id: Option<i64>,
    pub position: i32,
    #[diesel(deserialize_as = Option<String>)]
    pub map: Json<Option<Map>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = pages, treat_none_as_null = true)]
pub struct PageData {
    pub slug: String,
    pub title: String,
    pub title_en: Option<String>,
    pub body: String,
    pub body_en: Option<String>,
    pub parent_id: Option<i64>,
    pub position: i32,
    pub map: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl PageData {
    pub fn new(now: NaiveDateTime) -> Self {
        PageData {
            slug: String::new(),
            title: String::new(),
            title_en: None,
            body: String::new(),
            body_en: None,
            parent_id: None,
            position: 0,
            map: None,
            updated_at: now,
        }
    }
}

impl From<&Page> for PageData {
    fn from(p: &Page) -> Self {
        PageData {
            slug: p.slug.clone(),
            title: p.title.clone(),
            title_en: p.title_en.clone(),
            body: p.body.clone(),
            body_en: p.body_en.clone(),
            parent_id: p.parent_id,
            position: p.position,
            map: p.map.text_or_null(),
            updated_at: p.updated_at,
        }
    }
}

/// A map to show with a page ("Bản đồ thị xã Hồng Lĩnh"): its centre, zoom
/// and, optionally, the boundary as GeoJSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"latitude": 18.5347, "longitude": 105.7108, "zoom": 13, "boundary": null}))]
pub struct Map {
    /// −90 to 90.
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: f64,
    /// −180 to 180.
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: f64,
    /// 0 (the world) to 22 (a building). Default 13.
    #[serde(default = "default_zoom")]
    #[schema(minimum = 0, maximum = 22)]
    pub zoom: u8,
    /// A GeoJSON `Polygon`, `MultiPolygon`, `Feature` or `FeatureCollection`
    /// (RFC 7946, longitude first), at most 1 MB.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

fn default_zoom() -> u8 {
    13
}
