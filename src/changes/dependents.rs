//! Items whose representation embeds another item, so that a change to the
//! one is a change to the others: an article shows its category's name and
//! its tags, an event its host organization and the officials who chair
//! and attend it (with their current title), an official the organizations
//! of their positions. The change log records an `upsert` for each of them
//! in the same transaction, so a sync client's copy never shows a stale
//! name. Counters (views, ratings, comment counts) are not changes.

use diesel::prelude::*;

use super::model::Touched;
use crate::db::schema::{article_tags, articles, event_officials, events, positions};
use crate::db::{Conn, StoreResult};

fn articles_where(rows: Vec<(i64, String, String)>) -> Vec<Touched> {
    rows.into_iter()
        .map(|(id, slug, status)| Touched::dependent(id, Some(slug), status == "published"))
        .collect()
}

/// Articles filed under a category.
pub fn articles_in_category(conn: &mut Conn, category: i64) -> StoreResult<Vec<Touched>> {
    let rows = articles::table
        .filter(articles::category_id.eq(category))
        .select((articles::id, articles::slug, articles::status))
        .order(articles::id)
        .load(conn)?;
    Ok(articles_where(rows))
}

/// Articles that carry a tag.
pub fn articles_tagged(conn: &mut Conn, tag: i64) -> StoreResult<Vec<Touched>> {
    let rows = articles::table
        .filter(
            articles::id.eq_any(
                article_tags::table
                    .select(article_tags::article_id)
                    .filter(article_tags::tag_id.eq(tag)),
            ),
        )
        .select((articles::id, articles::slug, articles::status))
        .order(articles::id)
        .load(conn)?;
    Ok(articles_where(rows))
}

/// Events an official chairs or attends, or that an organization hosts.
pub fn events_of(conn: &mut Conn, official: Option<i64>, organization: Option<i64>) -> StoreResult<Vec<Touched>> {
    let mut q = events::table
        .select((events::id, events::slug))
        .order(events::id)
        .into_boxed::<crate::db::Backend>();
    if let Some(official) = official {
        q = q.filter(
            events::id.eq_any(
                event_officials::table
                    .select(event_officials::event_id)
                    .filter(event_officials::official_id.eq(official)),
            ),
        );
    }
    if let Some(organization) = organization {
        q = q.filter(events::organization_id.eq(organization));
    }
    let rows: Vec<(i64, String)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug)| Touched::dependent(id, Some(slug), true))
        .collect())
}

/// Officials who hold or held a position in an organization.
pub fn officials_in(conn: &mut Conn, organization: i64) -> StoreResult<Vec<Touched>> {
    use crate::db::schema::officials;
    let rows: Vec<(i64, String)> = officials::table
        .filter(
            officials::id.eq_any(
                positions::table
                    .select(positions::official_id)
                    .filter(positions::organization_id.eq(organization)),
            ),
        )
        .select((officials::id, officials::slug))
        .order(officials::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug)| Touched::dependent(id, Some(slug), true))
        .collect())
}
