//! Every query on pages.

use diesel::prelude::*;

use super::model::{Page, PageData};
use crate::changes::{self, Stamp, Touched};
use crate::db::schema::pages;
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Reference, StoreError, StoreResult};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Page>> {
    let q = pages::table.select(Page::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(pages::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(pages::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Page>> {
    Ok(pages::table
        .select(Page::as_select())
        .filter(pages::id.eq_any(ids))
        .load(conn)?)
}

/// Every page in menu order (`position`, then id): a portal has tens.
pub fn all(conn: &mut Conn) -> StoreResult<Vec<Page>> {
    Ok(pages::table
        .select(Page::as_select())
        .order((pages::position.asc(), pages::id.asc()))
        .load(conn)?)
}

/// A parent must exist and must not be the page or one under it.
pub fn save(conn: &mut Conn, current: Option<&Page>, mut data: PageData, stamp: &Stamp) -> StoreResult<i64> {
    let id = current.map(|c| c.id);
    if let Some(parent) = data.parent_id {
        let tree: Vec<(i64, Option<i64>)> = pages::table.select((pages::id, pages::parent_id)).load(conn)?;
        if !tree.iter().any(|(p, _)| *p == parent) {
            return Err(StoreError::unknown(Reference::field("parent_id")));
        }
        let mut cursor = Some(parent);
        while let (Some(at), Some(id)) = (cursor, id) {
            if at == id {
                return Err(StoreError::ForbiddenReference(Reference::field("parent_id")));
            }
            cursor = tree.iter().find(|(p, _)| *p == at).and_then(|(_, up)| *up);
        }
    }
    slug::fill(conn, SlugTable::Pages, &mut data.slug, &data.title)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Pages, before, &data.slug, stamp.at, |conn, id| {
        crate::upsert!(conn, id, pages, &data, (&data, pages::created_at.eq(stamp.at)))
    })?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Pages, touched)?;
    Ok(id)
}

/// Deletes a page with no pages under it (else `in_use`).
pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let page = find(conn, key)?.ok_or(StoreError::NotFound)?;
        let children: i64 = pages::table
            .filter(pages::parent_id.eq(page.id))
            .count()
            .get_result(conn)?;
        if children > 0 {
            return Err(StoreError::InUse);
        }
        diesel::delete(pages::table.find(page.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Pages, page.id)?;
        let gone = Touched::delete(page.id, Some(page.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Pages, gone)
    })
}
