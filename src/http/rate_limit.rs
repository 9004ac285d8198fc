//! Per-client fixed-window rate limiting for the routes anonymous clients
//! write to (login, comments, ratings, beacons, challenges). Where the
//! windows live — in memory on SQLite, in a shared table on PostgreSQL — is
//! [`SharedState`]'s business.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};

use super::error::ApiError;
use crate::db::shared::{SharedState, Window};

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
    pub async fn check(&self, key: &str, now: NaiveDateTime) -> Result<Quota, ApiError> {
        self.check_up_to(key, self.max, now).await
    }

    /// [`RateLimiter::check`] with a limit of this key's own (an API key's quota).
    pub async fn check_up_to(&self, key: &str, max: u32, now: NaiveDateTime) -> Result<Quota, ApiError> {
        let window = self.shared.hit(&self.key(key), self.window, now).await?;
        self.judge(window, now, max, window.hits > max)
    }

    /// Refuses with 429 when `key`'s window is already full, without
    /// counting this request (see [`RateLimiter::record`]).
    pub async fn ensure_room(&self, key: &str, now: NaiveDateTime) -> Result<Quota, ApiError> {
        let window = self.shared.peek(&self.key(key), self.window, now).await?;
        self.judge(window, now, self.max, window.hits >= self.max)
    }

    /// Counts one event for `key` (a failed login, say) without judging it.
    pub async fn record(&self, key: &str, now: NaiveDateTime) -> Result<(), ApiError> {
        self.shared.hit(&self.key(key), self.window, now).await?;
        Ok(())
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.name)
    }

    fn judge(&self, window: Window, now: NaiveDateTime, max: u32, full: bool) -> Result<Quota, ApiError> {
        let reset = (window.start + self.window - now).num_seconds().max(1) as u64;
        if full {
            return Err(ApiError::RateLimited {
                retry_after_secs: reset,
            });
        }
        Ok(Quota {
            limit: max,
            remaining: max.saturating_sub(window.hits),
            reset_secs: reset,
        })
    }
}

/// Where a client stands in a limited route's window, for the
/// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

impl Quota {
    /// The three headers, to add to a response.
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("RateLimit-Limit", self.limit.to_string()),
            ("RateLimit-Remaining", self.remaining.to_string()),
            ("RateLimit-Reset", self.reset_secs.to_string()),
        ]
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
