//! `GET /media/{id}/{variant}.{ext}`: the files themselves. A file never
//! changes once stored, so it is cached for a year as `immutable`, with an
//! `ETag` from its content hash; `Range` serves a part (audio seeking, large
//! PDFs). Large files go out in slices, never whole in memory.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{Kind, Media, Variant};
use crate::http::ApiError;
use crate::state::AppState;

/// Bytes read from the store at a time.
const SLICE: u64 = 1 << 20;
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/media/{id}/{file}")
            .route(web::get().to(serve_file))
            .route(web::head().to(serve_file)),
    );
}

/// A part of a file a `Range` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    All,
    Part { start: u64, end: u64 },
    Unsatisfiable,
}

/// Reads a `Range` header against a file of `size` bytes. Anything but one
/// `bytes` range (several ranges, another unit, nonsense) is ignored, as
/// RFC 9110 allows: the whole file is sent.
pub fn wanted(range: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::All;
    };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::All;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // The last n bytes.
        (true, _, Some(n)) if n > 0 && size > 0 => Wanted::Part {
            start: size.saturating_sub(n),
            end: size - 1,
        },
        (true, _, Some(_)) => Wanted::Unsatisfiable,
        (false, Some(start), None) if last.trim().is_empty() => {
            if start < size {
                Wanted::Part { start, end: size - 1 }
            } else {
                Wanted::Unsatisfiable
            }
        }
        (false, Some(start), Some(end)) if start <= end => {
            if start < size {
                Wanted::Part {
                    start,
                    end: end.min(size - 1),
                }
            } else {
                Wanted::Unsatisfiable
            }
        }
        _ => Wanted::All,
    }
}

/// A file of a media item: `original.jpg`, `w640.webp`, `original.pdf`, …
/// (the `url`s media items list). Immutable: cached for a year.
#[utoipa::path(get, path = "/media/{id}/{file}", tag = "media",
    params(("id" = i64, Path), ("file" = String, Path, description = "`{variant}.{ext}`: `original.jpg`, `w640.webp`"),
        ("Range" = Option<String>, Header, description = "One `bytes=` range")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The part asked for (`Content-Range`)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "Not modified"),
        (status = 404, body = crate::http::error::Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range_not_satisfiable`", body = crate::http::error::Problem, content_type = "application/problem+json"),
        (status = 503, body = crate::http::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn serve_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file) = path.into_inner();
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let (name, extension) = file.rsplit_once('.').ok_or(ApiError::NotFound)?;
    let (name, extension) = (name.to_string(), extension.to_string());
    let item: Media = crate::db::run(&state.read_pool, move |conn| {
        super::store::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    let variant = item.variant(&name, &extension).ok_or(ApiError::NotFound)?;
    let etag = format!("\"{}-{}.{}\"", &item.sha256[..16], variant.name, variant.extension());
    let matches = |h: header::HeaderName| {
        req.headers().get(h).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*")
        })
    };
    if matches(header::IF_NONE_MATCH) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, IMMUTABLE))
            .finish());
    }
    let size = variant.size;
    // `If-Range` with another version: the whole (new) file.
    let if_range_ok = req
        .headers()
        .get(header::IF_RANGE)
        .map(|v| v.to_str().ok() == Some(etag.as_str()))
        .unwrap_or(true);
    let range = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok());
    let want = if if_range_ok { wanted(range, size) } else { Wanted::All };
    let (start, end) = match want {
        Wanted::All => (0, size.saturating_sub(1)),
        Wanted::Part { start, end } => (start, end),
        Wanted::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable { size }),
    };
    let mut response = match want {
        Wanted::Part { .. } => {
            let mut r = HttpResponse::PartialContent();
            r.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}")));
            r
        }
        _ => HttpResponse::Ok(),
    };
    response
        .content_type(variant.mime_type())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // Files are data, never a page of this origin.
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
    if let Some(disposition) = disposition(&item, &variant) {
        response.insert_header(disposition);
    }
    if req.method() == actix_web::http::Method::HEAD || size == 0 {
        return Ok(response
            .no_chunking(if size == 0 { 0 } else { end - start + 1 })
            .finish());
    }
    let key = variant.object_key(&item.sha256);
    let files = state.media.clone();
    let length = end - start + 1;
    if length <= SLICE {
        let bytes = files.get(&key, Some(start..end + 1)).await.map_err(unavailable)?;
        return Ok(response.body(bytes));
    }
    let slices = futures_util::stream::unfold(start, move |at| {
        let (files, key) = (files.clone(), key.clone());
        async move {
            if at > end {
                return None;
            }
            let upto = (at + SLICE).min(end + 1);
            let slice = files.get(&key, Some(at..upto)).await.map_err(|e| {
                tracing::error!(error = %e, "reading a media file failed midway");
                std::io::Error::other(e.to_string())
            });
            Some((slice, upto))
        }
    });
    Ok(response.no_chunking(length).streaming(slices))
}

/// Documents and songs keep the name they were uploaded with.
fn disposition(item: &Media, variant: &Variant) -> Option<ContentDisposition> {
    if item.kind == Kind::Image.as_str() || variant.name != "original" {
        return None;
    }
    let name = item.original_name.clone()?;
    Some(ContentDisposition {
        disposition: DispositionType::Inline,
        parameters: vec![DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.into_bytes(),
        })],
    })
}

pub fn unavailable(e: super::files::FileError) -> ApiError {
    match e {
        super::files::FileError::NotFound => {
            tracing::error!("a media file is missing from the store");
            ApiError::NotFound
        }
        other => {
            tracing::error!(error = %other, "the media store failed");
            ApiError::Unavailable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(wanted(None, 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=0-9"), 100), Wanted::Part { start: 0, end: 9 });
        assert_eq!(wanted(Some("bytes=90-"), 100), Wanted::Part { start: 90, end: 99 });
        assert_eq!(wanted(Some("bytes=-10"), 100), Wanted::Part { start: 90, end: 99 });
        assert_eq!(wanted(Some("bytes=-500"), 100), Wanted::Part { start: 0, end: 99 });
        assert_eq!(wanted(Some("bytes=50-500"), 100), Wanted::Part { start: 50, end: 99 });
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100), Wanted::All);
        assert_eq!(wanted(Some("items=0-1"), 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=9-1"), 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=x-"), 100), Wanted::All);
    }
}
