//! Builds the HTTP application and runs it until it is told to stop.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle, Service};
use actix_web::http::header;
use actix_web::{middleware, web, App, HttpMessage, HttpServer};
use anyhow::Context;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_swagger_ui::SwaggerUi;

use std::sync::Arc;

use crate::challenges::{ChallengeKind, ImageCode};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::http::error::{localize, ApiError};
use crate::http::extract::{path_config, query_config, refuses_nul_in_address, BodyLimits};
use crate::http::lang::Lang;
use crate::http::pagination::PublicUrl;
use crate::state::AppState;
use futures_util::future::Either;

/// Every route under `/api/v1`, plus health and docs.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::health::routes)
        .service(
            web::scope("/api/v1")
                .wrap(middleware::from_fn(crate::web::response_cache::middleware))
                .wrap(middleware::from_fn(crate::idempotency::middleware))
                .wrap(middleware::from_fn(crate::web::gate::gate))
                .configure(crate::auth::api::routes)
                .configure(crate::users::api::routes)
                .configure(crate::keys::api::routes)
                .configure(crate::changes::api::routes)
                .configure(crate::webhooks::api::routes)
                .configure(crate::articles::api::routes)
                .configure(crate::taxonomy::api::categories::routes)
                .configure(crate::taxonomy::api::tags::routes)
                .configure(crate::organizations::api::routes)
                .configure(crate::officials::api::routes)
                .configure(crate::events::api::routes)
                .configure(crate::challenges::api::routes)
                .configure(crate::ratings::api::routes)
                .configure(crate::comments::api::routes)
                .configure(crate::stats::api::routes)
                .configure(crate::search::api::routes)
                .configure(crate::media::api::routes)
                .configure(crate::documents::api::routes)
                .configure(crate::pages::api::routes)
                .configure(crate::links::api::routes)
                .configure(crate::playlists::api::routes)
                .configure(crate::feeds::api::routes)
                .configure(crate::feeds::embed::api_routes),
        )
        .configure(crate::media::serve::routes)
        .configure(crate::feeds::embed::page_routes)
        .configure(crate::metrics::routes);
}

/// Every request header the API documents, so that a browser's preflight
/// lets a page send it.
pub const ALLOWED_REQUEST_HEADERS: [&str; 9] = [
    "authorization",
    "content-type",
    "accept",
    "accept-language",
    "if-match",
    "if-none-match",
    "idempotency-key",
    "x-visitor-id",
    "x-request-id",
];

/// Every response header the API documents, so that a page's JavaScript
/// can read it (CORS hides all but a few by default).
pub const EXPOSED_RESPONSE_HEADERS: [&str; 12] = [
    "etag",
    "link",
    "location",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "idempotency-replayed",
    "content-language",
    "x-request-id",
    "x-cache",
    "allow",
];

fn cors(config: &Config) -> Cors {
    let cors = if config.cors_origins.is_empty() || config.cors_origins.iter().any(|o| o == "*") {
        // Public content is meant to be embedded anywhere; credentials are
        // bearer tokens, never cookies, so no origin gains anything by this.
        Cors::default().allow_any_origin()
    } else {
        config
            .cors_origins
            .iter()
            .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
    };
    cors.allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers(ALLOWED_REQUEST_HEADERS)
        .expose_headers(EXPOSED_RESPONSE_HEADERS)
        .max_age(3600)
}

/// Opens and migrates the database and starts its change log: what every
/// command that touches the database does first.
pub fn open_database(
    config: &Config,
    pool_size: u32,
    queries: crate::db::QueryCounter,
) -> anyhow::Result<crate::db::DbPool> {
    let pool = crate::db::connect_counted(&config.database_url, pool_size, config.pool_timeout, queries)?;
    let mut conn = pool.get()?;
    let recorded = crate::changes::store::backfill(&mut conn, chrono::Utc::now().naive_utc())
        .map_err(|e| anyhow::anyhow!("starting the change log: {e:?}"))?;
    if recorded > 0 {
        tracing::info!(recorded, "change log started with the content already there");
    }
    drop(conn);
    Ok(pool)
}

/// Opens the search index and brings it up to where the database's change
/// log stands (a rebuild when it is new, of another version, or was left
/// behind by a purge or an import), before anything is served.
pub fn open_search_index(
    config: &Config,
    pool: &crate::db::DbPool,
) -> anyhow::Result<Arc<crate::search::engine::SearchIndex>> {
    let index = crate::search::engine::SearchIndex::open(&config.search_dir)?;
    let mut conn = pool.get()?;
    // Once more on a failure (seen once in CI, cause not kept: the error is
    // logged above this line), on a fresh connection: a start should not
    // fail on one dropped connection or one interrupted file write.
    let written = match index.sync(&mut conn) {
        Ok(written) => written,
        Err(first) => {
            tracing::warn!(error = ?first, "search index: bringing it up to date failed; trying once more");
            drop(conn);
            std::thread::sleep(std::time::Duration::from_millis(200));
            let mut conn = pool.get()?;
            index
                .sync(&mut conn)
                .map_err(|e| anyhow::anyhow!("bringing the search index up to date: {e:?}"))?
        }
    };
    if written > 0 {
        tracing::info!(items = written, dir = %config.search_dir.display(), "search index brought up to date");
    }
    Ok(Arc::new(index))
}

/// Connections of the pool background jobs use.
const BACKGROUND_CONNECTIONS: u32 = 2;

pub struct Application {
    port: u16,
    state: AppState,
    server: Server,
}

impl Application {
    /// Opens and migrates the database, binds the listener and builds the
    /// server; nothing is served until [`Application::run_until_stopped`].
    pub fn build(config: Config, clock: SharedClock) -> anyhow::Result<Application> {
        Self::build_with(config, clock, Arc::new(ImageCode))
    }

    /// [`Application::build`] with another kind of verification challenge.
    pub fn build_with(
        mut config: Config,
        clock: SharedClock,
        challenge_kind: Arc<dyn ChallengeKind>,
    ) -> anyhow::Result<Application> {
        let queries = crate::db::QueryCounter::default();
        let pool = open_database(&config, config.pool_size, queries.clone())?;
        if config.jwt_secret.is_empty() {
            let mut conn = pool.get()?;
            config.jwt_secret = crate::db::shared::secret(&mut conn, "jwt", chrono::Utc::now().naive_utc())
                .context("BANTIN_JWT_SECRET or a data directory is needed on SQLite")?
                .into_bytes();
        }
        let read_pool = match &config.database_read_url {
            Some(url) => {
                tracing::info!(replica = %crate::db::redact(url), "public reads go to the replica");
                Some(crate::db::open(
                    url,
                    config.pool_size,
                    config.pool_timeout,
                    queries.clone(),
                )?)
            }
            None => None,
        };
        let listener = TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let local = listener.local_addr()?;
        let port = local.port();
        if config.public_url.is_none() {
            let host = match local.ip() {
                ip if ip.is_unspecified() => "localhost".to_string(),
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                ip => ip.to_string(),
            };
            config.public_url = Some(format!("http://{host}:{port}"));
        }
        let background = crate::db::open(
            &config.database_url,
            BACKGROUND_CONNECTIONS,
            config.pool_timeout,
            crate::db::QueryCounter::default(),
        )?;
        let search = open_search_index(&config, &background)?;
        let media = crate::media::files::MediaFiles::open(&config.media.location, &config.media.s3)
            .with_context(|| format!("opening the media store {}", config.media.location))?;
        // The metrics recorder, before the first request is counted.
        crate::metrics::handle();
        let run_lock = match crate::db::parse_url(&config.database_url)? {
            crate::db::Engine::Sqlite { path } => Some(Arc::new(crate::backup::hold(&path)?)),
            crate::db::Engine::Postgres { .. } => None,
        };
        let mut state = AppState::new(pool, queries, config, clock, search, media);
        state.db_lock = run_lock;
        if let Some(cache) = &state.cache {
            // Where the log stands before anything is served and kept.
            let mut conn = background.get()?;
            cache.followed(
                crate::changes::store::public_position(&mut conn)
                    .map_err(|e| anyhow::anyhow!("reading the change log: {e:?}"))?,
            );
        }
        state.background = background;
        if let Some(replica) = read_pool {
            state.read_pool = replica;
        }
        state.challenge_kind = challenge_kind;
        let server = Self::server(state.clone(), listener)?;
        Ok(Application { port, state, server })
    }

    fn server(state: AppState, listener: TcpListener) -> anyhow::Result<Server> {
        let config = state.config.clone();
        let (workers, max_connections, metrics) = (config.workers, config.max_connections, config.metrics);
        let data = web::Data::new(state);
        let mut server = HttpServer::new(move || {
            let public_base: std::rc::Rc<str> = config.public_url.as_deref().unwrap_or("").trim_end_matches('/').into();
            App::new()
                .app_data(data.clone())
                .app_data(BodyLimits {
                    max_bytes: config.max_body_bytes,
                    timeout: config.body_timeout,
                })
                .app_data(PublicUrl(config.public_url.clone().unwrap_or_default()))
                .app_data(crate::http::client::TrustedProxies(config.trusted_proxies.clone()))
                .app_data(query_config())
                .app_data(path_config())
                // Before the API scope, which would otherwise claim /api/v1/openapi.json.
                .service(crate::http::routes::at("/api/v1/openapi.json").get(crate::openapi::serve))
                .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")))
                .service(web::redirect("/docs", "/docs/"))
                .configure(configure)
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(ApiError::NotFound)
                }))
                .wrap_fn(|req, srv| {
                    let lang = Lang::from_request(req.request());
                    if refuses_nul_in_address(&req) {
                        let refused = req.into_response(ApiError::NulInText.render(lang));
                        return Either::Left(std::future::ready(Ok(refused.map_into_right_body())));
                    }
                    let fut = srv.call(req);
                    Either::Right(async move { Ok(localize(lang, fut.await?)) })
                })
                .wrap_fn(|req, srv| {
                    let fut = srv.call(req);
                    async move {
                        let mut res = fut.await?;
                        crate::http::cache::protect_html(res.headers_mut());
                        Ok(res)
                    }
                })
                .wrap(cors(&config))
                .wrap(middleware::DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
                .wrap_fn(move |req, srv| {
                    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
                    let base = public_base.clone();
                    let fut = srv.call(req);
                    async move {
                        let mut res = fut.await?;
                        if let Some(id) = request_id.and_then(|id| header::HeaderValue::from_str(&id).ok()) {
                            res.headers_mut()
                                .insert(header::HeaderName::from_static("x-request-id"), id);
                        }
                        crate::http::respond::absolute_location(res.headers_mut(), &base);
                        Ok(res)
                    }
                })
                .wrap_fn(move |req, srv| {
                    // Every request, counted and timed by route template
                    // (unless BANTIN_METRICS=false).
                    let started = metrics.then(std::time::Instant::now);
                    let method = req.method().clone();
                    let fut = srv.call(req);
                    async move {
                        let res = fut.await?;
                        if let Some(started) = started {
                            // The template the request's log span matched
                            // (none: no route matched).
                            let extensions = res.request().extensions();
                            let route = extensions.get::<crate::telemetry::RouteTemplate>();
                            crate::metrics::request(
                                &method,
                                route.map(|r| r.0.as_str()),
                                res.status().as_u16(),
                                started,
                            );
                        }
                        Ok(res)
                    }
                })
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
        })
        .listen(listener)?
        // Connections held open without a request are closed; a worker
        // takes at most this many at once (the rest wait in the backlog).
        .client_request_timeout(std::time::Duration::from_secs(10))
        .max_connections(max_connections)
        .shutdown_timeout(30);
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        Ok(server.run())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM (or [`ServerHandle::stop`]): in-flight
    /// requests finish, then the pending view counts are written.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        crate::jobs::spawn(self.state.clone());
        let result = self.server.await;
        let state = self.state.clone();
        let (views, visits) = web::block(move || crate::jobs::flush_counts(&state))
            .await
            .unwrap_or((0, 0));
        tracing::info!(articles = views, visits, "stopped; view and visit counts flushed");
        result
    }
}
