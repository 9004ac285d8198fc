//! The search index: written in the same transaction as the rows it
//! describes (so a crash cannot leave them apart), read newest-first per
//! field so that every query stops early. The one engine-specific module of
//! search: FTS5 tables on SQLite, tsvector columns with GIN indexes on
//! PostgreSQL, both holding the same folded words and asked the same
//! expression (every term, the last one as a prefix, phrases in order).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{folded, Query};
use crate::db::{Conn, StoreResult};

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

fn replace_row(conn: &mut Conn, kind: Kind, id: i64, columns: &[String]) -> StoreResult<()> {
    let conn = match conn {
        Conn::Postgres(c) => return pg::replace_row(c, kind, id, columns),
        Conn::Sqlite(c) => c,
    };
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

pub fn remove(conn: &mut Conn, kind: Kind, id: i64) -> StoreResult<()> {
    let sql = match conn {
        Conn::Sqlite(_) => format!("DELETE FROM {} WHERE rowid = ?", kind.table()),
        Conn::Postgres(_) => format!("DELETE FROM {} WHERE id = $1", kind.table()),
    };
    crate::on_engine!(conn, c => diesel::sql_query(sql).bind::<BigInt, _>(id).execute(c))?;
    Ok(())
}

/// Indexes an article: title above summary above the body's text.
pub fn index_article(conn: &mut Conn, id: i64, title: &str, summary: Option<&str>, body_html: &str) -> StoreResult<()> {
    let summary = summary.unwrap_or("");
    let body = crate::articles::html::plain_text(body_html);
    replace_row(
        conn,
        Kind::Articles,
        id,
        &[folded(title), folded(summary), folded(&body)],
    )
}

pub fn index_event(conn: &mut Conn, id: i64, titles: &str, text: &str) -> StoreResult<()> {
    replace_row(conn, Kind::Events, id, &[folded(titles), folded(text)])
}

pub fn index_official(conn: &mut Conn, id: i64, name: &str, positions: &str) -> StoreResult<()> {
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

/// Which indexed text a query is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Summary,
    /// Every field of the row.
    Everything,
}

#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The newest `limit` rows whose `columns` match (streamed from the index
/// in descending rowid order, which is creation order).
fn newest_matches(conn: &mut Conn, kind: Kind, field: Field, query: &Query, limit: i64) -> StoreResult<Vec<i64>> {
    let conn = match conn {
        Conn::Postgres(c) => return pg::newest_matches(c, kind, field, query, limit),
        Conn::Sqlite(c) => c,
    };
    let table = kind.table();
    let columns = match (field, kind) {
        (Field::Title, _) => "title",
        (Field::Summary, _) => "summary",
        (Field::Everything, Kind::Articles) => "{title summary body}",
        (Field::Everything, _) => "{title body}",
    };
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
) -> StoreResult<Vec<Hit>> {
    use crate::db::schema::{articles, events, officials};
    let wanted = (offset + limit + 1).clamp(100, MAX_CANDIDATES);
    // 1. Candidates per field, newest first, from the index alone. Within a
    // tier the newest `wanted` are all a page needs.
    let fields: &[(Field, u8)] = match kind {
        Kind::Articles => &[
            (Field::Title, TIER_TITLE),
            (Field::Summary, TIER_SUMMARY),
            (Field::Everything, TIER_BODY),
        ],
        _ => &[(Field::Title, TIER_TITLE), (Field::Everything, TIER_BODY)],
    };
    let mut tiers: std::collections::HashMap<i64, u8> = std::collections::HashMap::new();
    for (field, tier) in fields {
        for id in newest_matches(conn, kind, *field, query, wanted)? {
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

const INDEX_VERSION: i64 = 1;
/// The `site_counters` row that records which index version was built.
pub const INDEX_MARKER: &str = "search_index";

/// Builds the index for rows written before it existed (or by an older
/// version), once. Blocking; called at start-up.
pub fn ensure_index(conn: &mut Conn) -> StoreResult<usize> {
    use crate::db::schema::{articles, events, officials, positions, site_counters};
    use crate::events::model::Event;
    let version: Option<i64> = site_counters::table
        .filter(site_counters::name.eq(INDEX_MARKER))
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
        crate::on_engine!(conn, c => diesel::insert_into(site_counters::table)
            .values((
                site_counters::name.eq(INDEX_MARKER),
                site_counters::value.eq(INDEX_VERSION),
            ))
            .on_conflict(site_counters::name)
            .do_update()
            .set(site_counters::value.eq(INDEX_VERSION))
            .execute(c))?;
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

/// The PostgreSQL side: tsvector literals built here from the folded words,
/// tsquery literals from the parsed query, both bound as text and cast, so
/// no text-search configuration is involved on either side.
mod pg {
    use diesel::pg::PgConnection;
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    use super::{Candidate, Field, Kind};
    use crate::db::StoreResult;
    use crate::search::{Query, Term};

    /// PostgreSQL keeps positions up to 16383 and 256 per word; longer
    /// texts still match on every word, phrases only within the first part.
    const MAX_POSITION: usize = 16383;
    const MAX_POSITIONS_PER_WORD: usize = 255;
    const MAX_WORD_BYTES: usize = 2000;

    /// A tsvector literal of the (already folded) fields, one after the
    /// other with a position left empty between them.
    pub(super) fn tsvector(fields: &[&str]) -> String {
        let mut positions: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
        let mut at = 0usize;
        for field in fields {
            for word in field.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                at = (at + 1).min(MAX_POSITION);
                if word.len() > MAX_WORD_BYTES {
                    continue;
                }
                let list = positions.entry(word).or_default();
                if list.len() < MAX_POSITIONS_PER_WORD && list.last() != Some(&at) {
                    list.push(at);
                }
            }
            at = (at + 1).min(MAX_POSITION);
        }
        positions
            .into_iter()
            .map(|(word, at)| {
                let at: Vec<String> = at.iter().map(usize::to_string).collect();
                format!("'{word}':{}", at.join(","))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The tsquery of a parsed query: every term, phrases with `<->`, the
    /// word being typed as a prefix. Terms hold letters and digits only.
    pub(super) fn tsquery(query: &Query) -> String {
        query
            .terms
            .iter()
            .map(|t| match t {
                Term::Word {
                    folded, prefix: true, ..
                } => format!("'{folded}':*"),
                Term::Word { folded, .. } => format!("'{folded}'"),
                Term::Phrase { folded, .. } => {
                    let words: Vec<String> = folded.iter().map(|w| format!("'{w}'")).collect();
                    format!("({})", words.join(" <-> "))
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    pub(super) fn replace_row(conn: &mut PgConnection, kind: Kind, id: i64, columns: &[String]) -> StoreResult<()> {
        let everything: Vec<&str> = columns.iter().map(String::as_str).collect();
        let title = tsvector(&everything[..1]);
        let all = tsvector(&everything);
        match kind {
            Kind::Articles => diesel::sql_query(
                "INSERT INTO search_articles (id, title, summary, everything)
                 VALUES ($1, $2::tsvector, $3::tsvector, $4::tsvector)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title,
                   summary = excluded.summary, everything = excluded.everything",
            )
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(title)
            .bind::<Text, _>(tsvector(&everything[1..2]))
            .bind::<Text, _>(all)
            .execute(conn)?,
            _ => diesel::sql_query(format!(
                "INSERT INTO {} (id, title, everything) VALUES ($1, $2::tsvector, $3::tsvector)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, everything = excluded.everything",
                kind.table()
            ))
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(title)
            .bind::<Text, _>(all)
            .execute(conn)?,
        };
        Ok(())
    }

    pub(super) fn newest_matches(
        conn: &mut PgConnection,
        kind: Kind,
        field: Field,
        query: &Query,
        limit: i64,
    ) -> StoreResult<Vec<i64>> {
        let column = match field {
            Field::Title => "title",
            Field::Summary => "summary",
            Field::Everything => "everything",
        };
        let rows: Vec<Candidate> = diesel::sql_query(format!(
            "SELECT id FROM {} WHERE {column} @@ $1::tsquery ORDER BY id DESC LIMIT $2",
            kind.table()
        ))
        .bind::<Text, _>(tsquery(query))
        .bind::<BigInt, _>(limit)
        .load(conn)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn builds_vectors_with_positions_and_a_gap_between_fields() {
            assert_eq!(tsvector(&["ha noi", "noi dung"]), "'dung':5 'ha':1 'noi':2,4");
        }

        #[test]
        fn builds_queries_from_terms() {
            let q = Query::parse("\"hong linh\" dang th").unwrap();
            assert_eq!(tsquery(&q), "('hong' <-> 'linh') & 'dang' & 'th':*");
        }
    }
}
