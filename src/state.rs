//! What every handler can reach, built once in [`crate::startup`].

use std::sync::Arc;
use std::time::Duration;

use crate::auth::password::Hasher;
use crate::auth::tokens::JwtKeys;
use crate::challenges::{ChallengeKind, ImageCode};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::pending::Pending;
use crate::db::shared::SharedState;
use crate::db::{DbPool, QueryCounter};
use crate::http::rate_limit::RateLimiter;
use crate::http::visitor::VisitorIds;
use crate::keys::ring::Keyring;

/// Per-client limits on the routes anonymous clients write to, and on
/// signing in.
pub struct Limits {
    /// Every login attempt, per client address.
    pub login: RateLimiter,
    /// Failed logins per account and client address: a guesser is slowed
    /// down on the account it guesses, without locking out the account's
    /// owner, who signs in from elsewhere.
    pub login_failures: RateLimiter,
    /// Failed logins per account from anywhere: a guess spread over many
    /// addresses. Locks the account for at most this window.
    pub account_failures: RateLimiter,
    /// Refreshing and logging out, per client address.
    pub sessions: RateLimiter,
    pub writes: RateLimiter,
    /// New visitor ids, per client address.
    pub visitors: RateLimiter,
    pub comments: RateLimiter,
    pub challenges: RateLimiter,
    /// Requests per API key, each with its own limit. Counted in each
    /// process (never a database write per read): with several instances a
    /// key may make up to its limit on each.
    pub keys: RateLimiter,
}

#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and reads that must see the caller's own writes.
    pub pool: DbPool,
    /// Where anonymous public reads go: a replica when
    /// `BANTIN_DATABASE_READ_URL` is set, otherwise the primary.
    pub read_pool: DbPool,
    /// The primary again, for background work (counts, housekeeping,
    /// webhook deliveries): a pool of its own, so jobs never take a
    /// connection a request is waiting for (and its statements are not
    /// counted in `queries`).
    pub background: DbPool,
    pub config: Arc<Config>,
    pub keys: Arc<JwtKeys>,
    pub clock: SharedClock,
    /// Article views not yet written, by article id.
    pub views: Arc<Pending<i64>>,
    /// Visits not yet added to the site's total.
    pub visits: Arc<Pending<()>>,
    /// Rate-limit windows and visitors online: in memory or in shared tables.
    pub shared: Arc<SharedState>,
    pub limits: Arc<Limits>,
    pub challenge_kind: Arc<dyn ChallengeKind>,
    /// Password hashing, a few at a time.
    pub hasher: Arc<Hasher>,
    /// Visitor ids: issued and checked.
    pub visitors: Arc<VisitorIds>,
    /// Statements run through `pool` since start.
    pub queries: QueryCounter,
    /// API keys found lately.
    pub keyring: Arc<Keyring>,
    /// Requests per API key not yet added to its daily count.
    pub key_uses: Arc<Pending<i64>>,
    /// What this process commits to its database (the change log moved).
    pub signal: Arc<crate::db::signal::Signal>,
    /// A SQLite database's run lock, held while this process serves it (a
    /// restore waits for it): see [`crate::backup::hold`].
    pub db_lock: Option<Arc<std::fs::File>>,
    /// Where uploaded files are kept.
    pub media: crate::media::files::MediaFiles,
    /// Photos being made into variants at once (each holds its pixels).
    pub media_work: Arc<tokio::sync::Semaphore>,
    /// Public answers kept in memory (`None` when `BANTIN_CACHE_MB=0`).
    pub cache: Option<Arc<crate::cache::ResponseCache>>,
    /// The search index of this process.
    pub search: Arc<crate::search::engine::SearchIndex>,
}

impl AppState {
    pub fn new(
        pool: DbPool,
        queries: QueryCounter,
        config: Config,
        clock: SharedClock,
        search: Arc<crate::search::engine::SearchIndex>,
        media: crate::media::files::MediaFiles,
    ) -> Self {
        let keys = Arc::new(JwtKeys::new(&config.jwt_secret));
        let visitors = Arc::new(VisitorIds::new(&config.jwt_secret));
        let minute = Duration::from_secs(60);
        let several_instances = crate::db::parse_url(&config.database_url).is_ok_and(|e| e.is_shared());
        let shared = Arc::new(SharedState::for_pool(&pool, several_instances));
        let limiter = |name, max, window| RateLimiter::new(name, max, window, shared.clone());
        let limits = Arc::new(Limits {
            login: limiter("login", config.login_attempts_per_minute, minute),
            login_failures: limiter("login-failures", 5, 15 * minute),
            account_failures: limiter("account-failures", 50, 15 * minute),
            sessions: limiter("sessions", config.login_attempts_per_minute.saturating_mul(6), minute),
            writes: limiter("writes", config.writes_per_minute, minute),
            visitors: limiter("visitors", config.writes_per_minute, minute),
            comments: limiter("comments", config.comments_per_10_minutes, 10 * minute),
            challenges: limiter("challenges", config.challenges_per_minute, minute),
            keys: RateLimiter::new(
                "key",
                config.key_requests_per_minute,
                minute,
                Arc::new(SharedState::InProcess(Default::default())),
            ),
        });
        let signal = crate::db::signal::for_database(&config.database_url);
        let cache = crate::cache::ResponseCache::new(config.cache_mb, signal.clone()).map(Arc::new);
        // Two photos decoded at a time per process: each holds its pixels
        // (4 bytes each, 200 MB for a 50-megapixel photo) while it is resized.
        let media_work = Arc::new(tokio::sync::Semaphore::new(2));
        AppState {
            db_lock: None,
            media,
            media_work,
            search,
            read_pool: pool.clone(),
            background: pool.clone(),
            pool,
            config: Arc::new(config),
            keys,
            clock,
            views: Arc::default(),
            visits: Arc::default(),
            shared,
            limits,
            challenge_kind: Arc::new(ImageCode),
            hasher: Arc::default(),
            visitors,
            queries,
            keyring: Arc::default(),
            key_uses: Arc::default(),
            cache,
            signal,
        }
    }
}
