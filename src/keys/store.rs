//! Every query on API keys and their use.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::model::{ApiKey, KeyChanges, NewKey};
use crate::db::schema::{api_key_usage, api_keys};
use crate::db::{write_tx, Conn, StoreError, StoreResult};

pub fn create(conn: &mut Conn, new: &NewKey) -> StoreResult<ApiKey> {
    write_tx(conn, |conn| {
        Ok(crate::on_engine!(conn, c => diesel::insert_into(api_keys::table)
            .values(new)
            .returning(ApiKey::as_returning())
            .get_result(c))?)
    })
}

pub fn find(conn: &mut Conn, id: i64) -> StoreResult<Option<ApiKey>> {
    Ok(api_keys::table
        .find(id)
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?)
}

/// The key whose secret hashes to `hash`, whether or not it is active.
pub fn find_by_hash(conn: &mut Conn, hash: &str) -> StoreResult<Option<ApiKey>> {
    Ok(api_keys::table
        .filter(api_keys::secret_hash.eq(hash))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?)
}

/// Keys in creation order, after `after_id`, and how many there are.
pub fn list(conn: &mut Conn, after_id: Option<i64>, limit: i64) -> StoreResult<(Vec<ApiKey>, i64)> {
    let mut q = api_keys::table
        .select(ApiKey::as_select())
        .order(api_keys::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(api_keys::id.gt(after));
    }
    let rows = q.load(conn)?;
    let total = api_keys::table.count().get_result(conn)?;
    Ok((rows, total))
}

/// Names of keys, for the audit trail.
pub fn names(conn: &mut Conn, ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
    Ok(api_keys::table
        .filter(api_keys::id.eq_any(ids))
        .select((api_keys::id, api_keys::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn update(conn: &mut Conn, id: i64, changes: &KeyChanges) -> StoreResult<ApiKey> {
    write_tx(conn, |conn| {
        find(conn, id)?.ok_or(StoreError::NotFound)?;
        if changes.name.is_none()
            && changes.scopes.is_none()
            && changes.allowed_origins.is_none()
            && changes.requests_per_minute.is_none()
            && changes.expires_at.is_none()
        {
            return find(conn, id)?.ok_or(StoreError::NotFound);
        }
        Ok(crate::on_engine!(conn, c => diesel::update(api_keys::table.find(id))
            .set(changes)
            .returning(ApiKey::as_returning())
            .get_result(c))?)
    })
}

/// Revokes a key at once (kept, so the changes it made stay attributed).
/// Revoking a revoked key changes nothing.
pub fn revoke(conn: &mut Conn, id: i64, now: NaiveDateTime) -> StoreResult<ApiKey> {
    write_tx(conn, |conn| {
        let key = find(conn, id)?.ok_or(StoreError::NotFound)?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        Ok(crate::on_engine!(conn, c => diesel::update(api_keys::table.find(id))
            .set(api_keys::revoked_at.eq(Some(now)))
            .returning(ApiKey::as_returning())
            .get_result(c))?)
    })
}

/// Deletes a key and its counts; the changes it made keep its id.
pub fn delete(conn: &mut Conn, id: i64) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let n = diesel::delete(api_keys::table.find(id)).execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    })
}

/// Adds requests counted in memory to each key's count for `now`'s day
/// (UTC) and marks the keys used. Keys deleted meanwhile are skipped.
pub fn add_usage(conn: &mut Conn, counts: &HashMap<i64, i64>, now: NaiveDateTime) -> StoreResult<()> {
    let day = now.date();
    write_tx(conn, |conn| {
        let ids: Vec<i64> = counts.keys().copied().collect();
        let existing: Vec<i64> = api_keys::table
            .filter(api_keys::id.eq_any(&ids))
            .select(api_keys::id)
            .load(conn)?;
        for id in existing {
            let n = counts[&id];
            crate::on_engine!(conn, c => diesel::insert_into(api_key_usage::table)
                .values((api_key_usage::key_id.eq(id), api_key_usage::day.eq(day), api_key_usage::requests.eq(n)))
                .on_conflict((api_key_usage::key_id, api_key_usage::day))
                .do_update()
                .set(api_key_usage::requests.eq(api_key_usage::requests + excluded(api_key_usage::requests)))
                .execute(c))?;
        }
        diesel::update(api_keys::table.filter(api_keys::id.eq_any(&ids)))
            .set(api_keys::last_used_at.eq(Some(now)))
            .execute(conn)?;
        Ok(())
    })
}

/// A key's requests per day (UTC), from `since` on, oldest first.
pub fn usage(conn: &mut Conn, id: i64, since: NaiveDate) -> StoreResult<Vec<(NaiveDate, i64)>> {
    Ok(api_key_usage::table
        .filter(api_key_usage::key_id.eq(id))
        .filter(api_key_usage::day.ge(since))
        .order(api_key_usage::day.asc())
        .select((api_key_usage::day, api_key_usage::requests))
        .load(conn)?)
}
