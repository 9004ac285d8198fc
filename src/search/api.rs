//! `GET /search`: articles, events and officials together, by relevance.

use super::input::SearchQuery;
use super::store::{self, Hit, Kind};
use super::views::SearchResult;
use super::{snippet, Query, SNIPPET_WORDS};
use crate::clock::utc;
use crate::db::Conn;
use crate::http::cache::cached_page;
use crate::http::error::{ParamIssue, Problem};
use crate::http::lang::Lang;
use crate::http::pagination::{page_limit, relevance_offset, relevance_page, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::reader::Reader;
use actix_web::{web, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/search").get(search));
}

/// `?type=`: which kinds to search (singular names work too); all by default.
fn kinds(raw: Option<&str>) -> Result<Vec<Kind>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Kind::ALL.to_vec());
    };
    // Plural names, then singular ones (the order the 400 lists them in).
    let plural = Kind::ALL.iter().map(|k| k.name());
    let names: Vec<&str> = plural.clone().chain(plural.map(|n| n.trim_end_matches('s'))).collect();
    let mut kinds = Vec::new();
    for name in crate::http::params::include(Some(raw), &names)? {
        let kind = Kind::from_name(name).ok_or(ApiError::Internal)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err(ApiError::invalid_parameter("type", ParamIssue::Empty));
    }
    Ok(kinds)
}

/// Best first across kinds: exact-accent matches, then where the words were found.
fn merge(mut hits: Vec<(Kind, Hit)>) -> Vec<(Kind, Hit)> {
    hits.sort_by(|a, b| b.1.exact.cmp(&a.1.exact).then(b.1.tier.cmp(&a.1.tier)));
    hits
}

fn results(conn: &mut Conn, hits: &[(Kind, Hit)], query: &Query, lang: Lang) -> Result<Vec<SearchResult>, ApiError> {
    let ids = |kind: Kind| {
        hits.iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, h)| h.id)
            .collect::<Vec<_>>()
    };
    let articles = crate::articles::store::find_many(conn, &ids(Kind::Articles))?;
    let events = crate::events::store::find_many(conn, &ids(Kind::Events))?;
    let official_ids = ids(Kind::Officials);
    let officials = crate::officials::store::find_many(conn, &official_ids)?;
    let positions = crate::officials::store::positions_of(conn, &official_ids)?;
    let documents = crate::documents::store::find_many(conn, &ids(Kind::Documents))?;
    Ok(hits
        .iter()
        .filter_map(|(kind, hit)| match kind {
            Kind::Articles => articles.iter().find(|a| a.id == hit.id).map(|a| SearchResult {
                kind: "article",
                id: a.id,
                slug: a.slug.clone(),
                title: a.title.clone(),
                snippet: super::article_snippet(a.summary.as_deref(), &a.body, query),
                date: a.published_at.map(utc),
            }),
            Kind::Events => events.iter().find(|e| e.id == hit.id).map(|e| {
                let title = lang.pick(e.title.clone(), e.title_en.clone());
                let text = store::event_text(e.description.as_deref(), e.location.as_deref());
                let text = if text.trim().is_empty() { title.clone() } else { text };
                SearchResult {
                    kind: "event",
                    id: e.id,
                    slug: e.slug.clone(),
                    title,
                    snippet: snippet(&text, query, SNIPPET_WORDS),
                    date: Some(utc(e.starts_at)),
                }
            }),
            Kind::Officials => officials.iter().find(|o| o.id == hit.id).map(|o| {
                let titles: Vec<String> = positions
                    .get(&o.id)
                    .into_iter()
                    .flatten()
                    .map(|p| lang.pick(p.title.clone(), p.title_en.clone()))
                    .collect();
                let text = format!("{} {}", o.full_name, titles.join(", "));
                SearchResult {
                    kind: "official",
                    id: o.id,
                    slug: o.slug.clone(),
                    title: o.full_name.clone(),
                    snippet: snippet(&text, query, SNIPPET_WORDS),
                    date: None,
                }
            }),
            Kind::Documents => documents.iter().find(|d| d.id == hit.id).map(|d| {
                let type_name = crate::documents::model::DocType::parse(&d.doc_type)
                    .unwrap_or(crate::documents::model::DocType::Other)
                    .name_vi();
                SearchResult {
                    kind: "document",
                    id: d.id,
                    slug: d.slug.clone(),
                    title: format!("{type_name} {}", d.number),
                    snippet: snippet(&d.summary, query, SNIPPET_WORDS),
                    date: d.issued_on.and_hms_opt(0, 0, 0).map(utc),
                }
            }),
        })
        .collect())
}

/// Search articles, events, officials and documents, best match first.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = Paged<SearchResult>),
        (status = 400, description = "No word in `q`, `q` over 200 characters, unknown `type`", body = Problem, content_type = "application/problem+json")))]
pub async fn search(r: Reader, params: web::Query<SearchQuery>) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, lang, state } = r;
    let params = params.into_inner();
    let query = Query::from_param(params.q.as_deref().unwrap_or(""))?;
    let kinds = kinds(params.kind.as_deref())?;
    let limit = page_limit(params.limit.as_deref())?;
    let offset = relevance_offset(params.cursor.as_deref(), store::MAX_CANDIDATES)?;
    let public_only = !auth.is_editor();
    let now = state.clock.now();
    let index = state.search.clone();
    let found = crate::db::run(auth.pool(&state), move |conn| {
        let started = std::time::Instant::now();
        let mut hits = Vec::new();
        index.sync(conn)?;
        for kind in kinds {
            for hit in store::ranked(conn, &index, kind, &query, public_only, now, offset + limit + 1, 0)? {
                hits.push((kind, hit));
            }
        }
        crate::metrics::search_took(started);
        let hits: Vec<(Kind, Hit)> = merge(hits)
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize + 1)
            .collect();
        results(conn, &hits, &query, lang)
    })
    .await?;
    cached_page(&req, &relevance_page(found, offset, limit), auth.audience())
}
