//! What the API answers about media items.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Kind, Media};
use crate::clock::utc;

/// One stored file of an item, with its address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VariantView {
    /// `original`, or a width: `w320`, `w640`, `w1280`, `w1920`.
    pub name: String,
    pub url: String,
    #[serde(rename = "type")]
    pub mime_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Bytes.
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "kind": "image", "type": "image/jpeg", "url": "/media/7/original.jpg",
    "original_name": "hoi-nghi.jpg", "size": 2483117, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "width": 4000, "height": 3000, "duration_ms": null, "placeholder": "LEHV6nWB2yk8pyo0adR*.7kCMdnj", "color": "#8a7a6b",
    "alt": "Hội trường UBND thị xã", "caption": "Toàn cảnh hội nghị", "credit": "Cổng TTĐT thị xã Hồng Lĩnh",
    "variants": [{"name": "w320", "url": "/media/7/w320.webp", "type": "image/webp", "width": 320, "height": 240, "size": 14211}],
    "uploaded_by": 1, "created_at": "2026-11-30T08:00:00Z", "updated_at": "2026-11-30T08:00:00Z"}))]
pub struct MediaView {
    pub id: i64,
    pub kind: Kind,
    /// The type read from the file's content.
    #[serde(rename = "type")]
    pub mime_type: String,
    /// The file as uploaded (for a photo: upright, without its metadata).
    pub url: String,
    pub original_name: Option<String>,
    /// Bytes uploaded.
    pub size: i64,
    /// SHA-256 of the bytes uploaded: the same file uploaded again is this item.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// The length of a song, where the file tells it.
    pub duration_ms: Option<i64>,
    /// A photo's blurhash, to paint while it loads.
    pub placeholder: Option<String>,
    /// A photo's average colour (`#rrggbb`).
    pub color: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Every file of the item, smallest first; the original last.
    pub variants: Vec<VariantView>,
    /// The user who uploaded it (`null` for a key or a deleted user).
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn view(m: &Media) -> MediaView {
    let variants: Vec<VariantView> = m
        .variants()
        .into_iter()
        .map(|v| VariantView {
            url: v.path(m.id),
            mime_type: v.mime_type().into(),
            name: v.name.clone(),
            width: v.width,
            height: v.height,
            size: v.size,
        })
        .collect();
    MediaView {
        id: m.id,
        kind: Kind::parse(&m.kind).unwrap_or(Kind::Document),
        mime_type: m.mime_type.clone(),
        url: m.original_path(),
        original_name: m.original_name.clone(),
        size: m.size,
        sha256: m.sha256.clone(),
        width: m.width,
        height: m.height,
        duration_ms: m.duration_ms,
        placeholder: m.placeholder.clone(),
        color: m.color.clone(),
        alt: m.alt.clone(),
        caption: m.caption.clone(),
        credit: m.credit.clone(),
        variants,
        uploaded_by: m.uploaded_by,
        created_at: utc(m.created_at),
        updated_at: utc(m.updated_at),
    }
}
