//! What every handler can reach, built once in [`crate::startup`].

use std::sync::Arc;
use std::time::Duration;

use crate::articles::views::ViewCounter;
use crate::auth::tokens::JwtKeys;
use crate::challenges::{ChallengeKind, ImageCode};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::{DbPool, QueryCounter};
use crate::http::rate_limit::RateLimiter;
use crate::stats::VisitCounter;

/// Per-client limits on the routes anonymous clients write to.
pub struct Limits {
    pub login: RateLimiter,
    pub writes: RateLimiter,
    pub comments: RateLimiter,
    pub challenges: RateLimiter,
}

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub keys: Arc<JwtKeys>,
    pub clock: SharedClock,
    pub views: Arc<ViewCounter>,
    pub limits: Arc<Limits>,
    pub challenge_kind: Arc<dyn ChallengeKind>,
    pub visits: Arc<VisitCounter>,
    /// Statements run through `pool` since start.
    pub queries: QueryCounter,
}

impl AppState {
    pub fn new(pool: DbPool, queries: QueryCounter, config: Config, clock: SharedClock) -> Self {
        let keys = Arc::new(JwtKeys::new(&config.jwt_secret));
        let minute = Duration::from_secs(60);
        let limits = Arc::new(Limits {
            login: RateLimiter::new(config.login_attempts_per_minute, minute),
            writes: RateLimiter::new(config.writes_per_minute, minute),
            comments: RateLimiter::new(config.comments_per_10_minutes, 10 * minute),
            challenges: RateLimiter::new(config.challenges_per_minute, minute),
        });
        AppState {
            pool,
            config: Arc::new(config),
            keys,
            clock,
            views: Arc::new(ViewCounter::default()),
            limits,
            challenge_kind: Arc::new(ImageCode),
            visits: Arc::new(VisitCounter::default()),
            queries,
        }
    }
}
