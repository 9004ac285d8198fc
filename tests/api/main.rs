//! Every integration test, in one binary: the real app over HTTP on a real
//! database (SQLite, and PostgreSQL when it can be reached), one module per
//! resource, as zero-to-production lays them out. One binary links the
//! bundled SQLite, libpq and OpenSSL once.

#[macro_use]
mod helpers;

mod architecture;
mod articles;
mod auth;
mod backup;
mod cache;
mod changes;
mod cli;
mod clients;
mod demo;
mod directory;
mod engagement;
mod events;
mod feeds;
mod files;
mod http;
mod instances;
mod keys;
mod listing;
mod media;
mod metrics;
mod openapi;
mod portal;
mod resilience;
mod schema;
mod search;
mod security;
mod taxonomy;
mod transfer;
mod users;
mod webhooks;
