//! Every query on categories and tags. The two tables share their columns, so
//! the queries are written once (in `term_queries!`) and instantiated per table.

use chrono::NaiveDateTime;

use super::model::{Term, TermChanges, TermInput, TermKind};
use crate::changes::{self, Stamp, Touched};
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Conn, IdOrSlug, StoreError, StoreResult};

macro_rules! term_queries {
    ($module:ident, $table:ident) => {
        mod $module {
            use diesel::prelude::*;

            use super::*;
            use crate::db::schema::$table as t;

            const COLUMNS: (
                t::id,
                t::slug,
                t::name,
                t::description,
                t::created_at,
                t::updated_at,
            ) = (
                t::id,
                t::slug,
                t::name,
                t::description,
                t::created_at,
                t::updated_at,
            );

            pub fn find(conn: &mut Conn, key: &IdOrSlug) -> QueryResult<Option<Term>> {
                let query = t::table.select(COLUMNS).into_boxed();
                let query = match key {
                    IdOrSlug::Id(id) => query.filter(t::id.eq(*id)),
                    IdOrSlug::Slug(slug) => query.filter(t::slug.eq(slug)),
                };
                query.first(conn).optional()
            }

            pub fn find_many(conn: &mut Conn, ids: &[i64]) -> QueryResult<Vec<Term>> {
                match ids {
                    [id] => t::table.select(COLUMNS).filter(t::id.eq(*id)).load(conn),
                    ids => t::table.select(COLUMNS).filter(t::id.eq_any(ids)).load(conn),
                }
            }

            pub fn find_by_slugs(conn: &mut Conn, slugs: &[String]) -> QueryResult<Vec<Term>> {
                t::table.select(COLUMNS).filter(t::slug.eq_any(slugs)).load(conn)
            }

            pub fn list(
                conn: &mut Conn,
                after_id: Option<i64>,
                since: Option<NaiveDateTime>,
                limit: i64,
            ) -> QueryResult<Vec<Term>> {
                let mut query = t::table
                    .select(COLUMNS)
                    .order(t::id.asc())
                    .limit(limit + 1)
                    .into_boxed();
                if let Some(after) = after_id {
                    query = query.filter(t::id.gt(after));
                }
                if let Some(since) = since {
                    query = query.filter(t::updated_at.ge(since));
                }
                query.load(conn)
            }

            pub fn count(conn: &mut Conn, since: Option<NaiveDateTime>) -> QueryResult<i64> {
                let mut query = t::table.count().into_boxed();
                if let Some(since) = since {
                    query = query.filter(t::updated_at.ge(since));
                }
                query.get_result(conn)
            }

            pub fn insert(conn: &mut Conn, slug: &str, input: &TermInput, now: NaiveDateTime) -> QueryResult<Term> {
                diesel::insert_into(t::table)
                    .values((
                        t::slug.eq(slug),
                        t::name.eq(&input.name),
                        t::description.eq(&input.description),
                        t::created_at.eq(now),
                        t::updated_at.eq(now),
                    ))
                    .returning(COLUMNS)
                    .get_result(conn)
            }

            pub fn update(conn: &mut Conn, id: i64, changes: &TermChanges, now: NaiveDateTime) -> QueryResult<Term> {
                diesel::update(t::table.find(id))
                    .set((
                        changes.name.as_ref().map(|v| t::name.eq(v)),
                        changes.slug.as_ref().map(|v| t::slug.eq(v)),
                        changes.description.as_ref().map(|v| t::description.eq(v)),
                        t::updated_at.eq(now),
                    ))
                    .returning(COLUMNS)
                    .get_result(conn)
            }

            pub fn delete(conn: &mut Conn, id: i64) -> QueryResult<usize> {
                diesel::delete(t::table.find(id)).execute(conn)
            }
        }
    };
}

term_queries!(category_queries, categories);
term_queries!(tag_queries, tags);

macro_rules! dispatch {
    ($kind:expr, $function:ident($($arg:expr),*)) => {
        match $kind {
            TermKind::Category => category_queries::$function($($arg),*),
            TermKind::Tag => tag_queries::$function($($arg),*),
        }
    };
}

impl TermKind {
    fn slug_table(self) -> SlugTable {
        match self {
            TermKind::Category => SlugTable::Categories,
            TermKind::Tag => SlugTable::Tags,
        }
    }

    fn change_kind(self) -> changes::Kind {
        match self {
            TermKind::Category => changes::Kind::Categories,
            TermKind::Tag => changes::Kind::Tags,
        }
    }
}

/// Records a change to a term and to the articles that show it.
fn record(conn: &mut Conn, kind: TermKind, stamp: &Stamp, term: Touched, articles: &[Touched]) -> StoreResult<()> {
    changes::store::record_one(conn, stamp, kind.change_kind(), term)?;
    changes::store::record(conn, stamp, changes::Kind::Articles, articles)
}

pub fn find(conn: &mut Conn, kind: TermKind, key: &IdOrSlug) -> StoreResult<Option<Term>> {
    Ok(dispatch!(kind, find(conn, key))?)
}

pub fn find_many(conn: &mut Conn, kind: TermKind, ids: &[i64]) -> StoreResult<Vec<Term>> {
    Ok(dispatch!(kind, find_many(conn, ids))?)
}

pub fn find_by_slugs(conn: &mut Conn, kind: TermKind, slugs: &[String]) -> StoreResult<Vec<Term>> {
    Ok(dispatch!(kind, find_by_slugs(conn, slugs))?)
}

/// A page of terms in creation order (changed since a moment, if given), and how many match.
pub fn list(
    conn: &mut Conn,
    kind: TermKind,
    after_id: Option<i64>,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> StoreResult<(Vec<Term>, i64)> {
    Ok((
        dispatch!(kind, list(conn, after_id, since, limit))?,
        dispatch!(kind, count(conn, since))?,
    ))
}

/// Inserts a term, its slug derived from the name unless one is given.
pub fn create(conn: &mut Conn, kind: TermKind, input: &TermInput, stamp: &Stamp) -> StoreResult<Term> {
    write_tx(conn, |conn| insert(conn, kind, input, stamp))
}

fn insert(conn: &mut Conn, kind: TermKind, input: &TermInput, stamp: &Stamp) -> StoreResult<Term> {
    let slug = match &input.slug {
        Some(slug) => slug.clone(),
        None => slug::derive(conn, kind.slug_table(), &input.name)?,
    };
    let term = slug::saved(&slug, dispatch!(kind, insert(conn, &slug, input, stamp.at)))?;
    slug::settle(conn, kind.slug_table(), term.id, None, &term.slug, stamp.at)?;
    let created = Touched::upsert(term.id, Some(term.slug.clone()), false, true);
    record(conn, kind, stamp, created, &[])?;
    Ok(term)
}

pub fn update(
    conn: &mut Conn,
    kind: TermKind,
    key: &IdOrSlug,
    changes: &TermChanges,
    stamp: &Stamp,
) -> StoreResult<Term> {
    write_tx(conn, |conn| {
        let current = find(conn, kind, key)?.ok_or(StoreError::NotFound)?;
        let slug = changes.slug.clone().unwrap_or_default();
        let term = slug::saved(&slug, dispatch!(kind, update(conn, current.id, changes, stamp.at)))?;
        slug::settle(
            conn,
            kind.slug_table(),
            term.id,
            Some(&current.slug),
            &term.slug,
            stamp.at,
        )?;
        let shown_in = match kind {
            TermKind::Category => changes::dependents::articles_in_category(conn, term.id)?,
            TermKind::Tag => changes::dependents::articles_tagged(conn, term.id)?,
        };
        let changed = Touched::upsert(term.id, Some(term.slug.clone()), true, true);
        record(conn, kind, stamp, changed, &shown_in)?;
        Ok(term)
    })
}

/// Deletes a term. A category still used by articles is `in_use` (the
/// database refuses it); a tag is simply removed from the articles that carry it.
pub fn delete(conn: &mut Conn, kind: TermKind, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let current = find(conn, kind, key)?.ok_or(StoreError::NotFound)?;
        let shown_in = match kind {
            TermKind::Category => Vec::new(),
            TermKind::Tag => changes::dependents::articles_tagged(conn, current.id)?,
        };
        dispatch!(kind, delete(conn, current.id))?;
        slug::forget(conn, kind.slug_table(), current.id)?;
        let gone = Touched::delete(current.id, Some(current.slug.clone()), true);
        record(conn, kind, stamp, gone, &shown_in)
    })
}

/// Resolves tag names to tags, creating the missing ones (as Ghost does).
/// Inside the caller's write transaction.
pub fn ensure_tags(conn: &mut Conn, names: &[String], stamp: &Stamp) -> StoreResult<Vec<Term>> {
    let mut tags = Vec::with_capacity(names.len());
    for name in names {
        let slug = slug::base(SlugTable::Tags, name);
        let existing = find(conn, TermKind::Tag, &IdOrSlug::Slug(slug.clone()))?;
        let tag = match existing {
            Some(tag) => tag,
            None => insert(
                conn,
                TermKind::Tag,
                &TermInput {
                    name: name.clone(),
                    slug: Some(slug),
                    description: None,
                },
                stamp,
            )?,
        };
        if !tags.iter().any(|t: &Term| t.id == tag.id) {
            tags.push(tag);
        }
    }
    Ok(tags)
}
