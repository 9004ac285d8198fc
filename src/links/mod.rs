//! Blocks of links ("Liên kết website", "Cơ quan cấp trên"): named groups of
//! external links, each with an optional logo from the media library.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
