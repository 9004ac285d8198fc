//! Per-client fixed-window rate limiting for the routes anonymous clients
//! write to (login, comments, ratings, beacons, challenges). Where the
//! windows live — in memory on SQLite, in a shared table on PostgreSQL — is
//! [`SharedState`]'s business.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};

use super::error::ApiError;
use crate::db::shared::SharedState;

pub struct RateLimiter {
    /// Prefix of this limiter's keys.
    name: &'static str,
    max: u32,
    window: Duration,
    shared: Arc<SharedState>,
}

impl RateLimiter {
    pub fn new(name: &'static str, max: u32, window: std::time::Duration, shared: Arc<SharedState>) -> Self {
        RateLimiter {
            name,
            max,
            window: Duration::from_std(window).unwrap_or(Duration::MAX),
            shared,
        }
    }

    /// Counts one request for `key` at `now`; refuses it with 429 (and how
    /// long to wait) once the window is full.
    pub async fn check(&self, key: &str, now: NaiveDateTime) -> Result<(), ApiError> {
        let window = self
            .shared
            .hit(&format!("{}:{key}", self.name), self.window, now)
            .await?;
        if window.hits > self.max {
            let remaining = window.start + self.window - now;
            return Err(ApiError::RateLimited {
                retry_after_secs: remaining.num_seconds().max(1) as u64,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::shared::Memory;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[actix_web::test]
    async fn refuses_past_the_limit_and_reopens_after_the_window() {
        let shared = Arc::new(SharedState::InProcess(Memory::default()));
        let limiter = RateLimiter::new("t", 2, std::time::Duration::from_secs(60), shared);
        assert!(limiter.check("a", at(0)).await.is_ok());
        assert!(limiter.check("a", at(0)).await.is_ok());
        match limiter.check("a", at(10)).await {
            Err(ApiError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 50),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(
            limiter.check("b", at(0)).await.is_ok(),
            "other clients are not affected"
        );
        assert!(limiter.check("a", at(61)).await.is_ok());
    }
}
