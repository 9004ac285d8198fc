//! `/articles/{id|slug}/ratings`.

use super::input::RatingInput;
use crate::articles::stats;
use crate::articles::store as articles;
use crate::articles::views::RatingSummary;
use crate::db::IdOrSlug;
use crate::http::client::client_key;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::routes::at;
use crate::http::visitor::visitor_key;
use crate::http::{ApiError, FieldIssue};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/articles/{id_or_slug}/ratings").get(get_ratings).post(rate));
}

/// An article's rating summary: count, average and distribution.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/ratings", tag = "engagement",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 200, body = RatingSummary), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_ratings(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    // From the primary: a reader who has just rated expects to see it.
    let summary = crate::db::run(&state.pool, move |conn| {
        let article = articles::find_public(conn, &key, now)?;
        Ok::<_, ApiError>(RatingSummary::of(&stats::for_article(conn, article.id)?))
    })
    .await?;
    crate::http::cache::cached_json(&req, &summary, crate::http::cache::Audience::Public)
}

/// Rate an article. The visitor is known by `X-Visitor-Id` (from the visit
/// beacon), else by a hash of their address and user agent; rating again
/// replaces their earlier score.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/ratings", tag = "engagement", request_body = RatingInput,
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"),
        ("X-Visitor-Id" = Option<String>, Header, description = "From `POST /stats/visits`")),
    responses((status = 200, description = "The new summary", body = RatingSummary),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json")))]
pub async fn rate(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: Json<RatingInput>,
) -> Result<HttpResponse, ApiError> {
    let score = body.score;
    if !(1..=5).contains(&score) {
        return Err(ApiError::validation("score", FieldIssue::Range { min: 1, max: 5 }));
    }
    state
        .limits
        .writes
        .check(&client_key(&req, &state.config.trusted_proxies), state.clock.now())
        .await?;
    let visitor = visitor_key(&req, &state.config.trusted_proxies);
    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    let summary = crate::db::run(&state.pool, move |conn| {
        let article = articles::find_public(conn, &key, now)?;
        super::store::rate(conn, article.id, &visitor, score as i32, now)?;
        Ok::<_, ApiError>(RatingSummary::of(&stats::for_article(conn, article.id)?))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(summary))
}
