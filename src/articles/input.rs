//! What editors send to create or change an article, and how it is cleaned,
//! validated and applied to the stored columns. Used by the API and by the
//! demo loader alike, so demo content obeys the same rules.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{ArticleData, ArticleRow, Image, Status};
use crate::clock::to_stored;
use crate::http::input::{check_length, clean_optional, clean_text, is_acceptable_url};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

/// The body of `POST /articles` (where `title` is required) and of
/// `PATCH /articles/{id}` (where only the fields sent change; `null` clears
/// a nullable field).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Hội nghị giao ban 6 tháng đầu năm 2022",
    "summary": "Thường trực Thị ủy tổ chức hội nghị giao ban với Thường trực Ủy ban MTTQ và các đoàn thể.",
    "body": "<p>Chiều ngày 19/7, Thường trực Thị ủy đã tổ chức hội nghị giao ban…</p>",
    "images": [{"url": "/media/phat-bieu.jpg", "caption": "Chủ tịch UBMTTQ thị xã Đặng Ngọc Sơn phát biểu tại hội nghị"}],
    "category_id": 1, "tags": ["Mặt trận Tổ quốc"], "status": "published"
}))]
pub struct ArticleInput {
    /// 1–300 characters. Required when creating.
    pub title: Option<String>,
    /// Derived from the title when omitted on create (`-2`, `-3` on a clash); an explicit slug that is taken is a 409.
    pub slug: Option<String>,
    /// Up to 1,000 characters.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    /// HTML, up to 200,000 characters; scripts, event handlers and unsafe URLs are removed.
    pub body: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Image>)]
    pub cover_image: Option<Option<Image>>,
    /// Up to 50 images.
    pub images: Option<Vec<Image>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub byline: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Option<i64>>,
    /// Tag names (up to 20); missing tags are created. Replaces the article's tags.
    pub tags: Option<Vec<String>>,
    /// Officials the article is about (ids). Replaces the list.
    pub official_ids: Option<Vec<i64>>,
    /// Events the article reports on (ids). Replaces the list.
    pub event_ids: Option<Vec<i64>>,
    /// Default `draft`. `published` with a future `published_at` becomes `scheduled`;
    /// `scheduled` needs a `published_at`, and one already past publishes at once.
    pub status: Option<Status>,
    /// RFC 3339. Defaults to now when publishing.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub published_at: Option<Option<DateTime<FixedOffset>>>,
    pub comments_enabled: Option<bool>,
}

fn clean_image(errors: &mut Vec<FieldError>, field: &str, image: Image) -> Image {
    let image = Image {
        url: image.url.trim().to_string(),
        caption: clean_optional(image.caption),
        alt: clean_optional(image.alt),
    };
    if image.url.len() > 2000 || !is_acceptable_url(&image.url) {
        errors.push(FieldError::new(format!("{field}.url"), FieldIssue::Url));
    }
    if let Some(caption) = &image.caption {
        check_length(errors, &format!("{field}.caption"), caption, 0, 500);
    }
    if let Some(alt) = &image.alt {
        check_length(errors, &format!("{field}.alt"), alt, 0, 300);
    }
    image
}

/// Applies an input to the stored columns (`base`: the current article, or
/// defaults when creating), validating everything and collecting every
/// problem at once. Returns the new columns and the tag names to set.
pub fn apply(
    input: ArticleInput,
    mut data: ArticleData,
    creating: bool,
    now: NaiveDateTime,
) -> Result<(ArticleData, Links), ApiError> {
    let mut errors = Vec::new();
    match input.title.map(|t| clean_text(&t)) {
        Some(title) => {
            check_length(&mut errors, "title", &title, 1, 300);
            data.title = title;
        }
        None if creating => errors.push(FieldError::new("title", FieldIssue::Required)),
        None => {}
    }
    if let Some(slug) = input.slug {
        let slug = slug.trim().to_string();
        if !crate::text::is_valid_slug(&slug) {
            errors.push(FieldError::new("slug", FieldIssue::Slug));
        }
        data.slug = slug;
    }
    if let Some(summary) = input.summary {
        data.summary = clean_optional(summary);
        if let Some(s) = &data.summary {
            check_length(&mut errors, "summary", s, 0, 1000);
        }
    }
    if let Some(body) = input.body {
        check_length(&mut errors, "body", &body, 0, 200_000);
        data.body = super::html::sanitize(&crate::text::nfc(&body));
    }
    if let Some(cover) = input.cover_image {
        let cover = cover.map(|image| clean_image(&mut errors, "cover_image", image));
        data.cover_image = cover.map(|c| serde_json::to_string(&c).unwrap_or_default());
    }
    if let Some(images) = input.images {
        if images.len() > 50 {
            errors.push(FieldError::new("images", FieldIssue::Length { min: 0, max: 50 }));
        }
        let images: Vec<Image> = images
            .into_iter()
            .enumerate()
            .map(|(i, img)| clean_image(&mut errors, &format!("images[{i}]"), img))
            .collect();
        data.images = serde_json::to_string(&images).unwrap_or_else(|_| "[]".into());
    }
    if let Some(byline) = input.byline {
        data.byline = clean_optional(byline);
        if let Some(b) = &data.byline {
            check_length(&mut errors, "byline", b, 0, 200);
        }
    }
    if let Some(category_id) = input.category_id {
        data.category_id = category_id;
    }
    let tags = input.tags.map(|names| {
        if names.len() > 20 {
            errors.push(FieldError::new("tags", FieldIssue::Length { min: 0, max: 20 }));
        }
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = clean_text(name);
                check_length(&mut errors, &format!("tags[{i}]"), &name, 1, 100);
                name
            })
            .collect::<Vec<_>>()
    });
    if let Some(enabled) = input.comments_enabled {
        data.comments_enabled = enabled;
    }
    if let Some(published_at) = input.published_at {
        data.published_at = published_at.map(to_stored);
        if data.published_at.is_some_and(|at| !crate::clock::supported(at)) {
            errors.push(FieldError::new("published_at", FieldIssue::Format));
        }
    }
    let requested = input
        .status
        .or_else(|| Status::parse(&data.status))
        .unwrap_or(Status::Draft);
    let status = match requested {
        Status::Published | Status::Scheduled => match data.published_at {
            None if requested == Status::Scheduled => {
                errors.push(FieldError::new("published_at", FieldIssue::Required));
                Status::Scheduled
            }
            None => {
                data.published_at = Some(now);
                Status::Published
            }
            Some(at) if at > now => Status::Scheduled,
            Some(_) => Status::Published,
        },
        other => other,
    };
    data.status = status.as_str().to_string();
    data.updated_at = now;
    crate::http::input::check_ids(&mut errors, "official_ids", &input.official_ids);
    crate::http::input::check_ids(&mut errors, "event_ids", &input.event_ids);
    if errors.is_empty() {
        Ok((
            data,
            Links {
                tags,
                official_ids: input.official_ids,
                event_ids: input.event_ids,
            },
        ))
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// What an article links to; `None` leaves a list as it is.
#[derive(Debug, Default)]
pub struct Links {
    pub tags: Option<Vec<String>>,
    pub official_ids: Option<Vec<i64>>,
    pub event_ids: Option<Vec<i64>>,
}

pub fn defaults(now: NaiveDateTime) -> ArticleData {
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

pub fn stored(row: &ArticleRow) -> ArticleData {
    ArticleData {
        slug: row.slug.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        body: row.body.clone(),
        cover_image: row.cover_image.clone(),
        images: row.images.clone(),
        byline: row.byline.clone(),
        category_id: row.category_id,
        status: row.status.clone(),
        published_at: row.published_at,
        comments_enabled: row.comments_enabled,
        updated_at: row.updated_at,
    }
}
