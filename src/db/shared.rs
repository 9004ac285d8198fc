//! State that every instance must see alike, and where it lives: per-client
//! rate-limit windows, the visitors seen lately (the "online" count) and
//! server secrets.
//!
//! On SQLite one process serves the site, so the first two live in memory.
//! When several instances share a PostgreSQL database they live in its
//! tables (`rate_limits` and `online_visitors`, both UNLOGGED, and
//! `secrets`), so a client gets the same allowance however its requests are
//! spread. [`SharedState`] is chosen once, at start-up, from the engine; no
//! other module asks which engine it runs on for this.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

use super::error::StoreResult;
use super::{AnyConnection, Conn, DbPool};

/// How long visitors count as "online" after their last beacon.
pub const ONLINE_WINDOW_MINUTES: i64 = 5;

/// How long an instance reuses the online count it read from the shared
/// table: counting thousands of rows per beacon would cost more than the
/// beacon, and a count a second old is as good on a portal's footer.
pub const SHARED_ONLINE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// A client's rate-limit window after one more hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDateTime,
    pub hits: u32,
}

pub enum SharedState {
    /// One process: everything in memory.
    InProcess(Memory),
    /// Several instances on one PostgreSQL database.
    Tables(Tables),
}

impl SharedState {
    /// The kind the database at `pool` calls for.
    pub fn for_pool(pool: &DbPool, shared: bool) -> SharedState {
        if shared {
            SharedState::Tables(Tables {
                pool: pool.clone(),
                online: Mutex::new(None),
            })
        } else {
            SharedState::InProcess(Memory::default())
        }
    }

    /// Counts one hit of `key` in its fixed window of `window`, starting a
    /// new window when the last one has ended.
    pub async fn hit(&self, key: &str, window: Duration, now: NaiveDateTime) -> StoreResult<Window> {
        match self {
            SharedState::InProcess(memory) => Ok(memory.hit(key, window, now)),
            SharedState::Tables(tables) => {
                let key = key.to_string();
                super::run(&tables.pool, move |conn| Tables::hit(conn, &key, window, now)).await
            }
        }
    }

    /// The window of `key` as it stands, without counting a hit.
    pub async fn peek(&self, key: &str, window: Duration, now: NaiveDateTime) -> StoreResult<Window> {
        match self {
            SharedState::InProcess(memory) => Ok(memory.peek(key, window, now)),
            SharedState::Tables(tables) => {
                let key = key.to_string();
                super::run(&tables.pool, move |conn| Tables::peek(conn, &key, window, now)).await
            }
        }
    }

    /// Records that `visitor` was seen at `now` and answers how many
    /// distinct visitors were seen in the last five minutes (every instance's).
    pub async fn seen(&self, visitor: Option<&str>, now: NaiveDateTime) -> StoreResult<i64> {
        match self {
            SharedState::InProcess(memory) => Ok(memory.seen(visitor, now)),
            SharedState::Tables(tables) => tables.seen(visitor, now).await,
        }
    }

    /// Forgets windows and visitors long gone. Blocking.
    pub fn purge(&self, conn: &mut Conn, now: NaiveDateTime) -> StoreResult<()> {
        match self {
            SharedState::InProcess(memory) => {
                memory.purge(now);
                Ok(())
            }
            SharedState::Tables(_) => Tables::purge(conn, now),
        }
    }
}

#[derive(Default)]
pub struct Memory {
    windows: Mutex<Generations>,
    visitors: Mutex<Visitors>,
}

/// Rate-limit windows in two generations: every [`GENERATION`] (or sooner,
/// past [`MAX_KEYS`]) the current map becomes the previous one and the
/// previous is dropped. A lookup is O(1); a key unseen for two generations
/// is forgotten without any scan, so memory stays bounded by the clients
/// of the last two generations.
#[derive(Default)]
struct Generations {
    current: HashMap<String, Window>,
    previous: HashMap<String, Window>,
    started: Option<NaiveDateTime>,
}

/// At least the longest window any limiter uses.
const GENERATION: Duration = Duration::hours(1);
/// Keys kept per generation at most.
const MAX_KEYS: usize = 100_000;

impl Generations {
    fn rotate_if_due(&mut self, now: NaiveDateTime) {
        let due = self.started.is_none_or(|at| now - at >= GENERATION || now < at);
        if due || self.current.len() >= MAX_KEYS {
            self.previous = std::mem::take(&mut self.current);
            self.started = Some(now);
        }
    }

    /// The live window of `key`, if it has one.
    fn live(&mut self, key: &str, window: Duration, now: NaiveDateTime) -> Option<Window> {
        let found = match self.current.get(key) {
            Some(w) => Some(*w),
            None => self.previous.remove(key),
        };
        found.filter(|w| now - w.start < window && now >= w.start)
    }
}

#[derive(Default)]
struct Visitors {
    last_seen: HashMap<String, NaiveDateTime>,
    /// The online count as last counted, and when: counting walks every
    /// visitor, so it is done once a second unless someone arrives.
    counted: Option<(NaiveDateTime, i64)>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Memory {
    fn hit(&self, key: &str, window: Duration, now: NaiveDateTime) -> Window {
        let mut windows = lock(&self.windows);
        windows.rotate_if_due(now);
        let mut live = windows.live(key, window, now).unwrap_or(Window { start: now, hits: 0 });
        live.hits = live.hits.saturating_add(1);
        windows.current.insert(key.to_string(), live);
        live
    }

    fn peek(&self, key: &str, window: Duration, now: NaiveDateTime) -> Window {
        let mut windows = lock(&self.windows);
        let live = windows.live(key, window, now);
        if let Some(w) = live {
            windows.current.insert(key.to_string(), w);
        }
        live.unwrap_or(Window { start: now, hits: 0 })
    }

    fn seen(&self, visitor: Option<&str>, now: NaiveDateTime) -> i64 {
        let mut visitors = lock(&self.visitors);
        let since = now - Duration::minutes(ONLINE_WINDOW_MINUTES);
        if let Some(visitor) = visitor {
            let previous = visitors.last_seen.insert(visitor.to_string(), now);
            if previous.is_none_or(|seen| seen < since) {
                visitors.counted = None;
            }
        }
        if let Some((at, count)) = visitors.counted {
            if at == now {
                return count;
            }
        }
        visitors.last_seen.retain(|_, seen| *seen >= since);
        let count = visitors.last_seen.len() as i64;
        visitors.counted = Some((now, count));
        count
    }

    fn purge(&self, now: NaiveDateTime) {
        let since = now - Duration::minutes(ONLINE_WINDOW_MINUTES);
        lock(&self.visitors).last_seen.retain(|_, seen| *seen >= since);
        lock(&self.windows).rotate_if_due(now);
    }
}

pub struct Tables {
    pool: DbPool,
    /// The shared online count as last read: when (real time and clock), and the count.
    online: Mutex<Option<(Instant, NaiveDateTime, i64)>>,
}

#[derive(QueryableByName)]
struct WindowRow {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Timestamp)]
    window_start: NaiveDateTime,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The PostgreSQL connection of a pool that [`SharedState::Tables`] was made for.
fn pg(conn: &mut Conn) -> StoreResult<&mut diesel::pg::PgConnection> {
    match conn {
        AnyConnection::Postgres(pg) => Ok(pg),
        AnyConnection::Sqlite(_) => Err(super::StoreError::Internal),
    }
}

impl Tables {
    /// One atomic upsert: a new window, or one more hit in the current one.
    fn hit(conn: &mut Conn, key: &str, window: Duration, now: NaiveDateTime) -> StoreResult<Window> {
        let row: WindowRow = diesel::sql_query(
            "INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (key) DO UPDATE SET
               hits = CASE WHEN r.window_start > $3 AND r.window_start <= $2 THEN r.hits + 1 ELSE 1 END,
               window_start = CASE WHEN r.window_start > $3 AND r.window_start <= $2 THEN r.window_start ELSE $2 END
             RETURNING hits, window_start",
        )
        .bind::<Text, _>(key)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now - window)
        .get_result(pg(conn)?)?;
        Ok(Window {
            start: row.window_start,
            hits: row.hits.max(0) as u32,
        })
    }

    fn peek(conn: &mut Conn, key: &str, window: Duration, now: NaiveDateTime) -> StoreResult<Window> {
        let row: Option<WindowRow> =
            diesel::sql_query("SELECT hits, window_start FROM rate_limits WHERE key = $1 AND window_start > $2")
                .bind::<Text, _>(key)
                .bind::<Timestamp, _>(now - window)
                .get_result(pg(conn)?)
                .optional()?;
        Ok(row.map_or(Window { start: now, hits: 0 }, |r| Window {
            start: r.window_start,
            hits: r.hits.max(0) as u32,
        }))
    }

    async fn seen(&self, visitor: Option<&str>, now: NaiveDateTime) -> StoreResult<i64> {
        if visitor.is_none() {
            if let Some(n) = self.cached(now) {
                return Ok(n);
            }
        }
        let visitor = visitor.map(str::to_string);
        let n = super::run(&self.pool, move |conn| {
            let pg = pg(conn)?;
            if let Some(visitor) = &visitor {
                diesel::sql_query(
                    "INSERT INTO online_visitors (visitor, last_seen) VALUES ($1, $2)
                     ON CONFLICT (visitor) DO UPDATE SET last_seen = GREATEST(online_visitors.last_seen, excluded.last_seen)",
                )
                .bind::<Text, _>(visitor)
                .bind::<Timestamp, _>(now)
                .execute(pg)?;
            }
            let row: Count = diesel::sql_query("SELECT count(*) AS n FROM online_visitors WHERE last_seen >= $1")
                .bind::<Timestamp, _>(now - Duration::minutes(ONLINE_WINDOW_MINUTES))
                .get_result(pg)?;
            Ok::<_, super::StoreError>(row.n)
        })
        .await?;
        *lock(&self.online) = Some((Instant::now(), now, n));
        Ok(n)
    }

    /// The online count read less than [`SHARED_ONLINE_TTL`] ago.
    fn cached(&self, now: NaiveDateTime) -> Option<i64> {
        let cached = *lock(&self.online);
        cached
            .filter(|(read, counted_at, _)| {
                read.elapsed() < SHARED_ONLINE_TTL && (now - *counted_at).to_std().is_ok_and(|d| d < SHARED_ONLINE_TTL)
            })
            .map(|(_, _, n)| n)
    }

    fn purge(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<()> {
        let pg = pg(conn)?;
        diesel::sql_query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind::<Timestamp, _>(now - Duration::days(1))
            .execute(pg)?;
        diesel::sql_query("DELETE FROM online_visitors WHERE last_seen < $1")
            .bind::<Timestamp, _>(now - Duration::minutes(ONLINE_WINDOW_MINUTES))
            .execute(pg)?;
        Ok(())
    }
}

/// A server secret every instance shares (PostgreSQL): created at random by
/// whichever instance starts first, read by the others.
pub fn secret(conn: &mut Conn, name: &str, now: NaiveDateTime) -> StoreResult<String> {
    #[derive(QueryableByName)]
    struct Secret {
        #[diesel(sql_type = Text)]
        value: String,
    }
    let pg = pg(conn)?;
    let mut bytes = [0u8; 48];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    diesel::sql_query(
        "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    )
    .bind::<Text, _>(name)
    .bind::<Text, _>(hex::encode(bytes))
    .bind::<Timestamp, _>(now)
    .execute(pg)?;
    let secret: Secret = diesel::sql_query("SELECT value FROM secrets WHERE name = $1")
        .bind::<Text, _>(name)
        .get_result(pg)?;
    Ok(secret.value)
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
    fn windows_count_hits_and_restart_after_their_length() {
        let memory = Memory::default();
        let minute = Duration::seconds(60);
        assert_eq!(memory.hit("a", minute, at(0)).hits, 1);
        assert_eq!(memory.hit("a", minute, at(10)).hits, 2);
        assert_eq!(
            memory.hit("b", minute, at(10)).hits,
            1,
            "other clients are not affected"
        );
        let fresh = memory.hit("a", minute, at(61));
        assert_eq!((fresh.hits, fresh.start), (1, at(61)));
    }

    #[test]
    fn windows_are_forgotten_two_generations_later_without_a_scan() {
        let memory = Memory::default();
        let minute = Duration::seconds(60);
        for i in 0..1000 {
            memory.hit(&format!("client-{i}"), minute, at(0));
        }
        assert_eq!(memory.peek("client-1", minute, at(30)).hits, 1);
        memory.hit("late", minute, at(3700));
        memory.hit("later", minute, at(7400));
        let windows = lock(&memory.windows);
        assert_eq!(
            windows.current.len() + windows.previous.len(),
            2,
            "the first thousand are gone"
        );
    }

    #[test]
    fn online_counts_distinct_visitors_of_the_last_five_minutes() {
        let memory = Memory::default();
        assert_eq!(memory.seen(Some("x"), at(0)), 1);
        assert_eq!(memory.seen(Some("y"), at(1)), 2);
        assert_eq!(memory.seen(Some("x"), at(2)), 2);
        assert_eq!(memory.seen(None, at(302)), 1, "y left, x came back at 2");
    }
}
