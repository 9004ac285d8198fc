//! The store of per-article counters, kept exact in the same transaction as each change
//! (approved comments, the rating distribution), so that reading them is
//! one row whatever the number of comments or raters.

use std::collections::HashMap;

use crate::db::schema::{article_stats, comments};
use crate::db::{Conn, StoreError, StoreResult};
use diesel::prelude::*;

#[derive(Debug, Clone, Copy, Default, Queryable)]
pub struct StatsRow {
    pub article_id: i64,
    pub comment_count: i64,
    pub rating_count: i64,
    pub rating_sum: i64,
    pub rating_1: i64,
    pub rating_2: i64,
    pub rating_3: i64,
    pub rating_4: i64,
    pub rating_5: i64,
}

pub fn for_articles(conn: &mut Conn, ids: &[i64]) -> StoreResult<HashMap<i64, StatsRow>> {
    let rows: Vec<StatsRow> = match ids {
        [id] => article_stats::table
            .filter(article_stats::article_id.eq(*id))
            .load(conn)?,
        ids => article_stats::table
            .filter(article_stats::article_id.eq_any(ids))
            .load(conn)?,
    };
    Ok(rows.into_iter().map(|r| (r.article_id, r)).collect())
}

pub fn for_article(conn: &mut Conn, id: i64) -> StoreResult<StatsRow> {
    Ok(for_articles(conn, &[id])?.remove(&id).unwrap_or(StatsRow {
        article_id: id,
        ..Default::default()
    }))
}

fn ensure_row(conn: &mut Conn, article_id: i64) -> StoreResult<()> {
    crate::on_engine!(conn, c => diesel::insert_into(article_stats::table)
        .values(article_stats::article_id.eq(article_id))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Recounts approved comments. Call in the transaction that changed them.
pub fn recount_comments(conn: &mut Conn, article_id: i64) -> StoreResult<()> {
    ensure_row(conn, article_id)?;
    let approved: i64 = comments::table
        .filter(comments::article_id.eq(article_id))
        .filter(comments::status.eq("approved"))
        .count()
        .get_result(conn)?;
    diesel::update(article_stats::table.find(article_id))
        .set(article_stats::comment_count.eq(approved))
        .execute(conn)?;
    Ok(())
}

/// Adds `delta` raters of `score` (and their points). Call in the
/// transaction that changed the ratings.
pub fn add_rating(conn: &mut Conn, article_id: i64, score: i32, delta: i64) -> StoreResult<()> {
    ensure_row(conn, article_id)?;
    let target = article_stats::table.find(article_id);
    let common = (
        article_stats::rating_count.eq(article_stats::rating_count + delta),
        article_stats::rating_sum.eq(article_stats::rating_sum + delta * score as i64),
    );
    let updated = match score {
        1 => diesel::update(target)
            .set((common, article_stats::rating_1.eq(article_stats::rating_1 + delta)))
            .execute(conn),
        2 => diesel::update(target)
            .set((common, article_stats::rating_2.eq(article_stats::rating_2 + delta)))
            .execute(conn),
        3 => diesel::update(target)
            .set((common, article_stats::rating_3.eq(article_stats::rating_3 + delta)))
            .execute(conn),
        4 => diesel::update(target)
            .set((common, article_stats::rating_4.eq(article_stats::rating_4 + delta)))
            .execute(conn),
        5 => diesel::update(target)
            .set((common, article_stats::rating_5.eq(article_stats::rating_5 + delta)))
            .execute(conn),
        _ => return Err(StoreError::Internal),
    };
    updated?;
    Ok(())
}
