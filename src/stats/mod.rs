//! Visitor statistics ("Thống kê", "Online"): a visit beacon counted in
//! memory and added to the database in batches (no write per beacon), and
//! who was seen in the last five minutes.
//!
//! With one process (SQLite) who was seen lately is kept in memory. When
//! several instances share a PostgreSQL database, each beacon upserts the
//! visitor's row in the (UNLOGGED) `online_visitors` table, and the count is
//! read from there and kept for one second
//! ([`SHARED_ONLINE_TTL`]): counting thousands of rows per beacon would cost
//! more than the beacon, and a count a second old is as good on a portal's
//! footer. An instance that has just written a new visitor counts afresh. Batched visit totals add up across instances
//! because each flush adds its own pending count.

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

/// How long an instance reuses the online count it read from the shared table.
pub const SHARED_ONLINE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Default)]
pub struct VisitCounter {
    inner: Mutex<Visits>,
    /// The shared online count as last read, and when (real time).
    shared_online: Mutex<Option<(std::time::Instant, NaiveDateTime, i64)>>,
    /// Visitors seen are written to the shared database (see the module doc).
    shared: bool,
}

impl VisitCounter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Visits> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn new(shared: bool) -> Self {
        VisitCounter {
            inner: Mutex::default(),
            shared_online: Mutex::default(),
            shared,
        }
    }

    /// Counts a visit; with one process, also who was seen (on a shared
    /// database [`VisitCounter::online_now`] records them there).
    pub fn record(&self, visitor: &str, now: NaiveDateTime) {
        let mut visits = self.lock();
        visits.pending += 1;
        if self.shared {
            return;
        }
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

    /// Distinct visitors seen in the last five minutes, by this process or,
    /// on a shared database, by every instance; `seen` (a visitor who has
    /// just sent a beacon) is recorded there first. Every beacon moves its
    /// visitor's time, so the count is the same on both engines to the
    /// second. Blocking.
    pub fn online_now(&self, conn: &mut Conn, now: NaiveDateTime, seen: Option<&str>) -> Result<i64, ApiError> {
        if !self.shared {
            return Ok(self.online(now));
        }
        match seen {
            Some(visitor) => mark_online(conn, visitor, now)?,
            None => {
                if let Some(n) = self.cached_shared_online(now) {
                    return Ok(n);
                }
            }
        }
        let n = shared_online(conn, now)?;
        self.cache_shared_online(now, n);
        Ok(n)
    }

    /// The shared online count read less than [`SHARED_ONLINE_TTL`] ago.
    fn cached_shared_online(&self, now: NaiveDateTime) -> Option<i64> {
        let cached = *self.shared_online.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = |(read, counted_at, _): &(std::time::Instant, NaiveDateTime, i64)| {
            read.elapsed() < SHARED_ONLINE_TTL && (now - *counted_at).to_std().is_ok_and(|d| d < SHARED_ONLINE_TTL)
        };
        cached.filter(fresh).map(|(_, _, n)| n)
    }

    fn cache_shared_online(&self, now: NaiveDateTime, n: i64) {
        *self.shared_online.lock().unwrap_or_else(|p| p.into_inner()) = Some((std::time::Instant::now(), now, n));
    }

    /// Distinct visitors this process saw in the last five minutes.
    fn online(&self, now: NaiveDateTime) -> i64 {
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

/// Records that `visitor` was seen at `now` in the shared table (PostgreSQL only).
fn mark_online(conn: &mut Conn, visitor: &str, now: NaiveDateTime) -> Result<(), ApiError> {
    use diesel::sql_types::{Text, Timestamp};
    if let crate::db::AnyConnection::Postgres(pg) = conn {
        diesel::sql_query(
            "INSERT INTO online_visitors (visitor, last_seen) VALUES ($1, $2)
             ON CONFLICT (visitor) DO UPDATE SET last_seen = GREATEST(online_visitors.last_seen, excluded.last_seen)",
        )
        .bind::<Text, _>(visitor)
        .bind::<Timestamp, _>(now)
        .execute(pg)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Distinct visitors any instance saw in the last five minutes (PostgreSQL only).
fn shared_online(conn: &mut Conn, now: NaiveDateTime) -> Result<i64, ApiError> {
    use diesel::sql_types::Timestamp;
    let crate::db::AnyConnection::Postgres(pg) = conn else {
        return Ok(0);
    };
    let row: Count = diesel::sql_query("SELECT count(*) AS n FROM online_visitors WHERE last_seen >= $1")
        .bind::<Timestamp, _>(now - Duration::minutes(ONLINE_WINDOW_MINUTES))
        .get_result(pg)?;
    Ok(row.n)
}

/// Forgets visitors who left (PostgreSQL only). Blocking.
pub fn purge_online(conn: &mut Conn, now: NaiveDateTime) -> Result<usize, ApiError> {
    use diesel::sql_types::Timestamp;
    match conn {
        crate::db::AnyConnection::Postgres(pg) => {
            Ok(diesel::sql_query("DELETE FROM online_visitors WHERE last_seen < $1")
                .bind::<Timestamp, _>(now - Duration::minutes(ONLINE_WINDOW_MINUTES))
                .execute(pg)?)
        }
        crate::db::AnyConnection::Sqlite(_) => Ok(0),
    }
}
