//! Every query on events, their participants and their related articles.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Category, Event, EventData, EventStatus, Participants};
use crate::changes::{self, Stamp, Touched};
use crate::db::refs::{self, Target};
use crate::db::schema::{article_events, event_officials, events};
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Narrow, StoreError, StoreResult};

/// Which events, in which order, from where.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events that occupy any moment at or after this…
    pub from: Option<NaiveDateTime>,
    /// …and start at or before this (both inclusive): range overlap.
    pub to: Option<NaiveDateTime>,
    pub official: Option<Narrow>,
    pub organization: Option<Narrow>,
    pub category: Option<Category>,
    pub status: Option<EventStatus>,
    pub descending: bool,
    /// Keyset position: (starts_at, id) of the last event of the previous page.
    pub after: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
    /// Only these events (the matches of a search).
    pub ids: Option<Vec<i64>>,
    /// Only events changed at or after this moment.
    pub updated_since: Option<NaiveDateTime>,
}

pub fn list(conn: &mut Conn, f: &EventFilter) -> StoreResult<Vec<Event>> {
    if f.official == Some(Narrow::ToNothing) || f.organization == Some(Narrow::ToNothing) {
        return Ok(Vec::new());
    }
    let mut q = events::table.select(Event::as_select()).into_boxed::<Backend>();
    if let Some(from) = f.from {
        q = q.filter(events::occupies_until.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(events::starts_at.le(to));
    }
    if let Some(since) = f.updated_since {
        q = q.filter(events::updated_at.ge(since));
    }
    if let Some(Narrow::To(official)) = f.official {
        q = q.filter(
            events::id.eq_any(
                event_officials::table
                    .select(event_officials::event_id)
                    .filter(event_officials::official_id.eq(official)),
            ),
        );
    }
    if let Some(ids) = &f.ids {
        q = q.filter(events::id.eq_any(ids.clone()));
    }
    if let Some(Narrow::To(org)) = f.organization {
        q = q.filter(events::organization_id.eq(org));
    }
    if let Some(category) = f.category {
        q = q.filter(events::category.eq(category.as_str()));
    }
    if let Some(status) = f.status {
        q = q.filter(events::status.eq(status.as_str()));
    }
    if let Some((at, id)) = f.after {
        q = if f.descending {
            q.filter(
                events::starts_at
                    .le(at)
                    .and(events::starts_at.lt(at).or(events::id.lt(id))),
            )
        } else {
            q.filter(
                events::starts_at
                    .ge(at)
                    .and(events::starts_at.gt(at).or(events::id.gt(id))),
            )
        };
    }
    q = if f.descending {
        q.order((events::starts_at.desc(), events::id.desc()))
    } else {
        q.order((events::starts_at.asc(), events::id.asc()))
    };
    Ok(q.limit(f.limit + 1).load(conn)?)
}

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Event>> {
    let q = events::table.select(Event::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(events::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(events::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Event>> {
    Ok(events::table
        .select(Event::as_select())
        .filter(events::id.eq_any(ids))
        .order(events::starts_at.asc())
        .load(conn)?)
}

/// Chairs and attendees of each event.
pub fn participants(conn: &mut Conn, event_ids: &[i64]) -> StoreResult<HashMap<i64, Participants>> {
    let rows: Vec<(i64, i64, String)> = event_officials::table
        .select((
            event_officials::event_id,
            event_officials::official_id,
            event_officials::role,
        ))
        .filter(event_officials::event_id.eq_any(event_ids))
        .order((event_officials::event_id, event_officials::official_id))
        .load(conn)?;
    let mut map: HashMap<i64, Participants> = HashMap::new();
    for (event, official, role) in rows {
        let entry = map.entry(event).or_default();
        if role == "chair" {
            entry.chairs.push(official);
        } else {
            entry.attendees.push(official);
        }
    }
    Ok(map)
}

/// Related articles of each event, or events of each article, from the one link table.
pub fn article_links(
    conn: &mut Conn,
    article_ids: Option<&[i64]>,
    event_ids: Option<&[i64]>,
) -> StoreResult<Vec<(i64, i64)>> {
    let mut q = article_events::table
        .select((article_events::article_id, article_events::event_id))
        .into_boxed::<Backend>();
    if let Some(ids) = article_ids {
        q = q.filter(article_events::article_id.eq_any(ids.to_vec()));
    }
    if let Some(ids) = event_ids {
        q = q.filter(article_events::event_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

/// What a change to an event sets: its columns, and the lists it replaces.
pub type Change = (EventData, Option<Participants>, Option<Vec<i64>>);

/// Inserts or updates an event inside the caller's write transaction;
/// `participants`/`article_ids` of `Some` replace the links.
pub fn save(
    conn: &mut Conn,
    current: Option<&Event>,
    mut data: EventData,
    participants: Option<Participants>,
    article_ids: Option<Vec<i64>>,
    stamp: &Stamp,
) -> StoreResult<i64> {
    let now = stamp.at;
    let mut unknown = refs::check_one(conn, Target::Organizations, "organization_id", data.organization_id)?;
    if let Some(p) = &participants {
        unknown.extend(refs::unknown(conn, Target::Officials, "chairs", &p.chairs)?);
        unknown.extend(refs::unknown(conn, Target::Officials, "attendees", &p.attendees)?);
    }
    if let Some(ids) = &article_ids {
        unknown.extend(refs::unknown(conn, Target::Articles, "article_ids", ids)?);
    }
    refs::all_known(unknown)?;
    slug::fill(conn, SlugTable::Events, &mut data.slug, &data.title)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Events, before, &data.slug, now, |conn, id| {
        crate::upsert!(conn, id, events, &data, (&data, events::created_at.eq(now)))
    })?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Events, touched)?;
    if let Some(p) = participants {
        set_participants(conn, id, &p)?;
    }
    if let Some(ids) = article_ids {
        set_articles(conn, id, &ids)?;
    }
    Ok(id)
}

fn set_participants(conn: &mut Conn, id: i64, p: &Participants) -> StoreResult<()> {
    diesel::delete(event_officials::table.filter(event_officials::event_id.eq(id))).execute(conn)?;
    // A chair who is also listed as attending is recorded once, as chair.
    let mut rows: Vec<(i64, &str)> = p.chairs.iter().map(|o| (*o, "chair")).collect();
    rows.extend(
        p.attendees
            .iter()
            .filter(|o| !p.chairs.contains(o))
            .map(|o| (*o, "attendee")),
    );
    rows.sort();
    rows.dedup_by_key(|(o, _)| *o);
    let values: Vec<_> = rows
        .iter()
        .map(|(o, role)| {
            (
                event_officials::event_id.eq(id),
                event_officials::official_id.eq(*o),
                event_officials::role.eq(*role),
            )
        })
        .collect();
    crate::on_engine!(conn, c => diesel::insert_into(event_officials::table).values(values).execute(c))?;
    Ok(())
}

/// Replaces the articles an event relates to.
fn set_articles(conn: &mut Conn, event: i64, articles: &[i64]) -> StoreResult<()> {
    let mut articles = articles.to_vec();
    articles.sort_unstable();
    articles.dedup();
    diesel::delete(article_events::table.filter(article_events::event_id.eq(event))).execute(conn)?;
    let rows: Vec<_> = articles
        .iter()
        .map(|a| (article_events::article_id.eq(*a), article_events::event_id.eq(event)))
        .collect();
    crate::on_engine!(conn, c => diesel::insert_into(article_events::table).values(rows).execute(c))?;
    Ok(())
}

pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let event = find(conn, key)?.ok_or(StoreError::NotFound)?;
        diesel::delete(events::table.find(event.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Events, event.id)?;
        let gone = Touched::delete(event.id, Some(event.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Events, gone)
    })
}
