//! Background work: flushing view and visit counts, forgetting expired
//! challenges, and marking due scheduled articles
//! as published. Readers never wait for this: a scheduled article is visible
//! from its `published_at` on whatever the job has done; the job only keeps
//! the stored status (and `updated_at`, for sync clients) honest.

use std::time::Duration;

use crate::state::AppState;

pub const PUBLISH_INTERVAL: Duration = Duration::from_secs(15);

pub fn spawn(state: AppState) {
    let flush_every = Duration::from_secs(state.config.view_flush_seconds);
    let views_state = state.clone();
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(flush_every);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let s = views_state.clone();
            let _ = actix_web::web::block(move || (s.views.flush(&s.pool), s.visits.flush(&s.pool))).await;
        }
    });
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(PUBLISH_INTERVAL);
        loop {
            ticker.tick().await;
            let now = state.clock.now();
            let result = crate::db::run(&state.pool, move |conn| {
                // Housekeeping must not stand in the way of publishing.
                let purged = crate::challenges::store::purge_expired(conn, now)
                    .and_then(|_| crate::http::rate_limit::purge(conn, now))
                    .and_then(|_| crate::stats::purge_online(conn, now));
                if let Err(e) = purged {
                    tracing::warn!(error = %e, "forgetting expired challenges, limits or visitors failed");
                }
                super::store::publish_due(conn, now)
            })
            .await;
            match result {
                Ok(0) => {}
                Ok(n) => tracing::info!(published = n, "scheduled articles published"),
                Err(e) => tracing::warn!(error = %e, "publishing scheduled articles failed"),
            }
        }
    });
}
