//! What every handler can reach, built once in [`crate::startup`].

use std::sync::Arc;
use std::time::Duration;

use crate::articles::views::ViewCounter;
use crate::auth::tokens::JwtKeys;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::{DbPool, QueryCounter};
use crate::http::rate_limit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub keys: Arc<JwtKeys>,
    pub clock: SharedClock,
    pub views: Arc<ViewCounter>,
    pub login_limiter: Arc<RateLimiter>,
    /// Statements run through `pool` since start.
    pub queries: QueryCounter,
}

impl AppState {
    pub fn new(pool: DbPool, queries: QueryCounter, config: Config, clock: SharedClock) -> Self {
        let keys = Arc::new(JwtKeys::new(&config.jwt_secret));
        let login_limiter = Arc::new(RateLimiter::new(
            config.login_attempts_per_minute,
            Duration::from_secs(60),
        ));
        AppState {
            pool,
            config: Arc::new(config),
            keys,
            clock,
            views: Arc::new(ViewCounter::default()),
            login_limiter,
            queries,
        }
    }
}
