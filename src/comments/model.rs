//! Comments as stored, and their closed set of statuses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::comments;

crate::text_enum! {
    /// Where a comment stands: waiting, public, turned down, or spam.
    pub enum CommentStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
        Spam = "spam",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub body_hash: String,
    pub status: String,
    pub client_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub body_hash: String,
    pub status: String,
    pub client_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
