//! Search, in two steps: the engine ([`super::engine`]) finds the newest
//! matches per field, from the index alone; the database then ranks them
//! further (the words as written, visibility, recency).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::engine::{Part, SearchIndex};
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

/// Where the terms were found; a higher tier ranks first.
const TIER_TITLE: u8 = 3;
const TIER_SUMMARY: u8 = 2;
const TIER_BODY: u8 = 1;

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
    use crate::db::schema::{articles, events, officials};
    index.sync(conn)?;
    let wanted = (offset + limit + 1).clamp(100, MAX_CANDIDATES) as usize;
    // 1. Candidates per field, newest first, from the index alone. Within a
    // tier the newest `wanted` are all a page needs.
    let parts: &[(Part, u8)] = match kind {
        Kind::Articles => &[
            (Part::Title, TIER_TITLE),
            (Part::Summary, TIER_SUMMARY),
            (Part::Everything, TIER_BODY),
        ],
        _ => &[(Part::Title, TIER_TITLE), (Part::Everything, TIER_BODY)],
    };
    let mut tiers: std::collections::HashMap<i64, u8> = std::collections::HashMap::new();
    for (part, tier) in parts {
        for id in index.newest(kind, *part, query, wanted)? {
            let best = tiers.entry(id).or_insert(*tier);
            *best = (*best).max(*tier);
        }
    }
    let ids: Vec<i64> = tiers.keys().copied().collect();
    // 2. What ranks them further: the words as written, visibility, recency.
    let rows: Vec<(i64, String, Option<NaiveDateTime>)> = match kind {
        Kind::Articles => {
            let mut q = articles::table
                .select((articles::id, articles::title, articles::summary, articles::published_at))
                .filter(articles::id.eq_any(&ids))
                .into_boxed::<crate::db::Backend>();
            if public_only {
                q = q
                    .filter(articles::status.eq_any(crate::articles::model::VISIBLE_STATUSES))
                    .filter(articles::published_at.le(now));
            }
            q.load::<(i64, String, Option<String>, Option<NaiveDateTime>)>(conn)?
                .into_iter()
                .map(|(id, title, summary, at)| (id, format!("{title} {}", summary.unwrap_or_default()), at))
                .collect()
        }
        Kind::Events => events::table
            .select((events::id, events::title, events::title_en, events::starts_at))
            .filter(events::id.eq_any(&ids))
            .load::<(i64, String, Option<String>, NaiveDateTime)>(conn)?
            .into_iter()
            .map(|(id, title, title_en, at)| (id, event_titles(&title, title_en.as_deref()), Some(at)))
            .collect(),
        Kind::Officials => officials::table
            .select((officials::id, officials::full_name))
            .filter(officials::id.eq_any(&ids))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .map(|(id, name)| (id, name, None))
            .collect(),
    };
    let mut hits: Vec<(Hit, Option<NaiveDateTime>)> = rows
        .into_iter()
        .map(|(id, text, at)| {
            (
                Hit {
                    id,
                    tier: tiers[&id],
                    exact: query.matches_exact(&text),
                },
                at,
            )
        })
        .collect();
    hits.sort_by(|(a, at_a), (b, at_b)| {
        b.exact
            .cmp(&a.exact)
            .then(b.tier.cmp(&a.tier))
            .then(at_b.cmp(at_a))
            .then(b.id.cmp(&a.id))
    });
    Ok(hits
        .into_iter()
        .map(|(h, _)| h)
        .skip(offset as usize)
        .take(limit as usize)
        .collect())
}

/// The `site_counters` row of the search index's generation; older exports
/// carry it (as the FTS index's version) and imports leave it out.
pub const INDEX_MARKER: &str = super::engine::GENERATION;
