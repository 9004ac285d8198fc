//! The writes every content resource answers the same way: `POST` on the
//! collection creates (201, `Location`, the item), `PATCH` on the item
//! changes the fields sent (200, the item), `DELETE` removes (204).
//! A resource says what is particular to it by implementing [`Editable`];
//! [`editable_endpoints!`](crate::editable_endpoints) writes its three
//! documented handlers.

use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;

use super::auth::Auth;
use super::lang::Lang;
use super::{respond, ApiError};
use crate::db::{Conn, IdOrSlug};
use crate::http::extract::Json;
use crate::state::AppState;

/// Who writes, and when.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    pub now: NaiveDateTime,
    pub user_id: i64,
}

/// A resource editors create, change and delete.
pub trait Editable: 'static {
    /// The collection's path under `/api/v1` (`events`).
    const COLLECTION: &'static str;
    /// The body of `POST`.
    type Create: DeserializeOwned + Send + 'static;
    /// The body of `PATCH`.
    type Update: DeserializeOwned + Send + 'static;

    /// Checks and stores a new item; its id. Blocking.
    fn create(conn: &mut Conn, input: Self::Create, writer: &Writer) -> Result<i64, ApiError>;
    /// Applies the fields sent to the item `key` names; its id. Blocking.
    fn update(conn: &mut Conn, key: &IdOrSlug, input: Self::Update, writer: &Writer) -> Result<i64, ApiError>;
    /// Removes the item `key` names. Blocking.
    fn delete(conn: &mut Conn, key: &IdOrSlug) -> Result<(), ApiError>;
    /// The item as a write answers it: everything an editor sees. Blocking.
    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError>;
}

fn writer(auth: &Auth, state: &AppState) -> Result<Writer, ApiError> {
    auth.require_editor()?;
    Ok(Writer {
        now: state.clock.now(),
        user_id: auth.user.id,
    })
}

pub async fn create<R: Editable>(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    body: Json<R::Create>,
) -> Result<HttpResponse, ApiError> {
    let writer = writer(&auth, &state)?;
    let input = body.into_inner();
    let (id, item) = crate::db::run(&state.pool, move |conn| {
        let id = R::create(conn, input, &writer)?;
        Ok::<_, ApiError>((id, R::answer(conn, id, lang, writer.now)?))
    })
    .await?;
    Ok(respond::created(R::COLLECTION, id, item))
}

pub async fn update<R: Editable>(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: Json<R::Update>,
) -> Result<HttpResponse, ApiError> {
    let writer = writer(&auth, &state)?;
    let (key, input) = (IdOrSlug::parse(&key), body.into_inner());
    let item = crate::db::run(&state.pool, move |conn| {
        let id = R::update(conn, &key, input, &writer)?;
        R::answer(conn, id, lang, writer.now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(item))
}

pub async fn delete<R: Editable>(
    auth: Auth,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    writer(&auth, &state)?;
    let key = IdOrSlug::parse(&key);
    crate::db::run(&state.pool, move |conn| R::delete(conn, &key)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The answer of a write, as JSON.
pub fn to_value(item: impl serde::Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(item).map_err(|e| {
        tracing::error!(error = %e, "serialising an item failed");
        ApiError::Internal
    })
}

/// Writes the three documented write handlers of an [`Editable`] resource:
/// `create`, `update` and `delete`, each a line that calls the shared one,
/// under the OpenAPI annotations that describe it.
#[macro_export]
macro_rules! editable_endpoints {
    (
        resource: $R:ty, tag: $tag:tt, collection: $collection:tt, item: $item:tt, view: $View:ty,
        create: ($create_id:tt, $Create:ty, $create_doc:tt),
        update: ($update_id:tt, $Update:ty, $update_doc:tt),
        delete: ($delete_id:tt, $delete_doc:tt $(, $delete_conflict:tt)?),
        invalid: $invalid:tt $(,)?
    ) => {
        #[doc = $create_doc]
        #[utoipa::path(post, path = $collection, tag = $tag, operation_id = $create_id, request_body = $Create,
            security(("bearer" = [])),
            responses(
                (status = 201, body = $View, headers(("Location" = String))),
                (status = 400, description = "Malformed JSON, or NUL in the text", body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 401, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 403, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 409, description = "`slug_taken`", body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 413, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 415, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = $crate::http::error::Problem, content_type = "application/problem+json"),
            ))]
        pub async fn create(
            auth: $crate::http::auth::Auth,
            lang: $crate::http::lang::Lang,
            state: actix_web::web::Data<$crate::state::AppState>,
            body: $crate::http::extract::Json<$Create>,
        ) -> Result<actix_web::HttpResponse, $crate::http::ApiError> {
            $crate::http::editable::create::<$R>(auth, lang, state, body).await
        }

        #[doc = $update_doc]
        #[utoipa::path(patch, path = $item, tag = $tag, operation_id = $update_id, request_body = $Update,
            security(("bearer" = [])),
            params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
            responses(
                (status = 200, body = $View),
                (status = 404, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 409, description = "`slug_taken`", body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 413, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 415, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = $crate::http::error::Problem, content_type = "application/problem+json"),
            ))]
        pub async fn update(
            auth: $crate::http::auth::Auth,
            lang: $crate::http::lang::Lang,
            state: actix_web::web::Data<$crate::state::AppState>,
            key: actix_web::web::Path<String>,
            body: $crate::http::extract::Json<$Update>,
        ) -> Result<actix_web::HttpResponse, $crate::http::ApiError> {
            $crate::http::editable::update::<$R>(auth, lang, state, key, body).await
        }

        #[doc = $delete_doc]
        #[utoipa::path(delete, path = $item, tag = $tag, operation_id = $delete_id, security(("bearer" = [])),
            params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
            responses(
                (status = 204),
                (status = 404, body = $crate::http::error::Problem, content_type = "application/problem+json"),
                $((status = 409, description = $delete_conflict, body = $crate::http::error::Problem, content_type = "application/problem+json"),)?
            ))]
        pub async fn delete(
            auth: $crate::http::auth::Auth,
            state: actix_web::web::Data<$crate::state::AppState>,
            key: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::http::ApiError> {
            $crate::http::editable::delete::<$R>(auth, state, key).await
        }
    };
}
