//! The writes every content resource answers the same way: `POST` on the
//! collection creates (201, `Location`, the item), `PATCH` on the item
//! changes the fields sent (200, the item), `DELETE` removes (204).
//! A resource says what is particular to it by implementing [`Editable`];
//! [`editable_endpoints!`](crate::editable_endpoints) writes its three
//! documented handlers.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;

use super::auth::Auth;
use crate::changes::{Kind, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug, StoreResult};
use crate::http::extract::Json;
use crate::http::lang::Lang;
use crate::http::versions::{self, Precondition};
use crate::http::{respond, ApiError};
use crate::state::AppState;

/// A resource editors create, change and delete.
pub trait Editable: 'static {
    /// The collection's path under `/api/v1` (`events`).
    const COLLECTION: &'static str;
    /// What the change log calls it; also the scope a key needs to write it.
    const KIND: Kind;
    /// Where its slugs are.
    const SLUGS: SlugTable;
    /// The body of `POST`.
    type Create: DeserializeOwned + Send + 'static;
    /// The body of `PATCH`.
    type Update: DeserializeOwned + Send + 'static;

    /// Checks and stores a new item; its id. Blocking.
    fn create(conn: &mut Conn, input: Self::Create, stamp: &Stamp) -> Result<i64, ApiError>;
    /// Applies the fields sent to the item `key` names; its id. Inside the
    /// write transaction the handler opened (which checked `If-Match` in it
    /// first), so nobody writes between the read and the save. Blocking.
    fn update(conn: &mut Conn, key: &IdOrSlug, input: Self::Update, stamp: &Stamp) -> Result<i64, ApiError>;
    /// Removes the item `key` names. Blocking.
    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> Result<(), ApiError>;
    /// The item as a write answers it: everything an editor sees. Blocking.
    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError>;
}

/// What most resources are: the fields sent are checked and applied over
/// the stored row (or over a new one), and one store function saves the
/// result. Implementing it gives [`Editable`]: create and update run as
/// every such resource runs them, each in one write transaction (create
/// opens its own; update runs in the handler's).
pub trait Record: 'static {
    /// See [`Editable::COLLECTION`].
    const COLLECTION: &'static str;
    /// See [`Editable::KIND`].
    const KIND: Kind;
    /// See [`Editable::SLUGS`].
    const SLUGS: SlugTable;
    /// The body of `POST` and of `PATCH` (where only the fields sent change).
    type Input: DeserializeOwned + Send + 'static;
    /// The stored row.
    type Row;
    /// What applying a body gives: the columns, and what is saved beside them.
    type Changes;

    /// The row `key` names. Blocking.
    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Self::Row>>;
    /// Checks `input` and applies it over `current` (`None`: a new item).
    fn apply(input: Self::Input, current: Option<&Self::Row>, now: NaiveDateTime) -> Result<Self::Changes, ApiError>;
    /// Saves `changes` over `current` or as a new row, inside the caller's
    /// write transaction; the id. Blocking.
    fn save(conn: &mut Conn, current: Option<&Self::Row>, changes: Self::Changes, stamp: &Stamp) -> StoreResult<i64>;
    /// See [`Editable::delete`].
    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()>;
    /// See [`Editable::answer`].
    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError>;
}

impl<R: Record> Editable for R {
    const COLLECTION: &'static str = R::COLLECTION;
    const KIND: Kind = R::KIND;
    const SLUGS: SlugTable = R::SLUGS;
    type Create = R::Input;
    type Update = R::Input;

    fn create(conn: &mut Conn, input: R::Input, stamp: &Stamp) -> Result<i64, ApiError> {
        let changes = R::apply(input, None, stamp.at)?;
        crate::db::write_tx(conn, |conn| Ok(R::save(conn, None, changes, stamp)?))
    }

    fn update(conn: &mut Conn, key: &IdOrSlug, input: R::Input, stamp: &Stamp) -> Result<i64, ApiError> {
        let current = R::find(conn, key)?.ok_or(ApiError::NotFound)?;
        let changes = R::apply(input, Some(&current), stamp.at)?;
        Ok(R::save(conn, Some(&current), changes, stamp)?)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> Result<(), ApiError> {
        Ok(R::delete(conn, key, stamp)?)
    }

    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        R::answer(conn, id, lang, now)
    }
}

fn stamp<R: Editable>(auth: &Auth, state: &AppState) -> Result<Stamp, ApiError> {
    auth.require_write(R::KIND)?;
    Ok(Stamp::new(state.clock.now(), auth.actor()))
}

/// Refuses a write with 412 unless the item `key` names is as `If-Match`
/// asked (404 if there is none and something was asked).
fn check(
    precondition: &Precondition,
    conn: &mut Conn,
    kind: Kind,
    table: SlugTable,
    key: &IdOrSlug,
) -> Result<(), ApiError> {
    if *precondition == Precondition::None {
        return Ok(());
    }
    let id = crate::db::slug::id_of(conn, table, key)?.ok_or(ApiError::NotFound)?;
    precondition.holds(|| Ok(crate::changes::store::version(conn, kind, id)?))
}

/// The item a write answers with, and its version.
fn answer<R: Editable>(
    conn: &mut Conn,
    id: i64,
    lang: Lang,
    now: NaiveDateTime,
) -> Result<(serde_json::Value, i64), ApiError> {
    let item = R::answer(conn, id, lang, now)?;
    Ok((item, crate::changes::store::version(conn, R::KIND, id)?))
}

pub async fn create<R: Editable>(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    body: Json<R::Create>,
) -> Result<HttpResponse, ApiError> {
    let stamp = stamp::<R>(&auth, &state)?;
    let input = body.into_inner();
    let (id, (item, version)) = crate::db::run(&state.pool, move |conn| {
        let id = R::create(conn, input, &stamp)?;
        Ok::<_, ApiError>((id, answer::<R>(conn, id, lang, stamp.at)?))
    })
    .await?;
    let mut response = respond::created(R::COLLECTION, id, &item);
    versions::tag(&mut response, version, &item);
    Ok(response)
}

pub async fn update<R: Editable>(
    req: HttpRequest,
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: Json<R::Update>,
) -> Result<HttpResponse, ApiError> {
    let stamp = stamp::<R>(&auth, &state)?;
    let precondition = Precondition::of(&req)?;
    let (key, input) = (IdOrSlug::parse(&key), body.into_inner());
    let (item, version) = crate::db::run(&state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            check(&precondition, conn, R::KIND, R::SLUGS, &key)?;
            let id = R::update(conn, &key, input, &stamp)?;
            answer::<R>(conn, id, lang, stamp.at)
        })
    })
    .await?;
    let mut response = HttpResponse::Ok().json(&item);
    versions::tag(&mut response, version, &item);
    Ok(response)
}

pub async fn delete<R: Editable>(
    req: HttpRequest,
    auth: Auth,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let stamp = stamp::<R>(&auth, &state)?;
    let precondition = Precondition::of(&req)?;
    let key = IdOrSlug::parse(&key);
    crate::db::run(&state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            check(&precondition, conn, R::KIND, R::SLUGS, &key)?;
            R::delete(conn, &key, &stamp)
        })
    })
    .await?;
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
                (status = 409, description = "`slug_taken`", body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = $crate::http::error::Problem, content_type = "application/problem+json"),
            ))]
        pub async fn create(
            auth: $crate::web::auth::Auth,
            lang: $crate::http::lang::Lang,
            state: actix_web::web::Data<$crate::state::AppState>,
            body: $crate::http::extract::Json<$Create>,
        ) -> Result<actix_web::HttpResponse, $crate::http::ApiError> {
            $crate::web::editable::create::<$R>(auth, lang, state, body).await
        }

        #[doc = $update_doc]
        #[utoipa::path(patch, path = $item, tag = $tag, operation_id = $update_id, request_body = $Update,
            security(("bearer" = [])),
            params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
            responses(
                (status = 200, body = $View),
                (status = 409, description = "`slug_taken`", body = $crate::http::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = $crate::http::error::Problem, content_type = "application/problem+json"),
            ))]
        pub async fn update(
            req: actix_web::HttpRequest,
            auth: $crate::web::auth::Auth,
            lang: $crate::http::lang::Lang,
            state: actix_web::web::Data<$crate::state::AppState>,
            key: actix_web::web::Path<String>,
            body: $crate::http::extract::Json<$Update>,
        ) -> Result<actix_web::HttpResponse, $crate::http::ApiError> {
            $crate::web::editable::update::<$R>(req, auth, lang, state, key, body).await
        }

        #[doc = $delete_doc]
        #[utoipa::path(delete, path = $item, tag = $tag, operation_id = $delete_id, security(("bearer" = [])),
            params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
            responses(
                (status = 204),
                $((status = 409, description = $delete_conflict, body = $crate::http::error::Problem, content_type = "application/problem+json"),)?
            ))]
        pub async fn delete(
            req: actix_web::HttpRequest,
            auth: $crate::web::auth::Auth,
            state: actix_web::web::Data<$crate::state::AppState>,
            key: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::http::ApiError> {
            $crate::web::editable::delete::<$R>(req, auth, state, key).await
        }
    };
}
