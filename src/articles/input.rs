//! What clients send about articles, parsed once into typed values: the
//! body editors write (cleaned, validated and applied to the stored
//! columns; the demo loader goes through the same rules) and the query
//! string of a list or search.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{ArticleData, ArticleRow, Image, Links, Status};
use super::query::{ListFilter, Sort, SortField, SortKey, DEFAULT_SORT, SORTS};
use crate::clock::to_stored;
use crate::db::{IdOrSlug, Scope};
use crate::http::error::ParamIssue;
use crate::http::input::{check_declared, clean_text, set_clean, text, time_param};
use crate::http::lang::LangParam;
use crate::http::pagination::{page_limit, parse_time_key, relevance_offset, time_key, Cursor};
use crate::http::params;
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::media::refs::{self as media_refs, ImageInput};

/// The body of `POST /articles` (where `title` is required) and of
/// `PATCH /articles/{id}` (where only the fields sent change; `null` clears
/// a nullable field).
#[bantin_macros::constrained]
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
    #[check(chars(min = 1, max = 300), not_blank, required_on_create)]
    pub title: Option<String>,
    /// Derived from the title when omitted on create (`-2`, `-3` on a clash); an explicit slug that is taken is a 409.
    #[check(slug)]
    pub slug: Option<String>,
    /// Up to 1,000 characters.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 1000))]
    pub summary: Option<Option<String>>,
    /// HTML, up to 200,000 characters; scripts, event handlers and unsafe URLs are removed.
    #[check(chars(max = 200_000))]
    pub body: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<ImageInput>)]
    pub cover_image: Option<Option<ImageInput>>,
    /// Up to 50 images.
    #[check(items(max = 50))]
    pub images: Option<Vec<ImageInput>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 200))]
    pub byline: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Option<i64>>,
    /// Tag names (up to 20); missing tags are created. Replaces the article's tags.
    #[check(items(max = 20))]
    pub tags: Option<Vec<String>>,
    /// Officials the article is about (ids). Replaces the list.
    #[check(items(max = 100))]
    pub official_ids: Option<Vec<i64>>,
    /// Events the article reports on (ids). Replaces the list.
    #[check(items(max = 100))]
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

fn clean_image(errors: &mut Vec<FieldError>, field: &str, image: ImageInput) -> Image {
    media_refs::clean(errors, field, image)
}

/// Applies an input to the stored columns (`base`: the current article, or
/// defaults when creating), validating everything and collecting every
/// problem at once. Returns the new columns and the tag names to set.
pub fn apply(
    input: ArticleInput,
    current: Option<&ArticleRow>,
    now: NaiveDateTime,
) -> Result<(ArticleData, Links), ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| ArticleData::new(now), ArticleData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(title) = input.title {
        data.title = clean_text(&title);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    set_clean(input.summary, &mut data.summary);
    if let Some(body) = input.body {
        data.body = crate::text::html::sanitize(&crate::text::nfc(&body));
    }
    if let Some(cover) = input.cover_image {
        let cover = cover.map(|image| clean_image(&mut errors, "cover_image", image));
        data.cover_image = cover.map(|c| serde_json::to_string(&c).unwrap_or_default());
    }
    if let Some(images) = input.images {
        let images: Vec<Image> = images
            .into_iter()
            .enumerate()
            .map(|(i, img)| clean_image(&mut errors, &format!("images[{i}]"), img))
            .collect();
        data.images = serde_json::to_string(&images).unwrap_or_else(|_| "[]".into());
    }
    set_clean(input.byline, &mut data.byline);
    if let Some(category_id) = input.category_id {
        data.category_id = category_id;
    }
    let tags = input.tags.map(|names| {
        names
            .iter()
            .enumerate()
            .map(|(i, name)| text(&mut errors, &format!("tags[{i}]"), name, 1, 100))
            .collect::<Vec<_>>()
    });
    if let Some(enabled) = input.comments_enabled {
        data.comments_enabled = enabled;
    }
    if let Some(published_at) = input.published_at {
        if published_at.as_ref().is_some_and(|at| !crate::clock::accepted(at)) {
            errors.push(FieldError::new("published_at", FieldIssue::Format));
        }
        data.published_at = published_at.map(to_stored);
    }
    let requested = input
        .status
        .or_else(|| Status::parse(&data.status))
        .unwrap_or(Status::Draft);
    data.status = settle_status(requested, &mut data, &mut errors, now)
        .as_str()
        .to_string();
    data.updated_at = now;
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

/// The status an article asked to be `requested` gets: publishing without
/// a date publishes now, a date to come schedules it, and scheduling needs
/// a date.
fn settle_status(
    requested: Status,
    data: &mut ArticleData,
    errors: &mut Vec<FieldError>,
    now: NaiveDateTime,
) -> Status {
    match requested {
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
    }
}

/// Field names `?fields=` accepts.
pub const FIELDS: &[&str] = &[
    "id",
    "slug",
    "title",
    "summary",
    "body",
    "cover_image",
    "images",
    "category",
    "tags",
    "byline",
    "status",
    "published_at",
    "comments_enabled",
    "view_count",
    "comment_count",
    "rating",
    "created_at",
    "updated_at",
];

/// `?include=` on articles.
pub const INCLUDES: &[&str] = &["officials", "events"];

/// Related items to embed in articles (`?include=officials,events`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Includes {
    pub officials: bool,
    pub events: bool,
}

impl Includes {
    pub const ALL: Includes = Includes {
        officials: true,
        events: true,
    };

    pub fn parse(raw: Option<&str>) -> Result<Includes, ApiError> {
        let asked = params::include(raw, INCLUDES)?;
        Ok(Includes {
            officials: asked.contains(&"officials"),
            events: asked.contains(&"events"),
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page (opaque).
    pub cursor: Option<String>,
    /// Category id or slug.
    pub category: Option<String>,
    /// Tag id or slug.
    pub tag: Option<String>,
    /// Editors only, except `published`.
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    /// Published at or after: an RFC 3339 time, or a `YYYY-MM-DD` day in Vietnam time (UTC+7).
    pub from: Option<String>,
    /// Published at or before: an RFC 3339 time, or a `YYYY-MM-DD` day in Vietnam time (the whole day).
    pub to: Option<String>,
    /// Changed (or, for readers, became visible) at or after this RFC 3339 time or date.
    pub updated_since: Option<String>,
    /// One of `-published_at` (default), `published_at`, `-updated_at`, `updated_at`,
    /// `-created_at`, `created_at`, `title`, `-title`.
    pub sort: Option<String>,
    /// Comma-separated fields to return, e.g. `id,title,slug`: each item then holds only those (the
    /// schema's `required` list describes answers without `fields`). List items omit `body` unless it is named.
    pub fields: Option<String>,
    /// Articles linked to this official (id or slug).
    pub official: Option<String>,
    /// Search: words with or without tone marks, `"phrases"`, the last word as a prefix. Results come by
    /// relevance with a `snippet`; only `limit`, `cursor`, `fields`, `include` and `lang` combine with it.
    pub q: Option<String>,
    /// Related items to embed: `officials`, `events` (comma-separated).
    pub include: Option<String>,
    /// `vi` (default) or `en`, for embedded officials and events.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleGetQuery {
    /// Comma-separated fields to return: the answer then holds only those (the schema's `required`
    /// list describes answers without `fields`).
    pub fields: Option<String>,
    /// Related items to embed: `officials`, `events` (comma-separated).
    pub include: Option<String>,
    /// `vi` (default) or `en`, for embedded officials and events.
    pub lang: Option<LangParam>,
}

impl ArticleGetQuery {
    pub fn parse(&self) -> Result<(Option<Vec<String>>, Includes), ApiError> {
        Ok((
            params::fields(self.fields.as_deref(), FIELDS)?,
            Includes::parse(self.include.as_deref())?,
        ))
    }
}

/// A list of articles as asked for, parsed once.
pub struct Listing {
    pub fields: Option<Vec<String>>,
    pub includes: Includes,
    pub limit: i64,
    pub mode: Mode,
}

pub enum Mode {
    /// Newest first (or another sort), filtered; `official` still to resolve.
    Browse {
        filter: Box<ListFilter>,
        official: Option<Scope>,
    },
    /// `?q=`: by relevance, from `offset`.
    Search { query: crate::search::Query, offset: i64 },
}

/// The cursor that points just after an article with `key` and `id` in `sort`.
pub fn cursor_after(sort: &Sort, key: SortKey, id: i64) -> Cursor {
    let key = match key {
        SortKey::Time(at) => time_key(at),
        SortKey::Text(text) => text,
    };
    Cursor {
        sort: sort.name(),
        key: Some(key),
        id,
    }
}

/// The keyset position a cursor holds, checked against `sort`.
fn position(sort: &Sort, raw_cursor: &str) -> Result<(SortKey, i64), ApiError> {
    let cursor = Cursor::decode(raw_cursor, &sort.name())?;
    let key = cursor.key.ok_or(ApiError::InvalidCursor)?;
    let key = match sort.field {
        SortField::Title => SortKey::Text(key),
        _ => SortKey::Time(parse_time_key(&key)?),
    };
    Ok((key, cursor.id))
}

impl ArticleListQuery {
    /// Parses the query string of `/articles` (or of an official's articles,
    /// where `official` comes from the path). `editor`: the caller may see
    /// drafts.
    pub fn parse(self, official: Option<Scope>, editor: bool, now: NaiveDateTime) -> Result<Listing, ApiError> {
        if let Some(q) = self.q.as_deref() {
            return self.parse_search(q, official.is_some());
        }
        let includes = Includes::parse(self.include.as_deref())?;
        let limit = page_limit(self.limit.as_deref())?;
        let sort = Sort::parse(self.sort.as_deref().unwrap_or(DEFAULT_SORT)).ok_or_else(|| {
            ApiError::invalid_parameter("sort", ParamIssue::OneOf(SORTS.iter().map(|s| s.to_string()).collect()))
        })?;
        let after = self.cursor.as_deref().map(|c| position(&sort, c)).transpose()?;
        let fields = params::fields(self.fields.as_deref(), FIELDS)?;
        let status = params::one_of("status", self.status.as_deref(), Status::parse, Status::ALL)?;
        if !editor && status.is_some_and(|s| s != Status::Published) {
            return Err(ApiError::Forbidden);
        }
        let filter = ListFilter {
            public_only: !editor,
            status,
            category: self.category.as_deref().map(IdOrSlug::parse),
            tag: self.tag.as_deref().map(IdOrSlug::parse),
            official: None,
            organization: None,
            from: time_param("from", self.from.as_deref(), false)?,
            to: time_param("to", self.to.as_deref(), true)?,
            updated_since: time_param("updated_since", self.updated_since.as_deref(), false)?,
            sort,
            after,
            limit,
            now,
            with_body: fields.as_ref().is_some_and(|f| f.iter().any(|name| name == "body")),
        };
        Ok(Listing {
            fields,
            includes,
            limit,
            mode: Mode::Browse {
                filter: Box::new(filter),
                official,
            },
        })
    }

    fn parse_search(&self, q: &str, with_official: bool) -> Result<Listing, ApiError> {
        let exclusive = [
            ("sort", self.sort.is_some()),
            ("category", self.category.is_some()),
            ("tag", self.tag.is_some()),
            ("status", self.status.is_some()),
            ("from", self.from.is_some()),
            ("to", self.to.is_some()),
            ("updated_since", self.updated_since.is_some()),
            ("official", with_official),
        ];
        if let Some((name, _)) = exclusive.iter().find(|(_, given)| *given) {
            return Err(ApiError::invalid_parameter(*name, ParamIssue::NotWithSearch));
        }
        let query = crate::search::Query::from_param(q)?;
        let includes = Includes::parse(self.include.as_deref())?;
        let fields = params::fields(self.fields.as_deref(), FIELDS)?;
        let limit = page_limit(self.limit.as_deref())?;
        let offset = relevance_offset(self.cursor.as_deref(), crate::search::store::MAX_CANDIDATES)?;
        Ok(Listing {
            fields,
            includes,
            limit,
            mode: Mode::Search { query, offset },
        })
    }
}
