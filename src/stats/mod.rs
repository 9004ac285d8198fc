//! Visitor statistics ("Thống kê", "Online"): a visit beacon counted in
//! memory and added to the database in batches (no write per beacon), and
//! who was seen in the last five minutes.

pub mod api;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::schema::site_counters;
use crate::db::{Conn, DbPool};
use crate::http::ApiError;

pub const ONLINE_WINDOW_MINUTES: i64 = 5;
const TOTAL_VISITS: &str = "total_visits";

#[derive(Default)]
struct Visits {
    pending: i64,
    last_seen: HashMap<String, NaiveDateTime>,
    /// `online` as last counted, and when: counting walks every visitor, so
    /// it is done at most once a second unless someone arrives.
    online: Option<(NaiveDateTime, i64)>,
}

#[derive(Default)]
pub struct VisitCounter {
    inner: Mutex<Visits>,
}

impl VisitCounter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Visits> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn record(&self, visitor: &str, now: NaiveDateTime) {
        let mut visits = self.lock();
        visits.pending += 1;
        let since = now - Duration::minutes(ONLINE_WINDOW_MINUTES);
        let previous = visits.last_seen.insert(visitor.to_string(), now);
        if previous.is_none_or(|seen| seen < since) {
            visits.online = None;
        }
        // Forget visitors who left, every so often rather than per beacon.
        if visits.last_seen.len() % 4096 == 0 {
            visits.last_seen.retain(|_, seen| *seen >= since);
        }
    }

    /// Distinct visitors seen in the last five minutes.
    pub fn online(&self, now: NaiveDateTime) -> i64 {
        let mut visits = self.lock();
        if let Some((at, count)) = visits.online {
            if at == now {
                return count;
            }
        }
        let since = now - Duration::minutes(ONLINE_WINDOW_MINUTES);
        visits.last_seen.retain(|_, seen| *seen >= since);
        let count = visits.last_seen.len() as i64;
        visits.online = Some((now, count));
        count
    }

    pub fn pending(&self) -> i64 {
        self.lock().pending
    }

    /// Adds the pending visits to the stored total; on failure they stay
    /// pending for the next flush. Blocking.
    pub fn flush(&self, pool: &DbPool) -> i64 {
        let pending = std::mem::take(&mut self.lock().pending);
        if pending == 0 {
            return 0;
        }
        let result = pool
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| add_visits(&mut conn, pending).map_err(|e| format!("{e:?}")));
        match result {
            Ok(()) => pending,
            Err(error) => {
                tracing::warn!(%error, pending, "flushing visit counts failed; will retry");
                self.lock().pending += pending;
                0
            }
        }
    }
}

pub fn add_visits(conn: &mut Conn, n: i64) -> Result<(), ApiError> {
    crate::on_engine!(conn, c => diesel::insert_into(site_counters::table)
        .values((site_counters::name.eq(TOTAL_VISITS), site_counters::value.eq(n)))
        .on_conflict(site_counters::name)
        .do_update()
        .set(site_counters::value.eq(site_counters::value + excluded(site_counters::value)))
        .execute(c))?;
    Ok(())
}

pub fn stored_visits(conn: &mut Conn) -> Result<i64, ApiError> {
    Ok(site_counters::table
        .filter(site_counters::name.eq(TOTAL_VISITS))
        .select(site_counters::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}
