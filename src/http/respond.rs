//! Answers every write gives the same way.

use actix_web::HttpResponse;
use serde::Serialize;

/// `201 Created` with the new item and its `Location` (a path under
/// `/api/v1`, made absolute from `BANTIN_PUBLIC_URL` on the way out: see
/// [`absolute_location`]).
pub fn created(collection: &str, id: impl std::fmt::Display, item: impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/{collection}/{id}")))
        .json(item)
}

/// `200 OK` with what only its asker may see (an admin list, a moderation
/// queue, a secret): no cache on the way keeps it.
pub fn private(view: impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(view)
}

/// A response to a rate-limited route, with where the client stands
/// (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`).
pub fn limited(
    mut builder: actix_web::HttpResponseBuilder,
    quota: super::rate_limit::Quota,
) -> actix_web::HttpResponseBuilder {
    for header in quota.headers() {
        builder.insert_header(header);
    }
    builder
}

/// Makes a `Location` that is a path on this server absolute, from
/// `BANTIN_PUBLIC_URL` (`base`, without a trailing `/`): clients resolve
/// it the same whatever proxy they came through.
pub fn absolute_location(headers: &mut actix_web::http::header::HeaderMap, base: &str) {
    use actix_web::http::header::{HeaderValue, LOCATION};
    let Some(path) = headers.get(LOCATION).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if base.is_empty() || !path.starts_with('/') || path.starts_with("//") {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{base}{path}")) {
        headers.insert(LOCATION, value);
    }
}
