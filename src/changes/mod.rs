//! The change log: every change to a public resource, numbered in commit
//! order and written in the same transaction as the change. Delta sync
//! (`GET /api/v1/changes`), the audit trail (`?include=actor`), webhooks
//! and item versions (`ETag`/`If-Match`) are all read from it.
//!
//! Each row says how editors saw the change (`op`: the item is there with
//! its data, or gone) and what the public saw (`event`: published, updated,
//! unpublished, deleted, …; nothing when the item was hidden before and
//! after, a draft edited, say).

pub mod api;
pub mod dependents;
pub mod input;
pub mod model;
pub mod store;
pub mod views;

pub use model::{Actor, Event, Kind, Op, Stamp, Touched};
