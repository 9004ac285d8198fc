//! `/categories` and `/tags`: public reads, editor writes. The handlers are
//! written once and instantiated per vocabulary by `term_endpoints!`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{Term, TermChanges, TermInput, TermKind};
use super::store;
use crate::clock::utc;
use crate::db::write_tx;
use crate::http::auth::{Auth, MaybeAuth};
use crate::http::cache::{cached_json, cached_page};
use crate::http::extract::IdOrSlug;
use crate::http::pagination::{page_limit, Cursor, Paged};
use crate::http::patch::nullable;
use crate::http::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "tin-hoat-dong", "name": "Tin hoạt động", "description": null,
    "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct TermView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Term> for TermView {
    fn from(t: Term) -> Self {
        TermView {
            id: t.id,
            slug: t.slug,
            name: t.name,
            description: t.description,
            created_at: utc(t.created_at),
            updated_at: utc(t.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTerm {
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Tin hoạt động")]
    pub name: String,
    /// Derived from the name when omitted (a clash gets `-2`); when given it
    /// must be free (else 409 `slug_taken`).
    #[validate(custom(function = "slug_shape"))]
    #[schema(example = "tin-hoat-dong")]
    pub slug: Option<String>,
    #[validate(length(max = 2000))]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTerm {
    #[validate(length(min = 1, max = 200))]
    pub name: Option<String>,
    #[validate(custom(function = "slug_shape"))]
    pub slug: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TermListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

const TERM_SORT: &str = "id";

pub(crate) fn clean(text: &str) -> String {
    crate::text::nfc(text.trim())
}

fn slug_shape(slug: &str) -> Result<(), validator::ValidationError> {
    if crate::text::is_valid_slug(slug) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("slug"))
    }
}

async fn list_terms(
    kind: TermKind,
    req: HttpRequest,
    auth: MaybeAuth,
    state: web::Data<AppState>,
    query: web::Query<TermListQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit.as_deref())?;
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, TERM_SORT))
        .transpose()?
        .map(|c| c.id);
    let (rows, total) = crate::db::run(state.reader(&auth), move |conn| store::list(conn, kind, after, limit)).await?;
    let page = Paged::from_rows(rows, limit, |t| Cursor {
        sort: TERM_SORT.into(),
        key: None,
        id: t.id,
    })
    .with_total(total);
    cached_page(&req, &page.map(TermView::from), auth.audience())
}

async fn get_term(
    kind: TermKind,
    req: HttpRequest,
    auth: MaybeAuth,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    let term = crate::db::run(state.reader(&auth), move |conn| store::find(conn, kind, &key))
        .await?
        .ok_or(ApiError::NotFound)?;
    cached_json(&req, &TermView::from(term), auth.audience())
}

async fn create_term(
    kind: TermKind,
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<CreateTerm>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let body = body.into_inner();
    let body = CreateTerm {
        name: clean(&body.name),
        slug: body.slug.map(|s| s.trim().to_string()),
        description: body.description.map(|d| clean(&d)).filter(|d| !d.is_empty()),
    };
    body.validate()?;
    let input = TermInput {
        name: body.name,
        slug: body.slug,
        description: body.description,
    };
    let now = state.clock.now();
    let term = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::create(conn, kind, &input, now))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/{}/{}", kind.path(), term.id)))
        .json(TermView::from(term)))
}

async fn update_term(
    kind: TermKind,
    auth: Auth,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<UpdateTerm>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let body = body.into_inner();
    let body = UpdateTerm {
        name: body.name.map(|n| clean(&n)),
        slug: body.slug.map(|s| s.trim().to_string()),
        description: body.description.map(|d| d.map(|d| clean(&d)).filter(|d| !d.is_empty())),
    };
    body.validate()?;
    let changes = TermChanges {
        name: body.name,
        slug: body.slug,
        description: body.description,
    };
    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    let term = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::update(conn, kind, &key, &changes, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(TermView::from(term)))
}

async fn delete_term(
    kind: TermKind,
    auth: Auth,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::delete(conn, kind, &key))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

macro_rules! term_endpoints {
    ($module:ident, $kind:expr, $tag:literal, $collection:literal, $item:literal, $in_use:literal) => {
        pub mod $module {
            use super::*;
            use crate::http::error::Problem;

            pub fn routes(cfg: &mut web::ServiceConfig) {
                let collection = &$collection["/api/v1".len()..];
                let item = &$item["/api/v1".len()..];
                cfg.service(web::resource(collection).route(web::get().to(list)).route(web::post().to(create)))
                    .service(web::resource(item).route(web::get().to(get)).route(web::patch().to(update)).route(web::delete().to(delete)));
            }

            #[doc = concat!("List ", $tag, " in creation order.")]
            #[utoipa::path(get, path = $collection, tag = $tag, params(TermListQuery),
                responses((status = 200, body = Paged<TermView>, headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" page"))),
                    (status = 304, description = "Not modified"), (status = 400, body = Problem, content_type = "application/problem+json")))]
            pub async fn list(req: HttpRequest, auth: MaybeAuth, state: web::Data<AppState>, query: web::Query<TermListQuery>) -> Result<HttpResponse, ApiError> {
                list_terms($kind, req, auth, state, query).await
            }

            #[doc = concat!("Get one of the ", $tag, " by id or slug.")]
            #[utoipa::path(get, path = $item, tag = $tag, params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
                responses((status = 200, body = TermView), (status = 304, description = "Not modified"), (status = 404, body = Problem, content_type = "application/problem+json")))]
            pub async fn get(req: HttpRequest, auth: MaybeAuth, state: web::Data<AppState>, key: web::Path<String>) -> Result<HttpResponse, ApiError> {
                get_term($kind, req, auth, state, key).await
            }

            #[doc = concat!("Create one of the ", $tag, " (editor).")]
            #[utoipa::path(post, path = $collection, tag = $tag, request_body = CreateTerm, security(("bearer" = [])),
                responses((status = 201, body = TermView, headers(("Location" = String))),
                    (status = 401, body = Problem, content_type = "application/problem+json"),
                    (status = 403, body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
                    (status = 422, body = Problem, content_type = "application/problem+json")))]
            pub async fn create(auth: Auth, state: web::Data<AppState>, body: web::Json<CreateTerm>) -> Result<HttpResponse, ApiError> {
                create_term($kind, auth, state, body).await
            }

            #[doc = concat!("Change one of the ", $tag, " (editor). Only the fields sent change.")]
            #[utoipa::path(patch, path = $item, tag = $tag, request_body = UpdateTerm, security(("bearer" = [])),
                params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
                responses((status = 200, body = TermView), (status = 404, body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
                    (status = 422, body = Problem, content_type = "application/problem+json")))]
            pub async fn update(auth: Auth, state: web::Data<AppState>, key: web::Path<String>, body: web::Json<UpdateTerm>) -> Result<HttpResponse, ApiError> {
                update_term($kind, auth, state, key, body).await
            }

            #[doc = concat!("Delete one of the ", $tag, " (editor). ", $in_use)]
            #[utoipa::path(delete, path = $item, tag = $tag, security(("bearer" = [])),
                params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
                responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "`in_use`", body = Problem, content_type = "application/problem+json")))]
            pub async fn delete(auth: Auth, state: web::Data<AppState>, key: web::Path<String>) -> Result<HttpResponse, ApiError> {
                delete_term($kind, auth, state, key).await
            }
        }
    };
}

term_endpoints!(
    categories,
    TermKind::Category,
    "categories",
    "/api/v1/categories",
    "/api/v1/categories/{id_or_slug}",
    "A category that articles still use cannot be deleted (409 `in_use`)."
);
term_endpoints!(
    tags,
    TermKind::Tag,
    "tags",
    "/api/v1/tags",
    "/api/v1/tags/{id_or_slug}",
    "The tag is removed from the articles that carry it."
);
