//! `/auth/login`, `/auth/refresh`, `/auth/logout`, `/auth/me`.

use super::input::{LoginRequest, RefreshRequest};
use super::views::TokenPair;
use super::{password, store, tokens};
use crate::http::auth::Auth;
use crate::http::client::client_ip;
use crate::http::error::Problem;
use crate::http::ApiError;
use crate::state::AppState;
use crate::users::store as users;
use crate::users::views::UserView;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/login", web::post().to(login))
        .route("/auth/refresh", web::post().to(refresh))
        .route("/auth/logout", web::post().to(logout))
        .route("/auth/me", web::get().to(me));
}

async fn issue_pair(state: &AppState, user_id: i64, refresh_token: String) -> Result<TokenPair, ApiError> {
    let access_token = state.keys.issue(user_id, state.clock.now())?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: tokens::ACCESS_TOKEN_SECONDS,
    })
}

/// Log in with a username and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Tokens issued", body = TokenPair),
        (status = 401, description = "Wrong username or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let client = client_ip(&req, &state.config.trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    state.limits.login.check(&client, state.clock.now()).await?;
    let LoginRequest {
        username,
        password: given,
    } = body.into_inner();
    if username.is_empty() || given.is_empty() || given.len() > 1024 {
        return Err(ApiError::InvalidCredentials);
    }
    let now = state.clock.now();
    let (token, token_hash) = tokens::new_refresh_token();
    let user = crate::db::run(&state.pool, move |conn| {
        let user = users::find_by_username(conn, &username)?;
        let valid = match &user {
            Some(u) => password::verify(&given, &u.password_hash),
            None => {
                password::verify_against_dummy(&given);
                false
            }
        };
        let user = user.filter(|_| valid).ok_or(ApiError::InvalidCredentials)?;
        store::insert(
            conn,
            user.id,
            &token_hash,
            now,
            now + Duration::days(tokens::REFRESH_TOKEN_DAYS),
        )?;
        Ok::<_, ApiError>(user)
    })
    .await?;
    tracing::info!(user_id = user.id, "logged in");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(issue_pair(&state, user.id, token).await?))
}

/// Exchange a refresh token for a new pair. The old refresh token is spent.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the refresh token sent is now revoked", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token (`invalid_refresh_token`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(state: web::Data<AppState>, body: web::Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let old_hash = tokens::hash_refresh_token(&body.refresh_token);
    let (token, new_hash) = tokens::new_refresh_token();
    let now = state.clock.now();
    let user = crate::db::run(&state.pool, move |conn| {
        store::rotate(
            conn,
            &old_hash,
            &new_hash,
            now,
            now + Duration::days(tokens::REFRESH_TOKEN_DAYS),
        )
    })
    .await
    .map_err(ApiError::from)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(issue_pair(&state, user.id, token).await?))
}

/// Revoke a refresh token. Idempotent: an unknown token is also a 204.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "The refresh token is revoked")))]
pub async fn logout(state: web::Data<AppState>, body: web::Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let hash = tokens::hash_refresh_token(&body.refresh_token);
    let now = state.clock.now();
    crate::db::run(&state.pool, move |conn| store::revoke(conn, &hash, now))
        .await
        .map_err(ApiError::from)?;
    Ok(HttpResponse::NoContent().finish())
}

/// The user the access token belongs to.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = UserView),
        (status = 401, description = "Missing, malformed, expired (`token_expired`) or revoked token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(auth: Auth) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(UserView::from(auth.user)))
}
