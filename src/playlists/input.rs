//! What editors send about playlists.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{Playlist, PlaylistData, Track};
use crate::http::input::{check_slug, finish, set_text, text};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInput {
    /// An audio file (MP3, M4A) of the media library.
    pub media_id: i64,
    pub title: String,
    pub composer: Option<String>,
    pub performer: Option<String>,
}

/// `POST` (title required) and `PATCH` (only the fields sent; `null` clears).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Các ca khúc hay về Hồng Lĩnh",
    "tracks": [{"media_id": 21, "title": "Hồng Lĩnh quê tôi", "composer": "Nguyễn Văn Tý", "performer": "Thu Hiền"}]}))]
pub struct PlaylistInput {
    pub title: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Order among playlists (lower first).
    pub position: Option<i32>,
    /// The songs in order; replaces the list. At most 200.
    pub tracks: Option<Vec<TrackInput>>,
}

pub fn apply(input: PlaylistInput, current: Option<&Playlist>, now: NaiveDateTime) -> Result<PlaylistData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| PlaylistData::new(now), PlaylistData::from);
    let mut errors: Vec<FieldError> = Vec::new();
    match input.title {
        Some(title) => data.title = text(&mut errors, "title", &title, 1, 300),
        None if creating => errors.push(FieldError::new("title", FieldIssue::Required)),
        None => {}
    }
    check_slug(&mut errors, "slug", &input.slug);
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    set_text(
        &mut errors,
        "description",
        input.description,
        2000,
        &mut data.description,
    );
    if let Some(position) = input.position {
        data.position = position;
    }
    if let Some(tracks) = input.tracks {
        if tracks.len() > 200 {
            errors.push(FieldError::new("tracks", FieldIssue::Length { min: 0, max: 200 }));
        }
        let tracks: Vec<Track> = tracks
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let mut optional = |name: &str, raw: Option<String>| {
                    raw.map(|raw| text(&mut errors, &format!("tracks[{i}].{name}"), &raw, 0, 200))
                        .filter(|t| !t.is_empty())
                };
                let (composer, performer) = (optional("composer", t.composer), optional("performer", t.performer));
                Track {
                    media_id: t.media_id,
                    title: text(&mut errors, &format!("tracks[{i}].title"), &t.title, 1, 300),
                    composer,
                    performer,
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
