//! `/articles`: public reads of published content, editor writes.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::include::{Included, Includes};
use super::input::{apply, defaults, stored, ArticleInput};
use super::model::{ArticleRow, Image, Status};
use super::query::{ListFilter, Sort, DEFAULT_SORT};
use super::stats::RatingSummary;
use super::store::{self, Related};
use crate::clock::utc;
use crate::db::write_tx;
use crate::http::auth::{Auth, MaybeAuth};
use crate::http::cache::{cached_json, cached_page};
use crate::http::error::ParamIssue;
use crate::http::error::Problem;
use crate::http::extract::IdOrSlug;
use crate::http::input::time_param;
use crate::http::lang::{Lang, LangParam};
use crate::http::pagination::{page_limit, Paged};
use crate::http::ApiError;
use crate::state::AppState;
use crate::taxonomy::Term;

/// A category or tag as embedded in an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

impl From<&Term> for TermRef {
    fn from(t: &Term) -> Self {
        TermRef {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "slug": "hoi-nghi-giao-ban-6-thang-dau-nam-2022",
    "title": "Hội nghị giao ban 6 tháng đầu năm 2022",
    "summary": "Thường trực Thị ủy tổ chức hội nghị giao ban với Thường trực Ủy ban MTTQ và các đoàn thể.",
    "body": "<p>Chiều ngày 19/7, Thường trực Thị ủy đã tổ chức hội nghị giao ban…</p>",
    "cover_image": {"url": "/media/hoi-nghi.jpg", "caption": "Toàn cảnh hội nghị", "alt": null},
    "images": [{"url": "/media/phat-bieu.jpg", "caption": "Chủ tịch UBMTTQ thị xã Đặng Ngọc Sơn phát biểu tại hội nghị", "alt": null}],
    "category": {"id": 1, "slug": "tin-hoat-dong", "name": "Tin hoạt động"},
    "tags": [{"id": 1, "slug": "mat-tran-to-quoc", "name": "Mặt trận Tổ quốc"}],
    "byline": "Thanh Hà", "status": "published", "published_at": "2022-07-19T10:00:00Z",
    "comments_enabled": true, "view_count": 1280, "comment_count": 3,
    "rating": {"count": 7, "average": 4.43, "distribution": {"1": 0, "2": 0, "3": 1, "4": 2, "5": 4}},
    "created_at": "2022-07-19T09:30:00Z", "updated_at": "2022-07-19T10:00:00Z"
}))]
pub struct ArticleView {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// The lead paragraph (sapo).
    pub summary: Option<String>,
    /// Sanitised HTML. Omitted from list items unless asked for with `fields`.
    pub body: String,
    pub cover_image: Option<Image>,
    /// Inline photos with their captions, in order.
    pub images: Vec<Image>,
    pub category: Option<TermRef>,
    pub tags: Vec<TermRef>,
    pub byline: Option<String>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub comments_enabled: bool,
    /// Views counted so far; recent views are added in batches every few seconds.
    pub view_count: i64,
    /// Approved comments.
    pub comment_count: i64,
    /// Visitors' ratings, 1–5.
    pub rating: RatingSummary,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Field names `?fields=` accepts.
pub const FIELDS: &[&str] = &[
    "id",
    "slug",
    "title",
    "summary",
    "body",
    "cover_image",
    "images",
    "category",
    "tags",
    "byline",
    "status",
    "published_at",
    "comments_enabled",
    "view_count",
    "comment_count",
    "rating",
    "created_at",
    "updated_at",
];

fn view(row: ArticleRow, related: &Related, now: NaiveDateTime) -> ArticleView {
    let status = row.effective_status(now);
    let stats = related.stats.get(&row.id).copied().unwrap_or_default();
    ArticleView {
        category: row
            .category_id
            .and_then(|c| related.categories.get(&c))
            .map(TermRef::from),
        tags: related
            .tags
            .get(&row.id)
            .map(|ts| ts.iter().map(TermRef::from).collect())
            .unwrap_or_default(),
        cover_image: row.cover_image.as_deref().and_then(|j| serde_json::from_str(j).ok()),
        images: serde_json::from_str(&row.images).unwrap_or_default(),
        id: row.id,
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        body: row.body,
        byline: row.byline,
        status,
        published_at: row.published_at.map(utc),
        comments_enabled: row.comments_enabled,
        view_count: row.view_count,
        comment_count: stats.comment_count,
        rating: stats.rating(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

fn parse_fields(raw: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let fields: Vec<String> = raw
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if fields.is_empty() {
        return Err(ApiError::invalid_parameter("fields", ParamIssue::Empty));
    }
    if let Some(bad) = fields.iter().find(|f| !FIELDS.contains(&f.as_str())) {
        tracing::debug!(field = %bad, "unknown field requested");
        return Err(ApiError::invalid_parameter(
            "fields",
            ParamIssue::OneOf(FIELDS.iter().map(|f| f.to_string()).collect()),
        ));
    }
    Ok(Some(fields))
}

/// Trims an article to the requested fields; list items drop `body` by default.
fn project(article: &ArticleView, fields: Option<&[String]>, in_list: bool) -> serde_json::Value {
    let mut value = serde_json::to_value(article).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        match fields {
            Some(fields) => map.retain(|k, _| fields.iter().any(|f| f == k)),
            None if in_list => {
                map.remove("body");
            }
            None => {}
        }
    }
    value
}

/// An article as sent: trimmed to `fields`, with the related items asked for.
fn render(
    article: &ArticleView,
    fields: Option<&[String]>,
    in_list: bool,
    included: &Included,
    lang: Lang,
) -> serde_json::Value {
    let mut value = project(article, fields, in_list);
    included.add_to(article.id, &mut value, lang);
    value
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page (opaque).
    pub cursor: Option<String>,
    /// Category id or slug.
    pub category: Option<String>,
    /// Tag id or slug.
    pub tag: Option<String>,
    /// `draft`, `scheduled`, `published` or `archived`. Editors only, except `published`.
    pub status: Option<String>,
    /// Published at or after: an RFC 3339 time, or a `YYYY-MM-DD` day in Vietnam time (UTC+7).
    pub from: Option<String>,
    /// Published at or before: an RFC 3339 time, or a `YYYY-MM-DD` day in Vietnam time (the whole day).
    pub to: Option<String>,
    /// Changed (or, for readers, became visible) at or after this RFC 3339 time or date.
    pub updated_since: Option<String>,
    /// One of `-published_at` (default), `published_at`, `-updated_at`, `updated_at`,
    /// `-created_at`, `created_at`, `title`, `-title`.
    pub sort: Option<String>,
    /// Comma-separated fields to return, e.g. `id,title,slug`. List items omit `body` unless it is named.
    pub fields: Option<String>,
    /// Articles linked to this official (id or slug).
    pub official: Option<String>,
    /// Search: words with or without tone marks, `"phrases"`, the last word as a prefix. Results come by
    /// relevance with a `snippet`; only `limit`, `cursor`, `fields`, `include` and `lang` combine with it.
    pub q: Option<String>,
    /// Related items to embed: `officials`, `events` (comma-separated).
    pub include: Option<String>,
    /// `vi` (default) or `en`, for embedded officials and events.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleGetQuery {
    /// Comma-separated fields to return.
    pub fields: Option<String>,
    /// Related items to embed: `officials`, `events` (comma-separated).
    pub include: Option<String>,
    /// `vi` (default) or `en`, for embedded officials and events.
    pub lang: Option<LangParam>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/articles")
            .route(web::get().to(list_articles))
            .route(web::post().to(create_article)),
    )
    .service(
        web::resource("/articles/{id_or_slug}")
            .route(web::get().to(get_article))
            .route(web::patch().to(update_article))
            .route(web::delete().to(delete_article)),
    )
    .route("/officials/{id_or_slug}/articles", web::get().to(official_articles));
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
pub async fn list_articles(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<ArticleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let official = query.official.take().map(|o| IdOrSlug::parse(&o));
    list(req, auth, lang, state, query, official, false).await
}

/// Articles about an official, newest first.
#[utoipa::path(get, path = "/api/v1/officials/{id_or_slug}/articles", tag = "officials",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), ArticleListQuery),
    security((), ("bearer" = [])),
    responses((status = 200, body = Paged<ArticleView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn official_articles(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<ArticleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    if query.official.take().is_some() {
        return Err(ApiError::unknown_parameter("official"));
    }
    list(req, auth, lang, state, query, Some(IdOrSlug::parse(&key)), true).await
}

async fn list(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: ArticleListQuery,
    official: Option<IdOrSlug>,
    official_must_exist: bool,
) -> Result<HttpResponse, ApiError> {
    if let Some(q) = query.q.as_deref() {
        return search_articles(req, auth, lang, state, &query, q, official.is_some()).await;
    }
    let includes = Includes::parse(query.include.as_deref())?;
    let editor = auth.is_editor();
    let limit = page_limit(query.limit.as_deref())?;
    let sort = Sort::parse(query.sort.as_deref().unwrap_or(DEFAULT_SORT))?;
    let after = query.cursor.as_deref().map(|c| sort.position(c)).transpose()?;
    let fields = parse_fields(query.fields.as_deref())?;
    let status = query
        .status
        .as_deref()
        .map(|s| {
            Status::parse(s).ok_or_else(|| {
                ApiError::invalid_parameter(
                    "status",
                    ParamIssue::OneOf(Status::ALL.iter().map(|s| s.to_string()).collect()),
                )
            })
        })
        .transpose()?;
    if !editor && status.is_some_and(|s| s != Status::Published) {
        return Err(ApiError::Forbidden);
    }
    let now = state.clock.now();
    let mut filter = ListFilter {
        public_only: !editor,
        status,
        category: query.category.as_deref().map(IdOrSlug::parse),
        tag: query.tag.as_deref().map(IdOrSlug::parse),
        official: None,
        from: time_param("from", query.from.as_deref(), false)?,
        to: time_param("to", query.to.as_deref(), true)?,
        updated_since: time_param("updated_since", query.updated_since.as_deref(), false)?,
        sort,
        after,
        limit,
        now,
        with_body: fields.as_ref().is_some_and(|f| f.iter().any(|name| name == "body")),
    };
    let (rows, related, included) = crate::db::run(state.reader(&auth), move |conn| {
        if let Some(key) = &official {
            match crate::officials::store::find(conn, key)? {
                Some(o) => filter.official = Some(o.id),
                None if official_must_exist => return Err(ApiError::NotFound),
                None => filter.official = Some(-1),
            }
        }
        let rows = store::list(conn, &filter)?;
        let related = store::related(conn, &rows)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let included = Included::load(conn, &ids, includes, now)?;
        Ok((rows, related, included))
    })
    .await?;
    let page = Paged::from_rows(rows, limit, |row| sort.cursor_after(row))
        .map(|row| render(&view(row, &related, now), fields.as_deref(), true, &included, lang));
    cached_page(&req, &page, auth.audience())
}

/// `?q=`: articles by relevance, each with a highlighted `snippet`.
async fn search_articles(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: &ArticleListQuery,
    q: &str,
    with_official: bool,
) -> Result<HttpResponse, ApiError> {
    let exclusive = [
        ("sort", query.sort.is_some()),
        ("category", query.category.is_some()),
        ("tag", query.tag.is_some()),
        ("status", query.status.is_some()),
        ("from", query.from.is_some()),
        ("to", query.to.is_some()),
        ("updated_since", query.updated_since.is_some()),
        ("official", with_official),
    ];
    if let Some((name, _)) = exclusive.iter().find(|(_, given)| *given) {
        return Err(ApiError::invalid_parameter(*name, ParamIssue::NotWithSearch));
    }
    let search = crate::search::Query::from_param(q)?;
    let includes = Includes::parse(query.include.as_deref())?;
    let fields = parse_fields(query.fields.as_deref())?;
    let limit = page_limit(query.limit.as_deref())?;
    let offset = crate::search::api::relevance_offset(query.cursor.as_deref())?;
    let public_only = !auth.is_editor();
    let now = state.clock.now();
    let terms = search.clone();
    let (rows, related, included) = crate::db::run(state.reader(&auth), move |conn| {
        let hits = crate::search::store::search(
            conn,
            crate::search::store::Kind::Articles,
            &terms,
            public_only,
            now,
            limit + 1,
            offset,
        )?;
        let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        let mut rows = store::find_many(conn, &ids)?;
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        let related = store::related(conn, &rows)?;
        let included = Included::load(conn, &ids, includes, now)?;
        Ok((rows, related, included))
    })
    .await?;
    let page = crate::search::api::relevance_page(rows, offset, limit).map(|row| {
        let snippet = crate::search::article_snippet(row.summary.as_deref(), &row.body, &search);
        let mut value = render(&view(row, &related, now), fields.as_deref(), true, &included, lang);
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("snippet".into(), serde_json::Value::String(snippet));
        }
        value
    });
    cached_page(&req, &page, auth.audience())
}

async fn load_view(
    state: &AppState,
    pool: &crate::db::DbPool,
    key: IdOrSlug,
    includes: Includes,
) -> Result<Option<(ArticleView, Included)>, ApiError> {
    let now = state.clock.now();
    crate::db::run(pool, move |conn| {
        let Some(row) = store::find(conn, &key)? else {
            return Ok(None);
        };
        let related = store::related(conn, std::slice::from_ref(&row))?;
        let included = Included::load(conn, &[row.id], includes, now)?;
        Ok(Some((view(row, &related, now), included)))
    })
    .await
}

/// What writes answer with: the whole article and everything it links to.
async fn written(state: &AppState, id: i64, lang: Lang) -> Result<serde_json::Value, ApiError> {
    let all = Includes {
        officials: true,
        events: true,
    };
    let (article, included) = load_view(state, &state.pool, IdOrSlug::Id(id), all)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(render(&article, None, false, &included, lang))
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
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<ArticleGetQuery>,
) -> Result<HttpResponse, ApiError> {
    let fields = parse_fields(query.fields.as_deref())?;
    let includes = Includes::parse(query.include.as_deref())?;
    let (article, included) = load_view(&state, state.reader(&auth), IdOrSlug::parse(&key), includes)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !auth.is_editor() && article.status != Status::Published {
        return Err(ApiError::NotFound);
    }
    if auth.0.is_none() {
        state.views.record(article.id);
    }
    cached_json(
        &req,
        &render(&article, fields.as_deref(), false, &included, lang),
        auth.audience(),
    )
}

/// Create an article (editor).
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles", request_body = ArticleInput, security(("bearer" = [])),
    responses(
        (status = 201, body = ArticleView, headers(("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_article(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<ArticleInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let now = state.clock.now();
    let (data, links) = apply(body.into_inner(), defaults(now), true, now)?;
    let author = auth.user.id;
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::save(conn, None, data, links, Some(author), now))
    })
    .await?;
    let article = written(&state, id, lang).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/articles/{id}")))
        .json(article))
}

/// Change an article (editor). Only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/articles/{id_or_slug}", tag = "articles", request_body = ArticleInput, security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses(
        (status = 200, body = ArticleView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_article(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<ArticleInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    let input = body.into_inner();
    let now = state.clock.now();
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let current = store::find(conn, &key)?.ok_or(ApiError::NotFound)?;
            let (data, links) = apply(input, stored(&current), false, now)?;
            store::save(conn, Some(current.id), data, links, None, now)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(written(&state, id, lang).await?))
}

/// Delete an article (editor).
#[utoipa::path(delete, path = "/api/v1/articles/{id_or_slug}", tag = "articles", security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_article(
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
