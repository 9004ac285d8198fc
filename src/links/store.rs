//! Every query on link groups.

use diesel::prelude::*;

use super::model::{Link, LinkGroup, LinkGroupData};
use crate::changes::{self, Stamp, Touched};
use crate::db::schema::link_groups;
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Reference, StoreError, StoreResult};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<LinkGroup>> {
    let q = link_groups::table
        .select(LinkGroup::as_select())
        .into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(link_groups::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(link_groups::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<LinkGroup>> {
    Ok(link_groups::table
        .select(LinkGroup::as_select())
        .filter(link_groups::id.eq_any(ids))
        .load(conn)?)
}

/// Every group in order (`position`, then id).
pub fn all(conn: &mut Conn) -> StoreResult<Vec<LinkGroup>> {
    Ok(link_groups::table
        .select(LinkGroup::as_select())
        .order((link_groups::position.asc(), link_groups::id.asc()))
        .load(conn)?)
}

pub fn save(conn: &mut Conn, current: Option<&LinkGroup>, mut data: LinkGroupData, stamp: &Stamp) -> StoreResult<i64> {
    let mut links: Vec<Link> = serde_json::from_str(&data.links).map_err(|_| StoreError::Internal)?;
    let mut used = Vec::new();
    for (i, link) in links.iter_mut().enumerate() {
        if let Some(logo) = &mut link.logo {
            crate::media::refs::resolve(conn, logo, Reference::member("links", i, "logo"))?;
            used.extend(logo.media_id);
        }
    }
    data.links = serde_json::to_string(&links).map_err(|_| StoreError::Internal)?;
    slug::fill(conn, SlugTable::Links, &mut data.slug, &data.name)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Links, before, &data.slug, stamp.at, |conn, id| {
        crate::upsert!(
            conn,
            id,
            link_groups,
            &data,
            (&data, link_groups::created_at.eq(stamp.at))
        )
    })?;
    crate::media::uses::set(conn, changes::Kind::Links, id, &used)?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Links, touched)?;
    Ok(id)
}

pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let group = find(conn, key)?.ok_or(StoreError::NotFound)?;
        diesel::delete(link_groups::table.find(group.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Links, group.id)?;
        crate::media::uses::clear(conn, changes::Kind::Links, group.id)?;
        let gone = Touched::delete(group.id, Some(group.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Links, gone)
    })
}
