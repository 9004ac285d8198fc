//! Every query on idempotency keys.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::error::{classify, Failure};
use crate::db::schema::idempotency_keys as keys;
use crate::db::{Conn, StoreResult};

/// What a key already holds.
pub enum Seen {
    /// Nothing: this request is the first, and now holds the key.
    First,
    /// The first request with this key was another one.
    OtherRequest,
    /// The first request is still running.
    Running,
    /// The first request's answer.
    Answered(Answer),
}

/// What a replay answers: the first answer's status, `Location`, `ETag`
/// and body.
#[derive(Debug, Clone, Queryable)]
pub struct Answer {
    pub status: i32,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// Claims `key` for a request (`request_hash`), or tells what holds it.
pub fn claim(conn: &mut Conn, key: &str, request_hash: &str, now: NaiveDateTime) -> StoreResult<Seen> {
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::key.eq(key),
            keys::request_hash.eq(request_hash),
            keys::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => return Ok(Seen::First),
        Err(e) if classify(&e) == Failure::UniqueViolation => {}
        Err(e) => return Err(e.into()),
    }
    type Row = (String, Option<i32>, Option<String>, Option<String>, Option<String>);
    let (hash, status, location, etag, body): Row = keys::table
        .find(key)
        .select((keys::request_hash, keys::status, keys::location, keys::etag, keys::body))
        .first(conn)?;
    Ok(match status {
        _ if hash != request_hash => Seen::OtherRequest,
        None => Seen::Running,
        Some(status) => Seen::Answered(Answer {
            status,
            location,
            etag,
            body: body.unwrap_or_default(),
        }),
    })
}

/// Keeps the first request's answer for the next ones.
pub fn answer(conn: &mut Conn, key: &str, answer: &Answer) -> StoreResult<()> {
    diesel::update(keys::table.find(key))
        .set((
            keys::status.eq(answer.status),
            keys::location.eq(&answer.location),
            keys::etag.eq(&answer.etag),
            keys::body.eq(&answer.body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Lets the key go (the first request failed on our side: a retry may run).
pub fn release(conn: &mut Conn, key: &str) -> StoreResult<()> {
    diesel::delete(keys::table.find(key)).execute(conn)?;
    Ok(())
}

/// Forgets keys older than a day.
pub fn purge(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(keys::table.filter(keys::created_at.lt(now - chrono::Duration::hours(24)))).execute(conn)?)
}
