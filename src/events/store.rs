//! Every query on events, their participants and their related articles.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Event, EventData, Participants};
use crate::db::schema::{article_events, event_officials, events, officials, organizations};
use crate::db::{Backend, Conn};
use crate::http::error::unique_as;
use crate::http::extract::IdOrSlug;
use crate::http::{ApiError, FieldError, FieldIssue};

/// Which events, in which order, from where.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events that occupy any moment at or after this…
    pub from: Option<NaiveDateTime>,
    /// …and start at or before this (both inclusive): range overlap.
    pub to: Option<NaiveDateTime>,
    pub official: Option<i64>,
    pub organization: Option<i64>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub descending: bool,
    /// Keyset position: (starts_at, id) of the last event of the previous page.
    pub after: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
    /// Only these events (the matches of a search).
    pub ids: Option<Vec<i64>>,
}

pub fn list(conn: &mut Conn, f: &EventFilter) -> Result<Vec<Event>, ApiError> {
    let mut q = events::table.select(Event::as_select()).into_boxed::<Backend>();
    if let Some(from) = f.from {
        q = q.filter(events::occupies_until.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(events::starts_at.le(to));
    }
    if let Some(official) = f.official {
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
    if let Some(org) = f.organization {
        q = q.filter(events::organization_id.eq(org));
    }
    if let Some(category) = &f.category {
        q = q.filter(events::category.eq(category.clone()));
    }
    if let Some(status) = &f.status {
        q = q.filter(events::status.eq(status.clone()));
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

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> Result<Option<Event>, ApiError> {
    let q = events::table.select(Event::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(events::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(events::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> Result<Vec<Event>, ApiError> {
    Ok(events::table
        .select(Event::as_select())
        .filter(events::id.eq_any(ids))
        .order(events::starts_at.asc())
        .load(conn)?)
}

/// Chairs and attendees of each event.
pub fn participants(conn: &mut Conn, event_ids: &[i64]) -> Result<HashMap<i64, Participants>, ApiError> {
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
) -> Result<Vec<(i64, i64)>, ApiError> {
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

fn check_officials(conn: &mut Conn, field: &str, ids: &[i64], errors: &mut Vec<FieldError>) -> Result<(), ApiError> {
    let known: Vec<i64> = officials::table
        .select(officials::id)
        .filter(officials::id.eq_any(ids))
        .load(conn)?;
    errors.extend(
        ids.iter()
            .enumerate()
            .filter(|(_, id)| !known.contains(id))
            .map(|(i, _)| FieldError::new(format!("{field}[{i}]"), FieldIssue::UnknownReference)),
    );
    Ok(())
}

/// Inserts or updates an event; `participants`/`article_ids` of `Some`
/// replace the links. Call inside a write transaction.
pub fn save(
    conn: &mut Conn,
    id: Option<i64>,
    mut data: EventData,
    participants: Option<Participants>,
    article_ids: Option<Vec<i64>>,
    now: NaiveDateTime,
) -> Result<i64, ApiError> {
    let mut errors = Vec::new();
    if let Some(org) = data.organization_id {
        let found: i64 = organizations::table
            .filter(organizations::id.eq(org))
            .count()
            .get_result(conn)?;
        if found == 0 {
            errors.push(FieldError::new("organization_id", FieldIssue::UnknownReference));
        }
    }
    if let Some(p) = &participants {
        check_officials(conn, "chairs", &p.chairs, &mut errors)?;
        check_officials(conn, "attendees", &p.attendees, &mut errors)?;
    }
    if let Some(ids) = &article_ids {
        let known: Vec<i64> = crate::db::schema::articles::table
            .select(crate::db::schema::articles::id)
            .filter(crate::db::schema::articles::id.eq_any(ids))
            .load(conn)?;
        errors.extend(
            ids.iter()
                .enumerate()
                .filter(|(_, id)| !known.contains(id))
                .map(|(i, _)| FieldError::new(format!("article_ids[{i}]"), FieldIssue::UnknownReference)),
        );
    }
    crate::http::input::finish(errors)?;
    if data.slug.is_empty() {
        let base = crate::text::slug_or_fallback(crate::text::slugify(&data.title, 120), "su-kien");
        let taken: Vec<String> = events::table
            .select(events::slug)
            .filter(events::slug.like(format!("{base}%")))
            .load(conn)?;
        data.slug = crate::text::first_free_slug(&base, &taken);
    }
    let slug = data.slug.clone();
    let id = match id {
        Some(id) => {
            diesel::update(events::table.find(id))
                .set(&data)
                .execute(conn)
                .map_err(unique_as(|| ApiError::SlugTaken(slug)))?;
            id
        }
        None => diesel::insert_into(events::table)
            .values((&data, events::created_at.eq(now)))
            .returning(events::id)
            .get_result(conn)
            .map_err(unique_as(|| ApiError::SlugTaken(slug)))?,
    };
    crate::search::store::index_event(
        conn,
        id,
        &crate::search::store::event_titles(&data.title, data.title_en.as_deref()),
        &crate::search::store::event_text(data.description.as_deref(), data.location.as_deref()),
    )?;
    if let Some(p) = participants {
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
        crate::on_engine!(conn, c => diesel::insert_into(event_officials::table)
            .values(values)
            .execute(c))?;
    }
    if let Some(ids) = article_ids {
        link(conn, None, Some(id), &ids)?;
    }
    Ok(id)
}

/// Replaces one side of the article–event links: the events of an article
/// (`article` given) or the articles of an event (`event` given).
pub fn link(conn: &mut Conn, article: Option<i64>, event: Option<i64>, others: &[i64]) -> Result<(), ApiError> {
    let mut others = others.to_vec();
    others.sort_unstable();
    others.dedup();
    match (article, event) {
        (Some(article), None) => {
            diesel::delete(article_events::table.filter(article_events::article_id.eq(article))).execute(conn)?;
            let rows: Vec<_> = others
                .iter()
                .map(|e| (article_events::article_id.eq(article), article_events::event_id.eq(*e)))
                .collect();
            crate::on_engine!(conn, c => diesel::insert_into(article_events::table).values(rows).execute(c))?;
        }
        (None, Some(event)) => {
            diesel::delete(article_events::table.filter(article_events::event_id.eq(event))).execute(conn)?;
            let rows: Vec<_> = others
                .iter()
                .map(|a| (article_events::article_id.eq(*a), article_events::event_id.eq(event)))
                .collect();
            crate::on_engine!(conn, c => diesel::insert_into(article_events::table).values(rows).execute(c))?;
        }
        _ => return Err(ApiError::Internal),
    }
    Ok(())
}

/// Replaces the events an article relates to; unknown ids are a 422.
pub fn link_article(conn: &mut Conn, article_id: i64, event_ids: &[i64]) -> Result<(), ApiError> {
    let known: Vec<i64> = events::table
        .select(events::id)
        .filter(events::id.eq_any(event_ids))
        .load(conn)?;
    if let Some(i) = event_ids.iter().position(|id| !known.contains(id)) {
        return Err(ApiError::validation(
            format!("event_ids[{i}]"),
            FieldIssue::UnknownReference,
        ));
    }
    link(conn, Some(article_id), None, event_ids)
}

pub fn delete(conn: &mut Conn, key: &IdOrSlug) -> Result<(), ApiError> {
    let event = find(conn, key)?.ok_or(ApiError::NotFound)?;
    diesel::delete(events::table.find(event.id)).execute(conn)?;
    crate::search::store::remove(conn, crate::search::store::Kind::Events, event.id)?;
    Ok(())
}
