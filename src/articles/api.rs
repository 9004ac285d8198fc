//! `/articles`: public reads of published content, editor writes.

use super::model::ArticleRow;
use super::model::Links;
use crate::db::StoreResult;
use actix_web::{web, HttpResponse};

use super::include::{render, Included};
use chrono::NaiveDateTime;

use super::input::{apply, cursor_after, ArticleGetQuery, ArticleInput, ArticleListQuery, Includes, Listing, Mode};
use super::model::{ArticleData, Status};
use super::store;
use super::views::{view, ArticleView};
use crate::changes::{Kind, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug, Scope};
use crate::http::cache::cached_page;
use crate::http::error::Problem;
use crate::http::lang::Lang;
use crate::http::pagination::{relevance_page, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::Record;
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/articles").get(list_articles).post(create))
        .service(
            at("/articles/{id_or_slug}")
                .get(get_article)
                .patch(update)
                .delete(delete),
        )
        .service(at("/officials/{id_or_slug}/articles").get(official_articles))
        .service(at("/articles/{id_or_slug}/print").get(super::print::print_article));
}

/// List articles. Readers see published articles; editors see everything.
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", params(ArticleListQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = Paged<ArticleView>, headers(("ETag" = String), ("Cache-Control" = String), ("Link" = String, description = "rel=\"next\" page, when there is one"))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown parameter, bad cursor, sort, fields or date", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A status other than `published` asked for without the editor role", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_articles(r: Reader, query: web::Query<ArticleListQuery>) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let official = Scope::query(query.official.take());
    list(r, query, official).await
}

/// Articles about an official, newest first.
#[utoipa::path(get, path = "/api/v1/officials/{id_or_slug}/articles", tag = "officials",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), ArticleListQuery),
    security((), ("bearer" = [])),
    responses((status = 200, body = Paged<ArticleView>),))]
pub async fn official_articles(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<ArticleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let official = crate::http::params::path_scope("official", query.official.take(), &key)?;
    list(r, query, Some(official)).await
}

/// The one list of articles: browsing (newest first, filtered) or searching.
async fn list(r: Reader, query: ArticleListQuery, official: Option<Scope>) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, lang, state } = r;
    let now = state.clock.now();
    let Listing {
        fields,
        includes,
        limit,
        mode,
    } = query.parse(official, auth.is_editor(), now)?;
    let public_only = !auth.is_editor();
    let search = state.search.clone();
    let (rows, related, included, mode) = crate::db::run(auth.pool(&state), move |conn| {
        let rows = match &mode {
            Mode::Browse { filter, official } => {
                let mut filter = filter.clone();
                if let Some(scope) = official {
                    let found = crate::officials::store::find(conn, &scope.key)?.map(|o| o.id);
                    filter.official = Some(scope.narrow(found)?);
                }
                store::list(conn, &filter)?
            }
            Mode::Search { query, offset } => {
                let kind = crate::search::store::Kind::Articles;
                let hits =
                    crate::search::store::search(conn, &search, kind, query, public_only, now, limit + 1, *offset)?;
                let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
                let mut rows = store::find_many(conn, &ids)?;
                rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
                rows
            }
        };
        let related = store::related(conn, &rows)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let included = Included::load(conn, &ids, includes, now)?;
        Ok::<_, ApiError>((rows, related, included, mode))
    })
    .await?;
    let render_row = |row| render(&view(row, &related, now), fields.as_deref(), true, &included, lang);
    let page = match mode {
        Mode::Browse { filter, .. } => {
            let sort = filter.sort;
            Paged::from_rows(rows, limit, |row| cursor_after(&sort, sort.key_of(row), row.id)).map(render_row)
        }
        Mode::Search { query, offset } => relevance_page(rows, offset, limit).map(|row| {
            let snippet = crate::search::article_snippet(row.summary.as_deref(), &row.body, &query);
            let mut value = render_row(row);
            if let serde_json::Value::Object(map) = &mut value {
                map.insert("snippet".into(), serde_json::Value::String(snippet));
            }
            value
        }),
    };
    cached_page(&req, &page, auth.audience())
}

/// An article with its related items.
fn load(
    conn: &mut crate::db::Conn,
    key: &IdOrSlug,
    includes: Includes,
    now: chrono::NaiveDateTime,
) -> Result<(ArticleView, Included), ApiError> {
    let row = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
    let related = store::related(conn, std::slice::from_ref(&row))?;
    let included = Included::load(conn, &[row.id], includes, now)?;
    Ok((view(row, &related, now), included))
}

/// Get an article by id or slug. Counts a view for anonymous readers.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}", tag = "articles", params(("id_or_slug" = String, Path, description = "Numeric id or slug"), ArticleGetQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = ArticleView, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such article, or not published", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_article(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<ArticleGetQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fields, includes) = query.parse()?;
    let (key, now, lang, public_only) = (IdOrSlug::parse(&key), r.now(), r.lang, r.public_only());
    // Views by signed-in users (editors previewing) are not counted; a view
    // answered from the response cache is counted there.
    let views = r.auth.0.is_none().then(|| r.state.views.clone());
    let shown = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let seen = shown.clone();
    let mut response = r
        .item(Kind::Articles, SlugTable::Articles, key, move |conn, key| {
            let (article, included) = load(conn, key, includes, now)?;
            if public_only && article.status != Status::Published {
                return Err(ApiError::NotFound);
            }
            if let Some(views) = views {
                views.record(article.id);
                seen.store(article.id, std::sync::atomic::Ordering::Relaxed);
            }
            Ok((article.id, render(&article, fields.as_deref(), false, &included, lang)))
        })
        .await?;
    let article = shown.load(std::sync::atomic::Ordering::Relaxed);
    if article != 0 {
        response
            .extensions_mut()
            .insert(crate::web::response_cache::CountsView(article));
    }
    Ok(response)
}

/// Articles as editors write them.
pub struct Articles;

impl Record for Articles {
    const COLLECTION: &'static str = "articles";
    const KIND: Kind = Kind::Articles;
    const SLUGS: SlugTable = SlugTable::Articles;
    type Input = ArticleInput;
    type Row = ArticleRow;
    type Changes = (ArticleData, Links);

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<ArticleRow>> {
        store::find(conn, key)
    }

    fn apply(
        input: ArticleInput,
        current: Option<&ArticleRow>,
        now: NaiveDateTime,
    ) -> Result<(ArticleData, Links), ApiError> {
        apply(input, current, now)
    }

    fn save(
        conn: &mut Conn,
        current: Option<&ArticleRow>,
        (data, links): (ArticleData, Links),
        stamp: &Stamp,
    ) -> StoreResult<i64> {
        store::save(conn, current, data, links, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    /// The whole article and everything it links to.
    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let (article, included) = load(conn, &IdOrSlug::Id(id), Includes::ALL, now)?;
        Ok(render(&article, None, false, &included, lang))
    }
}

crate::editable_endpoints! {
    resource: Articles, tag: "articles", collection: "/api/v1/articles", item: "/api/v1/articles/{id_or_slug}",
    view: ArticleView,
    create: ("create_article", ArticleInput, "Create an article (editor)."),
    update: ("update_article", ArticleInput, "Change an article (editor). Only the fields sent change."),
    delete: ("delete_article", "Delete an article (editor)."),
    invalid: "Invalid fields, or unknown category, officials or events",
}
