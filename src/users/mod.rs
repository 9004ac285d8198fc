//! Accounts of the people who run a portal, and their roles.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
