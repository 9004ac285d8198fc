//! Prometheus metrics at `GET /metrics` (the `metrics` facade and its
//! Prometheus exporter, rendered by an actix route; no listener of its own).
//!
//! - `http_requests_total{method, route, status}` and
//!   `http_request_duration_seconds{method, route, status}` (a histogram):
//!   every request, by route template (`/api/v1/articles/{id_or_slug}`), so
//!   the label set stays small whatever the URLs;
//! - `bantin_db_connections{pool, state}` (in use, idle) and
//!   `bantin_db_waiting` (requests waiting for a connection);
//! - `bantin_cache_hits_total`, `bantin_cache_misses_total`, `bantin_cache_bytes`;
//! - `bantin_webhook_deliveries_total{outcome}` and `bantin_webhook_queue` (due or retrying);
//! - `bantin_search_duration_seconds` (a histogram);
//! - `bantin_job_last_success_timestamp_seconds{job}`.
//!
//! Off the public path: answered to loopback callers that did not come
//! through a proxy (no `X-Forwarded-For`/`Forwarded`, not from
//! `BANTIN_TRUSTED_PROXIES`), or to `Authorization: Bearer $BANTIN_METRICS_TOKEN`.
//! `BANTIN_METRICS=false` turns them off: no request is counted, and
//! `/metrics` is a 404.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::Instant;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::http::ApiError;
use crate::state::AppState;

const LATENCY_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often latency samples are folded into their histograms.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The process's recorder (one per process, whatever the number of apps).
///
/// The exporter keeps every latency sample until an upkeep folds them into
/// the histogram's buckets; a thread does it every few seconds, so memory
/// stays flat whether or not anyone scrapes `/metrics`.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    let mut first = false;
    let handle = HANDLE.get_or_init(|| {
        first = true;
        let builder = || {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), LATENCY_BUCKETS)
                .expect("buckets are not empty")
        };
        builder()
            .install_recorder()
            .unwrap_or_else(|_| builder().build_recorder().handle())
    });
    if first {
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no metrics upkeep thread: latency samples are folded only when scraped");
        }
    }
    handle
}

type RequestHandles = HashMap<String, HashMap<(&'static str, u16), (metrics::Counter, metrics::Histogram)>>;

thread_local! {
    /// Each worker thread's handles on the request series, by route template,
    /// then method and status: a request costs two lookups in a small map,
    /// not a new label set hashed into the registry's.
    static REQUEST_HANDLES: RefCell<RequestHandles> = RefCell::new(HashMap::new());
}

/// Records a request: its count and its latency, by route template (the
/// span's, see [`crate::telemetry::RouteTemplate`]).
pub fn request(method: &actix_web::http::Method, route: Option<&str>, status: u16, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    let route = route.unwrap_or("unmatched");
    let method = method_label(method);
    REQUEST_HANDLES.with_borrow_mut(|handles| {
        // Looked up by &str: a route's String is made once, not per request.
        if !handles.contains_key(route) {
            handles.insert(route.to_string(), HashMap::new());
        }
        let by_route = handles.get_mut(route).expect("inserted above");
        let (count, latency) = by_route.entry((method, status)).or_insert_with(|| {
            let labels = [
                ("method", method.to_string()),
                ("route", route.to_string()),
                ("status", status.to_string()),
            ];
            (
                metrics::counter!("http_requests_total", &labels),
                metrics::histogram!("http_request_duration_seconds", &labels),
            )
        });
        count.increment(1);
        latency.record(seconds);
    });
}

/// The method as a label: the standard ones, and `other` for whatever else
/// a client makes up (which would otherwise make a new series each).
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// A background job finished its round.
pub fn job_succeeded(job: &'static str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    metrics::gauge!("bantin_job_last_success_timestamp_seconds", "job" => job).set(now);
}

pub fn search_took(started: Instant) {
    metrics::histogram!("bantin_search_duration_seconds").record(started.elapsed().as_secs_f64());
}

pub fn webhook_delivered(outcome: &'static str) {
    metrics::counter!("bantin_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// Whether this caller may read the metrics.
fn allowed(req: &HttpRequest, state: &AppState) -> bool {
    if let Some(token) = state.config.metrics_token.as_deref() {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let Some(sent) = sent {
            use subtle_compare::equal;
            return equal(sent.as_bytes(), token.as_bytes());
        }
    }
    let proxied = req.headers().contains_key("x-forwarded-for") || req.headers().contains_key(header::FORWARDED);
    let peer = req.peer_addr().map(|a| a.ip());
    match peer {
        Some(ip) => ip.is_loopback() && !proxied && !state.config.trusted_proxies.contains(&ip),
        None => false,
    }
}

mod subtle_compare {
    /// Compares without stopping at the first difference.
    pub fn equal(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/metrics").route(web::get().to(scrape)));
}

/// Prometheus metrics (text format 0.0.4), to loopback callers not behind a
/// proxy, or with `Authorization: Bearer $BANTIN_METRICS_TOKEN`.
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain", body = String),
        (status = 403, description = "Not loopback, and no (or another) metrics token", body = crate::http::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Metrics are off (`BANTIN_METRICS=false`)", body = crate::http::error::Problem, content_type = "application/problem+json"),
        (status = 503, body = crate::http::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !state.config.metrics {
        return Err(ApiError::NotFound);
    }
    if !allowed(&req, &state) {
        return Err(ApiError::Forbidden);
    }
    for (name, pool) in [
        ("primary", &state.pool),
        ("background", &state.background),
        ("read", &state.read_pool),
    ] {
        let s = pool.state();
        let idle = f64::from(s.idle_connections);
        metrics::gauge!("bantin_db_connections", "pool" => name, "state" => "idle").set(idle);
        metrics::gauge!("bantin_db_connections", "pool" => name, "state" => "in_use")
            .set(f64::from(s.connections) - idle);
    }
    metrics::gauge!("bantin_db_waiting").set(crate::db::WAITING.load(Ordering::Relaxed) as f64);
    if let Some(cache) = &state.cache {
        let (hits, misses, bytes) = cache.stats();
        metrics::counter!("bantin_cache_hits_total").absolute(hits);
        metrics::counter!("bantin_cache_misses_total").absolute(misses);
        metrics::gauge!("bantin_cache_bytes").set(bytes as f64);
    }
    let queue = crate::db::run(&state.background, |conn| {
        use crate::db::schema::webhook_deliveries as d;
        use diesel::prelude::*;
        d::table
            .filter(d::state.eq("pending"))
            .count()
            .get_result::<i64>(conn)
            .map_err(crate::db::StoreError::from)
    })
    .await;
    if let Ok(queue) = queue {
        metrics::gauge!("bantin_webhook_queue").set(queue as f64);
    }
    let handle = handle();
    handle.run_upkeep();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(handle.render()))
}
