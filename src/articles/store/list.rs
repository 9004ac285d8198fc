//! The one query behind every list of articles: browsing, feeds, the
//! editors' queue. Each filter is an expression of its own; ordering and
//! the keyset position stay together, since the one follows the other.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text, Timestamp};

use super::super::model::{ArticleRow, Status, VISIBLE_STATUSES};
use super::super::query::{ListFilter, SortField, SortKey};
use crate::db::schema::{
    article_events, article_officials, article_tags, articles, categories, events, positions, tags,
};
use crate::db::{Backend, Conn, IdOrSlug, Narrow, StoreResult};

diesel::define_sql_function! {
    /// `COALESCE(a, b)` for a nullable timestamp with a non-null fallback.
    fn coalesce(a: Nullable<Timestamp>, b: Timestamp) -> Timestamp;
}

type TimeExpr = Box<dyn BoxableExpression<articles::table, Backend, SqlType = Timestamp>>;
type Condition = Box<dyn BoxableExpression<articles::table, Backend, SqlType = Bool>>;

/// The expression a time sort orders by. Public lists only hold rows with a
/// `published_at`, so they sort on the bare (indexed) column; editors' lists
/// may hold undated drafts, which sort by their creation time.
fn time_expr(field: SortField, public_only: bool) -> TimeExpr {
    match field {
        SortField::PublishedAt if public_only => Box::new(articles::published_at.assume_not_null()),
        SortField::PublishedAt => Box::new(coalesce(articles::published_at, articles::created_at)),
        SortField::UpdatedAt => Box::new(articles::updated_at),
        SortField::CreatedAt | SortField::Title => Box::new(articles::created_at),
    }
}

/// One page (and one row more, telling whether there is a next) of the
/// articles `f` asks for.
pub fn list(conn: &mut Conn, f: &ListFilter) -> StoreResult<Vec<ArticleRow>> {
    // Lists rarely show bodies; not reading them saves decoding ~4 KB of
    // text per row (a quarter of a list request's time at 100k articles).
    let body: Box<dyn BoxableExpression<articles::table, Backend, SqlType = Text>> = if f.with_body {
        Box::new(articles::body)
    } else {
        Box::new("".into_sql::<Text>())
    };
    let columns = (
        articles::id,
        articles::slug,
        articles::title,
        articles::summary,
        body,
        articles::cover_image,
        articles::images,
        articles::byline,
        articles::category_id,
        articles::author_id,
        articles::status,
        articles::published_at,
        articles::comments_enabled,
        articles::view_count,
        articles::created_at,
        articles::updated_at,
    );
    let mut q = articles::table.select(columns).into_boxed::<Backend>();
    let Some(conditions) = conditions(f) else {
        // A related record that does not exist: nothing is about it.
        return Ok(Vec::new());
    };
    for condition in conditions {
        q = q.filter(condition);
    }
    // Keyset position as `key <= k AND (key < k OR id < i)` (for descending
    // order): the first, plain range lets the index seek straight to the
    // cursor, so a page deep in the list costs what the first page costs.
    let desc = f.sort.descending;
    match f.sort.field {
        SortField::Title => {
            if let Some((SortKey::Text(title), id)) = &f.after {
                q = if desc {
                    q.filter(
                        articles::title
                            .le(title.clone())
                            .and(articles::title.lt(title.clone()).or(articles::id.lt(*id))),
                    )
                } else {
                    q.filter(
                        articles::title
                            .ge(title.clone())
                            .and(articles::title.gt(title.clone()).or(articles::id.gt(*id))),
                    )
                };
            }
            q = if desc {
                q.order((articles::title.desc(), articles::id.desc()))
            } else {
                q.order((articles::title.asc(), articles::id.asc()))
            };
        }
        field => {
            let key = || time_expr(field, f.public_only);
            if let (Some(at), Some((_, id))) = (cursor_time(f), &f.after) {
                // The range half is already in the merged bounds of `published_bounds`.
                q = if desc {
                    q.filter(articles::published_at.lt(at).or(articles::id.lt(*id)))
                } else {
                    q.filter(articles::published_at.gt(at).or(articles::id.gt(*id)))
                };
            } else if let Some((SortKey::Time(at), id)) = &f.after {
                q = if desc {
                    q.filter(key().le(*at).and(key().lt(*at).or(articles::id.lt(*id))))
                } else {
                    q.filter(key().ge(*at).and(key().gt(*at).or(articles::id.gt(*id))))
                };
            }
            q = if desc {
                q.order((key().desc(), articles::id.desc()))
            } else {
                q.order((key().asc(), articles::id.asc()))
            };
        }
    }
    Ok(q.limit(f.limit + 1).load::<ArticleRow>(conn)?)
}

/// Every condition of the list but its keyset position; `None` when it
/// names a related record that does not exist.
fn conditions(f: &ListFilter) -> Option<Vec<Condition>> {
    let mut all = status(f);
    all.extend(about(f)?);
    all.extend(published_bounds(f));
    all.extend(terms(f));
    if let Some(since) = f.updated_since {
        // For readers, an article that became visible after `since` changed too.
        all.push(if f.public_only {
            Box::new(
                articles::updated_at
                    .ge(since)
                    .or(articles::published_at.ge(since))
                    .assume_not_null(),
            )
        } else {
            Box::new(articles::updated_at.ge(since))
        });
    }
    Some(all)
}

/// Whether the list holds only what the public may see.
fn visible_only(f: &ListFilter) -> bool {
    f.public_only || f.status == Some(Status::Published)
}

fn status(f: &ListFilter) -> Vec<Condition> {
    let mut all: Vec<Condition> = Vec::new();
    if visible_only(f) {
        all.push(Box::new(articles::status.eq_any(VISIBLE_STATUSES)));
    }
    match f.status {
        None | Some(Status::Published) => {}
        Some(Status::Scheduled) => {
            all.push(Box::new(articles::status.eq("scheduled")));
            all.push(Box::new(articles::published_at.gt(f.now).assume_not_null()));
        }
        Some(other) => all.push(Box::new(articles::status.eq(other.as_str()))),
    }
    all
}

/// Articles about an official, or an organization (one of its events, or
/// an official who holds a position in it).
fn about(f: &ListFilter) -> Option<Vec<Condition>> {
    let mut all: Vec<Condition> = Vec::new();
    match f.official {
        None => {}
        Some(Narrow::To(official)) => all.push(Box::new(
            articles::id.eq_any(
                article_officials::table
                    .select(article_officials::article_id)
                    .filter(article_officials::official_id.eq(official)),
            ),
        )),
        Some(Narrow::ToNothing) => return None,
    }
    match f.organization {
        None => {}
        Some(Narrow::To(org)) => all.push(Box::new(
            articles::id
                .eq_any(
                    article_officials::table.select(article_officials::article_id).filter(
                        article_officials::official_id.eq_any(
                            positions::table
                                .select(positions::official_id)
                                .filter(positions::organization_id.eq(org)),
                        ),
                    ),
                )
                .or(articles::id.eq_any(
                    article_events::table.select(article_events::article_id).filter(
                        article_events::event_id
                            .eq_any(events::table.select(events::id).filter(events::organization_id.eq(org))),
                    ),
                )),
        )),
        Some(Narrow::ToNothing) => return None,
    }
    Some(all)
}

/// The cursor's time, when a public list is ordered by `published_at` (it
/// then joins the merged bounds).
fn cursor_time(f: &ListFilter) -> Option<chrono::NaiveDateTime> {
    let seek_by_published_at = f.public_only && f.sort.field == SortField::PublishedAt;
    match &f.after {
        Some((SortKey::Time(at), _)) if seek_by_published_at => Some(*at),
        _ => None,
    }
}

/// Every bound on `published_at` (visibility, `from`/`to`, and the cursor
/// of a public time-ordered list) merged into at most one lower and one
/// upper bound: given two upper bounds SQLite seeks the index by only one
/// of them, and picking the loose one turns a deep page into a long scan.
fn published_bounds(f: &ListFilter) -> Vec<Condition> {
    let cursor_time = cursor_time(f);
    let upper = [
        visible_only(f).then_some(f.now),
        f.to,
        cursor_time.filter(|_| f.sort.descending),
    ]
    .into_iter()
    .flatten()
    .min();
    let lower = [f.from, cursor_time.filter(|_| !f.sort.descending)]
        .into_iter()
        .flatten()
        .max();
    let mut all: Vec<Condition> = Vec::new();
    if let Some(upper) = upper {
        all.push(Box::new(articles::published_at.le(upper).assume_not_null()));
    }
    if let Some(lower) = lower {
        all.push(Box::new(articles::published_at.ge(lower).assume_not_null()));
    }
    all
}

/// Articles of a category, or with a tag (by id or slug).
fn terms(f: &ListFilter) -> Vec<Condition> {
    let mut all: Vec<Condition> = Vec::new();
    match &f.category {
        None => {}
        Some(IdOrSlug::Id(id)) => all.push(Box::new(articles::category_id.eq(*id).assume_not_null())),
        Some(IdOrSlug::Slug(slug)) => all.push(Box::new(
            articles::category_id
                .eq_any(
                    categories::table
                        .select(categories::id.nullable())
                        .filter(categories::slug.eq(slug.clone())),
                )
                .assume_not_null(),
        )),
    }
    match &f.tag {
        None => {}
        Some(IdOrSlug::Id(id)) => all.push(Box::new(
            articles::id.eq_any(
                article_tags::table
                    .select(article_tags::article_id)
                    .filter(article_tags::tag_id.eq(*id)),
            ),
        )),
        Some(IdOrSlug::Slug(slug)) => all.push(Box::new(
            articles::id.eq_any(
                article_tags::table
                    .inner_join(tags::table)
                    .select(article_tags::article_id)
                    .filter(tags::slug.eq(slug.clone())),
            ),
        )),
    }
    all
}
