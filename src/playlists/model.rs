use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::json::Json;
use crate::db::schema::playlists;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = playlists)]
pub struct Playlist {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub position: i32,
    #[diesel(deserialize_as = String)]
    pub tracks: Json<Vec<Track>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = playlists, treat_none_as_null = true)]
pub struct PlaylistData {
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub position: i32,
    pub tracks: String,
    pub updated_at: NaiveDateTime,
}

impl PlaylistData {
    pub fn new(now: NaiveDateTime) -> Self {
        PlaylistData {
            slug: String::new(),
            title: String::new(),
            description: None,
            position: 0,
            tracks: "[]".into(),
            updated_at: now,
        }
    }
}

impl From<&Playlist> for PlaylistData {
    fn from(p: &Playlist) -> Self {
        PlaylistData {
            slug: p.slug.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            position: p.position,
            tracks: p.tracks.text(),
            updated_at: p.updated_at,
        }
    }
}

/// A song of a playlist, as stored and answered: completed from its media
/// item when saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"media_id": 21, "title": "Hồng Lĩnh quê tôi", "composer": "Nguyễn Văn Tý", "performer": "Thu Hiền",
    "url": "/media/21/original.mp3", "type": "audio/mpeg", "duration_ms": 245000, "size": 3921408}))]
pub struct Track {
    pub media_id: i64,
    pub title: String,
    pub composer: Option<String>,
    pub performer: Option<String>,
    #[serde(default)]
    pub url: String,
    #[serde(default, rename = "type")]
    pub mime_type: String,
    #[serde(default)]
    pub duration_ms: Option<i64>,
    /// Bytes.
    #[serde(default)]
    pub size: i64,
}
