//! What editors send about playlists.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{Playlist, PlaylistData, Track};
use crate::http::input::{check_declared, check_declared_in, clean_optional, clean_text, finish};
use crate::http::patch::nullable;
use crate::http::ApiError;

#[bantin_macros::constrained]
#[derive(Debug, Clone, Deserialize, ToSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrackInput {
    /// An audio file (MP3, M4A) of the media library.
    pub media_id: i64,
    #[check(chars(min = 1, max = 300), not_blank)]
    pub title: String,
    #[check(chars(max = 200))]
    pub composer: Option<String>,
    #[check(chars(max = 200))]
    pub performer: Option<String>,
}

/// `POST` (title required) and `PATCH` (only the fields sent; `null` clears).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Các ca khúc hay về Hồng Lĩnh",
    "tracks": [{"media_id": 21, "title": "Hồng Lĩnh quê tôi", "composer": "Nguyễn Văn Tý", "performer": "Thu Hiền"}]}))]
pub struct PlaylistInput {
    #[check(chars(min = 1, max = 300), not_blank, required_on_create)]
    pub title: Option<String>,
    #[check(slug)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 2000))]
    pub description: Option<Option<String>>,
    /// Order among playlists (lower first).
    pub position: Option<i32>,
    /// The songs in order; replaces the list. At most 200.
    #[check(items(max = 200))]
    pub tracks: Option<Vec<TrackInput>>,
}

pub fn apply(input: PlaylistInput, current: Option<&Playlist>, now: NaiveDateTime) -> Result<PlaylistData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| PlaylistData::new(now), PlaylistData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(title) = input.title {
        data.title = clean_text(&title);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    if let Some(description) = input.description {
        data.description = clean_optional(description);
    }
    if let Some(position) = input.position {
        data.position = position;
    }
    if let Some(tracks) = input.tracks {
        let tracks: Vec<Track> = tracks
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                errors.extend(check_declared_in(&format!("tracks[{i}]"), &t, false));
                Track {
                    media_id: t.media_id,
                    title: clean_text(&t.title),
                    composer: clean_optional(t.composer),
                    performer: clean_optional(t.performer),
                    url: String::new(),
                    mime_type: String::new(),
                    duration_ms: None,
                    size: 0,
                }
            })
            .collect();
        data.tracks = serde_json::to_string(&tracks).unwrap_or_else(|_| "[]".into());
    }
    data.updated_at = now;
    finish(errors)?;
    Ok(data)
}
