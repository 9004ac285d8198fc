//! `/links`: blocks of links to other websites.

use super::model::LinkGroup;
use crate::db::StoreResult;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, LinkGroupInput};
use super::model::LinkGroupData;
use super::store;
use super::views::{view, LinkGroupView};
use crate::changes::{self, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug};
use crate::http::cache::cached_page;
use crate::http::lang::{Lang, LangQuery};
use crate::http::pagination::{page_limit, page_sorted, OrderedListQuery, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/links").get(list_links).post(create)).service(
        at("/links/{id_or_slug}")
            .get(get_link_group)
            .patch(update)
            .delete(delete),
    );
}

/// List the groups of links in order, each with its links.
#[utoipa::path(get, path = "/api/v1/links", tag = "links", params(OrderedListQuery),
    responses(
        (status = 200, description = "Groups of links in order", body = Paged<LinkGroupView>),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_links(r: Reader, query: web::Query<OrderedListQuery>) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit.as_deref())?;
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let mut all = crate::db::run(r.pool(), store::all).await?;
    all.retain(|item| since.is_none_or(|since| item.updated_at >= since));
    let page = page_sorted(all, "position", limit, query.cursor.as_deref(), |g| {
        (g.position as i64, g.id)
    })?;
    let lang = r.lang;
    cached_page(&r.req, &page.map(|g| view(&g, lang)), r.auth.audience())
}

/// Get a group of links by id or slug.
#[utoipa::path(get, path = "/api/v1/links/{id_or_slug}", tag = "links",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = LinkGroupView), (status = 304, description = "Not modified"),))]
pub async fn get_link_group(
    r: Reader,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let (key, lang) = (IdOrSlug::parse(&key), r.lang);
    r.item(changes::Kind::Links, SlugTable::Links, key, move |conn, key| {
        let group = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
        Ok((group.id, view(&group, lang)))
    })
    .await
}

/// Link groups as editors write them.
pub struct LinkGroups;

impl Record for LinkGroups {
    const COLLECTION: &'static str = "links";
    const KIND: changes::Kind = changes::Kind::Links;
    const SLUGS: SlugTable = SlugTable::Links;
    type Input = LinkGroupInput;
    type Row = LinkGroup;
    type Changes = LinkGroupData;

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<LinkGroup>> {
        store::find(conn, key)
    }

    fn apply(
        input: LinkGroupInput,
        current: Option<&LinkGroup>,
        now: NaiveDateTime,
    ) -> Result<LinkGroupData, ApiError> {
        apply(input, current, now)
    }

    fn save(conn: &mut Conn, current: Option<&LinkGroup>, data: LinkGroupData, stamp: &Stamp) -> StoreResult<i64> {
        store::save(conn, current, data, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    fn answer(conn: &mut Conn, id: i64, lang: Lang, _now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let group = store::find(conn, &IdOrSlug::Id(id))?.ok_or(ApiError::NotFound)?;
        to_value(view(&group, lang))
    }
}

crate::editable_endpoints! {
    resource: LinkGroups, tag: "links", collection: "/api/v1/links",
    item: "/api/v1/links/{id_or_slug}", view: LinkGroupView,
    create: ("create_link_group", LinkGroupInput, "Create a group of links (editor)."),
    update: ("update_link_group", LinkGroupInput, "Change a group of links (editor). Only the fields sent change; `links` replaces the list."),
    delete: ("delete_link_group", "Delete a group of links (editor)."),
    invalid: "Invalid field, or a logo that is not an image of the media library",
}
