//! Search: the engine ([`super::engine`]) finds and ranks, from the index
//! alone; the database has the last word on what readers may see.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::engine::SearchIndex;
use super::Query;
use crate::db::{Conn, StoreResult};

pub use super::engine::{event_text, event_titles, Kind};

#[derive(Debug, Clone)]
pub struct Hit {
    pub id: i64,
    /// Where the words were found: 3 title, 2 summary, 1 elsewhere.
    pub tier: u8,
    /// The words match as written (tone marks in the same places).
    pub exact: bool,
}

/// How deep a ranking goes: at most this many matches per field are
/// considered, newest first; results past it are not served. Every query
/// stops reading the index after that many matches, so a query that
/// matches most of the corpus costs what a rare one costs.
pub const MAX_CANDIDATES: i64 = 1000;

/// Matches in relevance order: an exact-accent match first, then where the
/// words are (title above summary above body), then the most recent.
/// `public_only` limits articles to what readers may see at `now`.
#[allow(clippy::too_many_arguments)]
pub fn search(
    conn: &mut Conn,
    index: &SearchIndex,
    kind: Kind,
    query: &Query,
    public_only: bool,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Hit>> {
    let started = std::time::Instant::now();
    index.sync(conn)?;
    let found = ranked(conn, index, kind, query, public_only, now, limit, offset);
    crate::metrics::search_took(started);
    found
}

/// [`search`] on an index already brought up to date (several kinds at once).
#[allow(clippy::too_many_arguments)]
pub fn ranked(
    conn: &mut Conn,
    index: &SearchIndex,
    kind: Kind,
    query: &Query,
    public_only: bool,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Hit>> {
    use crate::db::schema::articles;
    let wanted = (offset + limit + 1).clamp(100, MAX_CANDIDATES) as usize;
    let mut page: Vec<Hit> = index
        .rank(kind, query, public_only, now, wanted)?
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|r| Hit {
            id: r.id,
            tier: r.tier,
            exact: r.exact,
        })
        .collect();
    if public_only && kind == Kind::Articles && !page.is_empty() {
        // The index follows the log within a second; the database decides
        // what readers may see now (another instance may have just
        // unpublished one of these).
        let ids: Vec<i64> = page.iter().map(|h| h.id).collect();
        let visible: Vec<i64> = articles::table
            .select(articles::id)
            .filter(articles::id.eq_any(&ids))
            .filter(articles::status.eq_any(crate::articles::model::VISIBLE_STATUSES))
            .filter(articles::published_at.le(now))
            .load(conn)?;
        page.retain(|h| visible.contains(&h.id));
    }
    Ok(page)
}
