//! `POST /stats/visits` (the beacon) and `GET /stats`.

use super::views::{Stats, VisitAck};
use crate::http::client::client_key;
use crate::http::error::Problem;
use crate::http::routes::at;
use crate::http::{respond, ApiError};
use crate::state::AppState;
use crate::web::auth::MaybeAuth;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/stats/visits").post(record_visit))
        .service(at("/stats").get(get_stats));
}

/// The stored total plus this instance's pending visits, and who is online;
/// `seen` is a visitor who has just sent a beacon.
async fn totals(state: &AppState, seen: Option<&str>) -> Result<(i64, i64), ApiError> {
    let online = state.shared.seen(seen, state.clock.now()).await?;
    let stored = crate::db::run(&state.pool, super::store::stored_visits).await?;
    Ok((stored + state.visits.total(), online))
}

/// Count a screen view. No body is needed. The visitor is known by
/// `X-Visitor-Id`; without one (an app's first start) a new id is issued,
/// signed by the server: send it back on later beacons and ratings. An id
/// the server did not issue is a 400 `visitor_invalid` (ask for a new one).
#[utoipa::path(post, path = "/api/v1/stats/visits", tag = "engagement",
    params(("X-Visitor-Id" = Option<String>, Header, description = "The id this endpoint issued earlier")),
    responses((status = 200, body = VisitAck, headers(("RateLimit-Limit" = u32), ("RateLimit-Remaining" = u32), ("RateLimit-Reset" = u64))),
        (status = 400, description = "`visitor_invalid`: an id this server did not issue", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json")))]
pub async fn record_visit(
    req: HttpRequest,
    _auth: MaybeAuth,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (client, now) = (client_key(&req, &state.config.trusted_proxies), state.clock.now());
    let visitor = state.visitors.of(&req)?;
    let quota = state.limits.writes.check(&client, now).await?;
    let visitor = match visitor {
        Some(id) => id,
        None => {
            // A new id per request would let one client mint ids to stuff ratings.
            state.limits.visitors.check(&client, now).await?;
            state.visitors.issue()
        }
    };
    state.visits.record(());
    let (total_visits, online_now) = totals(&state, Some(&visitor)).await?;
    Ok(respond::limited(HttpResponse::Ok(), quota)
        .insert_header(("Cache-Control", "no-store"))
        .json(VisitAck {
            visitor_id: visitor,
            total_visits,
            online_now,
        }))
}

/// Visit counter and visitors online.
#[utoipa::path(get, path = "/api/v1/stats", tag = "engagement", responses((status = 200, body = Stats)))]
pub async fn get_stats(_auth: MaybeAuth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (total_visits, online_now) = totals(&state, None).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(Stats {
            total_visits,
            online_now,
        }))
}
