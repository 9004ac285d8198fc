//! Articles (tin bài): the core resource.

pub mod api;
pub mod include;
pub mod input;
pub mod model;
pub mod print;
pub mod query;
pub mod refs;
pub mod stats;
pub mod store;
pub mod views;
