//! What a request needs of the application, above the HTTP plumbing of
//! `http/` (which imports no resource): who is asking (the key gate and the
//! `Auth` extractor, which know users, sessions and keys), reading and
//! writing items against the change log (`reader`, `editable`), and the
//! response cache that follows the change log.

pub mod admin;
pub mod auth;
pub mod editable;
pub mod gate;
pub mod reader;
pub mod response_cache;
