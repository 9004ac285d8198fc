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
    /// The primary: every write, and reads that must see the caller's own writes.
    pub pool: DbPool,
    /// Where anonymous public reads go: a replica when
    /// `BANTIN_DATABASE_READ_URL` is set, otherwise the primary.
    pub read_pool: DbPool,
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
        let shared = crate::db::parse_url(&config.database_url).is_ok_and(|e| e.is_shared());
        let counts_in = || shared.then(|| pool.clone());
        let limits = Arc::new(Limits {
            login: RateLimiter::new("login", config.login_attempts_per_minute, minute, counts_in()),
            writes: RateLimiter::new("writes", config.writes_per_minute, minute, counts_in()),
            comments: RateLimiter::new("comments", config.comments_per_10_minutes, 10 * minute, counts_in()),
            challenges: RateLimiter::new("challenges", config.challenges_per_minute, minute, counts_in()),
        });
        AppState {
            read_pool: pool.clone(),
            pool,
            config: Arc::new(config),
            keys,
            clock,
            views: Arc::new(ViewCounter::default()),
            limits,
            challenge_kind: Arc::new(ImageCode),
            visits: Arc::new(VisitCounter::new(shared)),
            queries,
        }
    }

    /// The pool a read for this caller goes to: signed-in callers (editors
    /// who just wrote, and must see it) read the primary; everyone else the
    /// replica, if there is one.
    pub fn reader(&self, auth: &crate::http::auth::MaybeAuth) -> &DbPool {
        if auth.0.is_some() {
            &self.pool
        } else {
            &self.read_pool
        }
    }
}
