//! Which items show which media: every store that refers to media sets its
//! item's uses when it saves it and clears them when it deletes it, in the
//! same transaction; deleting a media item reads them.

use diesel::prelude::*;

use crate::changes::Kind;
use crate::db::schema::media_uses;
use crate::db::{Conn, StoreResult};

/// The media `owner` uses now (replacing what it used before).
pub fn set(conn: &mut Conn, kind: Kind, owner: i64, media: &[i64]) -> StoreResult<()> {
    clear(conn, kind, owner)?;
    let mut ids = media.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            (
                media_uses::media_id.eq(*id),
                media_uses::owner_kind.eq(kind.as_str()),
                media_uses::owner_id.eq(owner),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::on_engine!(conn, c => diesel::insert_into(media_uses::table).values(rows).execute(c))?;
    }
    Ok(())
}

/// `owner` is gone: it uses nothing.
pub fn clear(conn: &mut Conn, kind: Kind, owner: i64) -> StoreResult<()> {
    diesel::delete(
        media_uses::table
            .filter(media_uses::owner_kind.eq(kind.as_str()))
            .filter(media_uses::owner_id.eq(owner)),
    )
    .execute(conn)?;
    Ok(())
}

/// What uses media item `id`: `articles/12`, `playlists/2`, … (at most 20).
pub fn users(conn: &mut Conn, id: i64) -> StoreResult<Vec<String>> {
    let rows: Vec<(String, i64)> = media_uses::table
        .filter(media_uses::media_id.eq(id))
        .select((media_uses::owner_kind, media_uses::owner_id))
        .order((media_uses::owner_kind, media_uses::owner_id))
        .limit(20)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kind, owner)| format!("{kind}/{owner}"))
        .collect())
}
