//! Every query on officials and their positions.

use std::collections::HashMap;

use diesel::prelude::*;

use super::model::{Official, OfficialData, Position, PositionData};
use crate::changes::{self, Stamp, Touched};
use crate::db::refs::{self, Target};
use crate::db::schema::{article_officials, event_officials, officials, positions};
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Reference, StoreError, StoreResult};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Official>> {
    let q = officials::table.select(Official::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(officials::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(officials::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Official>> {
    Ok(officials::table
        .select(Official::as_select())
        .filter(officials::id.eq_any(ids))
        .load(conn)?)
}

/// Officials whose folded name contains every folded word of `q` (so
/// "dang thanh hai" finds "Đặng Thanh Hải"), or all of them.
pub fn search(conn: &mut Conn, q: Option<&str>) -> StoreResult<Vec<Official>> {
    let mut query = officials::table.select(Official::as_select()).into_boxed::<Backend>();
    if let Some(q) = q {
        let folded = crate::text::fold(q);
        if folded.is_empty() {
            // Only punctuation: nothing can match it.
            return Ok(Vec::new());
        }
        let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        words.sort_unstable();
        words.dedup();
        for word in words.into_iter().take(16) {
            // Folded text has no LIKE wildcards left but `_`; escape it anyway.
            let pattern = format!(
                "%{}%",
                word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
            );
            query = query.filter(officials::name_folded.like(pattern).escape('\\'));
        }
    }
    Ok(query.load(conn)?)
}

/// Positions of the given officials, by rank then start date.
pub fn positions_of(conn: &mut Conn, official_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Position>>> {
    let rows: Vec<Position> = positions::table
        .select(Position::as_select())
        .filter(positions::official_id.eq_any(official_ids))
        .order((positions::rank.asc(), positions::started_on.desc(), positions::id.asc()))
        .load(conn)?;
    let mut map: HashMap<i64, Vec<Position>> = HashMap::new();
    for p in rows {
        map.entry(p.official_id).or_default().push(p);
    }
    Ok(map)
}

/// Inserts or updates an official inside the caller's write transaction;
/// `positions` of `Some` replaces them all.
pub fn save(
    conn: &mut Conn,
    current: Option<&Official>,
    mut data: OfficialData,
    positions: Option<Vec<PositionData>>,
    stamp: &Stamp,
) -> StoreResult<i64> {
    let now = stamp.at;
    if let Some(list) = &positions {
        let org_ids: Vec<i64> = list.iter().map(|p| p.organization_id).collect();
        let known = refs::existing(conn, Target::Organizations, &org_ids)?;
        refs::all_known(
            org_ids
                .iter()
                .enumerate()
                .filter(|(_, id)| !known.contains(id))
                .map(|(i, _)| Reference::member("positions", i, "organization_id"))
                .collect(),
        )?;
    }
    let media = crate::media::refs::resolve_column(conn, &mut data.photo, "photo")?;
    if let Some(photo) = crate::media::refs::read(data.photo.as_deref()) {
        data.photo_url = Some(photo.url);
    }
    slug::fill(conn, SlugTable::Officials, &mut data.slug, &data.full_name)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Officials, before, &data.slug, now, |conn, id| {
        crate::upsert!(conn, id, officials, &data, (&data, officials::created_at.eq(now)))
    })?;
    crate::media::uses::set(conn, changes::Kind::Officials, id, &media)?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Officials, touched)?;
    if current.is_some() {
        // Events show their officials' names and current titles.
        let events = changes::dependents::events_of(conn, Some(id), None)?;
        changes::store::record(conn, stamp, changes::Kind::Events, &events)?;
    }
    if let Some(list) = positions {
        diesel::delete(positions::table.filter(positions::official_id.eq(id))).execute(conn)?;
        let rows: Vec<_> = list.iter().map(|p| (p, positions::official_id.eq(id))).collect();
        crate::on_engine!(conn, c => diesel::insert_into(positions::table).values(rows).execute(c))?;
    }
    Ok(id)
}

/// Deletes an official nobody links to. One that articles or events mention
/// stays (`in_use`): end their positions to mark them former instead.
pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let official = find(conn, key)?.ok_or(StoreError::NotFound)?;
        let in_articles: i64 = article_officials::table
            .filter(article_officials::official_id.eq(official.id))
            .count()
            .get_result(conn)?;
        let in_events: i64 = event_officials::table
            .filter(event_officials::official_id.eq(official.id))
            .count()
            .get_result(conn)?;
        if in_articles + in_events > 0 {
            return Err(StoreError::InUse);
        }
        diesel::delete(officials::table.find(official.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Officials, official.id)?;
        crate::media::uses::clear(conn, changes::Kind::Officials, official.id)?;
        let gone = Touched::delete(official.id, Some(official.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Officials, gone)
    })
}

/// Officials linked to each of the given articles.
pub fn for_articles(conn: &mut Conn, article_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = article_officials::table
        .select((article_officials::article_id, article_officials::official_id))
        .filter(article_officials::article_id.eq_any(article_ids))
        .load(conn)?;
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for (article, official) in rows {
        map.entry(article).or_default().push(official);
    }
    Ok(map)
}
