//! Playlists ("Các ca khúc hay về Hồng Lĩnh"): ordered songs, each an audio
//! file of the media library with its title, composer and performer.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
