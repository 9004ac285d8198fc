//! The current representation of changed items, as a sync client stores
//! it: what `GET /api/v1/{type}/{id}` answers the same caller (without
//! `include`), loaded a kind at a time.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::Value;

use super::model::Kind;
use crate::db::{Conn, StoreError, StoreResult};
use crate::http::lang::Lang;

fn json(item: impl serde::Serialize) -> StoreResult<Value> {
    serde_json::to_value(item).map_err(|e| {
        tracing::error!(error = %e, "serialising a changed item failed");
        StoreError::Internal
    })
}

/// The items of `kind` with these ids that the caller may see, by id:
/// drafts (and pending comments) only when `editor`.
pub fn current(
    conn: &mut Conn,
    kind: Kind,
    ids: &[i64],
    editor: bool,
    lang: Lang,
    now: NaiveDateTime,
) -> StoreResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    match kind {
        Kind::Articles => out = articles(conn, ids, editor, lang, now)?,
        Kind::Events => {
            let events = crate::events::store::find_many(conn, ids)?;
            let page = crate::events::views::EventPage::load(conn, events, false, !editor, now)?;
            for event in &page.events {
                out.insert(event.id, json(page.view(event, lang))?);
            }
        }
        Kind::Officials => {
            let officials = crate::officials::store::find_many(conn, ids)?;
            let directory = crate::officials::views::Directory::load(conn, officials, now)?;
            for official in &directory.officials {
                out.insert(official.id, json(directory.view(official, lang))?);
            }
        }
        Kind::Organizations => {
            for org in crate::organizations::store::find_many(conn, ids)? {
                out.insert(org.id, json(crate::organizations::views::view(&org, lang))?);
            }
        }
        Kind::Categories | Kind::Tags => {
            use crate::taxonomy::model::TermKind;
            let term_kind = if kind == Kind::Categories {
                TermKind::Category
            } else {
                TermKind::Tag
            };
            for term in crate::taxonomy::store::find_many(conn, term_kind, ids)? {
                out.insert(term.id, json(crate::taxonomy::views::TermView::from(term))?);
            }
        }
        Kind::Comments => out = comments(conn, ids, editor)?,
        Kind::Media => {
            for item in crate::media::store::find_many(conn, ids)? {
                out.insert(item.id, json(crate::media::views::view(&item))?);
            }
        }
        Kind::Documents => {
            let docs = crate::documents::store::find_many(conn, ids)?;
            let names = crate::documents::views::Names::load(conn, &docs)?;
            for doc in &docs {
                out.insert(doc.id, json(crate::documents::views::view(doc, &names))?);
            }
        }
        Kind::Pages => {
            for page in crate::pages::store::find_many(conn, ids)? {
                out.insert(page.id, json(crate::pages::views::view(&page, lang))?);
            }
        }
        Kind::Links => {
            for group in crate::links::store::find_many(conn, ids)? {
                out.insert(group.id, json(crate::links::views::view(&group, lang))?);
            }
        }
        Kind::Playlists => {
            for list in crate::playlists::store::find_many(conn, ids)? {
                out.insert(list.id, json(crate::playlists::views::view(&list))?);
            }
        }
    }
    Ok(out)
}

/// Articles as they are now: what a reader sees (drafts only for editors).
fn articles(
    conn: &mut Conn,
    ids: &[i64],
    editor: bool,
    lang: Lang,
    now: NaiveDateTime,
) -> StoreResult<HashMap<i64, Value>> {
    use crate::articles::include::{render, Included};
    let rows: Vec<_> = crate::articles::store::find_many(conn, ids)?
        .into_iter()
        .filter(|a| editor || a.is_public(now))
        .collect();
    let related = crate::articles::store::related(conn, &rows)?;
    let none = Included::load(conn, &[], Default::default(), now)?;
    let mut out = HashMap::new();
    for row in rows {
        let view = crate::articles::views::view(row, &related, now);
        out.insert(view.id, render(&view, None, false, &none, lang));
    }
    Ok(out)
}

/// Comments as they are now: approved ones for the public, any for editors
/// (with what moderators see).
fn comments(conn: &mut Conn, ids: &[i64], editor: bool) -> StoreResult<HashMap<i64, Value>> {
    use crate::comments::model::CommentStatus;
    use crate::comments::views::{moderation_view, public_view};
    let mut out = HashMap::new();
    for comment in crate::comments::store::find_many(conn, ids)? {
        let value = if editor {
            json(moderation_view(comment.clone()))?
        } else if comment.status == CommentStatus::Approved.as_str() {
            json(public_view(&comment, None))?
        } else {
            continue;
        };
        out.insert(comment.id, value);
    }
    Ok(out)
}

/// One change, as sync clients and the audit trail read it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"seq": 412, "type": "articles", "id": 1, "slug": "thuong-truc-thi-uy-giao-ban",
    "op": "upsert", "at": "2026-11-30T08:00:00Z", "data": {"id": 1, "title": "…"}}))]
pub struct ChangeView {
    /// Its place in the log: later changes have higher numbers.
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub id: i64,
    /// The slug the item had at the change (comments have none).
    pub slug: Option<String>,
    /// `upsert`: keep `data` as the item; `delete`: drop the item (a
    /// tombstone: it was deleted, or left the caller's view).
    pub op: super::model::Op,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The item as `GET` answers it now (absent for a delete and with
    /// `expand=false`; `null` if it is gone by the time it is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// With `include=actor`: what the public saw (`published`, `updated`,
    /// `unpublished`, `deleted`, …; `null` when nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Option<String>>,
    /// With `include=actor`: who made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub actor: Option<ActorView>,
}

/// Who made a change.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ActorView {
    /// `user`, `key`, `scheduler` (timed publishing), `public` (a reader's
    /// comment) or `system` (an import, an upgrade).
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: Option<i64>,
    /// The user's username or the key's name, while they exist.
    pub name: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ChangesMeta {
    /// Keep it, and send it as `since` next time.
    pub next: String,
    /// Whether more changes follow: ask again at once with `since=next`.
    pub has_more: bool,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ChangesPage {
    pub data: Vec<ChangeView>,
    pub meta: ChangesMeta,
}

/// The end of the change log now.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SyncToken {
    pub token: String,
}
