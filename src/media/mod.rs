//! The media library: files editors upload (photos, songs, documents), the
//! sizes made of every photo, where the bytes are kept (a directory or an
//! S3-compatible bucket) and how they are served (`/media/{id}/{variant}.{ext}`,
//! immutable, with `Range`). Other resources refer to media by id
//! ([`refs`]); [`uses`] remembers who does, so a used file is not deleted.

pub mod api;
pub mod files;
pub mod input;
pub mod model;
pub mod process;
pub mod refs;
pub mod serve;
pub mod store;
pub mod uses;
pub mod views;
