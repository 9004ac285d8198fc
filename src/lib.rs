//! bantin: a headless JSON/REST content API for Vietnamese municipal news
//! portals. `main.rs` (the CLI) and the tests both build the app from here.

pub mod articles;
pub mod auth;
pub mod bench;
pub mod cache;
pub mod challenges;
pub mod changes;
pub mod clock;
pub mod comments;
pub mod config;
pub mod db;
pub mod demo;
pub mod events;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod jobs;
pub mod keys;
pub mod officials;
pub mod openapi;
pub mod organizations;
pub mod ratings;
pub mod search;
pub mod startup;
pub mod state;
pub mod stats;
pub mod taxonomy;
pub mod telemetry;
pub mod text;
pub mod transfer;
pub mod users;
pub mod webhooks;
