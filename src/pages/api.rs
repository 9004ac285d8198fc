//! `/pages`: the portal's standing pages, as a menu tree.

use crate::db::StoreResult;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, PageInput, PageListQuery};
use super::model::{Page, PageData};
use super::store;
use super::views::{tree, view, PageView};
use crate::changes::{self, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug};
use crate::http::cache::cached_page;
use crate::http::lang::{Lang, LangQuery};
use crate::http::pagination::{page_limit, page_sorted, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/pages").get(list_pages).post(create))
        .service(at("/pages/{id_or_slug}").get(get_page).patch(update).delete(delete));
}

const SORT: &str = "position";

/// List pages in menu order, flat (paged) or as a tree (the menu).
#[utoipa::path(get, path = "/api/v1/pages", tag = "pages", params(PageListQuery),
    responses(
        (status = 200, description = "Pages in order; with `tree=true` every page, nested", body = Paged<PageView>),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_pages(r: Reader, query: web::Query<PageListQuery>) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, lang, state } = r;
    let query = query.into_inner();
    let limit = page_limit(query.limit.as_deref())?;
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let all = crate::db::run(auth.pool(&state), store::all).await?;
    if let Some(cursor) = query.cursor.as_deref() {
        // A tree has no pages, but a cursor it is given must still be one.
        crate::http::pagination::Cursor::decode(cursor, SORT)?;
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
    let matching: Vec<Page> = all
        .into_iter()
        .filter(|o| parent.is_none_or(|p| p.is_some() && o.parent_id == p))
        .filter(|o| since.is_none_or(|since| o.updated_at >= since))
        .collect();
    let page = page_sorted(matching, SORT, limit, query.cursor.as_deref(), |o| {
        (o.position as i64, o.id)
    })?;
    cached_page(&req, &page.map(|o| view(&o, lang)), auth.audience())
}

/// Get an page by id or slug.
#[utoipa::path(get, path = "/api/v1/pages/{id_or_slug}", tag = "pages",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = PageView), (status = 304, description = "Not modified"),))]
pub async fn get_page(
    r: Reader,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let (key, lang) = (IdOrSlug::parse(&key), r.lang);
    r.item(changes::Kind::Pages, SlugTable::Pages, key, move |conn, key| {
        let page = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
        Ok((page.id, view(&page, lang)))
    })
    .await
}

/// Pages as editors write them.
pub struct Pages;

impl Record for Pages {
    const COLLECTION: &'static str = "pages";
    const KIND: changes::Kind = changes::Kind::Pages;
    const SLUGS: SlugTable = SlugTable::Pages;
    type Input = PageInput;
    type Row = Page;
    type Changes = PageData;

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Page>> {
        store::find(conn, key)
    }

    fn apply(input: PageInput, current: Option<&Page>, now: NaiveDateTime) -> Result<PageData, ApiError> {
        apply(input, current, now)
    }

    fn save(conn: &mut Conn, current: Option<&Page>, data: PageData, stamp: &Stamp) -> StoreResult<i64> {
        store::save(conn, current, data, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    fn answer(conn: &mut Conn, id: i64, lang: Lang, _now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let page = store::find(conn, &IdOrSlug::Id(id))?.ok_or(ApiError::NotFound)?;
        to_value(view(&page, lang))
    }
}

crate::editable_endpoints! {
    resource: Pages, tag: "pages", collection: "/api/v1/pages",
    item: "/api/v1/pages/{id_or_slug}", view: PageView,
    create: ("create_page", PageInput, "Create a page (editor)."),
    update: ("update_page", PageInput, "Change a page (editor). Only the fields sent change."),
    delete: ("delete_page",
        "Delete a page (editor): only one with no pages under it (else 409 `in_use`).",
        "`in_use`"),
    invalid: "Invalid field, unknown parent, or a parent that would make a cycle",
}
