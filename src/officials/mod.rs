//! Officials (cán bộ lãnh đạo) and the positions they hold over time.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
