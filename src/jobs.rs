//! Background work, on every instance: writing the view, visit and key-use
//! counts kept in memory, marking due scheduled articles as published,
//! sending webhook deliveries, and housekeeping (expired challenges, old
//! rate-limit windows, visitors gone, changes and deliveries past keeping).
//!
//! Readers never wait for this: a scheduled article is visible from its
//! `published_at` whatever the job has done; the job only keeps the stored
//! status (and `updated_at`, for sync clients) honest. Every job is
//! idempotent, so several instances may run it at once.

use std::time::Duration;

use crate::db::{DbPool, StoreError, StoreResult};
use crate::state::AppState;

pub const PUBLISH_INTERVAL: Duration = Duration::from_secs(15);
/// How long finished webhook deliveries stay in their hook's log.
pub const DELIVERIES_KEPT_DAYS: i64 = 30;

pub fn spawn(state: AppState) {
    actix_web::rt::spawn(crate::webhooks::send::run(state.clone()));
    actix_web::rt::spawn(crate::web::response_cache::follow(state.clone()));
    actix_web::rt::spawn(follow_for_search(state.clone()));
    let flush_every = Duration::from_secs(state.config.view_flush_seconds);
    let counting = state.clone();
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(flush_every);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let s = counting.clone();
            if actix_web::web::block(move || flush_counts(&s)).await.is_ok() {
                crate::metrics::job_succeeded("flush_counts");
            }
        }
    });
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(PUBLISH_INTERVAL);
        loop {
            ticker.tick().await;
            let s = state.clone();
            let done = crate::db::run(&state.background, move |conn| housekeeping(&s, conn)).await;
            if done.is_ok() {
                crate::metrics::job_succeeded("housekeeping");
            }
            match done {
                Ok(0) => {}
                Ok(n) => tracing::info!(published = n, "scheduled articles published"),
                Err(e) => tracing::warn!(error = %e, "publishing scheduled articles failed"),
            }
        }
    });
}

/// Keeps the search index current with the change log: at once after a
/// change this process commits, within a second of another instance's.
async fn follow_for_search(state: AppState) {
    let mut committed = state.signal.subscribe();
    loop {
        let index = state.search.clone();
        match crate::db::run(&state.background, move |conn| index.sync(conn)).await {
            Ok(_) => crate::metrics::job_succeeded("search_index"),
            Err(e) => tracing::warn!(error = %e, "following the change log for the search index failed"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), committed.changed()).await;
    }
}

fn with_connection<T>(pool: &DbPool, f: impl FnOnce(&mut crate::db::Conn) -> StoreResult<T>) -> StoreResult<T> {
    let mut conn = pool.get().map_err(|_| StoreError::Unavailable)?;
    f(&mut conn)
}

/// Writes the view and visit counts held in memory: (articles, visits)
/// written. Blocking; also called once on graceful shutdown.
pub fn flush_counts(state: &AppState) -> (usize, i64) {
    let articles = state.views.flush("views", |counts| {
        with_connection(&state.background, |conn| {
            crate::articles::store::add_views(conn, counts)
        })
    });
    state.key_uses.flush("key uses", |counts| {
        let now = state.clock.now();
        with_connection(&state.background, |conn| {
            crate::keys::store::add_usage(conn, counts, now)
        })
    });
    let pending = state.visits.total();
    let visits = state.visits.flush("visits", |counts| {
        let n = counts.values().sum();
        with_connection(&state.background, |conn| crate::stats::store::add_visits(conn, n))
    });
    (articles, if visits > 0 { pending } else { 0 })
}

/// Forgets what has expired, then publishes due articles: how many. Blocking.
pub fn housekeeping(state: &AppState, conn: &mut crate::db::Conn) -> StoreResult<usize> {
    let now = state.clock.now();
    // Housekeeping must not stand in the way of publishing.
    let purged = crate::challenges::store::purge_expired(conn, now)
        .and_then(|_| state.shared.purge(conn, now))
        .and_then(|_| crate::auth::store::purge_expired(conn, now).map(|_| ()))
        .and_then(|_| crate::idempotency::store::purge(conn, now).map(|_| ()))
        .and_then(|_| {
            let kept = chrono::Duration::days(i64::from(state.config.changes_retention_days));
            crate::changes::store::purge(conn, now - kept).map(|_| ())
        })
        .and_then(|_| {
            crate::webhooks::store::purge(conn, now - chrono::Duration::days(DELIVERIES_KEPT_DAYS)).map(|_| ())
        })
        .and_then(|_| {
            let kept = chrono::Duration::days(i64::from(state.config.commenter_email_days));
            crate::comments::store::erase_old_emails(conn, now - kept).map(|_| ())
        });
    if let Err(e) = purged {
        tracing::warn!(error = %e, "forgetting expired challenges, sessions, limits, visitors or changes failed");
    }
    crate::articles::store::publish_due(conn, now)
}
