//! What editors send about pages, and the list's query string.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Map, Page, PageData};
use crate::http::input::{check_declared, clean_optional, clean_text, finish};
use crate::http::lang::LangParam;
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageListQuery {
    /// `true`: every page as a tree of `children` (the menu; no paging).
    pub tree: Option<bool>,
    /// Only the direct children of this page (id or slug).
    pub parent: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<LangParam>,
    /// Only pages changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time);
    /// not with `tree=true`, which is the whole menu.
    pub updated_since: Option<String>,
}

/// `POST` (title required) and `PATCH` (only the fields sent; `null` clears).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Bản đồ hành chính", "title_en": "Administrative map",
    "body": "<p>Thị xã Hồng Lĩnh có 6 phường và 6 xã.</p>", "parent_id": 1, "position": 3,
    "map": {"latitude": 18.5347, "longitude": 105.7108, "zoom": 13}}))]
pub struct PageInput {
    #[check(chars(min = 1, max = 300), not_blank, required_on_create)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 300))]
    pub title_en: Option<Option<String>>,
    #[check(slug)]
    pub slug: Option<String>,
    /// HTML; sanitised as articles' bodies are.
    #[check(chars(max = 200_000))]
    pub body: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 200_000))]
    pub body_en: Option<Option<String>>,
    /// The page this one sits under in the menu.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// Order among siblings (lower first).
    pub position: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Map>)]
    pub map: Option<Option<Map>>,
}

const GEOJSON_TYPES: &[&str] = &["Polygon", "MultiPolygon", "Feature", "FeatureCollection"];

fn check_map(errors: &mut Vec<FieldError>, map: &Map) {
    if !(-90.0..=90.0).contains(&map.latitude) {
        errors.push(FieldError::new("map.latitude", FieldIssue::Range { min: -90, max: 90 }));
    }
    if !(-180.0..=180.0).contains(&map.longitude) {
        errors.push(FieldError::new(
            "map.longitude",
            FieldIssue::Range { min: -180, max: 180 },
        ));
    }
    if map.zoom > 22 {
        errors.push(FieldError::new("map.zoom", FieldIssue::Range { min: 0, max: 22 }));
    }
    if let Some(boundary) = &map.boundary {
        let kind = boundary.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if !boundary.is_object() || !GEOJSON_TYPES.contains(&kind) {
            errors.push(FieldError::new("map.boundary", FieldIssue::OneOf(GEOJSON_TYPES)));
        } else if serde_json::to_string(boundary).map_or(0, |s| s.len()) > 1 << 20 {
            errors.push(FieldError::new(
                "map.boundary",
                FieldIssue::Length { min: 0, max: 1 << 20 },
            ));
        }
    }
}

pub fn apply(input: PageInput, current: Option<&Page>, now: NaiveDateTime) -> Result<PageData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| PageData::new(now), PageData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(title) = input.title {
        data.title = clean_text(&title);
    }
    if let Some(title_en) = input.title_en {
        data.title_en = clean_optional(title_en);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    if let Some(body) = input.body {
        data.body = crate::text::html::sanitize(&crate::text::nfc(&body));
    }
    if let Some(body_en) = input.body_en {
        data.body_en = body_en
            .map(|b| crate::text::html::sanitize(&crate::text::nfc(&b)))
            .filter(|b| !b.trim().is_empty());
    }
    if let Some(parent) = input.parent_id {
        data.parent_id = parent;
    }
    if let Some(position) = input.position {
        data.position = position;
    }
    if let Some(map) = input.map {
        if let Some(m) = &map {
            check_map(&mut errors, m);
        }
        data.map = map.map(|m| serde_json::to_string(&m).unwrap_or_default());
    }
    data.updated_at = now;
    finish(errors)?;
    Ok(data)
}
