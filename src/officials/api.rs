//! `/officials`: the leadership directory, with positions over time.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Official, OfficialData, Position, PositionData};
use super::store;
use crate::clock::{utc, vietnam_date};
use crate::db::{write_tx, Conn};
use crate::http::auth::{Auth, MaybeAuth};
use crate::http::cache::{cached_json, cached_page};
use crate::http::error::Problem;
use crate::http::extract::IdOrSlug;
use crate::http::input::{
    check_email, check_length, check_phone, check_slug, check_url, clean_optional, clean_text, finish, set_text,
};
use crate::http::lang::{Lang, LangParam};
use crate::http::pagination::{page_limit, page_sorted, Paged};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::organizations::api::{LangQuery, OrganizationRef};
use crate::organizations::Organization;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PositionView {
    pub id: i64,
    /// In the requested language, falling back to Vietnamese.
    pub title: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub organization: OrganizationRef,
    pub started_on: NaiveDate,
    /// `null` while the position is held.
    pub ended_on: Option<NaiveDate>,
    /// Protocol rank: lower is listed first.
    pub rank: i32,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "dang-thanh-hai", "full_name": "Đặng Thanh Hải", "photo_url": null,
    "bio": null, "office_phone": "0239 3831 234", "email": "dthai@honglinh.hatinh.gov.vn", "current": true,
    "positions": [{"id": 1, "title": "Bí thư Thị ủy", "title_vi": "Bí thư Thị ủy", "title_en": "Secretary of the Town Party Committee",
        "organization": {"id": 1, "slug": "thi-uy-hong-linh", "name": "Thị ủy Hồng Lĩnh"},
        "started_on": "2020-10-01", "ended_on": null, "rank": 1, "current": true}],
    "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct OfficialView {
    pub id: i64,
    pub slug: String,
    pub full_name: String,
    pub photo_url: Option<String>,
    /// Short biography in the requested language, falling back to Vietnamese.
    pub bio: Option<String>,
    pub office_phone: Option<String>,
    /// Official (public) e-mail address.
    pub email: Option<String>,
    /// Holds at least one position today.
    pub current: bool,
    /// Current positions first, in protocol order, then former ones.
    pub positions: Vec<PositionView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An official as embedded in articles and events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficialRef {
    pub id: i64,
    pub slug: String,
    pub full_name: String,
    /// The most senior current position's title, in the requested language.
    pub title: Option<String>,
}

/// Officials with their positions and the organizations those belong to,
/// loaded in three queries whatever their number.
pub struct Directory {
    pub officials: Vec<Official>,
    pub positions: HashMap<i64, Vec<Position>>,
    pub organizations: HashMap<i64, Organization>,
    pub today: NaiveDate,
}

impl Directory {
    pub fn load(conn: &mut Conn, officials: Vec<Official>, now: NaiveDateTime) -> Result<Directory, ApiError> {
        let ids: Vec<i64> = officials.iter().map(|o| o.id).collect();
        let positions = if ids.is_empty() {
            HashMap::new()
        } else {
            store::positions_of(conn, &ids)?
        };
        let mut org_ids: Vec<i64> = positions.values().flatten().map(|p| p.organization_id).collect();
        org_ids.sort_unstable();
        org_ids.dedup();
        let organizations = if org_ids.is_empty() {
            HashMap::new()
        } else {
            crate::organizations::store::find_many(conn, &org_ids)?
                .into_iter()
                .map(|o| (o.id, o))
                .collect()
        };
        Ok(Directory {
            officials,
            positions,
            organizations,
            today: vietnam_date(now),
        })
    }

    fn positions(&self, official_id: i64) -> &[Position] {
        self.positions.get(&official_id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Protocol order: the best rank among current positions (in
    /// `organization` when given); officials without one sort last.
    pub fn protocol_rank(&self, official_id: i64, organization: Option<i64>) -> Option<i32> {
        self.positions(official_id)
            .iter()
            .filter(|p| p.is_current(self.today) && organization.is_none_or(|o| p.organization_id == o))
            .map(|p| p.rank)
            .min()
    }

    pub fn view(&self, o: &Official, lang: Lang) -> OfficialView {
        let mut positions: Vec<&Position> = self.positions(o.id).iter().collect();
        // Current first; then protocol rank; equal ranks follow the
        // organizations' display order, then the most recent first.
        let org_position = |p: &Position| {
            self.organizations
                .get(&p.organization_id)
                .map_or(i32::MAX, |o| o.position)
        };
        positions.sort_by_key(|p| {
            (
                !p.is_current(self.today),
                p.rank,
                org_position(p),
                std::cmp::Reverse(p.started_on),
            )
        });
        let positions: Vec<PositionView> = positions
            .into_iter()
            .filter_map(|p| {
                let org = self.organizations.get(&p.organization_id)?;
                Some(PositionView {
                    id: p.id,
                    title: lang.pick(p.title.clone(), p.title_en.clone()),
                    title_vi: p.title.clone(),
                    title_en: p.title_en.clone(),
                    organization: OrganizationRef::new(org, lang),
                    started_on: p.started_on,
                    ended_on: p.ended_on,
                    rank: p.rank,
                    current: p.is_current(self.today),
                })
            })
            .collect();
        OfficialView {
            id: o.id,
            slug: o.slug.clone(),
            full_name: o.full_name.clone(),
            photo_url: o.photo_url.clone(),
            bio: o.bio.clone().map(|vi| lang.pick(vi, o.bio_en.clone())),
            office_phone: o.office_phone.clone(),
            email: o.email.clone(),
            current: positions.iter().any(|p| p.current),
            positions,
            created_at: utc(o.created_at),
            updated_at: utc(o.updated_at),
        }
    }

    pub fn reference(&self, o: &Official, lang: Lang) -> OfficialRef {
        let best = self
            .positions(o.id)
            .iter()
            .filter(|p| p.is_current(self.today))
            .min_by_key(|p| p.rank)
            .map(|p| lang.pick(p.title.clone(), p.title_en.clone()));
        OfficialRef {
            id: o.id,
            slug: o.slug.clone(),
            full_name: o.full_name.clone(),
            title: best,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfficialListQuery {
    /// Only officials holding a position in this organization (id or slug), in its protocol order.
    pub organization: Option<String>,
    /// Words of the name, with or without tone marks (`dang thanh hai` finds Đặng Thanh Hải).
    pub q: Option<String>,
    /// `true` also lists officials who hold no position today (after the current ones).
    pub include_former: Option<bool>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    pub organization_id: i64,
    #[schema(example = "Bí thư Thị ủy")]
    pub title: String,
    #[schema(example = "Secretary of the Town Party Committee")]
    pub title_en: Option<String>,
    pub started_on: NaiveDate,
    /// Omit or `null` while held.
    pub ended_on: Option<NaiveDate>,
    /// Protocol rank, lower first; default 100.
    pub rank: Option<i32>,
}

/// `POST` (full_name required) and `PATCH` (only the fields sent; `positions` replaces them all).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialInput {
    #[schema(example = "Đặng Thanh Hải")]
    pub full_name: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub photo_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub bio_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub office_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub positions: Option<Vec<PositionInput>>,
}

pub fn apply(
    input: OfficialInput,
    mut data: OfficialData,
    creating: bool,
    now: NaiveDateTime,
) -> Result<(OfficialData, Option<Vec<PositionData>>), ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    match input.full_name.map(|n| clean_text(&n)) {
        Some(name) => {
            check_length(&mut errors, "full_name", &name, 1, 200);
            data.name_folded = crate::text::fold(&name);
            data.full_name = name;
        }
        None if creating => errors.push(FieldError::new("full_name", FieldIssue::Required)),
        None => {}
    }
    let slug = input.slug.map(|s| s.trim().to_string());
    check_slug(&mut errors, "slug", &slug);
    if let Some(slug) = slug {
        data.slug = slug;
    }
    set_text(&mut errors, "photo_url", input.photo_url, 2000, &mut data.photo_url);
    set_text(&mut errors, "bio", input.bio, 10_000, &mut data.bio);
    set_text(&mut errors, "bio_en", input.bio_en, 10_000, &mut data.bio_en);
    set_text(
        &mut errors,
        "office_phone",
        input.office_phone,
        50,
        &mut data.office_phone,
    );
    set_text(&mut errors, "email", input.email, 254, &mut data.email);
    check_url(&mut errors, "photo_url", &data.photo_url);
    check_phone(&mut errors, "office_phone", &data.office_phone);
    check_email(&mut errors, "email", &data.email);
    if input.positions.as_ref().is_some_and(|list| list.len() > 50) {
        errors.push(FieldError::new("positions", FieldIssue::Length { min: 0, max: 50 }));
    }
    let positions = input.positions.map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, p)| {
                let title = clean_text(&p.title);
                check_length(&mut errors, &format!("positions[{i}].title"), &title, 1, 300);
                let title_en = clean_optional(p.title_en);
                if p.ended_on.is_some_and(|end| end < p.started_on) {
                    errors.push(FieldError::new(
                        format!("positions[{i}].ended_on"),
                        FieldIssue::EndsBeforeStart,
                    ));
                }
                PositionData {
                    organization_id: p.organization_id,
                    title,
                    title_en,
                    started_on: p.started_on,
                    ended_on: p.ended_on,
                    rank: p.rank.unwrap_or(100),
                }
            })
            .collect()
    });
    data.updated_at = now;
    finish(errors)?;
    Ok((data, positions))
}

pub fn blank(now: NaiveDateTime) -> OfficialData {
    OfficialData {
        slug: String::new(),
        full_name: String::new(),
        name_folded: String::new(),
        photo_url: None,
        bio: None,
        bio_en: None,
        office_phone: None,
        email: None,
        updated_at: now,
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/officials")
            .route(web::get().to(list_officials))
            .route(web::post().to(create_official)),
    )
    .service(
        web::resource("/officials/{id_or_slug}")
            .route(web::get().to(get_official))
            .route(web::patch().to(update_official))
            .route(web::delete().to(delete_official)),
    )
    .route(
        "/organizations/{id_or_slug}/officials",
        web::get().to(organization_officials),
    );
}

const OFFICIAL_SORT: &str = "protocol";
/// Sorts officials without a current position after every current one.
const FORMER_RANK: i64 = i32::MAX as i64 + 1;

async fn list(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: OfficialListQuery,
    organization: Option<IdOrSlug>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit.as_deref())?;
    let include_former = query.include_former.unwrap_or(false);
    let now = state.clock.now();
    let q = query.q.clone().filter(|q| !q.trim().is_empty());
    if let Some(q) = &q {
        crate::search::check_length(q)?;
    }
    let directory = crate::db::run(state.reader(&auth), move |conn| {
        let org_id = match &organization {
            None => None,
            Some(key) => Some(
                crate::organizations::store::find(conn, key)?
                    .ok_or(ApiError::NotFound)?
                    .id,
            ),
        };
        let found = store::search(conn, q.as_deref())?;
        Ok((Directory::load(conn, found, now)?, org_id))
    })
    .await;
    let (directory, org_id) = directory?;
    let mut ranked: Vec<(i64, &Official)> = directory
        .officials
        .iter()
        .filter(|o| org_id.is_none_or(|org| directory.positions(o.id).iter().any(|p| p.organization_id == org)))
        .filter_map(|o| match directory.protocol_rank(o.id, org_id) {
            Some(rank) => Some((rank as i64, o)),
            None if include_former => Some((FORMER_RANK, o)),
            None => None,
        })
        .collect();
    ranked.sort_by_key(|(rank, o)| (*rank, o.id));
    let page = page_sorted(ranked, OFFICIAL_SORT, limit, query.cursor.as_deref(), |(rank, o)| {
        (*rank, o.id)
    })?;
    cached_page(&req, &page.map(|(_, o)| directory.view(o, lang)), auth.audience())
}

/// List current officials in protocol order.
#[utoipa::path(get, path = "/api/v1/officials", tag = "officials", params(OfficialListQuery),
    responses((status = 200, body = Paged<OfficialView>), (status = 304, description = "Not modified"),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_officials(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<OfficialListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let organization = query.organization.as_deref().map(IdOrSlug::parse);
    list(req, auth, lang, state, query, organization).await
}

/// The officials of one organization, in its protocol order.
#[utoipa::path(get, path = "/api/v1/organizations/{id_or_slug}/officials", tag = "organizations",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), OfficialListQuery),
    responses((status = 200, body = Paged<OfficialView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn organization_officials(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<OfficialListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    if query.organization.is_some() {
        return Err(ApiError::unknown_parameter("organization"));
    }
    list(req, auth, lang, state, query, Some(IdOrSlug::parse(&key))).await
}

async fn load(state: &AppState, pool: &crate::db::DbPool, key: IdOrSlug, lang: Lang) -> Result<OfficialView, ApiError> {
    let now = state.clock.now();
    let directory = crate::db::run(pool, move |conn| {
        let official = store::find(conn, &key)?.ok_or(ApiError::NotFound)?;
        Directory::load(conn, vec![official], now)
    })
    .await?;
    Ok(directory.view(&directory.officials[0], lang))
}

/// Get an official with all their positions, current and former.
#[utoipa::path(get, path = "/api/v1/officials/{id_or_slug}", tag = "officials",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = OfficialView), (status = 304, description = "Not modified"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_official(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let official = load(&state, state.reader(&auth), IdOrSlug::parse(&key), lang).await?;
    cached_json(&req, &official, auth.audience())
}

/// Create an official with their positions (editor).
#[utoipa::path(post, path = "/api/v1/officials", tag = "officials", request_body = OfficialInput, security(("bearer" = [])),
    responses((status = 201, body = OfficialView, headers(("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_official(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<OfficialInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let now = state.clock.now();
    let (data, positions) = apply(body.into_inner(), blank(now), true, now)?;
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::save(conn, None, data, positions, now))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/officials/{id}")))
        .json(load(&state, &state.pool, IdOrSlug::Id(id), lang).await?))
}

/// Change an official (editor). `positions`, when sent, replaces the whole list:
/// to mark someone former, give their positions an `ended_on`.
#[utoipa::path(patch, path = "/api/v1/officials/{id_or_slug}", tag = "officials", request_body = OfficialInput, security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 200, body = OfficialView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_official(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<OfficialInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    let input = body.into_inner();
    let now = state.clock.now();
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let current = store::find(conn, &key)?.ok_or(ApiError::NotFound)?;
            let (data, positions) = apply(input, OfficialData::from(&current), false, now)?;
            store::save(conn, Some(current.id), data, positions, now)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(load(&state, &state.pool, IdOrSlug::Id(id), lang).await?))
}

/// Delete an official (editor). Refused with 409 `in_use` while articles or
/// events link to them: end their positions instead, which marks them former.
#[utoipa::path(delete, path = "/api/v1/officials/{id_or_slug}", tag = "officials", security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`in_use`", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_official(
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
