//! What the API answers about playlists.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Playlist, Track};
use crate::clock::utc;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "cac-ca-khuc-hay-ve-hong-linh", "title": "Các ca khúc hay về Hồng Lĩnh",
    "description": null, "position": 1,
    "tracks": [{"media_id": 21, "title": "Hồng Lĩnh quê tôi", "composer": "Nguyễn Văn Tý", "performer": "Thu Hiền",
        "url": "/media/21/original.mp3", "type": "audio/mpeg", "duration_ms": 245000, "size": 3921408}],
    "created_at": "2026-11-30T08:00:00Z", "updated_at": "2026-11-30T08:00:00Z"}))]
pub struct PlaylistView {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub position: i32,
    pub tracks: Vec<Track>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn view(p: &Playlist) -> PlaylistView {
    PlaylistView {
        id: p.id,
        slug: p.slug.clone(),
        title: p.title.clone(),
        description: p.description.clone(),
        position: p.position,
        tracks: p.tracks.0.clone(),
        created_at: utc(p.created_at),
        updated_at: utc(p.updated_at),
    }
}
