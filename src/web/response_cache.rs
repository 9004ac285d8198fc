//! The response cache for public reads, and compression.
//!
//! Anonymous `GET`s (and those made with a content key, which sees what the
//! public sees) are answered from memory: the stored bytes, already
//! compressed for the encoding asked for, with their `ETag` and headers. A
//! hit does no database work, no serialising and no hashing; `If-None-Match`
//! gets its 304 from the entry. The cache is bounded by bytes
//! (`BANTIN_CACHE_MB`) and keyed by the canonical request: the path, the
//! query parameters in a fixed order (never `key`, which the gate has taken
//! out), the language and the encoding.
//!
//! It follows the change log: a change the public sees empties it at once
//! on the instance that made it (the writer's next read is fresh), and
//! within a second on every other ([`follow`]). Entries live at most
//! [`TIME_TO_LIVE`], so the counters pages embed (views, comments, ratings)
//! lag by no more than that. Signed-in readers and integration keys bypass
//! it. Headers that depend on the request (CORS, rate limits, the request
//! id, a content key in `Link`) are added after it and never stored.
//!
//! Every `GET` answer of some size is compressed (brotli, zstd or gzip, as
//! `Accept-Encoding` prefers) with `Vary: Accept-Encoding` and an `ETag` of
//! its own per encoding.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use bytes::Bytes;

use crate::cache::Entry;
pub use crate::cache::{CountsView, Encoding, ResponseCache, TIME_TO_LIVE};
use crate::http::error::ApiError;
use crate::http::lang::Lang;
use crate::http::pagination::QueryKey;
use crate::keys::model::{Grant, KeyKind};
use crate::state::AppState;

/// Bodies smaller than this are sent as they are.
const COMPRESS_FROM_BYTES: usize = 1024;

/// Keeps the cache in step with changes made by other instances: twice a
/// second, the newest change the public saw; when it is newer than what
/// this instance has taken in (its own writes empty the cache as they
/// commit), the cache goes.
pub async fn follow(state: AppState) {
    let Some(cache) = state.cache.clone() else { return };
    loop {
        match crate::db::run(&state.background, crate::changes::store::public_position).await {
            Ok(position) => cache.followed(position),
            Err(e) => tracing::warn!(error = %e, "following the change log for the cache failed"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Whether a response of this type is worth compressing.
fn compressible(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/") || t.contains("+xml"))
        && !headers.contains_key(header::CONTENT_ENCODING)
}

/// The canonical request: path, query parameters sorted, language, encoding.
fn cache_key(req: &ServiceRequest, lang: Lang, encoding: Encoding) -> Option<String> {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).ok()?;
    pairs.sort();
    let query = serde_urlencoded::to_string(&pairs).ok()?;
    Some(format!("{}?{query}\n{lang:?}\n{encoding:?}", req.path()))
}

/// Whether the caller sees only what the public sees: no credential, or a
/// content key.
fn reads_as_public(req: &ServiceRequest) -> bool {
    match req.extensions().get::<Grant>() {
        Some(grant) => grant.kind == KeyKind::Content,
        None => !req.headers().contains_key(header::AUTHORIZATION),
    }
}

/// Headers a stored answer keeps: what describes the body, never what
/// depends on who asked.
fn storable(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "content-type" | "cache-control" | "etag" | "vary" | "link" | "content-encoding" | "content-language"
    )
}

fn with_vary_encoding(vary: Option<&HeaderValue>) -> HeaderValue {
    match vary.and_then(|v| v.to_str().ok()) {
        Some(v) if v.to_ascii_lowercase().contains("accept-encoding") => HeaderValue::from_str(v).unwrap(),
        Some(v) => HeaderValue::from_str(&format!("{v}, Accept-Encoding"))
            .unwrap_or(HeaderValue::from_static("Accept-Encoding")),
        None => HeaderValue::from_static("Accept-Encoding"),
    }
}

/// The `ETag` of the encoded representation: `"…"` becomes `"….br"`.
fn encoded_etag(etag: Option<&HeaderValue>, encoding: Encoding) -> Option<HeaderValue> {
    let etag = etag?;
    if encoding == Encoding::Identity {
        return Some(etag.clone());
    }
    let text = etag.to_str().ok()?;
    let inner = text.strip_suffix('"')?;
    HeaderValue::from_str(&format!("{inner}{}\"", encoding.tag())).ok()
}

/// Whether `If-None-Match` names this entry (or the same content in
/// another encoding).
fn not_modified(req_headers: &HeaderMap, etag: Option<&HeaderValue>) -> bool {
    let (Some(etag), Some(asked)) = (
        etag.and_then(|e| e.to_str().ok()),
        req_headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let base = |tag: &str| -> String {
        let tag = tag.trim().trim_start_matches("W/");
        let inner = tag.trim_matches('"');
        let inner = [".br", ".gz", ".zst"]
            .iter()
            .find_map(|s| inner.strip_suffix(s))
            .unwrap_or(inner);
        inner.to_string()
    };
    let ours = base(etag);
    asked
        .split(',')
        .any(|candidate| candidate.trim() == "*" || base(candidate) == ours)
}

/// Turns a finished response into an entry: its body (compressed when it
/// pays), its describing headers, its `ETag` for the encoding.
async fn entry_of(
    res: ServiceResponse<BoxBody>,
    encoding: Encoding,
    generation: u64,
) -> Result<(actix_web::HttpRequest, Entry), actix_web::Error> {
    let view = res.response().extensions().get::<CountsView>().map(|v| v.0);
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let body = to_bytes(body).await.map_err(|_| ApiError::Internal)?;
    let mut headers: Vec<(HeaderName, HeaderValue)> = head
        .headers()
        .iter()
        .filter(|(n, _)| storable(n))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let mut etag = head.headers().get(header::ETAG).cloned();
    let mut body = body;
    if compressible(head.headers()) {
        headers.retain(|(n, _)| n != header::VARY);
        headers.push((header::VARY, with_vary_encoding(head.headers().get(header::VARY))));
        if body.len() >= COMPRESS_FROM_BYTES {
            if let Some(compressed) = encoding.compress(&body).filter(|c| c.len() < body.len()) {
                body = Bytes::from(compressed);
                if let Some(name) = encoding.name() {
                    headers.push((header::CONTENT_ENCODING, HeaderValue::from_static(name)));
                }
                etag = encoded_etag(etag.as_ref(), encoding);
            }
        }
    }
    headers.retain(|(n, _)| n != header::ETAG);
    Ok((
        req,
        Entry {
            generation,
            headers,
            etag,
            body,
            view,
        },
    ))
}

/// The answer an entry gives a request: 304 when `If-None-Match` names it,
/// else its body; `X-Cache` says whether it was stored already.
fn answer(req_headers: &HeaderMap, entry: &Entry, hit: bool) -> HttpResponse {
    let unchanged = not_modified(req_headers, entry.etag.as_ref());
    let mut res = if unchanged {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().body(entry.body.clone())
    };
    let headers = res.headers_mut();
    for (name, value) in &entry.headers {
        if unchanged && matches!(name.as_str(), "content-type" | "content-encoding") {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    if let Some(etag) = &entry.etag {
        headers.insert(header::ETAG, etag.clone());
    }
    headers.insert(
        HeaderName::from_static("x-cache"),
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    res
}

/// Puts the caller's content key back into `Link` (it is never stored).
fn add_key_to_link(headers: &mut HeaderMap, key: &QueryKey) {
    let Some(link) = headers.get(header::LINK).and_then(|v| v.to_str().ok()) else {
        return;
    };
    let encoded = serde_urlencoded::to_string([("key", key.0.as_str())]).unwrap_or_default();
    let with_key = link.replacen(">;", &format!("&{encoded}>;"), 1);
    if let Ok(value) = HeaderValue::from_str(&with_key) {
        headers.insert(header::LINK, value);
    }
}

/// Compresses an answer that is not cached (a signed-in reader's).
async fn compressed(
    res: ServiceResponse<BoxBody>,
    encoding: Encoding,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if res.status() != StatusCode::OK || !compressible(res.headers()) {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let body = to_bytes(body).await.map_err(|_| ApiError::Internal)?;
    let vary = with_vary_encoding(head.headers().get(header::VARY));
    head.headers_mut().insert(header::VARY, vary);
    let body = match encoding
        .compress(&body)
        .filter(|c| body.len() >= COMPRESS_FROM_BYTES && c.len() < body.len())
    {
        Some(compressed) => {
            if let Some(name) = encoding.name() {
                head.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
            }
            if let Some(etag) = encoded_etag(head.headers().get(header::ETAG), encoding) {
                head.headers_mut().insert(header::ETAG, etag);
            }
            Bytes::from(compressed)
        }
        None => body,
    };
    Ok(ServiceResponse::new(req, head.set_body(body).map_into_boxed_body()))
}

/// The middleware, for the API scope, inside the gate (keys are checked
/// before the cache is asked).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(ApiError::Internal)?;
    let encoding = Encoding::negotiate(req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()));
    let query_key = req.extensions().get::<QueryKey>().cloned();
    let cache = state.cache.as_ref().filter(|_| reads_as_public(&req));
    let key = cache.and_then(|_| cache_key(&req, Lang::from_request(req.request()), encoding));
    let mut res = match (cache, key) {
        (Some(cache), Some(key)) => {
            let generation = cache.generation();
            if let Some(entry) = cache.get(&key) {
                cache.hits.fetch_add(1, Ordering::Relaxed);
                if let Some(article) = entry.view {
                    state.views.record(article);
                }
                let response = answer(req.headers(), &entry, true);
                req.into_response(response)
            } else {
                cache.misses.fetch_add(1, Ordering::Relaxed);
                let asked = req.headers().clone();
                // The handler makes the whole answer; whether the client
                // has it already is decided here, against the entry.
                req.headers_mut().remove(header::IF_NONE_MATCH);
                let res = next.call(req).await?.map_into_boxed_body();
                let public = res
                    .headers()
                    .get(header::CACHE_CONTROL)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("public"));
                if res.status() == StatusCode::OK && public {
                    let (request, entry) = entry_of(res, encoding, generation).await?;
                    let response = answer(&asked, &entry, false);
                    cache.put(key, Arc::new(entry));
                    ServiceResponse::new(request, response)
                } else {
                    let mut res = compressed(res, encoding).await?;
                    res.headers_mut()
                        .insert(HeaderName::from_static("x-cache"), HeaderValue::from_static("miss"));
                    res
                }
            }
        }
        _ => {
            let res = next.call(req).await?.map_into_boxed_body();
            let mut res = compressed(res, encoding).await?;
            res.headers_mut()
                .insert(HeaderName::from_static("x-cache"), HeaderValue::from_static("miss"));
            res
        }
    };
    if let Some(key) = query_key {
        add_key_to_link(res.headers_mut(), &key);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_has_its_own_etag_and_they_all_revalidate() {
        let tag = HeaderValue::from_static("\"12-abcdef\"");
        assert_eq!(encoded_etag(Some(&tag), Encoding::Brotli).unwrap(), "\"12-abcdef.br\"");
        assert_eq!(encoded_etag(Some(&tag), Encoding::Identity).unwrap(), "\"12-abcdef\"");
        let mut asked = HeaderMap::new();
        asked.insert(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"12-abcdef.gz\""));
        assert!(not_modified(
            &asked,
            encoded_etag(Some(&tag), Encoding::Brotli).as_ref()
        ));
        asked.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"13-abcdef\""));
        assert!(!not_modified(&asked, Some(&tag)));
    }
}
