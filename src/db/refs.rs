//! References from one record to others, checked before they are saved so
//! that an unknown id is a clear 422 naming the field, not a constraint error.

use diesel::prelude::*;

use super::error::{Reference, StoreError, StoreResult};
use super::schema;
use super::Conn;

/// A record named by its numeric id or by its slug (`/articles/{id_or_slug}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdOrSlug {
    Id(i64),
    Slug(String),
}

impl IdOrSlug {
    pub fn parse(raw: &str) -> IdOrSlug {
        match raw.parse::<i64>() {
            Ok(id) if !raw.starts_with('+') => IdOrSlug::Id(id),
            _ => IdOrSlug::Slug(raw.to_string()),
        }
    }

    /// Whether this names the row with `id` and `slug`.
    pub fn names(&self, id: i64, slug: &str) -> bool {
        match self {
            IdOrSlug::Id(wanted) => *wanted == id,
            IdOrSlug::Slug(wanted) => wanted == slug,
        }
    }
}

/// A filter by a related record given by id or slug, once resolved: its
/// id, or — when no such record exists — a filter that matches nothing
/// (an unknown tag or official in a query is an empty list, not an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow {
    To(i64),
    ToNothing,
}

impl Narrow {
    pub fn of(found: Option<i64>) -> Narrow {
        found.map_or(Narrow::ToNothing, Narrow::To)
    }
}

/// A related record a list is narrowed to, as the client named it: in the
/// path (`/officials/{id}/articles`: an unknown one is a 404) or in the
/// query (`?official=`: an unknown one matches nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub key: IdOrSlug,
    pub from_path: bool,
}

impl Scope {
    pub fn path(raw: &str) -> Scope {
        Scope {
            key: IdOrSlug::parse(raw),
            from_path: true,
        }
    }

    pub fn query(raw: Option<String>) -> Option<Scope> {
        raw.map(|raw| Scope {
            key: IdOrSlug::parse(&raw),
            from_path: false,
        })
    }

    /// The filter, once the record was looked up (`found`: its id).
    pub fn narrow(&self, found: Option<i64>) -> StoreResult<Narrow> {
        match found {
            Some(id) => Ok(Narrow::To(id)),
            None if self.from_path => Err(StoreError::NotFound),
            None => Ok(Narrow::ToNothing),
        }
    }
}

/// The tables other records refer to by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Articles,
    Events,
    Officials,
    Organizations,
    Categories,
    Documents,
}

/// The ids among `ids` that exist in `target`.
pub fn existing(conn: &mut Conn, target: Target, ids: &[i64]) -> StoreResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    macro_rules! known {
        ($t:ident) => {{
            use schema::$t as t;
            t::table.select(t::id).filter(t::id.eq_any(ids)).load(conn)?
        }};
    }
    Ok(match target {
        Target::Articles => known!(articles),
        Target::Events => known!(events),
        Target::Officials => known!(officials),
        Target::Organizations => known!(organizations),
        Target::Categories => known!(categories),
        Target::Documents => known!(documents),
    })
}

/// The references among `ids` (the items of input field `field`) that name
/// nothing, as `field[i]`; empty when every one exists.
pub fn unknown(conn: &mut Conn, target: Target, field: &'static str, ids: &[i64]) -> StoreResult<Vec<Reference>> {
    let known = existing(conn, target, ids)?;
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !known.contains(id))
        .map(|(i, _)| Reference::item(field, i))
        .collect())
}

/// `Ok` when nothing is unknown, else one error listing every unknown reference.
pub fn all_known(unknown: Vec<Reference>) -> StoreResult<()> {
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(StoreError::UnknownReferences(unknown))
    }
}

/// A single optional reference (`category_id`, `organization_id`).
pub fn check_one(conn: &mut Conn, target: Target, field: &'static str, id: Option<i64>) -> StoreResult<Vec<Reference>> {
    match id {
        Some(id) if existing(conn, target, &[id])?.is_empty() => Ok(vec![Reference::field(field)]),
        _ => Ok(Vec::new()),
    }
}
