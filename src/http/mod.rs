//! HTTP plumbing shared by every resource: errors, language, request
//! parsing, pagination, caching, authentication and client identity.

pub mod cache;
pub mod client;
pub mod error;
pub mod extract;
pub mod input;
pub mod lang;
pub mod messages;
pub mod pagination;
pub mod params;
pub mod patch;
pub mod rate_limit;
pub mod respond;
pub mod routes;
pub mod rules;
pub mod site;
pub mod versions;
pub mod visitor;

pub use error::{ApiError, FieldError, FieldIssue};
