//! What editors send about link groups.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{Link, LinkGroup, LinkGroupData};
use crate::http::input::{check_declared, check_declared_in, check_url, clean_optional, clean_text, finish};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::media::refs::{self, ImageInput};

#[bantin_macros::constrained]
#[derive(Debug, Clone, Deserialize, ToSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    #[check(chars(min = 1, max = 300), not_blank)]
    pub title: String,
    /// An absolute http(s) URL.
    #[schema(max_length = 2000, pattern = r#"^https?://[^/\s\x00"'<>\\`][^\s\x00"'<>\\`]*$"#)]
    pub url: String,
    /// `media_id` (an image of the library) or `url`.
    pub logo: Option<ImageInput>,
}

/// `POST` (name required) and `PATCH` (only the fields sent; `null` clears).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Liên kết website", "position": 1,
    "links": [{"title": "Cổng thông tin điện tử tỉnh Hà Tĩnh", "url": "https://hatinh.gov.vn"},
              {"title": "Báo Hà Tĩnh", "url": "https://baohatinh.vn", "logo": {"media_id": 9}}]}))]
pub struct LinkGroupInput {
    #[check(chars(min = 1, max = 200), not_blank, required_on_create)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 200))]
    pub name_en: Option<Option<String>>,
    #[check(slug)]
    pub slug: Option<String>,
    /// Order among groups (lower first).
    pub position: Option<i32>,
    /// The links in order; replaces the list. At most 100.
    #[check(items(max = 100))]
    pub links: Option<Vec<LinkInput>>,
}

pub fn apply(
    input: LinkGroupInput,
    current: Option<&LinkGroup>,
    now: NaiveDateTime,
) -> Result<LinkGroupData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| LinkGroupData::new(now), LinkGroupData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(name) = input.name {
        data.name = clean_text(&name);
    }
    if let Some(name_en) = input.name_en {
        data.name_en = clean_optional(name_en);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    if let Some(position) = input.position {
        data.position = position;
    }
    if let Some(links) = input.links {
        let links: Vec<Link> = links
            .into_iter()
            .enumerate()
            .map(|(i, link)| {
                let mut declared = check_declared_in(&format!("links[{i}]"), &link, false);
                let url = link.url.trim().to_string();
                let absolute = url.starts_with("http://") || url.starts_with("https://");
                if absolute {
                    check_url(&mut errors, &format!("links[{i}].url"), &Some(url.clone()));
                } else {
                    errors.push(FieldError::new(format!("links[{i}].url"), FieldIssue::Url));
                }
                errors.append(&mut declared);
                Link {
                    title: clean_text(&link.title),
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
