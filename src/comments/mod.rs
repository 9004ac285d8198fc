//! Comments (bình luận): anonymous, verified by a challenge, moderated
//! before they are public, threaded two levels deep.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
