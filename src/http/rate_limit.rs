//! Per-client fixed-window rate limiting for the routes anonymous clients
//! write to (login, comments, ratings, beacons, challenges).
//!
//! On SQLite (one process) the windows live in memory. On PostgreSQL,
//! where several instances share the database behind a load balancer, they
//! live in the `rate_limits` table, so a client gets the same allowance
//! however its requests are spread: one upsert per limited request, under
//! the row's own lock, outside any write transaction.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::error::ApiError;
use crate::db::{AnyConnection, Conn, DbPool};

pub struct RateLimiter {
    /// Prefix of this limiter's keys in the shared table.
    name: &'static str,
    max: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (NaiveDateTime, u32)>>,
    /// The shared database, when counts must be seen by every instance.
    shared: Option<DbPool>,
}

impl RateLimiter {
    pub fn new(name: &'static str, max: u32, window: std::time::Duration, shared: Option<DbPool>) -> Self {
        RateLimiter {
            name,
            max,
            window: Duration::from_std(window).unwrap_or(Duration::MAX),
            windows: Mutex::new(HashMap::new()),
            shared,
        }
    }

    /// Counts one request for `key` at `now`; refuses it with 429 (and how
    /// long to wait) once the window is full.
    pub async fn check(&self, key: &str, now: NaiveDateTime) -> Result<(), ApiError> {
        let Some(pool) = &self.shared else {
            return self.check_in_memory(key, now);
        };
        let key = format!("{}:{key}", self.name);
        let (max, window) = (self.max, self.window);
        crate::db::run(pool, move |conn| check_shared(conn, &key, max, window, now)).await
    }

    fn check_in_memory(&self, key: &str, now: NaiveDateTime) -> Result<(), ApiError> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 10_000 {
            let window = self.window;
            windows.retain(|_, (start, _)| now - *start < window);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now - entry.0 >= self.window || now < entry.0 {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            return Err(refusal(entry.0 + self.window - now));
        }
        entry.1 += 1;
        Ok(())
    }
}

fn refusal(remaining: Duration) -> ApiError {
    ApiError::RateLimited {
        retry_after_secs: remaining.num_seconds().max(1) as u64,
    }
}

#[derive(QueryableByName)]
struct Window {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Timestamp)]
    window_start: NaiveDateTime,
}

/// One atomic upsert: a new window, or one more hit in the current one.
fn check_shared(conn: &mut Conn, key: &str, max: u32, window: Duration, now: NaiveDateTime) -> Result<(), ApiError> {
    let AnyConnection::Postgres(pg) = conn else {
        return Err(ApiError::Internal);
    };
    let row: Window = diesel::sql_query(
        "INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN r.window_start > $3 AND r.window_start <= $2 THEN r.hits + 1 ELSE 1 END,
           window_start = CASE WHEN r.window_start > $3 AND r.window_start <= $2 THEN r.window_start ELSE $2 END
         RETURNING hits, window_start",
    )
    .bind::<Text, _>(key)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now - window)
    .get_result(pg)?;
    if row.hits as i64 > max as i64 {
        return Err(refusal(row.window_start + window - now));
    }
    Ok(())
}

/// Forgets windows that ended long ago (shared table only). Blocking.
pub fn purge(conn: &mut Conn, now: NaiveDateTime) -> Result<usize, ApiError> {
    match conn {
        AnyConnection::Postgres(pg) => Ok(diesel::sql_query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind::<Timestamp, _>(now - Duration::days(1))
            .execute(pg)?),
        AnyConnection::Sqlite(_) => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn refuses_past_the_limit_and_reopens_after_the_window() {
        let limiter = RateLimiter::new("t", 2, std::time::Duration::from_secs(60), None);
        assert!(limiter.check_in_memory("a", at(0)).is_ok());
        assert!(limiter.check_in_memory("a", at(0)).is_ok());
        match limiter.check_in_memory("a", at(10)) {
            Err(ApiError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 50),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(
            limiter.check_in_memory("b", at(0)).is_ok(),
            "other clients are not affected"
        );
        assert!(limiter.check_in_memory("a", at(61)).is_ok());
    }
}
