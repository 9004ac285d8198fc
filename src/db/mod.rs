//! The database: pool, connection type, migrations and the one way handlers
//! reach it ([`run`], which keeps blocking diesel work off the async workers).
//!
//! Nothing outside this module names an engine-specific type: stores take a
//! [`Conn`], and transactions go through [`write_tx`].

pub mod schema;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use diesel::connection::{Connection, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::http::error::ApiError;

/// The connection every store works with.
pub type Conn = SqliteConnection;
/// The backend of [`Conn`], for stores that build boxed (dynamic) queries.
pub type Backend = diesel::sqlite::Sqlite;
pub type DbPool = Pool<ConnectionManager<Conn>>;
pub type PooledConn = PooledConnection<ConnectionManager<Conn>>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// What the database URL selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    Sqlite { path: String },
}

/// `sqlite://path`, `sqlite:path` or a bare file path mean SQLite.
/// `postgres://` is recognised so that the error says what is missing.
pub fn parse_url(url: &str) -> anyhow::Result<Engine> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!("PostgreSQL is not supported by this build yet; use a SQLite path or sqlite:// URL");
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        bail!("the database URL names no file");
    }
    if path.contains("://") {
        bail!("unsupported database URL scheme in {url:?}");
    }
    Ok(Engine::Sqlite { path: path.to_string() })
}

/// Counts the statements a pool runs: cheap, always on, and how tests prove
/// that a page of related items costs a fixed number of queries (no N+1).
#[derive(Debug, Clone, Default)]
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Debug)]
struct SqlitePragmas {
    queries: QueryCounter,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        let counter = self.queries.0.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        // busy_timeout first: switching to WAL itself may wait for a lock.
        conn.batch_execute(
            "PRAGMA busy_timeout = 5000;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating the file and its directory if needed) and migrates the database.
pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> anyhow::Result<DbPool> {
    connect_counted(url, pool_size, timeout, QueryCounter::default())
}

/// [`connect`], counting every statement the pool runs in `queries`.
pub fn connect_counted(url: &str, pool_size: u32, timeout: Duration, queries: QueryCounter) -> anyhow::Result<DbPool> {
    let Engine::Sqlite { path } = parse_url(url)?;
    if path != ":memory:" {
        if let Some(dir) = Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let manager = ConnectionManager::<Conn>::new(path.clone());
    let pool = Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        .connection_timeout(timeout)
        .connection_customizer(Box::new(SqlitePragmas { queries }))
        .build(manager)
        .with_context(|| format!("opening SQLite database {path}"))?;
    migrate(&pool)?;
    Ok(pool)
}

/// Runs every pending embedded migration.
pub fn migrate(pool: &DbPool) -> anyhow::Result<Vec<String>> {
    let mut conn = pool.get().context("getting a connection to migrate")?;
    let applied = conn
        .run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    Ok(applied.iter().map(|m| m.to_string()).collect())
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| {
            tracing::error!(error = %e, "no database connection available");
            ApiError::Unavailable
        })?;
        f(&mut conn)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "blocking database task failed");
        ApiError::Internal
    })?
}

/// A write transaction. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`) so two writers never deadlock upgrading a read lock.
pub fn write_tx<T, E, F>(conn: &mut Conn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.immediate_transaction(f)
}

/// Cheap readiness probe.
pub fn ping(conn: &mut Conn) -> Result<(), diesel::result::Error> {
    conn.batch_execute("SELECT 1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_database_urls() {
        assert_eq!(
            parse_url("./data/bantin.db").unwrap(),
            Engine::Sqlite {
                path: "./data/bantin.db".into()
            }
        );
        assert_eq!(
            parse_url("sqlite:///tmp/x.db").unwrap(),
            Engine::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        assert_eq!(
            parse_url("sqlite:x.db").unwrap(),
            Engine::Sqlite { path: "x.db".into() }
        );
        assert!(parse_url("postgres://localhost/test").is_err());
        assert!(parse_url("mysql://x").is_err());
        assert!(parse_url("").is_err());
    }
}
