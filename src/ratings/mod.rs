//! Ratings (đánh giá): 1–5 on an article, one live rating per visitor.

pub mod api;
pub mod input;
pub mod store;
