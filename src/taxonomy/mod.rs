//! Categories (chuyên mục) and tags (thẻ): the same shape, two tables, one
//! implementation. An article has at most one category and any number of tags.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
