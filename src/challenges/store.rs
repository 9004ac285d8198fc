//! Every query on challenges.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::challenges;
use crate::db::{Conn, StoreResult};

pub fn insert(
    conn: &mut Conn,
    id: &str,
    answer_hash: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(challenges::table)
        .values((
            challenges::id.eq(id),
            challenges::answer_hash.eq(answer_hash),
            challenges::expires_at.eq(expires_at),
            challenges::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Spends a challenge, whatever the answer: returns its answer hash and
/// expiry if it existed. Deleting first means two requests racing with the
/// same challenge cannot both succeed.
pub fn take(conn: &mut Conn, id: &str) -> StoreResult<Option<(String, NaiveDateTime)>> {
    Ok(diesel::delete(challenges::table.find(id))
        .returning((challenges::answer_hash, challenges::expires_at))
        .get_result(conn)
        .optional()?)
}

pub fn purge_expired(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(challenges::table.filter(challenges::expires_at.lt(now))).execute(conn)?)
}
