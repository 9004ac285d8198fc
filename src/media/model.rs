use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::json::Json;
use crate::db::schema::media;

crate::text_enum! {
    /// What a media item is for: a photo, a song (audio), or a document file.
    #[schema(as = MediaKind)]
    pub enum Kind {
        Image = "image",
        Audio = "audio",
        Document = "document",
    }
}

/// The name of the variant that is the file as uploaded.
pub const ORIGINAL: &str = "original";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media)]
pub struct Media {
    pub id: i64,
    pub kind: String,
    pub mime_type: String,
    pub extension: String,
    pub sha256: String,
    pub size: i64,
    pub original_name: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    pub placeholder: Option<String>,
    pub color: Option<String>,
    #[diesel(deserialize_as = String)]
    pub variants: Json<Vec<Variant>>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub uploaded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Media {
    pub fn variants(&self) -> Vec<Variant> {
        self.variants.0.clone()
    }

    /// The address of the file as uploaded (for a photo: upright, without
    /// its metadata).
    pub fn original_path(&self) -> String {
        self.variants()
            .iter()
            .find(|v| v.name == ORIGINAL)
            .map(|v| v.path(self.id))
            .unwrap_or_default()
    }

    /// The variant a request names (`w640`, `webp`), if the item has it.
    pub fn variant(&self, name: &str, extension: &str) -> Option<Variant> {
        self.variants()
            .into_iter()
            .find(|v| v.name == name && v.extension() == extension)
    }
}

/// A new item's columns.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media)]
pub struct NewMedia {
    pub kind: String,
    pub mime_type: String,
    pub extension: String,
    pub sha256: String,
    pub size: i64,
    pub original_name: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    pub placeholder: Option<String>,
    pub color: Option<String>,
    pub variants: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub uploaded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What editors change after an upload: the words, never the bytes.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = media, treat_none_as_null = true)]
pub struct MediaText {
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl From<&Media> for MediaText {
    fn from(m: &Media) -> Self {
        MediaText {
            alt: m.alt.clone(),
            caption: m.caption.clone(),
            credit: m.credit.clone(),
            updated_at: m.updated_at,
        }
    }
}

/// One stored file of an item: `original` (for a photo, re-encoded upright
/// without its metadata) or a width (`w320` … `w1920`) in one format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    /// `jpeg`, `webp`, `png`, `gif`, `mp3`, `m4a`, `pdf`, `docx`, `xlsx`, `odt`.
    pub format: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub size: u64,
}

impl Variant {
    /// The file name's extension: the format, with `jpeg` written `jpg`.
    pub fn extension(&self) -> &str {
        match self.format.as_str() {
            "jpeg" => "jpg",
            other => other,
        }
    }

    /// Where the bytes are in the store: under the content's hash, so two
    /// instances uploading the same file write the same objects.
    pub fn object_key(&self, sha256: &str) -> String {
        format!("{}/{}/{}.{}", &sha256[..2], sha256, self.name, self.extension())
    }

    /// Its public address.
    pub fn path(&self, id: i64) -> String {
        format!("/media/{id}/{}.{}", self.name, self.extension())
    }

    pub fn mime_type(&self) -> &'static str {
        mime_of(&self.format)
    }
}

/// Every stored format ([`mime_of`] gives each its `Content-Type`).
pub const FORMATS: [&str; 11] = [
    "jpeg", "png", "webp", "gif", "mp3", "m4a", "pdf", "docx", "xlsx", "odt", "other",
];

/// The `Content-Type` of a stored format.
pub fn mime_of(format: &str) -> &'static str {
    match format {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        _ => "application/octet-stream",
    }
}
