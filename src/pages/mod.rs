//! Standing pages (giới thiệu chung, lịch sử, bản đồ hành chính, …): the
//! portal's menu tree of content that is not news, in Vietnamese and
//! English, with an optional map.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
