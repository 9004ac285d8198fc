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
use crate::http::routes::at;
use crate::http::ApiError;
use crate::text::escaped as escape;
use crate::web::reader::Reader;

/// What an embedded card may load and who may frame it: its own style,
/// photos from anywhere, no script, any framing origin.
pub const EMBED_CSP: &str =
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; form-action 'none'";

const DEFAULT_WIDTH: u32 = 560;

/// The card's layout, in CSS pixels, so that its height is known before a
/// browser draws it: every block has a fixed height (text clamped to its
/// lines, the photo in a 16:9 box), and only the photo's height follows
/// the width. oEmbed answers the height this gives for the article it names.
mod layout {
    /// The article's border and padding, top and bottom.
    pub const FRAME: u32 = 2 * (1 + 12);
    /// The photo box's ratio: 16 wide, 9 high.
    pub const PHOTO_RATIO: (u32, u32) = (16, 9);
    /// Below the photo.
    pub const PHOTO_GAP: u32 = 10;
    /// A one-line caption (13 px type on 18 px lines) and its gap above.
    pub const CAPTION: u32 = 4 + 18;
    /// The title: two lines of 24 px.
    pub const TITLE: u32 = 2 * 24;
    /// The date and the site: one line of 18 px, 6 px below the title.
    pub const META: u32 = 6 + 18;
    /// The sapo: three lines of 21 px, 8 px below.
    pub const SAPO: u32 = 8 + 3 * 21;
    /// "Đọc tiếp": one line of 21 px, 8 px below.
    pub const MORE: u32 = 8 + 21;
    /// Rounding in the browser's own arithmetic.
    pub const SLACK: u32 = 2;

    /// The CSS that makes those heights true.
    pub const CSS: &str = "*{box-sizing:border-box}html,body{margin:0;padding:0;background:#fff}\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a}\
article{padding:12px;border:1px solid #ddd;border-radius:8px}\
figure{margin:0 0 10px}.photo{aspect-ratio:16/9;width:100%;overflow:hidden;border-radius:4px;background:#eee}\
.photo img{display:block;width:100%;height:100%;object-fit:cover}\
figcaption{margin-top:4px;font-size:13px;line-height:18px;height:18px;color:#555;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\
h1{margin:0;font-size:18px;line-height:24px;height:48px;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;word-break:break-word}\
h1 a{color:inherit;text-decoration:none}\
.meta{margin:6px 0 0;font-size:13px;line-height:18px;height:18px;color:#666;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\
.sapo{margin:8px 0 0;font-size:15px;line-height:21px;height:63px;overflow:hidden;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;word-break:break-word}\
.more{margin:8px 0 0;font-size:15px;line-height:21px;height:21px;white-space:nowrap;overflow:hidden}";
}

/// What a card shows, which decides its height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub photo: bool,
    pub caption: bool,
    pub sapo: bool,
}

impl Shape {
    /// The shape of an article's full card.
    pub fn of(row: &ArticleRow) -> Shape {
        let cover = row.cover_image.0.clone();
        Shape {
            photo: cover.is_some(),
            caption: cover
                .as_ref()
                .is_some_and(|c| c.caption.as_deref().is_some_and(|t| !t.is_empty())),
            sapo: row.summary.as_deref().is_some_and(|s| !s.is_empty()),
        }
    }

    /// The compact card: title, date and the link only.
    pub const COMPACT: Shape = Shape {
        photo: false,
        caption: false,
        sapo: false,
    };

    /// Its height at `width` CSS pixels (the photo box is as wide as the
    /// card's content).
    pub fn height(self, width: u32) -> u32 {
        use layout::*;
        let inner = width.saturating_sub(FRAME);
        let photo = if self.photo {
            let (w, h) = PHOTO_RATIO;
            (inner * h).div_ceil(w) + PHOTO_GAP + if self.caption { CAPTION } else { 0 }
        } else {
            0
        };
        FRAME + photo + TITLE + META + if self.sapo { SAPO } else { 0 } + MORE + SLACK
    }
}

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
    #[param(required = true, min_length = 1)]
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
    let row = match public_article(&r, key, now).await? {
        Ok(row) => row,
        // An old address of a renamed article: the same question about its
        // current one.
        Err(slug) => {
            let current = crate::http::site::article_url(&config, 0, &slug);
            return Ok(moved_oembed(&r.req, &current));
        }
    };
    // Never above what the consumer allows (the spec's maxwidth/maxheight):
    // the full card if it fits, else the compact one.
    let width = max_width.map_or(DEFAULT_WIDTH, |m| m.min(DEFAULT_WIDTH));
    let full = Shape::of(&row);
    let (compact, height) = match max_height {
        Some(max) if full.height(width) > max => (true, Shape::COMPACT.height(width).min(max)),
        _ => (false, full.height(width)),
    };
    let src = format!(
        "{}/embed/articles/{}{}",
        super::api_base(&config),
        row.slug,
        if compact { "?compact=true" } else { "" }
    );
    let cover = row.cover_image.0.clone();
    let thumbnail = cover
        .as_ref()
        .and_then(|c| thumbnail(&config, c, max_width, max_height));
    let answer = Oembed {
        version: "1.0",
        kind: "rich",
        title: row.title.clone(),
        author_name: row.byline.clone(),
        provider_name: config.site_name.clone(),
        provider_url: config.site_url.clone(),
        cache_age: 3600,
        html: format!(
            "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" title=\"{}\" style=\"border:0;max-width:100%\" scrolling=\"no\" loading=\"lazy\" sandbox=\"allow-popups allow-popups-to-escape-sandbox\"></iframe>",
            escape(&src),
            escape(&row.title)
        ),
        width,
        height,
        thumbnail_url: thumbnail.as_ref().map(|t| t.0.clone()),
        thumbnail_width: thumbnail.as_ref().map(|t| t.1),
        thumbnail_height: thumbnail.as_ref().map(|t| t.2),
    };
    crate::http::cache::cached_json(&r.req, &answer, r.auth.audience())
}

/// The thumbnail of a cover photo: its 640-wide JPEG, or within a
/// consumer's maxwidth/maxheight (which the spec says a thumbnail keeps to
/// as well) the largest of its JPEGs and the original that fits; none when
/// nothing fits or the size is unknown (the spec wants all three fields or
/// none).
fn thumbnail(
    config: &Config,
    image: &crate::media::refs::Image,
    max_width: Option<u32>,
    max_height: Option<u32>,
) -> Option<(String, u32, u32)> {
    let original = image.width.zip(image.height).map(|(w, h)| (image.url.as_str(), w, h));
    let jpegs = image
        .variants
        .iter()
        .filter(|v| v.mime_type == "image/jpeg")
        .map(|v| (v.url.as_str(), v.width, v.height));
    let fits =
        |&(_, w, h): &(&str, u32, u32)| w <= max_width.unwrap_or(u32::MAX) && h <= max_height.unwrap_or(u32::MAX);
    let candidates: Vec<_> = jpegs.chain(original).filter(fits).collect();
    let chosen = match (max_width, max_height) {
        (None, None) => candidates
            .iter()
            .find(|c| c.1 == 640)
            .or_else(|| candidates.iter().max_by_key(|c| c.1)),
        _ => candidates.iter().max_by_key(|c| c.1),
    }?;
    Some((super::absolute(config, chosen.0), chosen.1, chosen.2))
}

/// The card: title, photo with its caption, sapo, date and a link back,
/// laid out to the height [`Shape::height`] gives.
pub fn card(row: &ArticleRow, config: &Config, shape: Shape) -> String {
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
    let photo = row
        .cover_image
        .0
        .clone()
        .filter(|_| shape.photo)
        .map(|image| photo(config, &image, shape.caption))
        .unwrap_or_default();
    let sapo = row
        .summary
        .as_deref()
        .filter(|_| shape.sapo)
        .map(|s| format!("<p class=\"sapo\">{}</p>", escape(s)))
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>{css}</style></head><body><article>{photo}<h1><a href=\"{link}\" target=\"_blank\" rel=\"noopener\">{title}</a></h1>\
<p class=\"meta\">{date} · {site}</p>{sapo}<p class=\"more\"><a href=\"{link}\" target=\"_blank\" rel=\"noopener\">Đọc tiếp</a></p></article></body></html>\n",
        css = layout::CSS,
        title = escape(&row.title),
        link = escape(&link),
        site = escape(&config.site_name),
    )
}

/// The cover photo in its 16:9 box (cropped to it, whatever its own shape),
/// the variants as a `srcset`, and its caption on one line.
fn photo(config: &Config, image: &crate::media::refs::Image, caption: bool) -> String {
    let srcset: Vec<String> = image
        .variants
        .iter()
        .filter(|v| v.mime_type == "image/jpeg")
        .map(|v| format!("{} {}w", escape(&super::absolute(config, &v.url)), v.width))
        .collect();
    let srcset = if srcset.is_empty() {
        String::new()
    } else {
        format!(" srcset=\"{}\" sizes=\"560px\"", srcset.join(", "))
    };
    let caption = image
        .caption
        .as_deref()
        .filter(|_| caption)
        .map(|c| format!("<figcaption>{}</figcaption>", escape(c)))
        .unwrap_or_default();
    format!(
        "<figure><div class=\"photo\"><img src=\"{}\"{srcset} alt=\"{}\"></div>{caption}</figure>",
        escape(&super::absolute(config, &image.url)),
        escape(image.alt.as_deref().or(image.caption.as_deref()).unwrap_or(""))
    )
}

/// The published article `key` names, or the current slug of a renamed one.
async fn public_article(
    r: &Reader,
    key: IdOrSlug,
    now: chrono::NaiveDateTime,
) -> Result<Result<ArticleRow, String>, ApiError> {
    public_article_in(&r.state, key, now).await
}

async fn public_article_in(
    state: &crate::state::AppState,
    key: IdOrSlug,
    now: chrono::NaiveDateTime,
) -> Result<Result<ArticleRow, String>, ApiError> {
    crate::db::run(
        &state.read_pool,
        move |conn| match crate::articles::store::find_public(conn, &key, now) {
            Ok(row) => Ok(Ok(row)),
            Err(crate::db::StoreError::NotFound) => {
                let slug = crate::web::reader::renamed(conn, crate::db::slug::SlugTable::Articles, &key)?;
                slug.map(Err).ok_or(ApiError::NotFound)
            }
            Err(e) => Err(e.into()),
        },
    )
    .await
}

/// `301` to the same oEmbed question about `url` (the renamed article's
/// current address), the other parameters kept.
fn moved_oembed(req: &actix_web::HttpRequest, url: &str) -> HttpResponse {
    let base = req
        .app_data::<crate::http::pagination::PublicUrl>()
        .map(|u| u.0.trim_end_matches('/'))
        .unwrap_or("");
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("url", url);
    for (name, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if name != "url" {
            query.append_pair(&name, &value);
        }
    }
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, format!("{base}{}?{}", req.path(), query.finish())))
        .insert_header((header::CACHE_CONTROL, crate::http::cache::PUBLIC_CACHE_CONTROL))
        .finish()
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmbedQuery {
    /// `true`: the title, date and link only (no photo, no sapo), for a
    /// consumer whose `maxheight` is too small for the whole card.
    pub compact: Option<bool>,
}

/// `GET /embed/articles/{slug}`: a published article as a card to embed,
/// as tall as oEmbed says. Public: credentials sent with it are ignored. An
/// old slug of a renamed article answers `301` to the current one.
#[utoipa::path(get, path = "/embed/articles/{slug}", tag = "feeds",
    params(("slug" = String, Path, description = "The article's slug (or id)"), EmbedQuery),
    responses(
        (status = 200, description = "An HTML card, framable anywhere", content_type = "text/html", body = String),
        (status = 301, description = "A slug the article had before it was renamed: `Location` is the card at its current one"),
        (status = 304, description = "Not modified"),
        (status = 400, description = "An unknown parameter, or `compact` not `true`/`false`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn embed_card(
    req: actix_web::HttpRequest,
    state: web::Data<crate::state::AppState>,
    slug: web::Path<String>,
    query: web::Query<EmbedQuery>,
) -> Result<HttpResponse, ApiError> {
    let compact = query.compact.unwrap_or(false);
    let key = IdOrSlug::parse(&slug);
    let row = match public_article_in(&state, key, state.clock.now()).await? {
        Ok(row) => row,
        Err(current) => return Ok(crate::web::reader::moved(&req, &current)),
    };
    let shape = if compact { Shape::COMPACT } else { Shape::of(&row) };
    let html = card(&row, &state.config, shape);
    let mut response = cached_bytes(
        &req,
        html.into_bytes(),
        "text/html; charset=utf-8",
        crate::http::cache::Audience::Public,
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
    fn a_card_is_as_tall_as_what_it_shows() {
        let full = Shape {
            photo: true,
            caption: true,
            sapo: true,
        };
        // 534 px of photo box width: 300.375 px high, 301 with rounding.
        assert_eq!(full.height(560), 26 + 301 + 10 + 22 + 48 + 24 + 71 + 29 + 2);
        assert_eq!(Shape::COMPACT.height(560), 26 + 48 + 24 + 29 + 2);
        assert!(full.height(320) < full.height(560), "a narrower card is shorter");
    }

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
