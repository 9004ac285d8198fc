//! Embedding a story in another portal: oEmbed (`GET /api/v1/oembed`, the
//! spec at <https://oembed.com>) answers a `rich` card for an article URL of
//! the public site, whose `html` is an iframe of `GET /embed/articles/{slug}`:
//! a small server-rendered card (title, photo with caption, sapo, date, a
//! link back), no scripts, allowed in frames on any origin.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::articles::model::ArticleRow;
use crate::config::Config;
use crate::db::IdOrSlug;
use crate::http::cache::cached_bytes;
use crate::http::error::{ParamIssue, Problem};
use crate::http::reader::Reader;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::text::escaped as escape;

/// What an embedded card may load and who may frame it: its own style,
/// photos from anywhere, no script, any framing origin.
pub const EMBED_CSP: &str =
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; form-action 'none'";

const DEFAULT_WIDTH: u32 = 560;
const DEFAULT_HEIGHT: u32 = 420;

pub fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/oembed").get(oembed));
}

pub fn page_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/embed/articles/{slug}")
            .route(web::get().to(embed_card))
            .route(web::head().to(embed_card)),
    );
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OembedQuery {
    /// The article's address on the public site (as `BANTIN_ARTICLE_URL`
    /// makes them), in the API, or its embed page.
    pub url: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub maxwidth: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub maxheight: Option<String>,
    /// `json` (the default). `xml`, the spec's other format, is 501 Not Implemented.
    #[param(pattern = "^json$")]
    pub format: Option<String>,
}

/// An oEmbed `rich` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Oembed {
    /// `1.0`.
    pub version: &'static str,
    /// `rich`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub author_name: Option<String>,
    pub provider_name: String,
    pub provider_url: Option<String>,
    /// Seconds a consumer may keep this answer.
    pub cache_age: u32,
    /// An iframe of the embed card.
    pub html: String,
    pub width: u32,
    pub height: u32,
    pub thumbnail_url: Option<String>,
    pub thumbnail_width: Option<u32>,
    pub thumbnail_height: Option<u32>,
}

/// The article a URL names, when it is one of ours: on the public site as
/// the article template makes them, in the API, or an embed page.
pub fn article_key(config: &Config, url: &str) -> Option<IdOrSlug> {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or(url).trim_end_matches('/');
    let api = super::api_base(config);
    for prefix in [format!("{api}/api/v1/articles/"), format!("{api}/embed/articles/")] {
        if let Some(rest) = url.strip_prefix(&prefix) {
            return single_segment(rest).map(IdOrSlug::parse);
        }
    }
    let template = config
        .article_url
        .clone()
        .or_else(|| config.site_url.as_ref().map(|_| "{site}/tin-tuc/{slug}".into()))?;
    let template = template.replace("{site}", config.site_url.as_deref().unwrap_or("").trim_end_matches('/'));
    let (placeholder, at) = ["{slug}", "{id}"]
        .iter()
        .filter_map(|p| template.find(p).map(|at| (*p, at)))
        .min_by_key(|(_, at)| *at)?;
    let (before, after) = (&template[..at], &template[at + placeholder.len()..]);
    let rest = url.strip_prefix(before)?;
    // What follows the first placeholder up to the next literal part.
    let literal_end = after.find('{').unwrap_or(after.len());
    let next = &after[..literal_end];
    let value = if next.is_empty() {
        rest
    } else {
        &rest[..rest.find(next)?]
    };
    let value = single_segment(value)?;
    match placeholder {
        "{id}" => value.parse::<i64>().ok().map(IdOrSlug::Id),
        _ => Some(IdOrSlug::parse(value)),
    }
}

fn single_segment(value: &str) -> Option<&str> {
    (!value.is_empty() && !value.contains('/')).then_some(value)
}

fn dimension(name: &str, raw: Option<&str>) -> Result<Option<u32>, ApiError> {
    raw.map(|r| {
        r.trim().parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::invalid_parameter(
                name,
                ParamIssue::Range {
                    min: 1,
                    max: i64::from(u32::MAX),
                },
            )
        })
    })
    .transpose()
}

/// oEmbed for articles: a `rich` card (an iframe of `/embed/articles/{slug}`)
/// for an article URL of the public site; 404 for any other URL, 501 for
/// `format=xml`.
#[utoipa::path(get, path = "/api/v1/oembed", tag = "feeds", params(OembedQuery),
    responses(
        (status = 200, body = Oembed),
        (status = 304, description = "Not modified"),
        (status = 400, description = "No `url`, or a bad `maxwidth`/`maxheight`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not an article of this site", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`format` other than `json`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn oembed(r: Reader, query: web::Query<OembedQuery>) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    match query.format.as_deref() {
        None | Some("json") => {}
        // The one other format the spec names: not provided here.
        Some("xml") => return Err(ApiError::NotImplemented),
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "format",
                ParamIssue::OneOf(vec!["json".into()]),
            ))
        }
    }
    let url = query
        .url
        .ok_or_else(|| ApiError::invalid_parameter("url", ParamIssue::Empty))?;
    let max_width = dimension("maxwidth", query.maxwidth.as_deref())?;
    let max_height = dimension("maxheight", query.maxheight.as_deref())?;
    let config = r.state.config.clone();
    let key = article_key(&config, &url).ok_or(ApiError::NotFound)?;
    let now = r.now();
    let row = crate::db::run(&r.state.read_pool, move |conn| {
        Ok::<_, ApiError>(crate::articles::store::find_public(conn, &key, now)?)
    })
    .await?;
    // Never above what the consumer allows (the spec's maxwidth/maxheight).
    let width = max_width.map_or(DEFAULT_WIDTH, |m| m.min(DEFAULT_WIDTH));
    let height = max_height.map_or(DEFAULT_HEIGHT, |m| m.min(DEFAULT_HEIGHT));
    let src = format!("{}/embed/articles/{}", super::api_base(&config), row.slug);
    let cover = crate::media::refs::read(row.cover_image.as_deref());
    let thumbnail = cover.as_ref().map(|c| {
        c.variants
            .iter()
            .find(|v| v.mime_type == "image/jpeg" && v.width == 640)
            .map(|v| (super::absolute(&config, &v.url), Some(v.width), Some(v.height)))
            .unwrap_or_else(|| (super::absolute(&config, &c.url), c.width, c.height))
    });
    let answer = Oembed {
        version: "1.0",
        kind: "rich",
        title: row.title.clone(),
        author_name: row.byline.clone(),
        provider_name: config.site_name.clone(),
        provider_url: config.site_url.clone(),
        cache_age: 3600,
        html: format!(
            "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" title=\"{}\" style=\"border:0;max-width:100%\" loading=\"lazy\" sandbox=\"allow-popups allow-popups-to-escape-sandbox\"></iframe>",
            escape(&src),
            escape(&row.title)
        ),
        width,
        height,
        thumbnail_url: thumbnail.as_ref().map(|t| t.0.clone()),
        thumbnail_width: thumbnail.as_ref().and_then(|t| t.1),
        thumbnail_height: thumbnail.as_ref().and_then(|t| t.2),
    };
    crate::http::cache::cached_json(&r.req, &answer, r.auth.audience())
}

/// The card: title, photo with its caption, sapo, date and a link back.
pub fn card(row: &ArticleRow, config: &Config) -> String {
    let link = crate::http::site::article_url(config, row.id, &row.slug);
    let date = row
        .published_at
        .map(|at| {
            crate::clock::utc(at)
                .with_timezone(&crate::clock::vietnam())
                .format("%d/%m/%Y")
                .to_string()
        })
        .unwrap_or_default();
    let photo = crate::media::refs::read(row.cover_image.as_deref())
        .map(|image| {
            let mut image = image;
            image.url = super::absolute(config, &image.url);
            for v in &mut image.variants {
                v.url = super::absolute(config, &v.url);
            }
            crate::articles::print::figure(&image)
        })
        .unwrap_or_default();
    let sapo = row
        .summary
        .as_deref()
        .map(|s| format!("<p class=\"sapo\">{}</p>", escape(s)))
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>body{{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}}\
article{{padding:12px;border:1px solid #ddd;border-radius:8px}}h1{{font-size:1.15rem;line-height:1.3;margin:0 0 6px}}\
h1 a{{color:inherit;text-decoration:none}}figure{{margin:0 0 8px}}img{{width:100%;height:auto;border-radius:4px}}\
figcaption{{font-size:.8rem;color:#555;margin-top:4px}}.sapo{{font-size:.95rem;margin:6px 0}}.meta{{font-size:.8rem;color:#666}}\
.more{{font-size:.9rem}}</style></head><body><article>{photo}<h1><a href=\"{link}\" target=\"_blank\" rel=\"noopener\">{title}</a></h1>\
<p class=\"meta\">{date} · {site}</p>{sapo}<p class=\"more\"><a href=\"{link}\" target=\"_blank\" rel=\"noopener\">Đọc tiếp</a></p></article></body></html>\n",
        title = escape(&row.title),
        link = escape(&link),
        site = escape(&config.site_name),
    )
}

/// `GET /embed/articles/{slug}`: a published article as a card to embed.
#[utoipa::path(get, path = "/embed/articles/{slug}", tag = "feeds",
    params(("slug" = String, Path, description = "The article's slug (or id)")),
    responses(
        (status = 200, description = "An HTML card, framable anywhere", content_type = "text/html", body = String),
        (status = 304, description = "Not modified"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn embed_card(r: Reader, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&slug);
    let now = r.now();
    let row = crate::db::run(&r.state.read_pool, move |conn| {
        Ok::<_, ApiError>(crate::articles::store::find_public(conn, &key, now)?)
    })
    .await?;
    let html = card(&row, &r.state.config);
    let mut response = cached_bytes(
        &r.req,
        html.into_bytes(),
        "text/html; charset=utf-8",
        r.auth.audience(),
        None,
    );
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(EMBED_CSP));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_url_is_read_back_from_the_template() {
        let mut config = Config::for_data_dir(std::path::Path::new("/tmp/x"));
        config.public_url = Some("https://api.honglinh.vn".into());
        assert_eq!(
            article_key(&config, "https://honglinh.hatinh.gov.vn/tin-tuc/hoi-nghi"),
            None,
            "no site configured"
        );
        config.site_url = Some("https://honglinh.hatinh.gov.vn".into());
        let slug = |s: &str| Some(IdOrSlug::Slug(s.into()));
        assert_eq!(
            article_key(&config, "https://honglinh.hatinh.gov.vn/tin-tuc/hoi-nghi/"),
            slug("hoi-nghi")
        );
        assert_eq!(
            article_key(&config, "https://honglinh.hatinh.gov.vn/tin-tuc/hoi-nghi?utm=x"),
            slug("hoi-nghi")
        );
        assert_eq!(
            article_key(&config, "https://api.honglinh.vn/api/v1/articles/hoi-nghi"),
            slug("hoi-nghi")
        );
        assert_eq!(article_key(&config, "https://evil.example/tin-tuc/hoi-nghi"), None);
        assert_eq!(article_key(&config, "https://honglinh.hatinh.gov.vn/tin-tuc/a/b"), None);
        config.article_url = Some("{site}/bai-viet/{id}-{slug}.html".into());
        assert_eq!(
            article_key(&config, "https://honglinh.hatinh.gov.vn/bai-viet/7-hoi-nghi.html"),
            Some(IdOrSlug::Id(7))
        );
    }
}
