//! The database: engines, pool, connection type, migrations and the one way
//! handlers reach it ([`run`], which keeps blocking diesel work off the async
//! workers).
//!
//! One binary serves both engines: the URL picks SQLite (a path or
//! `sqlite://…`) or PostgreSQL (`postgres://…`). Stores take a [`Conn`] and
//! write through [`write_tx`]; the few statements that differ per engine
//! (upserts, the search index, rate-limit counters) dispatch on the variant
//! with [`on_engine!`](crate::on_engine) so the query text is still written once.

pub mod error;
pub mod json;
pub mod pending;
pub mod refs;
pub mod schema;
pub mod shared;
pub mod signal;
pub mod slug;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use diesel::connection::{Connection, InstrumentationEvent, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use error::{Reference, StoreError, StoreResult};
pub use refs::{IdOrSlug, Narrow, Scope};

/// A connection to either engine.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// The connection every store works with.
pub type Conn = AnyConnection;
/// The backend of [`Conn`], for stores that build boxed (dynamic) queries.
pub type Backend = <AnyConnection as Connection>::Backend;
pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs the same expression on whichever concrete connection `$conn` holds:
/// for the statements diesel cannot build for both engines at once
/// (`ON CONFLICT`, raw SQL). `$c` names the concrete connection inside.
/// Updates the row `id` of `table` with `changes`, or (`id` is `None`)
/// inserts `values`: the row's id, as [`slug::save_row`] wants it.
#[macro_export]
macro_rules! upsert {
    ($conn:expr, $id:expr, $table:ident, $changes:expr, $values:expr) => {
        match $id {
            Some(id) => diesel::update($table::table.find(id))
                .set($changes)
                .execute($conn)
                .map(|_| id),
            None => diesel::insert_into($table::table)
                .values($values)
                .returning($table::id)
                .get_result($conn),
        }
    };
}

#[macro_export]
macro_rules! on_engine {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgres($c) => $body,
        }
    };
}

/// A closed set of values stored as text and shown as text in the API
/// (statuses, kinds, roles): an enum with its wire names, which serde and
/// the OpenAPI document both list.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt,)+ }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, as written.
            pub const ALL: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// What the database URL selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    Sqlite { path: String },
    Postgres { url: String },
}

impl Engine {
    /// Whether several bantin processes may share this database, so that
    /// counters and limits must live in it rather than in one process.
    pub fn is_shared(&self) -> bool {
        matches!(self, Engine::Postgres { .. })
    }
}

/// `sqlite://path`, `sqlite:path` or a bare file path mean SQLite;
/// `postgres://…` or `postgresql://…` mean PostgreSQL (any libpq URI).
pub fn parse_url(url: &str) -> anyhow::Result<Engine> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Engine::Postgres { url: url.to_string() });
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        bail!("the database URL names no file");
    }
    if path.contains("://") {
        bail!("unsupported database URL scheme in {url:?}: use a SQLite path, sqlite://… or postgres://…");
    }
    Ok(Engine::Sqlite { path: path.to_string() })
}

/// Opens connections for the engine the URL chose (diesel's derived
/// `establish` would try each engine in turn and lose the real error).
#[derive(Debug, Clone)]
pub struct Manager {
    engine: Engine,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match &self.engine {
            Engine::Sqlite { path } => SqliteConnection::establish(path).map(AnyConnection::Sqlite),
            Engine::Postgres { url } => PgConnection::establish(url).map(AnyConnection::Postgres),
        }
        .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
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

struct OnAcquire {
    queries: QueryCounter,
    signal: Arc<signal::Signal>,
}

impl std::fmt::Debug for OnAcquire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnAcquire").finish_non_exhaustive()
    }
}

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for OnAcquire {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        let counter = self.queries.0.clone();
        let signal = self.signal.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| match event {
            InstrumentationEvent::StartQuery { .. } => {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            InstrumentationEvent::BeginTransaction { depth, .. } if depth.get() == 1 => {
                signal::transaction_began(&signal);
            }
            _ => {}
        });
        let setup = match conn {
            // busy_timeout first: switching to WAL itself may wait for a lock.
            // Reads through a memory map of the file (up to 2 GB, SQLite's
            // ceiling): a page not in the connection's cache is a memory
            // read, not a system call and a copy, and the pages are the
            // operating system's file cache, shared by every connection,
            // not each connection's anonymous memory.
            AnyConnection::Sqlite(_) => {
                "PRAGMA busy_timeout = 5000;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA mmap_size = 2147418112;"
            }
            // Timestamps are bound as UTC wall-clock values; the session zone
            // makes their conversion to timestamptz exact whatever the server's.
            AnyConnection::Postgres(_) => "SET TIME ZONE 'UTC'",
        };
        conn.batch_execute(setup).map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating the file and its directory if needed) and migrates the database.
pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> anyhow::Result<DbPool> {
    connect_counted(url, pool_size, timeout, QueryCounter::default())
}

/// [`connect`], counting every statement the pool runs in `queries`.
pub fn connect_counted(url: &str, pool_size: u32, timeout: Duration, queries: QueryCounter) -> anyhow::Result<DbPool> {
    let pool = open(url, pool_size, timeout, queries)?;
    migrate(&pool)?;
    Ok(pool)
}

/// Opens a pool without migrating (a read replica is migrated through its primary).
pub fn open(url: &str, pool_size: u32, timeout: Duration, queries: QueryCounter) -> anyhow::Result<DbPool> {
    let engine = parse_url(url)?;
    // libpq initialises OpenSSL with an exit handler that frees its state
    // while pool threads may still be closing connections (a double free at
    // exit, seen in the test suite); initialising it first without that
    // handler leaves the cleanup to the operating system.
    openssl_sys::init();
    if let Engine::Sqlite { path } = &engine {
        if path != ":memory:" {
            if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
        }
    }
    let what = match &engine {
        Engine::Sqlite { path } => format!("SQLite database {path}"),
        Engine::Postgres { url } => format!("PostgreSQL database {}", redact(url)),
    };
    let manager = Manager { engine };
    // Fail fast with the engine's own message rather than r2d2's timeout;
    // the pool, proven reachable, then fills itself as connections are asked for.
    drop(manager.connect().with_context(|| format!("opening {what}"))?);
    Ok(Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        .connection_timeout(timeout)
        .connection_customizer(Box::new(OnAcquire {
            queries,
            signal: signal::for_database(url),
        }))
        .build_unchecked(manager))
}

/// A database URL fit for logs: any password replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The engine behind a pool.
pub fn engine_of(conn: &Conn) -> &'static str {
    match conn {
        AnyConnection::Sqlite(_) => "sqlite",
        AnyConnection::Postgres(_) => "postgres",
    }
}

/// Runs every pending embedded migration of the pool's engine.
pub fn migrate(pool: &DbPool) -> anyhow::Result<Vec<String>> {
    let mut conn = pool.get().context("getting a connection to migrate")?;
    let applied = match &mut *conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(versions),
        AnyConnection::Postgres(c) => {
            // Instances starting together take turns; the second finds nothing to do.
            c.batch_execute("SELECT pg_advisory_lock(7346001)")?;
            let applied = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions);
            c.batch_execute("SELECT pg_advisory_unlock(7346001)")?;
            applied
        }
    };
    applied.map_err(|e| anyhow::anyhow!("running migrations: {e}"))
}

fn versions(applied: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    applied.iter().map(|m| m.to_string()).collect()
}

/// Runs `f` with a pooled connection on the blocking thread pool: the async
/// workers never wait on the database.
/// Requests waiting for a database connection in this process (`/metrics`).
pub static WAITING: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

pub async fn run<T, E, F>(pool: &DbPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        use std::sync::atomic::Ordering;
        WAITING.fetch_add(1, Ordering::Relaxed);
        let conn = pool.get();
        WAITING.fetch_sub(1, Ordering::Relaxed);
        let mut conn = conn.map_err(|e| {
            tracing::error!(error = %e, "no database connection available");
            E::from(StoreError::Unavailable)
        })?;
        f(&mut conn)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "blocking database task failed");
        E::from(StoreError::Internal)
    })?
}

/// The key of the advisory lock every PostgreSQL write transaction holds.
const WRITE_LOCK: i64 = 7346002;

/// A write transaction, one at a time per database on both engines.
///
/// On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`) so two
/// writers never deadlock upgrading a read lock. On PostgreSQL a
/// transaction-scoped advisory lock gives every instance the same
/// guarantee, so checks made inside a write (the last admin, a free slug,
/// a refresh token not yet spent) hold until it commits, exactly as on
/// SQLite. Readers are never blocked; writes are a small share of a news
/// portal's traffic.
///
/// Stores own their transactions: every store function that writes opens
/// one. Called inside another write transaction (the demo loader, an
/// import), it becomes a savepoint of it.
pub fn write_tx<T, E, F>(conn: &mut Conn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<StoreError>,
{
    let failed = |e: diesel::result::Error| E::from(StoreError::from(e));
    let outermost = !in_transaction(conn);
    let _turn = match conn {
        AnyConnection::Sqlite(_) if outermost => sqlite_writers::wait_turn(),
        _ => None,
    };
    if outermost {
        begin_write(conn).map_err(failed)?;
    } else {
        // A savepoint in the caller's transaction, which holds the lock.
        AnyConnection::begin_transaction(conn).map_err(failed)?;
    }
    let result = match f(conn) {
        Ok(value) => AnyConnection::commit_transaction(conn).map(|_| value).map_err(failed),
        Err(e) => AnyConnection::rollback_transaction(conn).map_err(failed).and(Err(e)),
    };
    if outermost {
        signal::transaction_ended(result.is_ok());
    }
    result
}

/// A read-only transaction whose statements all see one snapshot (a page
/// of the change log and the position it ends at, say). SQLite in WAL mode
/// gives a deferred transaction a snapshot at its first read; PostgreSQL
/// needs REPEATABLE READ for it.
pub fn read_tx<T, E, F>(conn: &mut Conn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<StoreError>,
{
    let failed = |e: diesel::result::Error| E::from(StoreError::from(e));
    if in_transaction(conn) {
        return f(conn);
    }
    AnyConnection::begin_transaction(conn).map_err(failed)?;
    if let AnyConnection::Postgres(_) = conn {
        if let Err(e) = conn.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY") {
            let _ = AnyConnection::rollback_transaction(conn);
            return Err(failed(e));
        }
    }
    let result = f(conn);
    // Nothing was written: ending it either way is the same.
    let _ = AnyConnection::rollback_transaction(conn);
    result
}

/// SQLite takes one writer at a time, and a writer that finds the lock
/// taken sleeps in steps of up to 100 ms before it tries again: under a
/// burst of ratings most of a second goes to sleeping. Writers of this
/// process queue here instead and go the moment the one before them
/// commits; SQLite's own wait still covers other processes (a command run
/// beside the server).
mod sqlite_writers {
    use std::cell::Cell;
    use std::time::Duration;

    static TURN: parking_lot::Mutex<()> = parking_lot::const_mutex(());

    thread_local! {
        static HOLDING: Cell<bool> = const { Cell::new(false) };
    }

    /// Held until the write transaction ends.
    pub struct Turn(#[allow(dead_code)] parking_lot::MutexGuard<'static, ()>);

    impl Drop for Turn {
        fn drop(&mut self) {
            HOLDING.with(|h| h.set(false));
        }
    }

    /// This thread's turn to write; `None` when it already has one (a
    /// second database written inside the first's transaction) or the
    /// queue did not move for as long as SQLite would wait.
    pub fn wait_turn() -> Option<Turn> {
        if HOLDING.with(Cell::get) {
            return None;
        }
        let guard = TURN.try_lock_for(Duration::from_secs(5))?;
        HOLDING.with(|h| h.set(true));
        Some(Turn(guard))
    }
}

fn begin_write(conn: &mut Conn) -> diesel::QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(c) => {
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        AnyConnection::Postgres(_) => {
            AnyConnection::begin_transaction(conn)?;
            // One round trip: the isolation the checks above rely on, whatever
            // the server's default; a bounded wait (SQLite's busy timeout),
            // answered with 503 like it; then the lock.
            let setup = format!(
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '5s'; \
                 SELECT pg_advisory_xact_lock({WRITE_LOCK})"
            );
            conn.batch_execute(&setup).inspect_err(|_| {
                let _ = AnyConnection::rollback_transaction(conn);
            })
        }
    }
}

/// Whether `conn` is inside a transaction already.
fn in_transaction(conn: &mut Conn) -> bool {
    matches!(
        <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    )
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
        assert_eq!(
            parse_url("postgres://localhost/test").unwrap(),
            Engine::Postgres {
                url: "postgres://localhost/test".into()
            }
        );
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert!(parse_url("mysql://x").is_err());
        assert!(parse_url("").is_err());
    }
}
