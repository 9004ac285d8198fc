//! Images other resources show (articles' cover and inline photos,
//! officials' portraits, organizations' logos, links' logos): a media item
//! of the library, or as before a bare URL. A reference to a media item is
//! completed when it is saved, with the item's address, size and variants
//! (files never change, so the copy stays true), and answered as stored.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Kind, Media};
use crate::db::schema::media;
use crate::db::{Conn, Reference, StoreError, StoreResult};
use crate::http::input::{check_declared_in, clean_optional};
use crate::http::{FieldError, FieldIssue};

/// An image as editors send it: `media_id` (an image of the media library)
/// or `url`, not both.
#[bantin_macros::constrained]
#[derive(Debug, Clone, Default, Deserialize, ToSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"media_id": 7, "caption": "Toàn cảnh hội nghị", "alt": "Hội trường UBND thị xã"}))]
pub struct ImageInput {
    /// An absolute http(s) URL or a path on this site starting with `/`.
    #[check(url)]
    pub url: Option<String>,
    /// An image of the media library.
    pub media_id: Option<i64>,
    /// Defaults to the media item's caption.
    #[check(chars(max = 500))]
    pub caption: Option<String>,
    /// Text for screen readers; defaults to the media item's.
    #[check(chars(max = 300))]
    pub alt: Option<String>,
}

/// A photo with its caption, as on the portal ("Chủ tịch UBMTTQ thị xã …
/// phát biểu tại hội nghị"). For a media item, its size and every variant
/// (for `srcset`); for a bare URL, `media_id`, `width` and `height` are
/// `null` and `variants` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"url": "/media/7/original.jpg", "caption": "Toàn cảnh hội nghị", "alt": null,
    "media_id": 7, "width": 4000, "height": 3000, "placeholder": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    "variants": [{"url": "/media/7/w320.webp", "type": "image/webp", "width": 320, "height": 240}]}))]
pub struct Image {
    /// The full-size image: an absolute URL, or a path on this site.
    pub url: String,
    pub caption: Option<String>,
    pub alt: Option<String>,
    #[serde(default)]
    pub media_id: Option<i64>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// A blurhash to show while the image loads.
    #[serde(default)]
    pub placeholder: Option<String>,
    /// Smaller copies, smallest first, WebP and JPEG for each width.
    #[serde(default)]
    #[schema(required = true)]
    pub variants: Vec<ImageVariant>,
}

/// One size of an image in one format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImageVariant {
    pub url: String,
    /// `image/webp` or `image/jpeg`.
    #[serde(rename = "type")]
    pub mime_type: String,
    pub width: u32,
    pub height: u32,
}

impl Image {
    /// An image known only by its address.
    pub fn of_url(url: String) -> Image {
        Image {
            url,
            caption: None,
            alt: None,
            media_id: None,
            width: None,
            height: None,
            placeholder: None,
            variants: Vec::new(),
        }
    }
}

/// Checks what an editor sent (`field` names it in errors) and keeps it,
/// unresolved, for the store to complete ([`resolve`]).
pub fn clean(errors: &mut Vec<FieldError>, field: &str, input: ImageInput) -> Image {
    match (&input.url, input.media_id) {
        (Some(_), Some(_)) => errors.push(FieldError::new(
            format!("{field}.media_id"),
            FieldIssue::Conflicting { other: "url" },
        )),
        (None, None) => errors.push(FieldError::new(format!("{field}.url"), FieldIssue::Required)),
        _ => {}
    }
    errors.extend(check_declared_in(field, &input, false));
    Image {
        caption: clean_optional(input.caption),
        alt: clean_optional(input.alt),
        url: input.url.unwrap_or_default(),
        media_id: input.media_id,
        width: None,
        height: None,
        placeholder: None,
        variants: Vec::new(),
    }
}

/// Completes an image that names a media item from the item (inside the
/// write transaction that saves it). A media item that does not exist, or
/// is not an image, is an unknown reference at `at`.
pub fn resolve(conn: &mut Conn, image: &mut Image, at: Reference) -> StoreResult<()> {
    let Some(id) = image.media_id else {
        return Ok(());
    };
    let item: Option<Media> = media::table
        .find(id)
        .select(Media::as_select())
        .first(conn)
        .optional()?;
    let item = item.ok_or_else(|| StoreError::unknown(at.clone()))?;
    if item.kind != Kind::Image.as_str() {
        return Err(StoreError::MediaKind(at, "image"));
    }
    let complete = of_media(&item);
    image.url = complete.url;
    image.width = complete.width;
    image.height = complete.height;
    image.placeholder = complete.placeholder;
    image.variants = complete.variants;
    if image.caption.is_none() {
        image.caption = complete.caption;
    }
    if image.alt.is_none() {
        image.alt = complete.alt;
    }
    Ok(())
}

/// A media item as an [`Image`].
pub fn of_media(item: &Media) -> Image {
    Image {
        url: item.original_path(),
        caption: item.caption.clone(),
        alt: item.alt.clone(),
        media_id: Some(item.id),
        width: item.width.map(|w| w as u32),
        height: item.height.map(|h| h as u32),
        placeholder: item.placeholder.clone(),
        variants: item
            .variants()
            .iter()
            .filter(|v| v.name != super::model::ORIGINAL)
            .map(|v| ImageVariant {
                url: v.path(item.id),
                mime_type: v.mime_type().into(),
                width: v.width.unwrap_or_default(),
                height: v.height.unwrap_or_default(),
            })
            .collect(),
    }
}

/// Resolves a stored JSON image column in place; the media id it uses.
pub fn resolve_column(conn: &mut Conn, column: &mut Option<String>, field: &'static str) -> StoreResult<Vec<i64>> {
    let Some(json) = column.as_deref() else {
        return Ok(Vec::new());
    };
    let mut image: Image = serde_json::from_str(json).map_err(|_| StoreError::Internal)?;
    resolve(conn, &mut image, Reference::field(field))?;
    *column = Some(serde_json::to_string(&image).map_err(|_| StoreError::Internal)?);
    Ok(image.media_id.into_iter().collect())
}

/// Resolves a stored JSON list of images in place; the media ids it uses.
pub fn resolve_list(conn: &mut Conn, column: &mut String, field: &'static str) -> StoreResult<Vec<i64>> {
    let mut images: Vec<Image> = serde_json::from_str(column).map_err(|_| StoreError::Internal)?;
    for (i, image) in images.iter_mut().enumerate() {
        resolve(conn, image, Reference::member(field, i, "media_id"))?;
    }
    *column = serde_json::to_string(&images).map_err(|_| StoreError::Internal)?;
    Ok(images.iter().filter_map(|i| i.media_id).collect())
}

/// An image column of a write (JSON text), as it will be answered.
pub fn read(json: Option<&str>) -> Option<Image> {
    json.and_then(|j| serde_json::from_str(j).ok())
}
