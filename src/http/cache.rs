//! JSON responses with HTTP caching: a strong `ETag` over the exact bytes
//! sent, `Cache-Control` by audience, and `304 Not Modified` on a matching
//! `If-None-Match`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::pagination::{next_link, Paged};

/// Who may cache a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anonymous reads of public content: shared caches may keep it briefly.
    Public,
    /// Reads made with credentials (they may include drafts): never shared.
    Private,
}

pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=60";
pub const PRIVATE_CACHE_CONTROL: &str = "private, no-cache";

pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// The `ETag` of an item's representation at a version of the change log:
/// `"<version>-<hash>"` (see [`super::versions`]).
pub fn versioned_etag(version: i64, bytes: &[u8]) -> String {
    format!("\"{version}-{}", etag_of(bytes).trim_start_matches('"'))
}

fn matches_if_none_match(req: &HttpRequest, etag: &str) -> bool {
    let Some(value) = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag)
}

/// Serialises `body` and answers 200 with caching headers, or 304.
pub fn cached_json<T: Serialize>(req: &HttpRequest, body: &T, audience: Audience) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| {
        tracing::error!(error = %e, "serialising a response failed");
        ApiError::Internal
    })?;
    Ok(cached_bytes(req, bytes, "application/json", audience, None))
}

/// One item at a version of the change log: its `ETag` carries the
/// version, for `If-Match` (see [`super::versions`]).
pub fn cached_item<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    audience: Audience,
    version: i64,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| {
        tracing::error!(error = %e, "serialising a response failed");
        ApiError::Internal
    })?;
    let etag = versioned_etag(version, &bytes);
    Ok(answer(req, bytes, etag, "application/json", audience, None))
}

/// A list page, with `Link: rel="next"` when there is one.
pub fn cached_page<T: Serialize>(
    req: &HttpRequest,
    page: &Paged<T>,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(page).map_err(|e| {
        tracing::error!(error = %e, "serialising a page failed");
        ApiError::Internal
    })?;
    let link = page.meta.next_cursor.as_deref().map(|c| next_link(req, c));
    Ok(cached_bytes(req, bytes, "application/json", audience, link))
}

/// Any body (a calendar feed, say) with the same caching rules.
pub fn cached_bytes(
    req: &HttpRequest,
    bytes: Vec<u8>,
    content_type: &str,
    audience: Audience,
    link: Option<String>,
) -> HttpResponse {
    let etag = etag_of(&bytes);
    answer(req, bytes, etag, content_type, audience, link)
}

fn answer(
    req: &HttpRequest,
    bytes: Vec<u8>,
    etag: String,
    content_type: &str,
    audience: Audience,
    link: Option<String>,
) -> HttpResponse {
    let cache_control = match audience {
        Audience::Public => PUBLIC_CACHE_CONTROL,
        Audience::Private => PRIVATE_CACHE_CONTROL,
    };
    let not_modified = matches_if_none_match(req, &etag);
    let mut builder = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, HeaderValue::from_static("Authorization, Accept-Language")));
    if let Some(link) = link {
        builder.insert_header((header::LINK, link));
    }
    if not_modified {
        builder.finish()
    } else {
        builder.content_type(content_type).body(bytes)
    }
}

/// What an HTML page (the API docs) may load and who may frame it: only
/// this server's own assets, and no framing at all (clickjacking).
pub const HTML_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Adds framing protection and a content security policy to HTML
/// responses that do not set their own.
pub fn protect_html(headers: &mut header::HeaderMap) {
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(HTML_CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
}
