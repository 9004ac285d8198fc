//! `/feeds/articles.{rss,atom,json}` and `/feeds/documents.{rss,atom,json}`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{absolute, atom, enclosure, json_feed, rss, Channel, Entry, ITEMS};
use crate::articles::query::{ListFilter, Sort};
use crate::config::Config;
use crate::db::refs::Narrow;
use crate::db::IdOrSlug;
use crate::http::cache::cached_bytes;
use crate::http::error::Problem;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/feeds/articles.{format}").get(article_feed))
        .service(at("/feeds/documents.{format}").get(document_feed));
}

/// The three formats, as the path's extension names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    fn parse(raw: &str) -> Result<Format, ApiError> {
        match raw {
            "rss" => Ok(Format::Rss),
            "atom" => Ok(Format::Atom),
            "json" => Ok(Format::Json),
            _ => Err(ApiError::NotFound),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

fn answer(r: &Reader, format: Format, channel: &Channel, entries: &[Entry]) -> Result<HttpResponse, ApiError> {
    let config = &r.state.config;
    let body = match format {
        Format::Rss => rss(channel, entries).into_bytes(),
        Format::Atom => atom(channel, entries, &config.site_name).into_bytes(),
        Format::Json => serde_json::to_vec(&json_feed(channel, entries)).map_err(|_| ApiError::Internal)?,
    };
    Ok(cached_bytes(
        &r.req,
        body,
        format.content_type(),
        r.auth.audience(),
        None,
    ))
}

/// The host part of `tag:` ids: the public site's, else the API's.
fn authority(config: &Config) -> String {
    let base = config
        .site_url
        .clone()
        .or_else(|| config.public_url.clone())
        .unwrap_or_default();
    url::Url::parse(&base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "bantin".into())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleFeedQuery {
    /// Only this category (id or slug).
    pub category: Option<String>,
    /// Only this tag (id or slug).
    pub tag: Option<String>,
    /// Only articles about this official (id or slug).
    pub official: Option<String>,
    /// Only articles about this organization (id or slug): linked to one of
    /// its events, or to an official who holds a position in it.
    pub organization: Option<String>,
}

/// The newest 50 published articles as a feed: RSS 2.0 (`articles.rss`),
/// Atom 1.0 (`articles.atom`) or JSON Feed 1.1 (`articles.json`), with the
/// full sanitised content, categories and tags, the byline, and the cover
/// photo as an enclosure. Links point at the public site
/// (`BANTIN_ARTICLE_URL`).
#[utoipa::path(get, path = "/api/v1/feeds/articles.{format}", tag = "feeds",
    params(("format" = String, Path, description = "`rss`, `atom` or `json`", pattern = "^(rss|atom|json)$"), ArticleFeedQuery),
    responses(
        (status = 200, description = "The feed", content(
            (String = "application/rss+xml"), (String = "application/atom+xml"), (Object = "application/feed+json"))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "Another format", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn article_feed(
    r: Reader,
    format: web::Path<String>,
    query: web::Query<ArticleFeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(&format)?;
    let query = query.into_inner();
    let (now, config) = (r.now(), r.state.config.clone());
    let narrowing: Vec<(String, String)> = [
        ("category", &query.category),
        ("tag", &query.tag),
        ("official", &query.official),
        ("organization", &query.organization),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
    .collect();
    let (rows, related) = crate::db::run(r.pool(), move |conn| newest(conn, &query, now)).await?;
    let host = authority(&config);
    let entries: Vec<Entry> = rows.iter().map(|row| entry(&config, &host, row, &related)).collect();
    let narrowed = narrowing
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let channel = Channel {
        title: config.site_name.clone(),
        description: if narrowed.is_empty() {
            format!("Tin bài mới nhất — {}", config.site_name)
        } else {
            format!("Tin bài mới nhất — {} ({narrowed})", config.site_name)
        },
        home: config
            .site_url
            .clone()
            .unwrap_or_else(|| format!("{}/api/v1/articles", super::api_base(&config))),
        self_url: format!("{}/api/v1/feeds/articles", super::api_base(&config)),
        query: narrowed,
        updated: entries.iter().map(|e| e.updated).max().unwrap_or_default(),
    };
    answer(&r, format, &channel, &entries)
}

/// The newest public articles the feed's query narrows to, with their
/// categories and tags.
fn newest(
    conn: &mut crate::db::Conn,
    query: &ArticleFeedQuery,
    now: chrono::NaiveDateTime,
) -> Result<(Vec<crate::articles::model::ArticleRow>, crate::articles::store::Related), ApiError> {
    let found = |found: Option<i64>| Some(Narrow::of(found));
    let official = match &query.official {
        Some(key) => found(crate::officials::store::find(conn, &IdOrSlug::parse(key))?.map(|o| o.id)),
        None => None,
    };
    let organization = match &query.organization {
        Some(key) => found(crate::organizations::store::find(conn, &IdOrSlug::parse(key))?.map(|o| o.id)),
        None => None,
    };
    let filter = ListFilter {
        public_only: true,
        status: None,
        category: query.category.as_deref().map(IdOrSlug::parse),
        tag: query.tag.as_deref().map(IdOrSlug::parse),
        official,
        organization,
        from: None,
        to: None,
        updated_since: None,
        sort: Sort::parse("-published_at").ok_or(ApiError::Internal)?,
        after: None,
        limit: ITEMS,
        now,
        with_body: true,
    };
    let rows = crate::articles::store::list(conn, &filter)?;
    let related = crate::articles::store::related(conn, &rows)?;
    Ok::<_, ApiError>((rows, related))
}

/// One article as a feed entry.
fn entry(
    config: &Config,
    host: &str,
    row: &crate::articles::model::ArticleRow,
    related: &crate::articles::store::Related,
) -> Entry {
    let mut categories: Vec<String> = row
        .category_id
        .and_then(|c| related.categories.get(&c))
        .map(|c| vec![c.name.clone()])
        .unwrap_or_default();
    categories.extend(related.tags.get(&row.id).into_iter().flatten().map(|t| t.name.clone()));
    let cover = row.cover_image.0.clone();
    let published = row.published_at.unwrap_or(row.created_at);
    Entry {
        id: format!("tag:{host},2022:articles/{}", row.id),
        url: crate::http::site::article_url(config, row.id, &row.slug),
        title: row.title.clone(),
        summary: row.summary.clone(),
        content: with_absolute_media(config, &row.body),
        author: row.byline.clone(),
        categories,
        published,
        updated: row.updated_at.max(published),
        enclosure: cover.as_ref().map(|c| enclosure(config, c, None)),
        image: cover.as_ref().map(|c| absolute(config, &c.url)),
    }
}

/// Bodies refer to the media library by path: a feed reader needs the host.
fn with_absolute_media(config: &Config, html: &str) -> String {
    let base = super::api_base(config);
    if base.is_empty() {
        return html.to_string();
    }
    html.replace("src=\"/media/", &format!("src=\"{base}/media/"))
        .replace("href=\"/media/", &format!("href=\"{base}/media/"))
}

/// The newest 50 documents as a feed (RSS 2.0, Atom 1.0, JSON Feed 1.1),
/// newest issued first, each with its first file as an enclosure. Links
/// point at the public site (`BANTIN_DOCUMENT_URL`).
#[utoipa::path(get, path = "/api/v1/feeds/documents.{format}", tag = "feeds",
    params(("format" = String, Path, description = "`rss`, `atom` or `json`", pattern = "^(rss|atom|json)$")),
    responses(
        (status = 200, description = "The feed", content(
            (String = "application/rss+xml"), (String = "application/atom+xml"), (Object = "application/feed+json"))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "Another format", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn document_feed(r: Reader, format: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(&format)?;
    let config = r.state.config.clone();
    let (docs, names) = crate::db::run(r.pool(), move |conn| {
        let docs = crate::documents::store::list(conn, &Default::default(), None, ITEMS)?;
        let names = crate::documents::views::Names::load(conn, &docs)?;
        Ok::<_, ApiError>((docs, names))
    })
    .await?;
    let host = authority(&config);
    let entries: Vec<Entry> = docs
        .iter()
        .map(|d| {
            let view = crate::documents::views::view(d, &names);
            let issued = crate::clock::vietnam_day_start(d.issued_on);
            let mut content = format!("<p>{}</p><ul>", crate::text::escaped(&view.summary));
            if let Some(issuer) = &view.issuer {
                content.push_str(&format!(
                    "<li>Cơ quan ban hành: {}</li>",
                    crate::text::escaped(&issuer.name)
                ));
            }
            if let Some(signer) = &view.signer {
                content.push_str(&format!("<li>Người ký: {}</li>", crate::text::escaped(&signer.name)));
            }
            content.push_str(&format!(
                "<li>Ngày ban hành: {}</li></ul>",
                d.issued_on.format("%d/%m/%Y")
            ));
            for file in &view.attachments {
                content.push_str(&format!(
                    "<p><a href=\"{}\">{}</a></p>",
                    crate::text::escaped(&absolute(&config, &file.url)),
                    crate::text::escaped(file.title.as_deref().unwrap_or("Tệp đính kèm"))
                ));
            }
            Entry {
                id: format!("tag:{host},2022:documents/{}", d.id),
                url: crate::http::site::document_url(&config, d.id, &d.slug),
                title: format!("{} {}", view.type_name, d.number),
                summary: Some(d.summary.clone()),
                content,
                author: view.signer.as_ref().map(|s| s.name.clone()),
                categories: [Some(view.type_name.to_string()), d.field.clone()]
                    .into_iter()
                    .flatten()
                    .collect(),
                published: issued,
                updated: d.updated_at.max(issued),
                enclosure: view
                    .attachments
                    .first()
                    .map(|f| (absolute(&config, &f.url), f.mime_type.clone(), f.size.max(0) as u64)),
                image: None,
            }
        })
        .collect();
    let channel = Channel {
        title: format!("Văn bản — {}", config.site_name),
        description: format!("Văn bản mới ban hành — {}", config.site_name),
        home: config
            .site_url
            .clone()
            .unwrap_or_else(|| format!("{}/api/v1/documents", super::api_base(&config))),
        self_url: format!("{}/api/v1/feeds/documents", super::api_base(&config)),
        query: String::new(),
        updated: entries.iter().map(|e| e.updated).max().unwrap_or_default(),
    };
    answer(&r, format, &channel, &entries)
}
