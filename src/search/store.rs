//! The search index on SQLite: FTS5 tables written in the same transaction
//! as the rows they describe (so a crash cannot leave them apart), read
//! newest-first per field so that every query stops early. This is the one engine-specific module of search; PostgreSQL can
//! hold the same folded text in a tsvector with a GIN index.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{folded, Query};
use crate::db::Conn;
use crate::http::ApiError;

/// What can be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Articles,
    Events,
    Officials,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Articles => "search_articles",
            Kind::Events => "search_events",
            Kind::Officials => "search_officials",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub id: i64,
    /// Where the words were found: 3 title, 2 summary, 1 elsewhere.
    pub tier: u8,
    /// The words match as written (tone marks in the same places).
    pub exact: bool,
}

fn replace_row(conn: &mut Conn, kind: Kind, id: i64, columns: &[String]) -> Result<(), ApiError> {
    diesel::sql_query(format!("DELETE FROM {} WHERE rowid = ?", kind.table()))
        .bind::<BigInt, _>(id)
        .execute(conn)?;
    let placeholders = vec!["?"; columns.len()].join(", ");
    let names = match kind {
        Kind::Articles => "title, summary, body",
        _ => "title, body",
    };
    let mut insert = diesel::sql_query(format!(
        "INSERT INTO {} (rowid, {names}) VALUES (?, {placeholders})",
        kind.table()
    ))
    .bind::<BigInt, _>(id)
    .into_boxed();
    for column in columns {
        insert = insert.bind::<Text, _>(column.clone());
    }
    insert.execute(conn)?;
    Ok(())
}

pub fn remove(conn: &mut Conn, kind: Kind, id: i64) -> Result<(), ApiError> {
    diesel::sql_query(format!("DELETE FROM {} WHERE rowid = ?", kind.table()))
        .bind::<BigInt, _>(id)
        .execute(conn)?;
    Ok(())
}

/// Indexes an article: title above summary above the body's text.
pub fn index_article(
    conn: &mut Conn,
    id: i64,
    title: &str,
    summary: Option<&str>,
    body_html: &str,
) -> Result<(), ApiError> {
    let summary = summary.unwrap_or("");
    let body = crate::articles::html::plain_text(body_html);
    replace_row(
        conn,
        Kind::Articles,
        id,
        &[folded(title), folded(summary), folded(&body)],
    )
}

pub fn index_event(conn: &mut Conn, id: i64, titles: &str, text: &str) -> Result<(), ApiError> {
    replace_row(conn, Kind::Events, id, &[folded(titles), folded(text)])
}

pub fn index_official(conn: &mut Conn, id: i64, name: &str, positions: &str) -> Result<(), ApiError> {
    replace_row(conn, Kind::Officials, id, &[folded(name), folded(positions)])
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

#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The newest `limit` rows whose `columns` match (streamed from the index
/// in descending rowid order, which is creation order).
fn newest_matches(conn: &mut Conn, kind: Kind, columns: &str, query: &Query, limit: i64) -> Result<Vec<i64>, ApiError> {
    let table = kind.table();
    let rows: Vec<Candidate> = diesel::sql_query(format!(
        "SELECT rowid AS id FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?"
    ))
    .bind::<Text, _>(format!("{columns} : ({})", query.folded_expression()))
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Matches in relevance order: an exact-accent match first, then where the
/// words are (title above summary above body), then the most recent.
/// `public_only` limits articles to what readers may see at `now`.
pub fn search(
    conn: &mut Conn,
    kind: Kind,
    query: &Query,
    public_only: bool,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> Result<Vec<Hit>, ApiError> {
    use crate::db::schema::{articles, events, officials};
    let wanted = (offset + limit + 1).clamp(100, MAX_CANDIDATES);
    // 1. Candidates per field, newest first, from the index alone. Within a
    // tier the newest `wanted` are all a page needs.
    let fields: &[(&str, u8)] = match kind {
        Kind::Articles => &[
            ("title", TIER_TITLE),
            ("summary", TIER_SUMMARY),
            ("{title summary body}", TIER_BODY),
        ],
        _ => &[("title", TIER_TITLE), ("{title body}", TIER_BODY)],
    };
    let mut tiers: std::collections::HashMap<i64, u8> = std::collections::HashMap::new();
    for (columns, tier) in fields {
        for id in newest_matches(conn, kind, columns, query, wanted)? {
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
                    .filter(articles::status.eq_any(crate::articles::store::VISIBLE_STATUSES))
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

const INDEX_VERSION: i64 = 1;

/// Builds the index for rows written before it existed (or by an older
/// version), once. Blocking; called at start-up.
pub fn ensure_index(conn: &mut Conn) -> Result<usize, ApiError> {
    use crate::db::schema::{articles, events, officials, positions, site_counters};
    use crate::events::model::Event;
    let version: Option<i64> = site_counters::table
        .filter(site_counters::name.eq("search_index"))
        .select(site_counters::value)
        .first(conn)
        .optional()?;
    if version == Some(INDEX_VERSION) {
        return Ok(0);
    }
    crate::db::write_tx(conn, |conn| {
        let mut indexed = 0;
        let mut after = 0i64;
        loop {
            let batch: Vec<(i64, String, Option<String>, String)> = articles::table
                .select((articles::id, articles::title, articles::summary, articles::body))
                .filter(articles::id.gt(after))
                .order(articles::id)
                .limit(1000)
                .load(conn)?;
            let Some(last) = batch.last() else { break };
            after = last.0;
            for (id, title, summary, body) in &batch {
                index_article(conn, *id, title, summary.as_deref(), body)?;
            }
            indexed += batch.len();
        }
        let all_events: Vec<Event> = events::table.select(Event::as_select()).load(conn)?;
        for e in all_events {
            let titles = event_titles(&e.title, e.title_en.as_deref());
            index_event(
                conn,
                e.id,
                &titles,
                &event_text(e.description.as_deref(), e.location.as_deref()),
            )?;
            indexed += 1;
        }
        let people: Vec<(i64, String)> = officials::table
            .select((officials::id, officials::full_name))
            .load(conn)?;
        for (id, name) in people {
            let titles: Vec<String> = positions::table
                .filter(positions::official_id.eq(id))
                .select(positions::title)
                .load(conn)?;
            index_official(conn, id, &name, &titles.join(" "))?;
            indexed += 1;
        }
        diesel::replace_into(site_counters::table)
            .values((
                site_counters::name.eq("search_index"),
                site_counters::value.eq(INDEX_VERSION),
            ))
            .execute(conn)?;
        Ok(indexed)
    })
}

/// The text an event's titles are indexed under (Vietnamese and English).
pub fn event_titles(title: &str, title_en: Option<&str>) -> String {
    format!("{title} {}", title_en.unwrap_or(""))
}

pub fn event_text(description: Option<&str>, location: Option<&str>) -> String {
    format!("{} {}", description.unwrap_or(""), location.unwrap_or(""))
}
