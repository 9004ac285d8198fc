//! Every query on refresh tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::refresh_tokens;
use crate::db::{write_tx, Conn, StoreError, StoreResult};
use crate::users::model::User;
use crate::users::store as users;

pub fn insert(
    conn: &mut Conn,
    user_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Spends the refresh token `old_hash` and stores `new_hash` in its place.
/// Presenting a token that was already spent revokes every token of its
/// user: it means the token leaked (refresh-token reuse detection).
pub fn rotate(
    conn: &mut Conn,
    old_hash: &str,
    new_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StoreResult<User> {
    let reused = write_tx(conn, |conn| -> StoreResult<Result<User, i64>> {
        let row: Option<(i64, i64, NaiveDateTime, Option<NaiveDateTime>)> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(old_hash))
            .select((
                refresh_tokens::id,
                refresh_tokens::user_id,
                refresh_tokens::expires_at,
                refresh_tokens::revoked_at,
            ))
            .first(conn)
            .optional()?;
        let (id, user_id, token_expires, revoked) = row.ok_or(StoreError::InvalidRefreshToken)?;
        if revoked.is_some() {
            return Ok(Err(user_id));
        }
        if token_expires <= now {
            return Err(StoreError::InvalidRefreshToken);
        }
        let user = users::find(conn, user_id)?.ok_or(StoreError::InvalidRefreshToken)?;
        diesel::update(refresh_tokens::table.find(id))
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(conn)?;
        insert(conn, user_id, new_hash, now, expires_at)?;
        Ok(Ok(user))
    })?;
    match reused {
        Ok(user) => Ok(user),
        Err(user_id) => {
            tracing::warn!(
                user_id,
                "a spent refresh token was presented again; revoking all of the user's tokens"
            );
            revoke_all(conn, user_id, now)?;
            Err(StoreError::InvalidRefreshToken)
        }
    }
}

/// Revokes one token; unknown or already revoked tokens are left alone.
pub fn revoke(conn: &mut Conn, token_hash: &str, now: NaiveDateTime) -> StoreResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

pub fn revoke_all(conn: &mut Conn, user_id: i64, now: NaiveDateTime) -> StoreResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Forgets tokens that expired more than a day ago.
pub fn purge_expired(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(now - chrono::Duration::days(1))))
            .execute(conn)?,
    )
}
