//! Every query on comments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Comment, CommentStatus, NewComment};
use crate::articles::stats;
use crate::db::schema::comments;
use crate::db::{write_tx, Backend, Conn, Narrow, StoreError, StoreResult};

pub fn find(conn: &mut Conn, id: i64) -> StoreResult<Option<Comment>> {
    Ok(comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
        .optional()?)
}

pub fn count_for_article(conn: &mut Conn, article_id: i64) -> StoreResult<i64> {
    Ok(comments::table
        .filter(comments::article_id.eq(article_id))
        .count()
        .get_result(conn)?)
}

fn is_duplicate(conn: &mut Conn, article_id: i64, body_hash: &str) -> StoreResult<bool> {
    let n: i64 = comments::table
        .filter(comments::article_id.eq(article_id))
        .filter(comments::body_hash.eq(body_hash))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut Conn, new: &NewComment) -> StoreResult<Comment> {
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
) -> StoreResult<Vec<Comment>> {
    let mut q = comments::table
        .select(Comment::as_select())
        .filter(comments::article_id.eq(article_id))
        .filter(comments::status.eq(CommentStatus::Approved.as_str()))
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
pub fn approved_replies(conn: &mut Conn, parent_ids: &[i64]) -> StoreResult<Vec<Comment>> {
    Ok(comments::table
        .select(Comment::as_select())
        .filter(comments::parent_id.eq_any(parent_ids))
        .filter(comments::status.eq(CommentStatus::Approved.as_str()))
        .order(comments::id.asc())
        .load(conn)?)
}

/// The moderation queue: comments with a status (newest first), optionally of one article.
pub fn queue(
    conn: &mut Conn,
    status: CommentStatus,
    article: Option<Narrow>,
    before_id: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Comment>> {
    let mut q = comments::table
        .select(Comment::as_select())
        .filter(comments::status.eq(status.as_str()))
        .order(comments::id.desc())
        .limit(limit + 1)
        .into_boxed::<Backend>();
    match article {
        None => {}
        Some(Narrow::To(article)) => q = q.filter(comments::article_id.eq(article)),
        Some(Narrow::ToNothing) => return Ok(Vec::new()),
    }
    if let Some(before) = before_id {
        q = q.filter(comments::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// Changes a comment's status and keeps the article's count of approved
/// comments exact.
pub fn set_status(conn: &mut Conn, id: i64, status: CommentStatus, now: NaiveDateTime) -> StoreResult<Comment> {
    write_tx(conn, |conn| {
        let comment: Comment = crate::on_engine!(conn, c => diesel::update(comments::table.find(id))
            .set((comments::status.eq(status.as_str()), comments::updated_at.eq(now)))
            .returning(Comment::as_returning())
            .get_result(c))
        .optional()?
        .ok_or(StoreError::NotFound)?;
        stats::recount_comments(conn, comment.article_id)?;
        Ok(comment)
    })
}

/// Deletes a comment and its replies.
pub fn delete(conn: &mut Conn, id: i64) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let comment = find(conn, id)?.ok_or(StoreError::NotFound)?;
        diesel::delete(comments::table.find(id)).execute(conn)?;
        stats::recount_comments(conn, comment.article_id)
    })
}

/// Stores a new comment on `article_id`: a reply only to an approved
/// top-level comment of the same article, and never the same text twice.
pub fn post(conn: &mut Conn, new: &NewComment) -> StoreResult<Comment> {
    write_tx(conn, |conn| {
        if let Some(parent_id) = new.parent_id {
            let parent = find(conn, parent_id)?;
            let acceptable = parent.is_some_and(|p| {
                p.article_id == new.article_id && p.status == CommentStatus::Approved.as_str() && p.parent_id.is_none()
            });
            if !acceptable {
                return Err(StoreError::unknown(crate::db::Reference::field("parent_id")));
            }
        }
        if is_duplicate(conn, new.article_id, &new.body_hash)? {
            return Err(StoreError::DuplicateComment);
        }
        insert(conn, new)
    })
}

/// What the same text twice on an article is recognised by: SHA-256 of the
/// folded body (case, tone marks and NFC/NFD do not make it new).
pub fn body_hash(body: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(crate::text::fold(body).as_bytes()))
}

/// Forgets commenters' e-mail addresses on comments older than `before`
/// (kept only as long as configured). How many were erased.
pub fn erase_old_emails(conn: &mut Conn, before: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        comments::table
            .filter(comments::created_at.lt(before))
            .filter(comments::author_email.ne("")),
    )
    .set(comments::author_email.eq(""))
    .execute(conn)?)
}

/// Erases one person's comments, found by their e-mail address (a request
/// under Decree 13/2023/NĐ-CP): the comments and the replies to them go,
/// and the articles' counts follow. How many comments were erased.
pub fn erase_author(conn: &mut Conn, email: &str) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        let theirs: Vec<(i64, i64)> = comments::table
            .filter(comments::author_email.eq(email))
            .select((comments::id, comments::article_id))
            .load(conn)?;
        let ids: Vec<i64> = theirs.iter().map(|(id, _)| *id).collect();
        let replies = diesel::delete(comments::table.filter(comments::parent_id.eq_any(&ids))).execute(conn)?;
        let own = diesel::delete(comments::table.filter(comments::id.eq_any(&ids))).execute(conn)?;
        let mut articles: Vec<i64> = theirs.iter().map(|(_, a)| *a).collect();
        articles.sort_unstable();
        articles.dedup();
        for article in articles {
            stats::recount_comments(conn, article)?;
        }
        Ok(own + replies)
    })
}
