//! Every query on playlists.

use diesel::prelude::*;

use super::model::{Playlist, PlaylistData, Track};
use crate::changes::{self, Stamp, Touched};
use crate::db::schema::playlists;
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Reference, StoreError, StoreResult};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Playlist>> {
    let q = playlists::table.select(Playlist::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(playlists::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(playlists::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Playlist>> {
    Ok(playlists::table
        .select(Playlist::as_select())
        .filter(playlists::id.eq_any(ids))
        .load(conn)?)
}

/// Every group in order (`position`, then id).
pub fn all(conn: &mut Conn) -> StoreResult<Vec<Playlist>> {
    Ok(playlists::table
        .select(Playlist::as_select())
        .order((playlists::position.asc(), playlists::id.asc()))
        .load(conn)?)
}

pub fn save(conn: &mut Conn, current: Option<&Playlist>, mut data: PlaylistData, stamp: &Stamp) -> StoreResult<i64> {
    let mut tracks: Vec<Track> = serde_json::from_str(&data.tracks).map_err(|_| StoreError::Internal)?;
    let ids: Vec<i64> = tracks.iter().map(|t| t.media_id).collect();
    let found = crate::media::store::find_many(conn, &ids)?;
    let mut unknown = Vec::new();
    for (i, track) in tracks.iter_mut().enumerate() {
        let at = Reference::member("tracks", i, "media_id");
        let Some(item) = found.iter().find(|m| m.id == track.media_id) else {
            unknown.push(at);
            continue;
        };
        if item.kind != crate::media::model::Kind::Audio.as_str() {
            return Err(StoreError::MediaKind(at, "audio"));
        }
        track.url = item.original_path();
        track.mime_type = item.mime_type.clone();
        track.duration_ms = item.duration_ms;
        track.size = item.size;
    }
    if !unknown.is_empty() {
        return Err(StoreError::UnknownReferences(unknown));
    }
    data.tracks = serde_json::to_string(&tracks).map_err(|_| StoreError::Internal)?;
    let used = ids;
    slug::fill(conn, SlugTable::Playlists, &mut data.slug, &data.title)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Playlists, before, &data.slug, stamp.at, |conn, id| {
        crate::upsert!(conn, id, playlists, &data, (&data, playlists::created_at.eq(stamp.at)))
    })?;
    crate::media::uses::set(conn, changes::Kind::Playlists, id, &used)?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Playlists, touched)?;
    Ok(id)
}

pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let list = find(conn, key)?.ok_or(StoreError::NotFound)?;
        diesel::delete(playlists::table.find(list.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Playlists, list.id)?;
        crate::media::uses::clear(conn, changes::Kind::Playlists, list.id)?;
        let gone = Touched::delete(list.id, Some(list.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Playlists, gone)
    })
}
