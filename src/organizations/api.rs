//! `/organizations`: the structure of the town's political system.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Organization, OrganizationData, KINDS};
use super::store;
use crate::clock::utc;
use crate::db::write_tx;
use crate::http::auth::{Auth, MaybeAuth};
use crate::http::cache::{cached_json, cached_page};
use crate::http::error::{ParamIssue, Problem};
use crate::http::extract::IdOrSlug;
use crate::http::input::{check_email, check_length, check_phone, check_slug, clean_text, finish, set_text};
use crate::http::lang::{Lang, LangParam};
use crate::http::pagination::{page_limit, page_sorted, Paged};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::state::AppState;

/// An organization as embedded in officials' positions and in events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationRef {
    pub id: i64,
    pub slug: String,
    /// In the requested language, falling back to Vietnamese.
    pub name: String,
}

impl OrganizationRef {
    pub fn new(o: &Organization, lang: Lang) -> Self {
        OrganizationRef {
            id: o.id,
            slug: o.slug.clone(),
            name: lang.pick(o.name.clone(), o.name_en.clone()),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "thi-uy-hong-linh", "name": "Thị ủy Hồng Lĩnh", "name_vi": "Thị ủy Hồng Lĩnh",
    "name_en": "Hong Linh Town Party Committee", "kind": "party_committee", "parent_id": null,
    "address": "Số 1 đường Trần Phú, phường Bắc Hồng, thị xã Hồng Lĩnh", "phone": "0239 3831 234", "email": "thiuy@honglinh.hatinh.gov.vn",
    "description": null, "position": 1, "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct OrganizationView {
    pub id: i64,
    pub slug: String,
    /// In the requested language (`?lang=en` or `Accept-Language: en`), falling back to Vietnamese.
    pub name: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    /// `party_committee`, `peoples_council`, `peoples_committee`, `fatherland_front`, `mass_organization` or `department`.
    pub kind: String,
    pub parent_id: Option<i64>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// In the requested language, falling back to Vietnamese.
    pub description: Option<String>,
    /// Display order among siblings (lower first).
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `?tree=true`: the organizations under this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub children: Option<Vec<OrganizationView>>,
}

pub fn view(o: &Organization, lang: Lang) -> OrganizationView {
    OrganizationView {
        id: o.id,
        slug: o.slug.clone(),
        name: lang.pick(o.name.clone(), o.name_en.clone()),
        name_vi: o.name.clone(),
        name_en: o.name_en.clone(),
        kind: o.kind.clone(),
        parent_id: o.parent_id,
        address: o.address.clone(),
        phone: o.phone.clone(),
        email: o.email.clone(),
        description: o.description.clone().map(|vi| lang.pick(vi, o.description_en.clone())),
        position: o.position,
        created_at: utc(o.created_at),
        updated_at: utc(o.updated_at),
        children: None,
    }
}

fn tree(all: &[Organization], parent: Option<i64>, lang: Lang) -> Vec<OrganizationView> {
    all.iter()
        .filter(|o| o.parent_id == parent)
        .map(|o| OrganizationView {
            children: Some(tree(all, Some(o.id), lang)),
            ..view(o, lang)
        })
        .collect()
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListQuery {
    /// `true`: the whole structure as a tree of `children` (no paging).
    pub tree: Option<bool>,
    /// Only this kind (see `kind`).
    pub kind: Option<String>,
    /// Only the direct children of this organization (id or slug).
    pub parent: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `vi` (default) or `en`; `Accept-Language` works too.
    pub lang: Option<LangParam>,
}

/// `POST` (name and kind required) and `PATCH` (only the fields sent; `null` clears).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Thị ủy Hồng Lĩnh", "name_en": "Hong Linh Town Party Committee", "kind": "party_committee",
    "phone": "0239 3831 234", "email": "thiuy@honglinh.hatinh.gov.vn", "position": 1}))]
pub struct OrganizationInput {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name_en: Option<Option<String>>,
    pub slug: Option<String>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description_en: Option<Option<String>>,
    pub position: Option<i32>,
}

/// Applies an input to the stored columns, collecting every problem.
pub fn apply(
    input: OrganizationInput,
    mut data: OrganizationData,
    creating: bool,
    now: NaiveDateTime,
) -> Result<OrganizationData, ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    match input.name.map(|n| clean_text(&n)) {
        Some(name) => {
            check_length(&mut errors, "name", &name, 1, 300);
            data.name = name;
        }
        None if creating => errors.push(FieldError::new("name", FieldIssue::Required)),
        None => {}
    }
    match input.kind {
        Some(kind) if KINDS.contains(&kind.as_str()) => data.kind = kind,
        Some(_) => errors.push(FieldError::new("kind", FieldIssue::OneOf(KINDS))),
        None if creating => errors.push(FieldError::new("kind", FieldIssue::Required)),
        None => {}
    }
    let slug = input.slug.map(|s| s.trim().to_string());
    check_slug(&mut errors, "slug", &slug);
    if let Some(slug) = slug {
        data.slug = slug;
    }
    set_text(&mut errors, "name_en", input.name_en, 300, &mut data.name_en);
    set_text(&mut errors, "address", input.address, 500, &mut data.address);
    set_text(&mut errors, "phone", input.phone, 50, &mut data.phone);
    set_text(&mut errors, "email", input.email, 254, &mut data.email);
    set_text(
        &mut errors,
        "description",
        input.description,
        10_000,
        &mut data.description,
    );
    set_text(
        &mut errors,
        "description_en",
        input.description_en,
        10_000,
        &mut data.description_en,
    );
    check_phone(&mut errors, "phone", &data.phone);
    check_email(&mut errors, "email", &data.email);
    if let Some(parent) = input.parent_id {
        data.parent_id = parent;
    }
    if let Some(position) = input.position {
        data.position = position;
    }
    data.updated_at = now;
    finish(errors)?;
    Ok(data)
}

pub fn blank(now: NaiveDateTime) -> OrganizationData {
    OrganizationData {
        slug: String::new(),
        name: String::new(),
        name_en: None,
        kind: String::new(),
        parent_id: None,
        address: None,
        phone: None,
        email: None,
        description: None,
        description_en: None,
        position: 0,
        updated_at: now,
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/organizations")
            .route(web::get().to(list_organizations))
            .route(web::post().to(create_organization)),
    )
    .service(
        web::resource("/organizations/{id_or_slug}")
            .route(web::get().to(get_organization))
            .route(web::patch().to(update_organization))
            .route(web::delete().to(delete_organization)),
    );
}

const ORG_SORT: &str = "position";

/// List organizations in display order, flat (paged) or as a tree.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", params(OrganizationListQuery),
    responses(
        (status = 200, description = "A page of organizations; with `tree=true` every organization, nested", body = Paged<OrganizationView>),
        (status = 304, description = "Not modified"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_organizations(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<OrganizationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = page_limit(query.limit.as_deref())?;
    if let Some(kind) = &query.kind {
        if !KINDS.contains(&kind.as_str()) {
            return Err(ApiError::invalid_parameter(
                "kind",
                ParamIssue::OneOf(KINDS.iter().map(|k| k.to_string()).collect()),
            ));
        }
    }
    let all = crate::db::run(state.reader(&auth), store::all).await?;
    let parent = query.parent.as_deref().map(IdOrSlug::parse).map(|key| {
        all.iter()
            .find(|o| match &key {
                IdOrSlug::Id(id) => o.id == *id,
                IdOrSlug::Slug(slug) => &o.slug == slug,
            })
            .map(|o| o.id)
            .unwrap_or(-1)
    });
    if query.tree == Some(true) {
        let roots = tree(&all, None, lang);
        let total = all.len() as i64;
        let page = Paged {
            data: roots,
            meta: crate::http::pagination::PageMeta {
                next_cursor: None,
                limit: total,
                total: Some(total),
            },
        };
        return cached_page(&req, &page, auth.audience());
    }
    let matching: Vec<Organization> = all
        .into_iter()
        .filter(|o| query.kind.as_ref().is_none_or(|k| &o.kind == k))
        .filter(|o| parent.is_none_or(|p| o.parent_id == Some(p)))
        .collect();
    let page = page_sorted(matching, ORG_SORT, limit, query.cursor.as_deref(), |o| {
        (o.position as i64, o.id)
    })?;
    cached_page(&req, &page.map(|o| view(&o, lang)), auth.audience())
}

/// Get an organization by id or slug.
#[utoipa::path(get, path = "/api/v1/organizations/{id_or_slug}", tag = "organizations",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = OrganizationView), (status = 304, description = "Not modified"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_organization(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    let org = crate::db::run(state.reader(&auth), move |conn| store::find(conn, &key))
        .await?
        .ok_or(ApiError::NotFound)?;
    cached_json(&req, &view(&org, lang), auth.audience())
}

async fn load(state: &AppState, id: i64, lang: Lang) -> Result<OrganizationView, ApiError> {
    let org = crate::db::run(&state.pool, move |conn| store::find(conn, &IdOrSlug::Id(id)))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(view(&org, lang))
}

/// Create an organization (editor).
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = OrganizationInput, security(("bearer" = [])),
    responses((status = 201, body = OrganizationView, headers(("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_organization(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<OrganizationInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let now = state.clock.now();
    let data = apply(body.into_inner(), blank(now), true, now)?;
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::save(conn, None, data, now))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{id}")))
        .json(load(&state, id, lang).await?))
}

/// Change an organization (editor). Only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/organizations/{id_or_slug}", tag = "organizations", request_body = OrganizationInput, security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, unknown parent, or a parent that would make a cycle", body = Problem, content_type = "application/problem+json")))]
pub async fn update_organization(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<OrganizationInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    let input = body.into_inner();
    let now = state.clock.now();
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let current = store::find(conn, &key)?.ok_or(ApiError::NotFound)?;
            let data = apply(input, OrganizationData::from(&current), false, now)?;
            store::save(conn, Some(current.id), data, now)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(load(&state, id, lang).await?))
}

/// Delete an organization (editor): only one that has no sub-organizations, positions or events (else 409 `in_use`).
#[utoipa::path(delete, path = "/api/v1/organizations/{id_or_slug}", tag = "organizations", security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`in_use`", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_organization(
    auth: Auth,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::delete(conn, &key))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
