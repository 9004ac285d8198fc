//! Every query on ratings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::articles::stats;
use crate::db::schema::ratings;
use crate::db::{write_tx, Conn, StoreResult};

/// Records a visitor's score, replacing their earlier one, and keeps the
/// article's summary exact in the same write transaction (writers are
/// serialised, so concurrent raters cannot lose updates). False when the
/// visitor had already given this score (nothing changed).
pub fn rate(conn: &mut Conn, article_id: i64, visitor: &str, score: i32, now: NaiveDateTime) -> StoreResult<bool> {
    write_tx(conn, |conn| rate_in(conn, article_id, visitor, score, now))
}

fn rate_in(conn: &mut Conn, article_id: i64, visitor: &str, score: i32, now: NaiveDateTime) -> StoreResult<bool> {
    let previous: Option<i32> = ratings::table
        .find((article_id, visitor))
        .select(ratings::score)
        .first(conn)
        .optional()?;
    match previous {
        Some(old) if old == score => return Ok(false),
        Some(old) => {
            diesel::update(ratings::table.find((article_id, visitor)))
                .set((ratings::score.eq(score), ratings::updated_at.eq(now)))
                .execute(conn)?;
            stats::add_rating(conn, article_id, old, -1)?;
        }
        None => {
            diesel::insert_into(ratings::table)
                .values((
                    ratings::article_id.eq(article_id),
                    ratings::visitor_id.eq(visitor),
                    ratings::score.eq(score),
                    ratings::created_at.eq(now),
                    ratings::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    stats::add_rating(conn, article_id, score, 1)?;
    Ok(true)
}
