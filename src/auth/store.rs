//! Every query on sessions: refresh tokens (stored as hashes), grouped by
//! the sign-in they belong to (`session_id`), and each user's session
//! version, which ends every session at once when it moves.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{refresh_tokens, users};
use crate::db::{write_tx, Conn, StoreError, StoreResult};

/// A refresh token to store: its hash, the session it belongs to, and until when.
pub struct NewToken<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub session_id: &'a str,
    pub expires_at: NaiveDateTime,
}

/// Stores the first refresh token of a new sign-in.
pub fn start_session(conn: &mut Conn, token: &NewToken<'_>, now: NaiveDateTime) -> StoreResult<()> {
    insert(conn, token, now)
}

fn insert(conn: &mut Conn, token: &NewToken<'_>, now: NaiveDateTime) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(token.user_id),
            refresh_tokens::token_hash.eq(token.token_hash),
            refresh_tokens::session_id.eq(token.session_id),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(token.expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// (id, user, session, expiry, revoked) of a refresh token.
type TokenRow = (i64, i64, String, NaiveDateTime, Option<NaiveDateTime>);

fn find_token(conn: &mut Conn, token_hash: &str) -> StoreResult<Option<TokenRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::user_id,
            refresh_tokens::session_id,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .first(conn)
        .optional()?)
}

/// Spends the refresh token `old_hash` and stores `new_hash` in its place,
/// in the same session: the user's id and the session. An unknown token is
/// refused before any write lock is taken. Presenting a token that was
/// already spent ends every session of its user: it means the token leaked
/// (refresh-token reuse detection).
pub fn rotate(
    conn: &mut Conn,
    old_hash: &str,
    new_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StoreResult<(i64, String)> {
    if find_token(conn, old_hash)?.is_none() {
        return Err(StoreError::InvalidRefreshToken);
    }
    let reused = write_tx(conn, |conn| -> StoreResult<Result<(i64, String), i64>> {
        let (id, user_id, session_id, token_expires, revoked) =
            find_token(conn, old_hash)?.ok_or(StoreError::InvalidRefreshToken)?;
        if revoked.is_some() {
            // Spent by a refresh while its session goes on: someone else
            // holds a copy. (A session that was ended, by logging out, is
            // just over.)
            if session_stands(conn, &session_id, now)? {
                return Ok(Err(user_id));
            }
            return Err(StoreError::InvalidRefreshToken);
        }
        if token_expires <= now {
            return Err(StoreError::InvalidRefreshToken);
        }
        diesel::update(refresh_tokens::table.find(id))
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(conn)?;
        let next = NewToken {
            user_id,
            token_hash: new_hash,
            session_id: &session_id,
            expires_at,
        };
        insert(conn, &next, now)?;
        Ok(Ok((user_id, session_id)))
    })?;
    match reused {
        Ok(found) => Ok(found),
        Err(user_id) => {
            tracing::warn!(
                user_id,
                "a spent refresh token was presented again; ending every session of the user"
            );
            end_all_sessions(conn, user_id, now)?;
            Err(StoreError::InvalidRefreshToken)
        }
    }
}

/// Ends the session a refresh token belongs to (logging out): its refresh
/// tokens are revoked, and access tokens issued for it are refused from now
/// on. Unknown or already revoked tokens are left alone.
pub fn end_session_of(conn: &mut Conn, token_hash: &str, now: NaiveDateTime) -> StoreResult<()> {
    let Some((_, _, session_id, _, _)) = find_token(conn, token_hash)? else {
        return Ok(());
    };
    end_session(conn, &session_id, now)
}

/// Ends one session by its id.
pub fn end_session(conn: &mut Conn, session_id: &str, now: NaiveDateTime) -> StoreResult<()> {
    write_tx(conn, |conn| {
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::session_id.eq(session_id))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
        Ok(())
    })
}

/// Ends every session of a user: every refresh token is revoked and the
/// session version moves, so every access token issued before is refused.
pub fn end_all_sessions(conn: &mut Conn, user_id: i64, now: NaiveDateTime) -> StoreResult<()> {
    write_tx(conn, |conn| {
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::user_id.eq(user_id))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
        diesel::update(users::table.find(user_id))
            .set(users::session_version.eq(users::session_version + 1))
            .execute(conn)?;
        Ok(())
    })
}

/// Gives a user a new password and ends every session of theirs but
/// `keep` (the one that asked), in one transaction: a password someone else
/// knew opens nothing from now on, and the owner stays signed in here.
pub fn change_password(
    conn: &mut Conn,
    user_id: i64,
    password_hash: &str,
    keep: &str,
    now: NaiveDateTime,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let changed = diesel::update(users::table.find(user_id))
            .set((users::password_hash.eq(password_hash), users::updated_at.eq(now)))
            .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::user_id.eq(user_id))
                .filter(refresh_tokens::session_id.ne(keep))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
        Ok(())
    })
}

/// Whether a session still stands: one of its refresh tokens is neither
/// revoked nor expired.
pub fn session_stands(conn: &mut Conn, session_id: &str, now: NaiveDateTime) -> StoreResult<bool> {
    let live: i64 = refresh_tokens::table
        .filter(refresh_tokens::session_id.eq(session_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(live > 0)
}

/// Forgets refresh tokens that expired (or were revoked) more than a day ago.
pub fn purge_expired(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<usize> {
    let cutoff = now - chrono::Duration::days(1);
    Ok(diesel::delete(
        refresh_tokens::table.filter(
            refresh_tokens::expires_at
                .lt(cutoff)
                .or(refresh_tokens::revoked_at.lt(cutoff)),
        ),
    )
    .execute(conn)?)
}
