//! Slugs: derived from a title when a record is created (`-2`, `-3` on a
//! clash), unique per table, kept when the title changes. One way for every
//! resource to derive a free slug and to save a row with one.

use diesel::prelude::*;

use super::error::{unique_as, StoreError, StoreResult};
use super::schema;
use super::Conn;

/// The tables whose rows have a unique slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugTable {
    Articles,
    Events,
    Officials,
    Organizations,
    Categories,
    Tags,
    Documents,
    Pages,
    Links,
    Playlists,
}

impl SlugTable {
    /// What a title that folds to nothing (or to digits only) becomes.
    fn fallback(self) -> &'static str {
        match self {
            SlugTable::Articles => "bai-viet",
            SlugTable::Events => "su-kien",
            SlugTable::Officials => "can-bo",
            SlugTable::Organizations => "to-chuc",
            SlugTable::Categories => "chuyen-muc",
            SlugTable::Tags => "the",
            SlugTable::Documents => "van-ban",
            SlugTable::Pages => "trang",
            SlugTable::Links => "lien-ket",
            SlugTable::Playlists => "danh-sach-phat",
        }
    }
}

/// Runs `$body` with `$t` bound to the schema module of the table.
macro_rules! with_table {
    ($table:expr, $t:ident => $body:expr) => {
        match $table {
            SlugTable::Articles => {
                use schema::articles as $t;
                $body
            }
            SlugTable::Events => {
                use schema::events as $t;
                $body
            }
            SlugTable::Officials => {
                use schema::officials as $t;
                $body
            }
            SlugTable::Organizations => {
                use schema::organizations as $t;
                $body
            }
            SlugTable::Categories => {
                use schema::categories as $t;
                $body
            }
            SlugTable::Tags => {
                use schema::tags as $t;
                $body
            }
            SlugTable::Documents => {
                use schema::documents as $t;
                $body
            }
            SlugTable::Pages => {
                use schema::pages as $t;
                $body
            }
            SlugTable::Links => {
                use schema::link_groups as $t;
                $body
            }
            SlugTable::Playlists => {
                use schema::playlists as $t;
                $body
            }
        }
    };
}

/// The slug `text` folds to, whether or not it is free.
pub fn base(table: SlugTable, text: &str) -> String {
    crate::text::slug_or_fallback(crate::text::slugify(text, 120), table.fallback())
}

/// A slug for `text` that no row of `table` has yet. Call inside the write
/// transaction that saves the row, so that it cannot be taken in between.
pub fn derive(conn: &mut Conn, table: SlugTable, text: &str) -> StoreResult<String> {
    let base = base(table, text);
    // Slugs are [a-z0-9-]: nothing in them acts as a LIKE wildcard.
    let pattern = format!("{base}%");
    let taken: Vec<String> =
        with_table!(table, t => t::table.select(t::slug).filter(t::slug.like(pattern)).load(conn))?;
    Ok(crate::text::first_free_slug(&base, &taken))
}

/// The result of saving a row with `slug`: its unique violation is `slug_taken`.
pub fn saved<T>(slug: &str, result: QueryResult<T>) -> StoreResult<T> {
    result.map_err(unique_as(|| StoreError::SlugTaken(slug.to_string())))
}

impl SlugTable {
    /// The name the slug history files the table's slugs under.
    pub fn name(self) -> &'static str {
        match self {
            SlugTable::Articles => "articles",
            SlugTable::Events => "events",
            SlugTable::Officials => "officials",
            SlugTable::Organizations => "organizations",
            SlugTable::Categories => "categories",
            SlugTable::Tags => "tags",
            SlugTable::Documents => "documents",
            SlugTable::Pages => "pages",
            SlugTable::Links => "links",
            SlugTable::Playlists => "playlists",
        }
    }
}

/// The row being saved: its id and slug before, when it exists.
pub type Before<'a> = Option<(i64, &'a str)>;

/// Gives an empty `slug` one derived from `title`, free at this moment (call
/// inside the write transaction that saves the row).
pub fn fill(conn: &mut Conn, table: SlugTable, slug: &mut String, title: &str) -> StoreResult<()> {
    if slug.is_empty() {
        *slug = derive(conn, table, title)?;
    }
    Ok(())
}

/// Saves a row of `table` with `slug` (see [`fill`]), the sequence every
/// slugged resource's store follows: `write` updates the row `before` names
/// (given its id) or inserts one (given `None`) and answers the id; a unique
/// violation is `slug_taken`; the old slug goes into the history.
pub fn save_row(
    conn: &mut Conn,
    table: SlugTable,
    before: Before<'_>,
    slug: &str,
    now: chrono::NaiveDateTime,
    write: impl FnOnce(&mut Conn, Option<i64>) -> QueryResult<i64>,
) -> StoreResult<i64> {
    let id = saved(slug, write(conn, before.map(|(id, _)| id)))?;
    settle(conn, table, id, before.map(|(_, old)| old), slug, now)?;
    Ok(id)
}

/// Keeps the slug history true after a row of `table` was saved with `new`
/// (having had `old`, when it existed before): an old slug leads to the row
/// that last had it. A slug in use answers for its row whatever the history
/// says (lookups try the live slugs first), so saving a row with an old slug
/// of another costs nothing here. Inside the write transaction that saved
/// the row.
pub fn settle(
    conn: &mut Conn,
    table: SlugTable,
    id: i64,
    old: Option<&str>,
    new: &str,
    now: chrono::NaiveDateTime,
) -> StoreResult<()> {
    use schema::slug_history as h;
    let kind = table.name();
    if let Some(old) = old.filter(|old| *old != new) {
        diesel::delete(
            h::table
                .filter(h::kind.eq(kind))
                .filter(h::slug.eq(old).or(h::slug.eq(new))),
        )
        .execute(conn)?;
        diesel::insert_into(h::table)
            .values((
                h::kind.eq(kind),
                h::slug.eq(old),
                h::resource_id.eq(id),
                h::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets the old slugs of a deleted row.
pub fn forget(conn: &mut Conn, table: SlugTable, id: i64) -> StoreResult<()> {
    use schema::slug_history as h;
    diesel::delete(h::table.filter(h::kind.eq(table.name())).filter(h::resource_id.eq(id))).execute(conn)?;
    Ok(())
}

/// The slug a row that once answered to `old` has now, if any.
pub fn current(conn: &mut Conn, table: SlugTable, old: &str) -> StoreResult<Option<String>> {
    use schema::slug_history as h;
    let id: Option<i64> = h::table
        .filter(h::kind.eq(table.name()))
        .filter(h::slug.eq(old))
        .select(h::resource_id)
        .first(conn)
        .optional()?;
    let Some(id) = id else { return Ok(None) };
    Ok(with_table!(table, t => t::table.find(id).select(t::slug).first::<String>(conn).optional())?)
}

/// The id of the row `key` names, if there is one.
pub fn id_of(conn: &mut Conn, table: SlugTable, key: &super::IdOrSlug) -> StoreResult<Option<i64>> {
    Ok(match key {
        super::IdOrSlug::Id(id) => {
            with_table!(table, t => t::table.find(*id).select(t::id).first::<i64>(conn).optional())?
        }
        super::IdOrSlug::Slug(slug) => {
            with_table!(table, t => t::table.filter(t::slug.eq(slug)).select(t::id).first::<i64>(conn).optional())?
        }
    })
}
