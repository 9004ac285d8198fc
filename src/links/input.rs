//! What editors send about link groups.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{Link, LinkGroup, LinkGroupData};
use crate::http::input::{check_slug, check_url, finish, set_text, text};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::media::refs::{self, ImageInput};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    pub title: String,
    /// An absolute http(s) URL.
    #[schema(max_length = 2000, pattern = r#"^https?://[^/\s\x00"'<>\\`][^\s\x00"'<>\\`]*$"#)]
    pub url: String,
    /// `media_id` (an image of the library) or `url`.
    pub logo: Option<ImageInput>,
}

/// `POST` (name required) and `PATCH` (only the fields sent; `null` clears).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Liên kết website", "position": 1,
    "links": [{"title": "Cổng thông tin điện tử tỉnh Hà Tĩnh", "url": "https://hatinh.gov.vn"},
              {"title": "Báo Hà Tĩnh", "url": "https://baohatinh.vn", "logo": {"media_id": 9}}]}))]
pub struct LinkGroupInput {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name_en: Option<Option<String>>,
    pub slug: Option<String>,
    /// Order among groups (lower first).
    pub position: Option<i32>,
    /// The links in order; replaces the list. At most 100.
    pub links: Option<Vec<LinkInput>>,
}

pub fn apply(
    input: LinkGroupInput,
    current: Option<&LinkGroup>,
    now: NaiveDateTime,
) -> Result<LinkGroupData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| LinkGroupData::new(now), LinkGroupData::from);
    let mut errors: Vec<FieldError> = Vec::new();
    match input.name {
        Some(name) => data.name = text(&mut errors, "name", &name, 1, 200),
        None if creating => errors.push(FieldError::new("name", FieldIssue::Required)),
        None => {}
    }
    set_text(&mut errors, "name_en", input.name_en, 200, &mut data.name_en);
    check_slug(&mut errors, "slug", &input.slug);
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    if let Some(position) = input.position {
        data.position = position;
    }
    if let Some(links) = input.links {
        if links.len() > 100 {
            errors.push(FieldError::new("links", FieldIssue::Length { min: 0, max: 100 }));
        }
        let links: Vec<Link> = links
            .into_iter()
            .enumerate()
            .map(|(i, link)| {
                let url = link.url.trim().to_string();
                let absolute = url.starts_with("http://") || url.starts_with("https://");
                if absolute {
                    check_url(&mut errors, &format!("links[{i}].url"), &Some(url.clone()));
                } else {
                    errors.push(FieldError::new(format!("links[{i}].url"), FieldIssue::Url));
                }
                Link {
                    title: text(&mut errors, &format!("links[{i}].title"), &link.title, 1, 300),
                    url,
                    logo: link
                        .logo
                        .map(|logo| refs::clean(&mut errors, &format!("links[{i}].logo"), logo)),
                }
            })
            .collect();
        data.links = serde_json::to_string(&links).unwrap_or_else(|_| "[]".into());
    }
    data.updated_at = now;
    finish(errors)?;
    Ok(data)
}
