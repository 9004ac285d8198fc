//! Answers every write gives the same way.

use actix_web::HttpResponse;
use serde::Serialize;

/// `201 Created` with the new item and its `Location` (a path under `/api/v1`).
pub fn created(collection: &str, id: impl std::fmt::Display, item: impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/{collection}/{id}")))
        .json(item)
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
