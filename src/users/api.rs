//! `/users`: account management, for admins only.

use actix_web::{web, HttpResponse};

use super::input::{CreateUser, UpdateUser, UserListQuery};
use super::model::{NewUser, UserChanges};
use super::store;
use super::views::UserView;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::pagination::Paged;
use crate::http::respond::private;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::state::AppState;
use crate::web::auth::Auth;

const USER_SORT: &str = "id";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/users").get(list_users).post(create_user))
        .service(at("/users/{id}").get(get_user).patch(update_user).delete(delete_user))
        .service(at("/users/{id}/sessions/revoke").post(revoke_sessions));
}

async fn hash_password(state: &AppState, password: String) -> Result<String, ApiError> {
    state.hasher.hash(password).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::Internal
    })
}

/// List users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserListQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<UserView>),))]
pub async fn list_users(
    auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = (query.limit.as_deref(), query.cursor.as_deref());
    let load = |conn: &mut _, after, limit| Ok((store::list(conn, after, limit)?, store::count(conn)?));
    crate::web::admin::list(&auth, &state, page, USER_SORT, load, |u| u.id, UserView::from).await
}

/// Create a user (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser, security(("bearer" = [])),
    responses(
        (status = 201, body = UserView, headers(("Location" = String))),
        (status = 409, description = "`username_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_user(
    auth: Auth,
    state: web::Data<AppState>,
    body: Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let account = body.into_inner().parse()?;
    let password_hash = hash_password(&state, account.password).await?;
    let now = state.clock.now();
    let user = crate::db::run(&state.pool, move |conn| {
        store::create(
            conn,
            &NewUser {
                username: &account.username,
                display_name: &account.display_name,
                password_hash: &password_hash,
                role: account.role.as_str(),
                created_at: now,
                updated_at: now,
            },
        )
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", user.id)))
        .json(UserView::from(user)))
}

/// Get a user (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = UserView),))]
pub async fn get_user(auth: Auth, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let user = crate::db::run(&state.pool, move |conn| store::find(conn, id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(private(UserView::from(user)))
}

/// Change a user's role, password or display name (admin). The last admin cannot be demoted.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), request_body = UpdateUser,
    params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 409, description = "`last_admin`", body = Problem, content_type = "application/problem+json"),))]
pub async fn update_user(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let body = body.into_inner().parse()?;
    let password_hash = match body.password {
        Some(p) => Some(hash_password(&state, p).await?),
        None => None,
    };
    let now = state.clock.now();
    let changes = UserChanges {
        display_name: body.display_name,
        password_hash,
        role: body.role.map(|r| r.as_str().to_string()),
        updated_at: Some(now),
    };
    let user = crate::db::run(&state.pool, move |conn| store::update(conn, id, changes, now)).await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// Delete a user (admin). Their tokens stop working at once; the last admin cannot be deleted.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204),
        (status = 409, description = "`last_admin`", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_user(auth: Auth, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    crate::db::run(&state.pool, move |conn| store::delete(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sign a user out everywhere (admin): every refresh token is revoked and
/// every access token issued before is refused.
#[utoipa::path(post, path = "/api/v1/users/{id}/sessions/revoke", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "Every session of the user is ended"),))]
pub async fn revoke_sessions(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let now = state.clock.now();
    crate::db::run(&state.pool, move |conn| {
        store::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok::<_, ApiError>(crate::auth::store::end_all_sessions(conn, id, now)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
