//! Every query on officials and their positions.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Official, OfficialData, Position, PositionData};
use crate::db::schema::{article_officials, event_officials, officials, organizations, positions};
use crate::db::{Backend, Conn};
use crate::http::error::unique_as;
use crate::http::extract::IdOrSlug;
use crate::http::{ApiError, FieldError, FieldIssue};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> Result<Option<Official>, ApiError> {
    let q = officials::table.select(Official::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(officials::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(officials::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> Result<Vec<Official>, ApiError> {
    Ok(officials::table
        .select(Official::as_select())
        .filter(officials::id.eq_any(ids))
        .load(conn)?)
}

/// Officials whose folded name contains every folded word of `q` (so
/// "dang thanh hai" finds "Đặng Thanh Hải"), or all of them.
pub fn search(conn: &mut Conn, q: Option<&str>) -> Result<Vec<Official>, ApiError> {
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
pub fn positions_of(conn: &mut Conn, official_ids: &[i64]) -> Result<HashMap<i64, Vec<Position>>, ApiError> {
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

/// Inserts or updates an official; `positions` of `Some` replaces them all.
/// Call inside a write transaction.
pub fn save(
    conn: &mut Conn,
    id: Option<i64>,
    mut data: OfficialData,
    positions: Option<Vec<PositionData>>,
    now: NaiveDateTime,
) -> Result<i64, ApiError> {
    if let Some(list) = &positions {
        let org_ids: Vec<i64> = list.iter().map(|p| p.organization_id).collect();
        let known: Vec<i64> = organizations::table
            .select(organizations::id)
            .filter(organizations::id.eq_any(&org_ids))
            .load(conn)?;
        let errors: Vec<FieldError> = list
            .iter()
            .enumerate()
            .filter(|(_, p)| !known.contains(&p.organization_id))
            .map(|(i, _)| FieldError::new(format!("positions[{i}].organization_id"), FieldIssue::UnknownReference))
            .collect();
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
    }
    if data.slug.is_empty() {
        let base = crate::text::slug_or_fallback(crate::text::slugify(&data.full_name, 120), "can-bo");
        let taken: Vec<String> = officials::table
            .select(officials::slug)
            .filter(officials::slug.like(format!("{base}%")))
            .load(conn)?;
        data.slug = crate::text::first_free_slug(&base, &taken);
    }
    let slug = data.slug.clone();
    let id = match id {
        Some(id) => {
            diesel::update(officials::table.find(id))
                .set(&data)
                .execute(conn)
                .map_err(unique_as(|| ApiError::SlugTaken(slug)))?;
            id
        }
        None => diesel::insert_into(officials::table)
            .values((&data, officials::created_at.eq(now)))
            .returning(officials::id)
            .get_result(conn)
            .map_err(unique_as(|| ApiError::SlugTaken(slug)))?,
    };
    let titles: Vec<String> = match &positions {
        Some(list) => list.iter().map(|p| p.title.clone()).collect(),
        None => positions::table
            .filter(positions::official_id.eq(id))
            .select(positions::title)
            .load(conn)?,
    };
    crate::search::store::index_official(conn, id, &data.full_name, &titles.join(" "))?;
    if let Some(list) = positions {
        diesel::delete(positions::table.filter(positions::official_id.eq(id))).execute(conn)?;
        let rows: Vec<_> = list.iter().map(|p| (p, positions::official_id.eq(id))).collect();
        crate::on_engine!(conn, c => diesel::insert_into(positions::table).values(rows).execute(c))?;
    }
    Ok(id)
}

/// Deletes an official nobody links to. One that articles or events mention
/// stays (409 `in_use`): end their positions to mark them former instead.
pub fn delete(conn: &mut Conn, key: &IdOrSlug) -> Result<(), ApiError> {
    let official = find(conn, key)?.ok_or(ApiError::NotFound)?;
    let in_articles: i64 = article_officials::table
        .filter(article_officials::official_id.eq(official.id))
        .count()
        .get_result(conn)?;
    let in_events: i64 = event_officials::table
        .filter(event_officials::official_id.eq(official.id))
        .count()
        .get_result(conn)?;
    if in_articles + in_events > 0 {
        return Err(ApiError::InUse);
    }
    diesel::delete(officials::table.find(official.id)).execute(conn)?;
    crate::search::store::remove(conn, crate::search::store::Kind::Officials, official.id)?;
    Ok(())
}

/// Officials linked to each of the given articles.
pub fn for_articles(conn: &mut Conn, article_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, ApiError> {
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

/// Replaces the officials an article mentions; unknown ids are a 422.
pub fn link_article(conn: &mut Conn, article_id: i64, official_ids: &[i64]) -> Result<(), ApiError> {
    let known: Vec<i64> = officials::table
        .select(officials::id)
        .filter(officials::id.eq_any(official_ids))
        .load(conn)?;
    if let Some(i) = official_ids.iter().position(|id| !known.contains(id)) {
        return Err(ApiError::validation(
            format!("official_ids[{i}]"),
            FieldIssue::UnknownReference,
        ));
    }
    diesel::delete(article_officials::table.filter(article_officials::article_id.eq(article_id))).execute(conn)?;
    let mut official_ids = official_ids.to_vec();
    official_ids.sort_unstable();
    official_ids.dedup();
    let rows: Vec<_> = official_ids
        .iter()
        .map(|id| {
            (
                article_officials::article_id.eq(article_id),
                article_officials::official_id.eq(*id),
            )
        })
        .collect();
    crate::on_engine!(conn, c => diesel::insert_into(article_officials::table)
        .values(rows)
        .execute(c))?;
    Ok(())
}
