//! `/documents`: the official documents the town publishes.

use super::model::Document;
use crate::db::StoreResult;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, DocumentInput, DocumentListQuery, Listing, MAX_MATCHES, SORT};
use super::model::DocumentData;
use super::store;
use super::views::{view, DocumentView, Names};
use crate::changes::{self, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug};
use crate::http::cache::cached_page;
use crate::http::lang::Lang;
use crate::http::pagination::{relevance_page, Cursor, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/documents").get(list_documents).post(create)).service(
        at("/documents/{id_or_slug}")
            .get(get_document)
            .patch(update)
            .delete(delete),
    );
}

/// List documents, newest first; filter by type, issuer, field, year and
/// status, or find one by its number (however it is typed) or the words of
/// its abstract with `q` (then by relevance: number matches first).
#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(DocumentListQuery),
    responses(
        (status = 200, description = "A page of documents", body = Paged<DocumentView>),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_documents(r: Reader, query: web::Query<DocumentListQuery>) -> Result<HttpResponse, ApiError> {
    let Listing {
        mut filter,
        issuer,
        search,
        offset,
        after,
        limit,
    } = query.into_inner().parse()?;
    let (index, now) = (r.state.search.clone(), r.now());
    let page = crate::db::run(r.pool(), move |conn| {
        if let Some(issuer) = issuer {
            let org = crate::organizations::store::find(conn, &IdOrSlug::parse(&issuer))?;
            filter.issuer = Some(org.map(|o| o.id));
        }
        match (search, offset) {
            (Some(q), Some(offset)) => {
                let ranked = matches(conn, &index, &q, now)?;
                filter.ids = Some(ranked.clone());
                let found = store::list(conn, &filter, None, MAX_MATCHES)?;
                // In the order ranked, only those the filters keep.
                let docs: Vec<_> = ranked
                    .iter()
                    .filter_map(|id| found.iter().find(|d| d.id == *id).cloned())
                    .collect();
                let names = Names::load(conn, &docs)?;
                let views: Vec<DocumentView> = docs.iter().map(|d| view(d, &names)).collect();
                Ok::<_, ApiError>(relevance_page(views, offset, limit))
            }
            _ => {
                let rows = store::list(conn, &filter, after, limit + 1)?;
                let names = Names::load(conn, &rows)?;
                let page = Paged::from_rows(rows, limit, |d| Cursor {
                    sort: SORT.into(),
                    key: Some(d.issued_on.format("%Y-%m-%d").to_string()),
                    id: d.id,
                });
                Ok(page.map(|d| view(&d, &names)))
            }
        }
    })
    .await?;
    cached_page(&r.req, &page, r.auth.audience())
}

/// Documents `q` finds: those whose number it is (or begins), newest first,
/// then those whose words it has, by relevance.
fn matches(
    conn: &mut Conn,
    index: &crate::search::engine::SearchIndex,
    q: &str,
    now: NaiveDateTime,
) -> Result<Vec<i64>, ApiError> {
    let key = super::number_key(q);
    let mut ids = if key.chars().any(|c| c.is_ascii_digit()) {
        store::by_number(conn, &key, MAX_MATCHES)?
    } else {
        Vec::new()
    };
    if let Some(query) = crate::search::Query::parse(q) {
        let hits = crate::search::store::search(
            conn,
            index,
            crate::search::store::Kind::Documents,
            &query,
            true,
            now,
            MAX_MATCHES,
            0,
        )?;
        for hit in hits {
            if !ids.contains(&hit.id) {
                ids.push(hit.id);
            }
        }
    }
    Ok(ids)
}

/// Get a document by id or slug.
#[utoipa::path(get, path = "/api/v1/documents/{id_or_slug}", tag = "documents",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug (`125-qd-ubnd-2022`)")),
    responses((status = 200, body = DocumentView), (status = 304, description = "Not modified"),))]
pub async fn get_document(r: Reader, key: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    r.item(changes::Kind::Documents, SlugTable::Documents, key, move |conn, key| {
        let doc = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
        let names = Names::load(conn, std::slice::from_ref(&doc))?;
        Ok((doc.id, view(&doc, &names)))
    })
    .await
}

/// Documents as editors write them.
pub struct Documents;

impl Record for Documents {
    const COLLECTION: &'static str = "documents";
    const KIND: changes::Kind = changes::Kind::Documents;
    const SLUGS: SlugTable = SlugTable::Documents;
    type Input = DocumentInput;
    type Row = Document;
    type Changes = DocumentData;

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Document>> {
        store::find(conn, key)
    }

    fn apply(input: DocumentInput, current: Option<&Document>, now: NaiveDateTime) -> Result<DocumentData, ApiError> {
        apply(input, current, now)
    }

    fn save(conn: &mut Conn, current: Option<&Document>, data: DocumentData, stamp: &Stamp) -> StoreResult<i64> {
        store::save(conn, current, data, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    fn answer(conn: &mut Conn, id: i64, _lang: Lang, _now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let doc = store::find(conn, &IdOrSlug::Id(id))?.ok_or(ApiError::NotFound)?;
        let names = Names::load(conn, std::slice::from_ref(&doc))?;
        to_value(view(&doc, &names))
    }
}

crate::editable_endpoints! {
    resource: Documents, tag: "documents", collection: "/api/v1/documents",
    item: "/api/v1/documents/{id_or_slug}", view: DocumentView,
    create: ("create_document", DocumentInput, "Publish a document (editor)."),
    update: ("update_document", DocumentInput, "Change a document (editor). Only the fields sent change."),
    delete: ("delete_document", "Delete a document (editor)."),
    invalid: "Invalid field, unknown issuer, signer, replacement or attachment",
}
