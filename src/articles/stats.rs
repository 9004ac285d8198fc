//! Per-article counters kept exact in the same transaction as each change
//! (approved comments, the rating distribution), so that reading them is
//! one row whatever the number of comments or raters.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{article_stats, comments};
use crate::db::Conn;
use crate::http::ApiError;

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

/// How many visitors gave each score.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Distribution {
    #[serde(rename = "1")]
    pub one: i64,
    #[serde(rename = "2")]
    pub two: i64,
    #[serde(rename = "3")]
    pub three: i64,
    #[serde(rename = "4")]
    pub four: i64,
    #[serde(rename = "5")]
    pub five: i64,
}

/// "lượt đánh giá, trung bình": the rating summary of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"count": 3, "average": 4.33, "distribution": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}}))]
pub struct RatingSummary {
    pub count: i64,
    /// Rounded to two decimals; `null` until someone rates.
    pub average: Option<f64>,
    pub distribution: Distribution,
}

impl StatsRow {
    pub fn rating(&self) -> RatingSummary {
        let average = (self.rating_count > 0)
            .then(|| (self.rating_sum as f64 / self.rating_count as f64 * 100.0).round() / 100.0);
        RatingSummary {
            count: self.rating_count,
            average,
            distribution: Distribution {
                one: self.rating_1,
                two: self.rating_2,
                three: self.rating_3,
                four: self.rating_4,
                five: self.rating_5,
            },
        }
    }
}

pub fn for_articles(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, StatsRow>, ApiError> {
    let rows: Vec<StatsRow> = article_stats::table
        .filter(article_stats::article_id.eq_any(ids))
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.article_id, r)).collect())
}

pub fn for_article(conn: &mut Conn, id: i64) -> Result<StatsRow, ApiError> {
    Ok(for_articles(conn, &[id])?.remove(&id).unwrap_or(StatsRow {
        article_id: id,
        ..Default::default()
    }))
}

fn ensure_row(conn: &mut Conn, article_id: i64) -> Result<(), ApiError> {
    crate::on_engine!(conn, c => diesel::insert_into(article_stats::table)
        .values(article_stats::article_id.eq(article_id))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Recounts approved comments. Call in the transaction that changed them.
pub fn recount_comments(conn: &mut Conn, article_id: i64) -> Result<(), ApiError> {
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
pub fn add_rating(conn: &mut Conn, article_id: i64, score: i32, delta: i64) -> Result<(), ApiError> {
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
        _ => return Err(ApiError::Internal),
    };
    updated?;
    Ok(())
}
