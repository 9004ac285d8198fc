//! `/auth/login`, `/auth/refresh`, `/auth/logout`, `/auth/me` and
//! `/auth/sessions/revoke`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;

use super::input::{ChangePassword, LoginRequest, RefreshRequest};
use super::store::{self, NewToken};
use super::tokens::{self, Bearer};
use super::views::TokenPair;
use crate::http::client::client_key;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::state::AppState;
use crate::users::store as users;
use crate::users::views::UserView;
use crate::web::auth::Auth;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/auth/login").post(login))
        .service(at("/auth/refresh").post(refresh))
        .service(at("/auth/logout").post(logout))
        .service(at("/auth/me").get(me))
        .service(at("/auth/sessions/revoke").post(revoke_own_sessions))
        .service(at("/auth/password").post(change_password));
}

fn issue_pair(state: &AppState, bearer: &Bearer, refresh_token: String) -> Result<HttpResponse, ApiError> {
    let access_token = state.keys.issue(bearer, state.clock.now())?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenPair {
            access_token,
            refresh_token,
            token_type: "Bearer",
            expires_in: tokens::ACCESS_TOKEN_SECONDS,
        }))
}

/// Log in with a username and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Tokens issued", body = TokenPair),
        (status = 401, description = "Wrong username or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client, or too many failures on this account (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let client = client_key(&req, &state.config.trusted_proxies);
    let now = state.clock.now();
    state.limits.login.check(&client, now).await?;
    let LoginRequest {
        username,
        password: given,
    } = body.into_inner();
    if username.is_empty() || given.is_empty() || given.len() > 1024 {
        return Err(ApiError::InvalidCredentials);
    }
    let here = format!("{username}|{client}");
    let limits = &state.limits;
    limits.login_failures.ensure_room(&here, now).await?;
    limits.account_failures.ensure_room(&username, now).await?;
    let name = username.clone();
    let user = crate::db::run(&state.pool, move |conn| users::find_by_username(conn, &name)).await?;
    let valid = state
        .hasher
        .verify(given, user.as_ref().map(|u| u.password_hash.clone()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "checking a password failed");
            ApiError::Internal
        })?;
    let Some(user) = user.filter(|_| valid) else {
        limits.login_failures.record(&here, now).await?;
        limits.account_failures.record(&username, now).await?;
        return Err(ApiError::InvalidCredentials);
    };
    let (token, token_hash) = tokens::new_refresh_token();
    let bearer = Bearer {
        user_id: user.id,
        version: user.session_version,
        session: tokens::new_session_id(),
    };
    let session = bearer.session.clone();
    crate::db::run(&state.pool, move |conn| {
        let first = NewToken {
            user_id: user.id,
            token_hash: &token_hash,
            session_id: &session,
            expires_at: now + Duration::days(tokens::REFRESH_TOKEN_DAYS),
        };
        store::start_session(conn, &first, now)
    })
    .await?;
    tracing::info!(user_id = bearer.user_id, "logged in");
    issue_pair(&state, &bearer, token)
}

/// Exchange a refresh token for a new pair. The old refresh token is spent.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the refresh token sent is now revoked", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token (`invalid_refresh_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let client = client_key(&req, &state.config.trusted_proxies);
    state.limits.sessions.check(&client, now).await?;
    let old_hash = tokens::hash_refresh_token(&body.refresh_token);
    let (token, new_hash) = tokens::new_refresh_token();
    let bearer = crate::db::run(&state.pool, move |conn| {
        let expires = now + Duration::days(tokens::REFRESH_TOKEN_DAYS);
        let (user_id, session) = store::rotate(conn, &old_hash, &new_hash, now, expires)?;
        let user = users::find(conn, user_id)?.ok_or(ApiError::InvalidRefreshToken)?;
        Ok::<_, ApiError>(Bearer {
            user_id,
            version: user.session_version,
            session,
        })
    })
    .await?;
    issue_pair(&state, &bearer, token)
}

/// Log out: ends the session the refresh token belongs to (its access tokens
/// are refused from now on). Idempotent: an unknown token is also a 204.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "The session is ended"),
        (status = 429, description = "Too many attempts from this client (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json")))]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let client = client_key(&req, &state.config.trusted_proxies);
    state.limits.sessions.check(&client, now).await?;
    let hash = tokens::hash_refresh_token(&body.refresh_token);
    crate::db::run(&state.pool, move |conn| store::end_session_of(conn, &hash, now))
        .await
        .map_err(ApiError::from)?;
    Ok(HttpResponse::NoContent().finish())
}

/// The user the access token belongs to.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = UserView),
        (status = 401, description = "Missing, malformed, expired (`token_expired`) or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key, which is not a user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(auth: Auth) -> Result<HttpResponse, ApiError> {
    Ok(crate::http::respond::private(UserView::from(auth.user()?.clone())))
}

/// Sign out everywhere: ends every session of the caller (every refresh
/// token is revoked, every access token refused, this one included).
#[utoipa::path(post, path = "/api/v1/auth/sessions/revoke", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Every session of the caller is ended"),
        (status = 403, description = "An API key, which has no sessions", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_own_sessions(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (user_id, now) = (auth.user()?.id, state.clock.now());
    crate::db::run(&state.pool, move |conn| store::end_all_sessions(conn, user_id, now))
        .await
        .map_err(ApiError::from)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change one's own password (any signed-in user). Every other session of
/// the caller ends (their refresh and access tokens stop working); this one
/// stays signed in.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = ChangePassword,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed; every other session of the caller is ended"),
        (status = 401, description = "Missing, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key, which has no password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `current_password` is wrong (`incorrect`), or `new_password` is not 10–256 characters",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords (`rate_limited`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    req: HttpRequest,
    auth: Auth,
    state: web::Data<AppState>,
    body: Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let user = auth.user()?.clone();
    let crate::web::auth::Who::User { session, .. } = &auth.who else {
        return Err(ApiError::Forbidden);
    };
    let session = session.clone();
    let body = body.into_inner();
    body.check()?;
    let now = state.clock.now();
    // A stolen access token must not become a way to guess the password:
    // wrong answers count as failed logins of this account from here.
    let here = format!("{}|{}", user.username, client_key(&req, &state.config.trusted_proxies));
    state.limits.login_failures.ensure_room(&here, now).await?;
    let valid = state
        .hasher
        .verify(body.current_password, Some(user.password_hash.clone()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "checking a password failed");
            ApiError::Internal
        })?;
    if !valid {
        state.limits.login_failures.record(&here, now).await?;
        return Err(ApiError::validation(
            "current_password",
            crate::http::FieldIssue::Incorrect,
        ));
    }
    let hash = state.hasher.hash(body.new_password).await.map_err(|e| {
        tracing::error!(error = %e, "hashing a password failed");
        ApiError::Internal
    })?;
    let user_id = user.id;
    crate::db::run(&state.pool, move |conn| {
        store::change_password(conn, user_id, &hash, &session, now)
    })
    .await
    .map_err(ApiError::from)?;
    tracing::info!(user_id, "changed their password; other sessions ended");
    Ok(HttpResponse::NoContent().finish())
}
