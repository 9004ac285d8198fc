//! Logging in: password hashes, access and refresh tokens, and the endpoints.

pub mod api;
pub mod input;
pub mod password;
pub mod store;
pub mod tokens;
pub mod views;
