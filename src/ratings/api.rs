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
use crate::http::{respond, ApiError, FieldIssue};
use crate::state::AppState;
use crate::web::auth::MaybeAuth;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/articles/{id_or_slug}/ratings").get(get_ratings).post(rate));
}

/// An article's rating summary: count, average and distribution.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/ratings", tag = "engagement",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 200, body = RatingSummary),))]
pub async fn get_ratings(
    req: HttpRequest,
    _auth: MaybeAuth,
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

/// Rate an article as the visitor `X-Visitor-Id` names (an id the visit
/// beacon issued); rating again replaces their earlier score.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/ratings", tag = "engagement", request_body = RatingInput,
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"),
        ("X-Visitor-Id" = String, Header, description = "The id `POST /stats/visits` issued")),
    responses((status = 200, description = "The new summary", body = RatingSummary,
            headers(("RateLimit-Limit" = u32), ("RateLimit-Remaining" = u32), ("RateLimit-Reset" = u64))),
        (status = 400, description = "`visitor_invalid`: no `X-Visitor-Id`, or one this server did not issue", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json")))]
pub async fn rate(
    req: HttpRequest,
    _auth: MaybeAuth,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: Json<RatingInput>,
) -> Result<HttpResponse, ApiError> {
    let score = body.score;
    if !(1..=5).contains(&score) {
        return Err(ApiError::validation("score", FieldIssue::Range { min: 1, max: 5 }));
    }
    let visitor = state.visitors.of(&req)?.ok_or(ApiError::VisitorInvalid)?;
    let now = state.clock.now();
    let quota = state
        .limits
        .writes
        .check(&client_key(&req, &state.config.trusted_proxies), now)
        .await?;
    let key = IdOrSlug::parse(&key);
    let summary = crate::db::run(&state.pool, move |conn| {
        let article = articles::find_public(conn, &key, now)?;
        super::store::rate(conn, article.id, &format!("v:{visitor}"), score as i32, now)?;
        Ok::<_, ApiError>(RatingSummary::of(&stats::for_article(conn, article.id)?))
    })
    .await?;
    Ok(respond::limited(HttpResponse::Ok(), quota)
        .insert_header(("Cache-Control", "no-store"))
        .json(summary))
}
