//! Every query on comments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::articles::stats;
use crate::db::schema::comments;
use crate::db::{Backend, Conn};
use crate::http::ApiError;

pub const STATUSES: &[&str] = &["pending", "approved", "rejected", "spam"];

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

pub fn find(conn: &mut Conn, id: i64) -> Result<Option<Comment>, ApiError> {
    Ok(comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
        .optional()?)
}

pub fn count_for_article(conn: &mut Conn, article_id: i64) -> Result<i64, ApiError> {
    Ok(comments::table
        .filter(comments::article_id.eq(article_id))
        .count()
        .get_result(conn)?)
}

pub fn is_duplicate(conn: &mut Conn, article_id: i64, body_hash: &str) -> Result<bool, ApiError> {
    let n: i64 = comments::table
        .filter(comments::article_id.eq(article_id))
        .filter(comments::body_hash.eq(body_hash))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut Conn, new: &NewComment) -> Result<Comment, ApiError> {
    Ok(crate::on_engine!(conn, c => diesel::insert_into(comments::table)
        .values(new)
        .returning(Comment::as_returning())
        .get_result(c))?)
}

/// Approved top-level comments of an article, oldest first, after `after_id`.
pub fn approved_threads(
    conn: &mut Conn,
    article_id: i64,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Comment>, ApiError> {
    let mut q = comments::table
        .select(Comment::as_select())
        .filter(comments::article_id.eq(article_id))
        .filter(comments::status.eq("approved"))
        .filter(comments::parent_id.is_null())
        .order(comments::id.asc())
        .limit(limit + 1)
        .into_boxed::<Backend>();
    if let Some(after) = after_id {
        q = q.filter(comments::id.gt(after));
    }
    Ok(q.load(conn)?)
}

/// Approved replies to the given comments, oldest first.
pub fn approved_replies(conn: &mut Conn, parent_ids: &[i64]) -> Result<Vec<Comment>, ApiError> {
    Ok(comments::table
        .select(Comment::as_select())
        .filter(comments::parent_id.eq_any(parent_ids))
        .filter(comments::status.eq("approved"))
        .order(comments::id.asc())
        .load(conn)?)
}

/// The moderation queue: comments with a status (newest first), optionally of one article.
pub fn queue(
    conn: &mut Conn,
    status: &str,
    article_id: Option<i64>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Comment>, ApiError> {
    let mut q = comments::table
        .select(Comment::as_select())
        .filter(comments::status.eq(status.to_string()))
        .order(comments::id.desc())
        .limit(limit + 1)
        .into_boxed::<Backend>();
    if let Some(article) = article_id {
        q = q.filter(comments::article_id.eq(article));
    }
    if let Some(before) = before_id {
        q = q.filter(comments::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// Changes a comment's status and keeps the article's count of approved
/// comments exact. Call inside a write transaction.
pub fn set_status(conn: &mut Conn, id: i64, status: &str, now: NaiveDateTime) -> Result<Comment, ApiError> {
    let comment: Comment = crate::on_engine!(conn, c => diesel::update(comments::table.find(id))
        .set((comments::status.eq(status), comments::updated_at.eq(now)))
        .returning(Comment::as_returning())
        .get_result(c))
    .optional()?
    .ok_or(ApiError::NotFound)?;
    stats::recount_comments(conn, comment.article_id)?;
    Ok(comment)
}

/// Deletes a comment and its replies. Call inside a write transaction.
pub fn delete(conn: &mut Conn, id: i64) -> Result<(), ApiError> {
    let comment = find(conn, id)?.ok_or(ApiError::NotFound)?;
    diesel::delete(comments::table.find(id)).execute(conn)?;
    stats::recount_comments(conn, comment.article_id)?;
    Ok(())
}

/// What the same text twice on an article is recognised by: SHA-256 of the
/// folded body (case, tone marks and NFC/NFD do not make it new).
pub fn body_hash(body: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(crate::text::fold(body).as_bytes()))
}
