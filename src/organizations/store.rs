//! Every query on organizations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Organization, OrganizationData};
use crate::db::schema::{events, organizations, positions};
use crate::db::{Backend, Conn};
use crate::http::error::unique_as;
use crate::http::extract::IdOrSlug;
use crate::http::{ApiError, FieldIssue};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> Result<Option<Organization>, ApiError> {
    let q = organizations::table
        .select(Organization::as_select())
        .into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(organizations::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(organizations::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> Result<Vec<Organization>, ApiError> {
    Ok(organizations::table
        .select(Organization::as_select())
        .filter(organizations::id.eq_any(ids))
        .load(conn)?)
}

/// The whole directory in display order (`position`, then id). A town has
/// tens of organizations, a province a few hundred.
pub fn all(conn: &mut Conn) -> Result<Vec<Organization>, ApiError> {
    Ok(organizations::table
        .select(Organization::as_select())
        .order((organizations::position.asc(), organizations::id.asc()))
        .load(conn)?)
}

/// Inserts or updates; call inside a write transaction. An empty slug is
/// derived from the name. A parent must exist and must not be the
/// organization itself or one of its descendants.
pub fn save(conn: &mut Conn, id: Option<i64>, mut data: OrganizationData, now: NaiveDateTime) -> Result<i64, ApiError> {
    if let Some(parent) = data.parent_id {
        let all = all(conn)?;
        if !all.iter().any(|o| o.id == parent) {
            return Err(ApiError::validation("parent_id", FieldIssue::UnknownReference));
        }
        if let Some(id) = id {
            // Walk up from the new parent: meeting `id` would close a cycle.
            let mut cursor = Some(parent);
            while let Some(current) = cursor {
                if current == id {
                    return Err(ApiError::validation("parent_id", FieldIssue::Format));
                }
                cursor = all.iter().find(|o| o.id == current).and_then(|o| o.parent_id);
            }
        }
    }
    if data.slug.is_empty() {
        let base = crate::text::slug_or_fallback(crate::text::slugify(&data.name, 120), "to-chuc");
        let taken: Vec<String> = organizations::table
            .select(organizations::slug)
            .filter(organizations::slug.like(format!("{base}%")))
            .load(conn)?;
        data.slug = crate::text::first_free_slug(&base, &taken);
    }
    let slug = data.slug.clone();
    match id {
        Some(id) => {
            diesel::update(organizations::table.find(id))
                .set(&data)
                .execute(conn)
                .map_err(unique_as(|| ApiError::SlugTaken(slug)))?;
            Ok(id)
        }
        None => diesel::insert_into(organizations::table)
            .values((&data, organizations::created_at.eq(now)))
            .returning(organizations::id)
            .get_result(conn)
            .map_err(unique_as(|| ApiError::SlugTaken(slug))),
    }
}

/// Deletes an organization that nothing refers to (no child organizations,
/// no positions, past or present, and no events), else 409 `in_use`.
pub fn delete(conn: &mut Conn, key: &IdOrSlug) -> Result<(), ApiError> {
    let org = find(conn, key)?.ok_or(ApiError::NotFound)?;
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
        return Err(ApiError::InUse);
    }
    diesel::delete(organizations::table.find(org.id)).execute(conn)?;
    Ok(())
}
