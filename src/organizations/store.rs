//! Every query on organizations.

use diesel::prelude::*;

use super::model::{Organization, OrganizationData};
use crate::changes::{self, Stamp, Touched};
use crate::db::schema::{events, organizations, positions};
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Reference, StoreError, StoreResult};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Organization>> {
    let q = organizations::table
        .select(Organization::as_select())
        .into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(organizations::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(organizations::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Organization>> {
    Ok(organizations::table
        .select(Organization::as_select())
        .filter(organizations::id.eq_any(ids))
        .load(conn)?)
}

/// The whole directory in display order (`position`, then id). A town has
/// tens of organizations, a province a few hundred.
pub fn all(conn: &mut Conn) -> StoreResult<Vec<Organization>> {
    Ok(organizations::table
        .select(Organization::as_select())
        .order((organizations::position.asc(), organizations::id.asc()))
        .load(conn)?)
}

/// Inserts or updates inside the caller's write transaction. An empty slug
/// is derived from the name. A parent must exist and must not be the
/// organization itself or one of its descendants.
pub fn save(
    conn: &mut Conn,
    current: Option<&Organization>,
    mut data: OrganizationData,
    stamp: &Stamp,
) -> StoreResult<i64> {
    let id = current.map(|c| c.id);
    if let Some(parent) = data.parent_id {
        let all = all(conn)?;
        if !all.iter().any(|o| o.id == parent) {
            return Err(StoreError::unknown(Reference::field("parent_id")));
        }
        if let Some(id) = id {
            // Walk up from the new parent: meeting `id` would close a cycle.
            let mut cursor = Some(parent);
            while let Some(current) = cursor {
                if current == id {
                    return Err(StoreError::ForbiddenReference(Reference::field("parent_id")));
                }
                cursor = all.iter().find(|o| o.id == current).and_then(|o| o.parent_id);
            }
        }
    }
    let media = crate::media::refs::resolve_column(conn, &mut data.logo, "logo")?;
    slug::fill(conn, SlugTable::Organizations, &mut data.slug, &data.name)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(
        conn,
        SlugTable::Organizations,
        before,
        &data.slug,
        stamp.at,
        |conn, id| {
            crate::upsert!(
                conn,
                id,
                organizations,
                &data,
                (&data, organizations::created_at.eq(stamp.at))
            )
        },
    )?;
    crate::media::uses::set(conn, changes::Kind::Organizations, id, &media)?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Organizations, touched)?;
    if current.is_some() {
        // Officials' positions and events show the organization's name.
        let officials = changes::dependents::officials_in(conn, id)?;
        changes::store::record(conn, stamp, changes::Kind::Officials, &officials)?;
        let events = changes::dependents::events_of(conn, None, Some(id))?;
        changes::store::record(conn, stamp, changes::Kind::Events, &events)?;
    }
    Ok(id)
}

/// Deletes an organization that nothing refers to (no child organizations,
/// no positions, past or present, and no events), else `in_use`.
pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let org = find(conn, key)?.ok_or(StoreError::NotFound)?;
        let children: i64 = organizations::table
            .filter(organizations::parent_id.eq(org.id))
            .count()
            .get_result(conn)?;
        let held: i64 = positions::table
            .filter(positions::organization_id.eq(org.id))
            .count()
            .get_result(conn)?;
        let hosted: i64 = events::table
            .filter(events::organization_id.eq(org.id))
            .count()
            .get_result(conn)?;
        if children + held + hosted > 0 {
            return Err(StoreError::InUse);
        }
        diesel::delete(organizations::table.find(org.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Organizations, org.id)?;
        crate::media::uses::clear(conn, changes::Kind::Organizations, org.id)?;
        let gone = Touched::delete(org.id, Some(org.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Organizations, gone)
    })
}
