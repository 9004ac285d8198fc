//! `/organizations`: the structure of the town's political system.

use crate::db::StoreResult;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, OrganizationInput, OrganizationListQuery};
use super::model::{Kind, Organization, OrganizationData};
use super::store;
use super::views::{tree, view, OrganizationView};
use crate::changes::{self, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug};
use crate::http::cache::cached_page;
use crate::http::lang::{Lang, LangQuery};
use crate::http::pagination::{page_limit, page_sorted, Paged};
use crate::http::routes::at;
use crate::http::{params, ApiError};
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/organizations").get(list_organizations).post(create))
        .service(
            at("/organizations/{id_or_slug}")
                .get(get_organization)
                .patch(update)
                .delete(delete),
        );
}

const ORG_SORT: &str = "position";

/// List organizations in display order, flat (paged) or as a tree.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", params(OrganizationListQuery),
    responses(
        (status = 200, description = "A page of organizations; with `tree=true` every organization, nested", body = Paged<OrganizationView>),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_organizations(r: Reader, query: web::Query<OrganizationListQuery>) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, lang, state } = r;
    let query = query.into_inner();
    let limit = page_limit(query.limit.as_deref())?;
    let kind = params::one_of("kind", query.kind.as_deref(), Kind::parse, Kind::ALL)?;
    let updated_since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let all = crate::db::run(auth.pool(&state), store::all).await?;
    if let Some(cursor) = query.cursor.as_deref() {
        // A tree has no pages, but a cursor it is given must still be one.
        crate::http::pagination::Cursor::decode(cursor, ORG_SORT)?;
    }
    if query.tree == Some(true) {
        let page = Paged::whole(tree(&all, None, lang), all.len());
        return cached_page(&req, &page, auth.audience());
    }
    // An unknown parent has no children: an empty list, as with any filter.
    let parent = query
        .parent
        .as_deref()
        .map(IdOrSlug::parse)
        .map(|key| all.iter().find(|o| key.names(o.id, &o.slug)).map(|o| o.id));
    let matching: Vec<Organization> = all
        .into_iter()
        .filter(|o| kind.is_none_or(|k| o.kind == k.as_str()))
        .filter(|o| parent.is_none_or(|p| p.is_some() && o.parent_id == p))
        .filter(|o| updated_since.is_none_or(|since| o.updated_at >= since))
        .collect();
    let page = page_sorted(matching, ORG_SORT, limit, query.cursor.as_deref(), |o| {
        (o.position as i64, o.id)
    })?;
    cached_page(&req, &page.map(|o| view(&o, lang)), auth.audience())
}

/// Get an organization by id or slug.
#[utoipa::path(get, path = "/api/v1/organizations/{id_or_slug}", tag = "organizations",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = OrganizationView), (status = 304, description = "Not modified"),))]
pub async fn get_organization(
    r: Reader,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let (key, lang) = (IdOrSlug::parse(&key), r.lang);
    r.item(
        changes::Kind::Organizations,
        SlugTable::Organizations,
        key,
        move |conn, key| {
            let org = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
            Ok((org.id, view(&org, lang)))
        },
    )
    .await
}

/// Organizations as editors write them.
pub struct Organizations;

impl Record for Organizations {
    const COLLECTION: &'static str = "organizations";
    const KIND: changes::Kind = changes::Kind::Organizations;
    const SLUGS: SlugTable = SlugTable::Organizations;
    type Input = OrganizationInput;
    type Row = Organization;
    type Changes = OrganizationData;

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Organization>> {
        store::find(conn, key)
    }

    fn apply(
        input: OrganizationInput,
        current: Option<&Organization>,
        now: NaiveDateTime,
    ) -> Result<OrganizationData, ApiError> {
        apply(input, current, now)
    }

    fn save(
        conn: &mut Conn,
        current: Option<&Organization>,
        data: OrganizationData,
        stamp: &Stamp,
    ) -> StoreResult<i64> {
        store::save(conn, current, data, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    fn answer(conn: &mut Conn, id: i64, lang: Lang, _now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let org = store::find(conn, &IdOrSlug::Id(id))?.ok_or(ApiError::NotFound)?;
        to_value(view(&org, lang))
    }
}

crate::editable_endpoints! {
    resource: Organizations, tag: "organizations", collection: "/api/v1/organizations",
    item: "/api/v1/organizations/{id_or_slug}", view: OrganizationView,
    create: ("create_organization", OrganizationInput, "Create an organization (editor)."),
    update: ("update_organization", OrganizationInput, "Change an organization (editor). Only the fields sent change."),
    delete: ("delete_organization",
        "Delete an organization (editor): only one that has no sub-organizations, positions or events (else 409 `in_use`).",
        "`in_use`"),
    invalid: "Invalid field, unknown parent, or a parent that would make a cycle",
}
