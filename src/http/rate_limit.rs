//! Per-client fixed-window rate limiting for the routes that need it
//! (login now; comments, ratings and beacons later).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::ApiError;

pub struct RateLimiter {
    max: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key`; refuses it with 429 once the window is full.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), ApiError> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 10_000 {
            let window = self.window;
            windows.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            let remaining = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(ApiError::RateLimited {
                retry_after_secs: remaining.as_secs().max(1),
            });
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_and_reopens_after_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(limiter.check_at("a", t0).is_ok());
        assert!(limiter.check_at("a", t0).is_ok());
        match limiter.check_at("a", t0 + Duration::from_secs(10)) {
            Err(ApiError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 50),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limiter.check_at("b", t0).is_ok(), "other clients are not affected");
        assert!(limiter.check_at("a", t0 + Duration::from_secs(61)).is_ok());
    }
}
