//! Every query on articles and their tags.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ArticleData, ArticleRow, Links, VISIBLE_STATUSES};
use crate::changes::{self, Kind, Stamp, Touched};
use crate::db::refs::{self, Target};
use crate::db::schema::{article_officials, article_tags, articles, tags};
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, StoreError, StoreResult};
use crate::taxonomy::model::Term;

mod list;
pub use list::list;

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<ArticleRow>> {
    // Not boxed: a fixed statement, prepared once per connection.
    let q = articles::table.select(ArticleRow::as_select());
    Ok(match key {
        IdOrSlug::Id(id) => q.filter(articles::id.eq(*id)).first(conn),
        IdOrSlug::Slug(slug) => q.filter(articles::slug.eq(slug)).first(conn),
    }
    .optional()?)
}

/// (id, slug, title, published_at) of an article.
pub type ArticleRefRow = (i64, String, String, Option<NaiveDateTime>);

/// Articles by id, as (id, slug, title, published_at), in publication order;
/// with `public_only`, only what readers may see.
pub fn refs(conn: &mut Conn, ids: &[i64], public_only: bool, now: NaiveDateTime) -> StoreResult<Vec<ArticleRefRow>> {
    let mut q = articles::table
        .select((articles::id, articles::slug, articles::title, articles::published_at))
        .filter(articles::id.eq_any(ids.to_vec()))
        .into_boxed::<Backend>();
    if public_only {
        q = q
            .filter(articles::status.eq_any(VISIBLE_STATUSES))
            .filter(articles::published_at.le(now));
    }
    // Undated drafts last on both engines (PostgreSQL puts NULLs first in a
    // descending order, SQLite last).
    Ok(q.order((
        articles::published_at.is_null(),
        articles::published_at.desc(),
        articles::id.desc(),
    ))
    .load(conn)?)
}

/// Articles by id (in no particular order).
pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<ArticleRow>> {
    Ok(articles::table
        .select(ArticleRow::as_select())
        .filter(articles::id.eq_any(ids))
        .load(conn)?)
}

/// The published article a reader may see (and rate or comment on), else 404.
pub fn find_public(conn: &mut Conn, key: &IdOrSlug, now: NaiveDateTime) -> StoreResult<ArticleRow> {
    find(conn, key)?
        .filter(|a| a.is_public(now))
        .ok_or(StoreError::NotFound)
}

/// Tags of each article, in the order the editor gave them.
pub fn tags_for(conn: &mut Conn, article_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Term>>> {
    let q = article_tags::table
        .inner_join(tags::table)
        .order((article_tags::article_id, article_tags::position))
        .select((
            article_tags::article_id,
            (
                tags::id,
                tags::slug,
                tags::name,
                tags::description,
                tags::created_at,
                tags::updated_at,
            ),
        ));
    // One article (a detail): a fixed statement, prepared once per connection.
    let rows: Vec<(i64, Term)> = match article_ids {
        [id] => q.filter(article_tags::article_id.eq(*id)).load(conn)?,
        ids => q.filter(article_tags::article_id.eq_any(ids)).load(conn)?,
    };
    let mut map: HashMap<i64, Vec<Term>> = HashMap::new();
    for (article_id, tag) in rows {
        map.entry(article_id).or_default().push(tag);
    }
    Ok(map)
}

fn set_tags(conn: &mut Conn, article_id: i64, tag_ids: &[i64]) -> StoreResult<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id))).execute(conn)?;
    let rows: Vec<_> = tag_ids
        .iter()
        .enumerate()
        .map(|(position, tag_id)| {
            (
                article_tags::article_id.eq(article_id),
                article_tags::tag_id.eq(*tag_id),
                article_tags::position.eq(position as i32),
            )
        })
        .collect();
    crate::on_engine!(conn, c => diesel::insert_into(article_tags::table).values(rows).execute(c))?;
    Ok(())
}

pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let row = find(conn, key)?.ok_or(StoreError::NotFound)?;
        crate::comments::store::record_article_gone(conn, row.id, stamp)?;
        diesel::delete(articles::table.find(row.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Articles, row.id)?;
        crate::media::uses::clear(conn, Kind::Articles, row.id)?;
        let gone = Touched::delete(row.id, Some(row.slug.clone()), row.is_announced());
        changes::store::record_one(conn, stamp, Kind::Articles, gone)
    })
}

/// Adds batched view counts. `updated_at` is left alone: views are not edits.
pub fn add_views(conn: &mut Conn, counts: &HashMap<i64, i64>) -> StoreResult<()> {
    crate::db::write_tx(conn, |conn| {
        for (id, n) in counts {
            diesel::update(articles::table.find(*id))
                .set(articles::view_count.eq(articles::view_count + *n))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Marks scheduled articles whose time has come as published, and tells
/// the change log (the scheduler published them). Idempotent, so several
/// instances may run it; `updated_at` becomes the publication time.
pub fn publish_due(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        let due = articles::table
            .filter(articles::status.eq("scheduled"))
            .filter(articles::published_at.le(now));
        let rows: Vec<(i64, String)> = due
            .select((articles::id, articles::slug))
            .order(articles::id)
            .load(conn)?;
        if rows.is_empty() {
            return Ok(0);
        }
        diesel::update(due)
            .set((
                articles::status.eq("published"),
                articles::updated_at.eq(articles::published_at.assume_not_null()),
            ))
            .execute(conn)?;
        let touched: Vec<Touched> = rows
            .into_iter()
            .map(|(id, slug)| Touched::upsert(id, Some(slug), false, true))
            .collect();
        changes::store::record(
            conn,
            &Stamp::new(now, changes::Actor::Scheduler),
            Kind::Articles,
            &touched,
        )?;
        Ok(touched.len())
    })
}

/// Everything a stored article needs besides its own row.
pub struct Related {
    pub categories: HashMap<i64, Term>,
    pub tags: HashMap<i64, Vec<Term>>,
    pub stats: HashMap<i64, super::stats::StatsRow>,
}

/// Loads the categories, tags and counters of a page of articles in three queries.
pub fn related(conn: &mut Conn, rows: &[ArticleRow]) -> StoreResult<Related> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut category_ids: Vec<i64> = rows.iter().filter_map(|r| r.category_id).collect();
    category_ids.sort_unstable();
    category_ids.dedup();
    let categories = if category_ids.is_empty() {
        HashMap::new()
    } else {
        crate::taxonomy::store::find_many(conn, crate::taxonomy::model::TermKind::Category, &category_ids)?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    };
    let tags = if ids.is_empty() {
        HashMap::new()
    } else {
        tags_for(conn, &ids)?
    };
    let stats = if ids.is_empty() {
        HashMap::new()
    } else {
        super::stats::for_articles(conn, &ids)?
    };
    Ok(Related {
        categories,
        tags,
        stats,
    })
}

/// Writes an article and what it links to, inside the caller's write
/// transaction (a derived slug must not be taken between choosing and
/// inserting it). An empty `data.slug` is derived from the title; a list of
/// `links` that is `None` is left alone.
pub fn save(
    conn: &mut Conn,
    current: Option<&ArticleRow>,
    mut data: ArticleData,
    links: Links,
    stamp: &Stamp,
) -> StoreResult<i64> {
    let now = stamp.at;
    data.settle(now);
    let mut unknown = refs::check_one(conn, Target::Categories, "category_id", data.category_id)?;
    if let Some(ids) = &links.official_ids {
        unknown.extend(refs::unknown(conn, Target::Officials, "official_ids", ids)?);
    }
    if let Some(ids) = &links.event_ids {
        unknown.extend(refs::unknown(conn, Target::Events, "event_ids", ids)?);
    }
    refs::all_known(unknown)?;
    let mut media = crate::media::refs::resolve_column(conn, &mut data.cover_image, "cover_image")?;
    media.extend(crate::media::refs::resolve_list(conn, &mut data.images, "images")?);
    slug::fill(conn, SlugTable::Articles, &mut data.slug, &data.title)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Articles, before, &data.slug, now, |conn, id| {
        crate::upsert!(
            conn,
            id,
            articles,
            &data,
            (
                &data,
                articles::author_id.eq(stamp.by.user_id()),
                articles::created_at.eq(now),
            )
        )
    })?;
    if current.is_some() || !media.is_empty() {
        crate::media::uses::set(conn, Kind::Articles, id, &media)?;
    }
    let was_public = current.is_some_and(ArticleRow::is_announced);
    let touched = Touched::upsert(id, Some(data.slug.clone()), was_public, data.is_announced());
    changes::store::record_one(conn, stamp, Kind::Articles, touched)?;
    if let Some(ids) = &links.official_ids {
        replace_links(conn, id, LinkTable::Officials, ids)?;
    }
    if let Some(ids) = &links.event_ids {
        replace_links(conn, id, LinkTable::Events, ids)?;
    }
    if let Some(names) = links.tags {
        let tags = crate::taxonomy::store::ensure_tags(conn, &names, stamp)?;
        set_tags(conn, id, &tags.iter().map(|t| t.id).collect::<Vec<_>>())?;
    }
    Ok(id)
}

/// The link tables an article's own input replaces.
enum LinkTable {
    Officials,
    Events,
}

/// Replaces the officials or events an article is linked to (ids checked).
fn replace_links(conn: &mut Conn, article_id: i64, table: LinkTable, ids: &[i64]) -> StoreResult<()> {
    use crate::db::schema::article_events;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    match table {
        LinkTable::Officials => {
            diesel::delete(article_officials::table.filter(article_officials::article_id.eq(article_id)))
                .execute(conn)?;
            let rows: Vec<_> = ids
                .iter()
                .map(|id| {
                    (
                        article_officials::article_id.eq(article_id),
                        article_officials::official_id.eq(*id),
                    )
                })
                .collect();
            crate::on_engine!(conn, c => diesel::insert_into(article_officials::table).values(rows).execute(c))?;
        }
        LinkTable::Events => {
            diesel::delete(article_events::table.filter(article_events::article_id.eq(article_id))).execute(conn)?;
            let rows: Vec<_> = ids
                .iter()
                .map(|id| {
                    (
                        article_events::article_id.eq(article_id),
                        article_events::event_id.eq(*id),
                    )
                })
                .collect();
            crate::on_engine!(conn, c => diesel::insert_into(article_events::table).values(rows).execute(c))?;
        }
    }
    Ok(())
}
