//! `POST /challenges`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;

use super::views::ChallengeView;
use super::{answer_hash, store};
use crate::clock::utc;
use crate::http::client::client_key;
use crate::http::error::Problem;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::state::AppState;

pub const LIFETIME_MINUTES: i64 = 5;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/challenges").post(create_challenge));
}

/// Issue a one-time verification challenge (valid 5 minutes, one attempt).
#[utoipa::path(post, path = "/api/v1/challenges", tag = "engagement",
    responses((status = 201, body = ChallengeView),
        (status = 429, description = "Too many challenges from this client (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json")))]
pub async fn create_challenge(
    req: HttpRequest,
    _auth: crate::web::auth::MaybeAuth,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let quota = state
        .limits
        .challenges
        .check(&client_key(&req, &state.config.trusted_proxies), state.clock.now())
        .await?;
    let kind = state.challenge_kind.clone();
    let generated = web::block(move || kind.generate())
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "generating a challenge failed");
            ApiError::Internal
        })?;
    let id = crate::http::visitor::random_id();
    let now = state.clock.now();
    let expires_at = now + Duration::minutes(LIFETIME_MINUTES);
    let hash = answer_hash(&state.config.jwt_secret, &id, &generated.answer);
    let stored_id = id.clone();
    crate::db::run(&state.pool, move |conn| {
        store::insert(conn, &stored_id, &hash, expires_at, now)
    })
    .await
    .map_err(ApiError::from)?;
    let view = ChallengeView {
        id,
        kind: state.challenge_kind.name(),
        image: generated.image,
        expires_at: utc(expires_at),
    };
    Ok(crate::http::respond::limited(HttpResponse::Created(), quota)
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}
