//! Every query on media items.

use diesel::prelude::*;

use super::model::{Media, MediaText, NewMedia};
use crate::changes::{self, Stamp, Touched};
use crate::db::schema::media;
use crate::db::{write_tx, Backend, Conn, StoreError, StoreResult};

pub fn find(conn: &mut Conn, id: i64) -> StoreResult<Option<Media>> {
    Ok(media::table
        .find(id)
        .select(Media::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Media>> {
    Ok(media::table
        .select(Media::as_select())
        .filter(media::id.eq_any(ids))
        .load(conn)?)
}

pub fn find_by_hash(conn: &mut Conn, sha256: &str) -> StoreResult<Option<Media>> {
    Ok(media::table
        .select(Media::as_select())
        .filter(media::sha256.eq(sha256))
        .first(conn)
        .optional()?)
}

/// Newest first: up to `limit` items of `kind` with an id below `before`.
/// Newest first, of `kind`, changed at or after `since`, before the id `before`.
pub fn list(
    conn: &mut Conn,
    kind: Option<&str>,
    since: Option<chrono::NaiveDateTime>,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Media>> {
    let mut q = media::table
        .select(Media::as_select())
        .order(media::id.desc())
        .limit(limit)
        .into_boxed::<Backend>();
    if let Some(kind) = kind {
        q = q.filter(media::kind.eq(kind.to_string()));
    }
    if let Some(since) = since {
        q = q.filter(media::updated_at.ge(since));
    }
    if let Some(before) = before {
        q = q.filter(media::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// Stores a new item, or finds the one with the same bytes (uploaded
/// meanwhile by someone else): its id and whether it is new.
pub fn create(conn: &mut Conn, item: NewMedia, stamp: &Stamp) -> StoreResult<(i64, bool)> {
    write_tx(conn, |conn| {
        if let Some(existing) = find_by_hash(conn, &item.sha256)? {
            return Ok((existing.id, false));
        }
        let id: i64 = diesel::insert_into(media::table)
            .values(&item)
            .returning(media::id)
            .get_result(conn)?;
        changes::store::record_one(
            conn,
            stamp,
            changes::Kind::Media,
            Touched::upsert(id, None, false, true),
        )?;
        Ok((id, true))
    })
}

/// Changes an item's words (alt, caption, credit).
pub fn update<E: From<StoreError>>(
    conn: &mut Conn,
    id: i64,
    stamp: &Stamp,
    change: impl FnOnce(&Media) -> Result<MediaText, E>,
) -> Result<(), E> {
    write_tx(conn, |conn| {
        let current = find(conn, id)?.ok_or(StoreError::NotFound)?;
        let text = change(&current)?;
        diesel::update(media::table.find(id))
            .set(&text)
            .execute(conn)
            .map_err(StoreError::from)?;
        changes::store::record_one(conn, stamp, changes::Kind::Media, Touched::upsert(id, None, true, true))?;
        Ok(())
    })
}

/// Deletes an item nothing shows (else `MediaInUse` naming what does); the
/// item as it was, so its files can go.
pub fn delete(conn: &mut Conn, id: i64, stamp: &Stamp) -> StoreResult<Media> {
    write_tx(conn, |conn| {
        let item = find(conn, id)?.ok_or(StoreError::NotFound)?;
        let users = super::uses::users(conn, id)?;
        if !users.is_empty() {
            return Err(StoreError::MediaInUse(users));
        }
        diesel::delete(media::table.find(id)).execute(conn)?;
        changes::store::record_one(conn, stamp, changes::Kind::Media, Touched::delete(id, None, true))?;
        Ok(item)
    })
}

/// Stores a file from outside a request (the demo's songs): checked, made
/// ready and written as an upload is; the item's id (an existing one for
/// the same bytes). Blocking; inside the caller's transaction.
pub fn ingest_blocking(
    conn: &mut Conn,
    files: &super::files::MediaFiles,
    bytes: &[u8],
    name: &str,
    stamp: &Stamp,
) -> Result<i64, String> {
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(bytes));
    if let Some(existing) = find_by_hash(conn, &sha256).map_err(|e| e.to_string())? {
        return Ok(existing.id);
    }
    let sniffed = super::process::sniff(bytes).ok_or("not an allowed type")?;
    let done = super::process::process(bytes, sniffed, 50_000_000).map_err(|r| format!("{r:?}"))?;
    let item = done.row(
        sha256.clone(),
        bytes.len(),
        Some(name.to_string()),
        [None, None, None],
        stamp,
    );
    for (variant, data) in done.files {
        files
            .put_blocking(&variant.object_key(&sha256), data)
            .map_err(|e| e.to_string())?;
    }
    create(conn, item, stamp).map(|(id, _)| id).map_err(|e| e.to_string())
}
