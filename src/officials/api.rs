//! `/officials`: the leadership directory, with positions over time.

use super::model::PositionData;
use crate::db::StoreResult;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, OfficialInput, OfficialListQuery};
use super::model::{Official, OfficialData};
use super::store;
use super::views::{Directory, OfficialView};
use crate::changes::{Kind, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug, Narrow, Scope};
use crate::http::cache::cached_page;
use crate::http::lang::{Lang, LangQuery};
use crate::http::pagination::{page_limit, page_sorted, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/officials").get(list_officials).post(create))
        .service(
            at("/officials/{id_or_slug}")
                .get(get_official)
                .patch(update)
                .delete(delete),
        )
        .service(at("/organizations/{id_or_slug}/officials").get(organization_officials));
}

const OFFICIAL_SORT: &str = "protocol";
/// Sorts officials without a current position after every current one.
const FORMER_RANK: i64 = i32::MAX as i64 + 1;

async fn list(r: Reader, query: OfficialListQuery, organization: Option<Scope>) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, lang, state } = r;
    let limit = page_limit(query.limit.as_deref())?;
    let include_former = query.include_former.unwrap_or(false);
    let updated_since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let now = state.clock.now();
    let q = query.q.clone().filter(|q| !q.trim().is_empty());
    if let Some(q) = &q {
        crate::search::check_length(q)?;
    }
    let (directory, narrow) = crate::db::run(auth.pool(&state), move |conn| {
        let narrow = match &organization {
            None => None,
            Some(scope) => Some(scope.narrow(crate::organizations::store::find(conn, &scope.key)?.map(|o| o.id))?),
        };
        let found = store::search(conn, q.as_deref())?;
        let found = if narrow == Some(Narrow::ToNothing) {
            Vec::new()
        } else {
            found
        };
        Ok::<_, ApiError>((Directory::load(conn, found, now)?, narrow))
    })
    .await?;
    let org_id = match narrow {
        Some(Narrow::To(id)) => Some(id),
        _ => None,
    };
    let mut ranked: Vec<(i64, &Official)> = directory
        .officials
        .iter()
        .filter(|o| org_id.is_none_or(|org| directory.positions(o.id).iter().any(|p| p.organization_id == org)))
        .filter(|o| updated_since.is_none_or(|since| o.updated_at >= since))
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
    responses((status = 200, body = Paged<OfficialView>), (status = 304, description = "Not modified"),))]
pub async fn list_officials(r: Reader, query: web::Query<OfficialListQuery>) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let organization = Scope::query(query.organization.take());
    list(r, query, organization).await
}

/// The officials of one organization, in its protocol order.
#[utoipa::path(get, path = "/api/v1/organizations/{id_or_slug}/officials", tag = "organizations",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), OfficialListQuery),
    responses((status = 200, body = Paged<OfficialView>),))]
pub async fn organization_officials(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<OfficialListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let organization = crate::http::params::path_scope("organization", query.organization.take(), &key)?;
    list(r, query, Some(organization)).await
}

/// One official with all their positions.
fn load(conn: &mut Conn, key: &IdOrSlug, lang: Lang, now: NaiveDateTime) -> Result<OfficialView, ApiError> {
    let official = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
    let directory = Directory::load(conn, vec![official], now)?;
    Ok(directory.view(&directory.officials[0], lang))
}

/// Get an official with all their positions, current and former.
#[utoipa::path(get, path = "/api/v1/officials/{id_or_slug}", tag = "officials",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = OfficialView), (status = 304, description = "Not modified"),))]
pub async fn get_official(
    r: Reader,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let (key, lang, now) = (IdOrSlug::parse(&key), r.lang, r.now());
    r.item(Kind::Officials, SlugTable::Officials, key, move |conn, key| {
        let official = load(conn, key, lang, now)?;
        Ok((official.id, official))
    })
    .await
}

/// Officials as editors write them.
pub struct Officials;

impl Record for Officials {
    const COLLECTION: &'static str = "officials";
    const KIND: Kind = Kind::Officials;
    const SLUGS: SlugTable = SlugTable::Officials;
    type Input = OfficialInput;
    type Row = Official;
    type Changes = (OfficialData, Option<Vec<PositionData>>);

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Official>> {
        store::find(conn, key)
    }

    fn apply(
        input: OfficialInput,
        current: Option<&Official>,
        now: NaiveDateTime,
    ) -> Result<(OfficialData, Option<Vec<PositionData>>), ApiError> {
        apply(input, current, now)
    }

    fn save(
        conn: &mut Conn,
        current: Option<&Official>,
        (data, positions): (OfficialData, Option<Vec<PositionData>>),
        stamp: &Stamp,
    ) -> StoreResult<i64> {
        store::save(conn, current, data, positions, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        to_value(load(conn, &IdOrSlug::Id(id), lang, now)?)
    }
}

crate::editable_endpoints! {
    resource: Officials, tag: "officials", collection: "/api/v1/officials", item: "/api/v1/officials/{id_or_slug}",
    view: OfficialView,
    create: ("create_official", OfficialInput, "Create an official with their positions (editor)."),
    update: ("update_official", OfficialInput,
        "Change an official (editor). `positions`, when sent, replaces the whole list: to mark someone former, give their positions an `ended_on`."),
    delete: ("delete_official",
        "Delete an official (editor). Refused with 409 `in_use` while articles or events link to them: end their positions instead, which marks them former.",
        "`in_use`"),
    invalid: "Invalid fields, or unknown organizations in `positions`",
}
