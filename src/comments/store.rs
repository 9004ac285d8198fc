//! Every query on comments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Comment, CommentStatus, NewComment};
use crate::articles::stats;
use crate::changes::{self, Kind, Stamp, Touched};
use crate::db::schema::comments;
use crate::db::{write_tx, Backend, Conn, Narrow, StoreError, StoreResult};

pub fn find(conn: &mut Conn, id: i64) -> StoreResult<Option<Comment>> {
    Ok(comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Comment>> {
    Ok(comments::table
        .filter(comments::id.eq_any(ids))
        .select(Comment::as_select())
        .load(conn)?)
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

/// Stores a comment as it is (the demo loader's approved ones, a posted
/// one after its checks), inside the caller's write transaction.
pub fn insert(conn: &mut Conn, new: &NewComment, stamp: &Stamp) -> StoreResult<Comment> {
    let comment: Comment = crate::on_engine!(conn, c => diesel::insert_into(comments::table)
        .values(new)
        .returning(Comment::as_returning())
        .get_result(c))?;
    let public = comment.status == CommentStatus::Approved.as_str();
    changes::store::record_one(
        conn,
        stamp,
        Kind::Comments,
        Touched::upsert(comment.id, None, false, public),
    )?;
    Ok(comment)
}

/// Records the removal of comments (and of the replies that go with them).
fn record_gone(conn: &mut Conn, stamp: &Stamp, gone: &[(i64, String)]) -> StoreResult<()> {
    let touched: Vec<Touched> = gone
        .iter()
        .map(|(id, status)| Touched::delete(*id, None, status == CommentStatus::Approved.as_str()))
        .collect();
    changes::store::record(conn, stamp, Kind::Comments, &touched)
}

/// The comments of the given articles, or replying to the given comments,
/// with their status: what goes when those go.
pub fn doomed(conn: &mut Conn, article_ids: &[i64], parent_ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
    Ok(comments::table
        .filter(
            comments::article_id
                .eq_any(article_ids)
                .or(comments::parent_id.eq_any(parent_ids)),
        )
        .select((comments::id, comments::status))
        .order(comments::id)
        .load(conn)?)
}

/// Records that the comments of a deleted article went with it (inside
/// the write transaction that deletes it, before it does).
pub fn record_article_gone(conn: &mut Conn, article_id: i64, stamp: &Stamp) -> StoreResult<()> {
    let gone = doomed(conn, &[article_id], &[])?;
    record_gone(conn, stamp, &gone)
}

/// Approved top-level comments of an article, oldest first, after `after_id`.
pub fn approved_threads(
    conn: &mut Conn,
    article_id: i64,
    after_id: Option<i64>,
    updated_since: Option<NaiveDateTime>,
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
    if let Some(since) = updated_since {
        let replies = diesel::alias!(comments as replies);
        q = q.filter(
            comments::updated_at.ge(since).or(comments::id.nullable().eq_any(
                replies
                    .select(replies.field(comments::parent_id))
                    .filter(replies.field(comments::updated_at).ge(since))
                    .filter(replies.field(comments::status).eq(CommentStatus::Approved.as_str())),
            )),
        );
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
    updated_since: Option<NaiveDateTime>,
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
    if let Some(since) = updated_since {
        q = q.filter(comments::updated_at.ge(since));
    }
    Ok(q.load(conn)?)
}

/// Changes a comment's status and keeps the article's count of approved
/// comments exact.
pub fn set_status(conn: &mut Conn, id: i64, status: CommentStatus, stamp: &Stamp) -> StoreResult<Comment> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(StoreError::NotFound)?;
        let comment: Comment = crate::on_engine!(conn, c => diesel::update(comments::table.find(id))
            .set((comments::status.eq(status.as_str()), comments::updated_at.eq(stamp.at)))
            .returning(Comment::as_returning())
            .get_result(c))?;
        stats::recount_comments(conn, comment.article_id)?;
        let approved = CommentStatus::Approved.as_str();
        let touched = Touched::upsert(id, None, before.status == approved, comment.status == approved);
        changes::store::record_one(conn, stamp, Kind::Comments, touched)?;
        Ok(comment)
    })
}

/// Deletes a comment and its replies.
pub fn delete(conn: &mut Conn, id: i64, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let comment = find(conn, id)?.ok_or(StoreError::NotFound)?;
        let mut gone = vec![(comment.id, comment.status.clone())];
        gone.extend(doomed(conn, &[], &[id])?);
        diesel::delete(comments::table.find(id)).execute(conn)?;
        record_gone(conn, stamp, &gone)?;
        stats::recount_comments(conn, comment.article_id)
    })
}

/// Stores a new comment on `article_id`: a reply only to an approved
/// top-level comment of the same article, and never the same text twice.
pub fn post(conn: &mut Conn, new: &NewComment, stamp: &Stamp) -> StoreResult<Comment> {
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
        insert(conn, new, stamp)
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
pub fn erase_author(conn: &mut Conn, email: &str, stamp: &Stamp) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        let theirs: Vec<(i64, i64, String)> = comments::table
            .filter(comments::author_email.eq(email))
            .select((comments::id, comments::article_id, comments::status))
            .load(conn)?;
        let ids: Vec<i64> = theirs.iter().map(|(id, _, _)| *id).collect();
        let mut gone: Vec<(i64, String)> = theirs.iter().map(|(id, _, status)| (*id, status.clone())).collect();
        gone.extend(doomed(conn, &[], &ids)?.into_iter().filter(|(id, _)| !ids.contains(id)));
        record_gone(conn, stamp, &gone)?;
        let replies = diesel::delete(comments::table.filter(comments::parent_id.eq_any(&ids))).execute(conn)?;
        let own = diesel::delete(comments::table.filter(comments::id.eq_any(&ids))).execute(conn)?;
        let mut articles: Vec<i64> = theirs.iter().map(|(_, a, _)| *a).collect();
        articles.sort_unstable();
        articles.dedup();
        for article in articles {
            stats::recount_comments(conn, article)?;
        }
        Ok(own + replies)
    })
}
