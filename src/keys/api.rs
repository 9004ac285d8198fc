//! `/keys`: API keys, for admins only. A key's secret is in the answer to
//! its creation and nowhere else. Revoking a key stops it at once and keeps
//! it listed (the changes it made stay attributed to it by name);
//! deleting it removes it (the changes keep its id only).

use actix_web::{web, HttpResponse};

use super::input::{CreateKey, KeyListQuery, UpdateKey};
use super::model::NewKey;
use super::store;
use super::views::{KeyView, UsageDay};
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::pagination::Paged;
use crate::http::respond::private;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::state::AppState;
use crate::web::auth::Auth;

const KEY_SORT: &str = "id";
/// Days of use `GET /keys/{id}` shows.
const USAGE_DAYS: i64 = 30;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/keys").get(list_keys).post(create_key))
        .service(at("/keys/{id}").get(get_key).patch(update_key).delete(delete_key))
        .service(at("/keys/{id}/revoke").post(revoke_key));
}

/// List API keys (admin), oldest first; secrets are never shown.
#[utoipa::path(get, path = "/api/v1/keys", tag = "keys", params(KeyListQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<KeyView>),))]
pub async fn list_keys(
    auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<KeyListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = (query.limit.as_deref(), query.cursor.as_deref());
    let load = |conn: &mut _, after, limit| Ok(store::list(conn, after, limit)?);
    let now = state.clock.now();
    crate::web::admin::list(&auth, &state, page, KEY_SORT, load, |k| k.id, |k| KeyView::of(k, now)).await
}

/// Create an API key (admin). The answer holds the secret, once.
#[utoipa::path(post, path = "/api/v1/keys", tag = "keys", request_body = CreateKey, security(("bearer" = [])),
    responses(
        (status = 201, body = KeyView, headers(("Location" = String))),
        (status = 422, description = "Invalid fields; `not_allowed` for scopes on a content key or origins on an integration key",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_key(
    auth: Auth,
    state: web::Data<AppState>,
    body: Json<CreateKey>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let now = state.clock.now();
    let input = body.into_inner().parse(now)?;
    let (secret, prefix, secret_hash) = crate::keys::generate(input.kind);
    let new = NewKey {
        name: input.name,
        kind: input.kind.as_str().into(),
        prefix,
        secret_hash,
        scopes: input.scopes,
        allowed_origins: input.allowed_origins,
        requests_per_minute: input
            .requests_per_minute
            .unwrap_or(state.config.key_requests_per_minute.min(1_000_000) as i32),
        expires_at: input.expires_at,
        created_by: Some(auth.user()?.id),
        created_at: now,
    };
    let key = crate::db::run(&state.pool, move |conn| store::create(conn, &new)).await?;
    state.keyring.learn(&key);
    let mut view = KeyView::of(key, now);
    view.secret = Some(secret);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/keys/{}", view.id)))
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}

/// Get an API key with its use over the last 30 days (admin).
#[utoipa::path(get, path = "/api/v1/keys/{id}", tag = "keys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = KeyView),))]
pub async fn get_key(auth: Auth, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let since = (now - chrono::Duration::days(USAGE_DAYS - 1)).date();
    let (key, usage) = crate::db::run(&state.pool, move |conn| {
        let key = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok::<_, ApiError>((key, store::usage(conn, id, since)?))
    })
    .await?;
    let mut view = KeyView::of(key, now);
    view.usage = Some(
        usage
            .into_iter()
            .map(|(day, requests)| UsageDay { day, requests })
            .collect(),
    );
    Ok(private(view))
}

/// Change a key's name, scopes, origins, rate limit or expiry (admin).
#[utoipa::path(patch, path = "/api/v1/keys/{id}", tag = "keys", request_body = UpdateKey, security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = KeyView),))]
pub async fn update_key(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<UpdateKey>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let body = body.into_inner();
    let key = crate::db::run(&state.pool, move |conn| {
        let current = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let changes = body.parse(current.kind(), now)?;
        Ok::<_, ApiError>(store::update(conn, id, &changes)?)
    })
    .await?;
    state.keyring.forget();
    Ok(private(KeyView::of(key, now)))
}

/// Revoke an API key (admin): it stops working at once on this instance and
/// within a second on every other. It stays listed, as revoked, so the
/// audit trail still names it. Revoking a revoked key changes nothing.
#[utoipa::path(post, path = "/api/v1/keys/{id}/revoke", tag = "keys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The key, revoked", body = KeyView),))]
pub async fn revoke_key(auth: Auth, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let key = crate::db::run(&state.pool, move |conn| store::revoke(conn, id, now)).await?;
    state.keyring.forget();
    Ok(private(KeyView::of(key, now)))
}

/// Delete an API key (admin): it stops working as a revoked one does, and
/// is gone from the list (the changes it made keep its id, not its name).
#[utoipa::path(delete, path = "/api/v1/keys/{id}", tag = "keys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"),))]
pub async fn delete_key(auth: Auth, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    crate::db::run(&state.pool, move |conn| store::delete(conn, id)).await?;
    state.keyring.forget();
    Ok(HttpResponse::NoContent().finish())
}
