//! The OpenAPI 3.1 document, generated from the handlers' annotations and
//! refined ([`refine`]) with what every operation shares. It is served at
//! `/api/v1/openapi.json` and committed as `openapi/openapi.json` (a test
//! fails when the two differ).

mod refine;
mod responses;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::articles::api as articles;
use crate::auth::api as auth;
use crate::challenges::api as challenges;
use crate::changes::api as changes;
use crate::comments::api as comments;
use crate::events::api as events;
use crate::health;
use crate::http::error::{Problem, ProblemField};
use crate::http::pagination::PageMeta;
use crate::keys::api as keys;
use crate::officials::api as officials;
use crate::organizations::api as organizations;
use crate::playlists::api as playlists;
use crate::ratings::api as ratings;
use crate::search::api as search;
use crate::stats::api as stats;
use crate::taxonomy::api as taxonomy;
use crate::users::api as users;
use crate::webhooks::api as webhooks;
use crate::{documents::api as documents, links::api as links, media::api as media, pages::api as pages};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bantin",
        description = "Headless JSON/REST content API for Vietnamese municipal news portals.\n\n\
Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; messages are \
Vietnamese by default and English with `Accept-Language: en`. Lists are `{\"data\": [...], \"meta\": {\"next_cursor\": ...}}` \
and page by opaque cursor (`?limit=`, `?cursor=`, and a `Link: rel=\"next\"` header). Unknown query parameters are a 400. \
Public GETs carry `ETag` and `Cache-Control` and answer `If-None-Match` with 304.",
        license(name = "MIT")
    ),
    servers((url = "/", description = "This server")),
    paths(
        health::live, health::ready, crate::metrics::scrape,
        auth::login, auth::refresh, auth::logout, auth::me, auth::revoke_own_sessions, auth::change_password,
        users::list_users, users::create_user, users::get_user, users::update_user, users::delete_user, users::revoke_sessions,
        articles::list_articles, articles::get_article, articles::create, articles::update, articles::delete,
        taxonomy::categories::list, taxonomy::categories::get, taxonomy::categories::create, taxonomy::categories::update, taxonomy::categories::delete,
        taxonomy::tags::list, taxonomy::tags::get, taxonomy::tags::create, taxonomy::tags::update, taxonomy::tags::delete,
        articles::official_articles,
        organizations::list_organizations, organizations::get_organization, organizations::create,
        organizations::update, organizations::delete,
        officials::list_officials, officials::organization_officials, officials::get_official, officials::create,
        officials::update, officials::delete,
        events::list_events, events::official_events, events::organization_events, events::get_event, events::create,
        events::update, events::delete, events::feed,
        challenges::create_challenge, comments::list_comments, comments::post_comment, comments::moderation_queue,
        comments::moderate, comments::delete_comment, comments::erase_author, ratings::get_ratings, ratings::rate, stats::record_visit, stats::get_stats,
        search::search,
        changes::list_changes, changes::current_token,
        keys::list_keys, keys::create_key, keys::get_key, keys::update_key, keys::revoke_key, keys::delete_key,
        webhooks::list_webhooks, webhooks::create_webhook, webhooks::get_webhook, webhooks::update_webhook,
        webhooks::delete_webhook, webhooks::list_deliveries, webhooks::ping_webhook,
        media::list_media, media::upload, media::get_media, media::update_media, media::delete_media,
        crate::media::serve::serve_file,
        documents::list_documents, documents::get_document, documents::create, documents::update, documents::delete,
        pages::list_pages, pages::get_page, pages::create, pages::update, pages::delete,
        links::list_links, links::get_link_group, links::create, links::update, links::delete,
        playlists::list_playlists, playlists::get_playlist, playlists::create, playlists::update, playlists::delete,
        crate::articles::print::print_article,
        crate::feeds::api::article_feed, crate::feeds::api::document_feed,
        crate::feeds::embed::oembed, crate::feeds::embed::embed_card,
    ),
    components(schemas(Problem, ProblemField, PageMeta, crate::http::lang::LangParam, crate::officials::views::OfficialRef, crate::events::views::EventRef)),
    modifiers(&BearerAuth),
    tags(
        (name = "articles", description = "News articles (tin bài)"),
        (name = "categories", description = "Article categories (chuyên mục)"),
        (name = "tags", description = "Article tags (thẻ)"),
        (name = "organizations", description = "The town's organizations (Thị ủy, HĐND, UBND, UBMTTQ, đoàn thể)"),
        (name = "officials", description = "Leaders (cán bộ lãnh đạo) and their positions over time"),
        (name = "events", description = "Events and leaders' work schedules (lịch công tác), with an iCalendar feed"),
        (name = "engagement", description = "What visitors write: verification challenges, moderated comments, ratings, the visit counter"),
        (name = "search", description = "Vietnamese full-text search, with or without tone marks"),
        (name = "auth", description = "Log in and manage tokens"),
        (name = "changes", description = "The change log: delta sync for offline copies, and the audit trail"),
        (name = "users", description = "Accounts (admin only)"),
        (name = "keys", description = "API keys: content keys for apps and portals, integration keys for scripts (admin only)"),
        (name = "webhooks", description = "Signed notifications of changes, for portals and CDNs (admin only)"),
        (name = "media", description = "The media library: photos (with sizes for every screen), songs and document files"),
        (name = "documents", description = "Official documents (văn bản): decisions, resolutions, plans, notices, reports"),
        (name = "pages", description = "Standing pages (giới thiệu, lịch sử, bản đồ) as a menu tree"),
        (name = "links", description = "Blocks of links to other websites (liên kết website)"),
        (name = "playlists", description = "Songs about the town, in playlists"),
        (name = "feeds", description = "RSS 2.0, Atom 1.0 and JSON Feed 1.1 of articles and documents"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some(
            "An access token from `POST /api/v1/auth/login` (valid 15 minutes), or an API key \
             (`bantin_ik_…` for scripts, with scopes; `bantin_ck_…`, a content key, reads public content)."
                .into(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
        components.add_security_scheme(
            "contentKey",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "key",
                "A content key (`bantin_ck_…`): public content with the key's own rate limit and \
                 attribution. Required for anonymous requests when the server runs with \
                 `BANTIN_REQUIRE_CONTENT_KEY=true`.",
            ))),
        );
    }
}

/// The whole document, as served.
pub fn document() -> serde_json::Value {
    let mut value = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    refine::refine(&mut value);
    responses::refine(&mut value);
    drop_path_scoped_params(&mut value);
    media_file_types(&mut value);
    value
}

/// A media file answers with the `Content-Type` of what it is: each one
/// the library stores is listed (as `application/octet-stream` alone, the
/// document disagreed with every answer).
fn media_file_types(doc: &mut serde_json::Value) {
    let types: serde_json::Map<String, serde_json::Value> = crate::media::model::FORMATS
        .iter()
        .map(|f| crate::media::model::mime_of(f))
        .map(|mime| {
            let schema = serde_json::json!({"schema": {"type": "string", "contentMediaType": mime}});
            (mime.to_string(), schema)
        })
        .collect();
    for status in ["200", "206"] {
        let pointer = format!("/paths/~1media~1{{id}}~1{{file}}/get/responses/{status}/content");
        if let Some(content) = doc.pointer_mut(&pointer) {
            *content = serde_json::Value::Object(types.clone());
        }
    }
}

/// A list narrowed by its path (`/officials/{id_or_slug}/events`) takes
/// every parameter of the list it narrows but the one its path gives (a
/// second `official=` is a 400): the shared query type lists it, so it goes
/// here.
fn drop_path_scoped_params(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(serde_json::Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let scope = match path.split('/').collect::<Vec<_>>().as_slice() {
            ["", "api", "v1", "officials", "{id_or_slug}", _] => "official",
            ["", "api", "v1", "organizations", "{id_or_slug}", _] => "organization",
            _ => continue,
        };
        if let Some(params) = item
            .pointer_mut("/get/parameters")
            .and_then(serde_json::Value::as_array_mut)
        {
            params.retain(|p| !(p["in"] == "query" && p["name"] == scope));
        }
    }
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let mut json = serde_json::to_string_pretty(&document()).expect("the OpenAPI document serializes");
    json.push('\n');
    json
}

/// `GET /api/v1/openapi.json`: the document, made once.
pub async fn serve() -> actix_web::HttpResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(document_json);
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(body.as_str())
}
