//! `GET /articles/{id_or_slug}/print`: an article as a clean printable HTML
//! page: the portal's name, the title, the date, the sapo, the photos with
//! their captions and the body. No scripts, nothing loaded but the photos.

use actix_web::{web, HttpResponse};

use super::model::{ArticleRow, Image};
use crate::clock::vietnam;
use crate::db::slug::SlugTable;
use crate::db::IdOrSlug;
use crate::http::cache::cached_bytes;
use crate::http::ApiError;
use crate::text::escaped as escape;
use crate::web::reader::{renamed, Reader};

/// What a print page may load: its own style, and photos from anywhere.
pub const PRINT_CSP: &str = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const STYLE: &str = "body{font-family:'Times New Roman',Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#000;background:#fff}header{border-bottom:2px solid #000;margin-bottom:1rem;font-weight:bold;\
text-transform:uppercase;font-size:.9rem}h1{font-size:1.7rem;line-height:1.25;margin:.5rem 0}.meta{color:#444;font-size:.9rem}\
.sapo{font-weight:bold}figure{margin:1rem 0;text-align:center;break-inside:avoid}img{max-width:100%;height:auto}\
figcaption{font-style:italic;font-size:.9rem;color:#333}footer{border-top:1px solid #999;margin-top:2rem;font-size:.8rem;color:#444}\
@media print{body{margin:0;max-width:none}a{color:#000;text-decoration:none}}";

/// A photo with its caption; `srcset` from its variants (JPEG, which every
/// printer driver reads).
pub fn figure(image: &Image) -> String {
    let srcset: Vec<String> = image
        .variants
        .iter()
        .filter(|v| v.mime_type == "image/jpeg")
        .map(|v| format!("{} {}w", escape(&v.url), v.width))
        .collect();
    let srcset = if srcset.is_empty() {
        String::new()
    } else {
        format!(
            " srcset=\"{}\" sizes=\"(max-width: 46rem) 100vw, 46rem\"",
            srcset.join(", ")
        )
    };
    let caption = image
        .caption
        .as_deref()
        .map(|c| format!("<figcaption>{}</figcaption>", escape(c)))
        .unwrap_or_default();
    format!(
        "<figure><img src=\"{}\"{srcset} alt=\"{}\">{caption}</figure>",
        escape(&image.url),
        escape(image.alt.as_deref().or(image.caption.as_deref()).unwrap_or(""))
    )
}

/// The page of an article, for `site` (the portal's name).
pub fn page(row: &ArticleRow, site: &str, link: Option<&str>) -> String {
    let date = row
        .published_at
        .map(|at| {
            crate::clock::utc(at)
                .with_timezone(&vietnam())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let byline = row
        .byline
        .as_deref()
        .map(|b| format!(" · {}", escape(b)))
        .unwrap_or_default();
    let sapo = row
        .summary
        .as_deref()
        .map(|s| format!("<p class=\"sapo\">{}</p>", escape(s)))
        .unwrap_or_default();
    let cover = row.cover_image.0.clone().map(|c| figure(&c)).unwrap_or_default();
    let photos: String = row.images.0.iter().map(figure).collect();
    let source = link
        .map(|l| format!("<p>Nguồn: <a href=\"{0}\">{0}</a></p>", escape(l)))
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title} – {site}</title><style>{STYLE}</style></head>\
<body><header>{site}</header><article><h1>{title}</h1><p class=\"meta\">{date}{byline}</p>{sapo}{cover}\
<div class=\"body\">{body}</div>{photos}</article><footer>{source}<p>{site}</p></footer></body></html>\n",
        title = escape(&row.title),
        site = escape(site),
        body = row.body,
    )
}

/// A printable page of a published article (editors: any article).
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/print", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses(
        (status = 200, description = "An HTML page to print", content_type = "text/html", body = String),
        (status = 301, description = "A former slug: the current address in `Location`"),
        (status = 304, description = "Not modified"),
    ))]
pub async fn print_article(r: Reader, key: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    let (editor, now) = (r.auth.is_editor(), r.now());
    let found = crate::db::run(r.pool(), move |conn| {
        match super::store::find(conn, &key)?.filter(|row| editor || row.is_public(now)) {
            Some(row) => Ok::<_, ApiError>(Ok(row)),
            None => Ok(Err(renamed(conn, SlugTable::Articles, &key)?.ok_or(ApiError::NotFound)?)),
        }
    })
    .await?;
    let row = match found {
        Ok(row) => row,
        Err(slug) => {
            // `/articles/{old}/print` → `/articles/{new}/print`.
            return Ok(HttpResponse::MovedPermanently()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    format!(
                        "{}/api/v1/articles/{slug}/print",
                        crate::http::site::api_base(&r.state.config)
                    ),
                ))
                .finish());
        }
    };
    let config = &r.state.config;
    let link = crate::http::site::article_url(config, row.id, &row.slug);
    let html = page(&row, &config.site_name, Some(&link));
    let mut response = cached_bytes(
        &r.req,
        html.into_bytes(),
        "text/html; charset=utf-8",
        r.auth.audience(),
        None,
    );
    response.headers_mut().insert(
        actix_web::http::header::CONTENT_SECURITY_POLICY,
        actix_web::http::header::HeaderValue::from_static(PRINT_CSP),
    );
    Ok(response)
}
