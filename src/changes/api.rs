//! `/changes`: delta sync for apps and portals that keep a copy, and (with
//! `include=actor`, admins only) the audit trail.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};

use super::input::{token, ChangesQuery};
use super::model::{Actor, ChangeRow, Kind, Op};
use super::store::{self, Reading};
use super::views::{current, ActorView, ChangeView, ChangesMeta, ChangesPage, SyncToken};
use crate::clock::utc;
use crate::db::Conn;
use crate::http::cache::cached_json;
use crate::http::error::Problem;
use crate::http::lang::Lang;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/changes").get(list_changes))
        .service(at("/changes/token").get(current_token));
}

/// What changed since a token: each item once, as it is now (`upsert` with
/// its `data`) or gone (`delete`, a tombstone), oldest change first.
///
/// An app takes `GET /changes/token`, copies the lists, then asks
/// `/changes?since=<token>` from time to time, storing `meta.next` each
/// time and asking again at once while `meta.has_more`. Readers see what
/// the public sees (an article unpublished or archived is a `delete`);
/// editors, and integration keys with a write scope, also see drafts of
/// what they may write. A token older than the log keeps
/// (`BANTIN_CHANGES_RETENTION_DAYS`) is `410 sync_expired`: copy the lists
/// again. With `include=actor` (admins) every change is listed, with who
/// made it and what the public saw.
#[utoipa::path(get, path = "/api/v1/changes", tag = "changes", params(ChangesQuery),
    responses(
        (status = 200, body = ChangesPage, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A bad token, type, limit or include", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`include=actor` without signing in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`include=actor` by someone who is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`sync_expired`: the token is older than the log keeps, or from before a restore or an import of the database (another epoch of the log): copy the lists again", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_changes(r: Reader, query: web::Query<ChangesQuery>) -> Result<HttpResponse, ApiError> {
    let asked = query.parse()?;
    if asked.actor {
        r.auth.0.as_ref().ok_or(ApiError::Unauthorized)?.require_admin()?;
    }
    let editable = r.auth.editable();
    let (lang, now) = (r.lang, r.now());
    let on_replica = r.state.config.database_read_url.is_some() && r.auth.0.is_none();
    let page = crate::db::run(r.pool(), move |conn| {
        crate::db::read_tx(conn, |conn| {
            let floor = store::purged_through(conn)?;
            let epoch = store::epoch(conn)?;
            let since = match asked.since {
                // A token of another epoch (before a restore or an import)
                // no longer says what its holder has seen.
                Some((of, _)) if of != epoch => return Err(ApiError::SyncExpired),
                Some((_, since)) if since < floor => return Err(ApiError::SyncExpired),
                // A position the log never reached: it went back (a
                // database restored by hand). On a replica, it may only
                // lag behind the primary: nothing new yet.
                Some((_, since)) if !on_replica && since > store::position(conn)? => return Err(ApiError::SyncExpired),
                Some((_, since)) => since,
                None => floor,
            };
            let page = store::page(
                conn,
                &Reading {
                    since,
                    kinds: asked.kinds,
                    editable: editable.clone(),
                    latest_only: !asked.actor,
                    limit: asked.limit,
                },
            )?;
            let data = if asked.expand {
                load_data(conn, &page.rows, &editable, lang, now)?
            } else {
                HashMap::new()
            };
            let actors = if asked.actor {
                actor_names(conn, &page.rows)?
            } else {
                HashMap::new()
            };
            let data = page
                .rows
                .into_iter()
                .filter_map(|row| view(row, &editable, asked.expand, asked.actor, &data, &actors))
                .collect();
            Ok(ChangesPage {
                data,
                meta: ChangesMeta {
                    next: token(epoch, page.next),
                    has_more: page.has_more,
                },
            })
        })
    })
    .await?;
    cached_json(&r.req, &page, r.auth.audience())
}

/// The current data of every item a page upserts, by kind and id.
fn load_data(
    conn: &mut Conn,
    rows: &[ChangeRow],
    editable: &[Kind],
    lang: Lang,
    now: chrono::NaiveDateTime,
) -> Result<HashMap<(Kind, i64), serde_json::Value>, ApiError> {
    let mut wanted: HashMap<Kind, Vec<i64>> = HashMap::new();
    for row in rows {
        if let Some(kind) = row.kind() {
            if op_for(row, kind, editable) == Some(Op::Upsert) {
                wanted.entry(kind).or_default().push(row.resource_id);
            }
        }
    }
    let mut data = HashMap::new();
    for (kind, ids) in wanted {
        for (id, value) in current(conn, kind, &ids, editable.contains(&kind), lang, now)? {
            data.insert((kind, id), value);
        }
    }
    Ok(data)
}

/// Usernames and key names of the actors of a page.
fn actor_names(conn: &mut Conn, rows: &[ChangeRow]) -> Result<HashMap<(&'static str, i64), String>, ApiError> {
    let mut users = Vec::new();
    let mut keys = Vec::new();
    for row in rows {
        match row.actor() {
            Actor::User(id) => users.push(id),
            Actor::Key(id) => keys.push(id),
            _ => {}
        }
    }
    let mut names = HashMap::new();
    for (id, name) in crate::users::store::usernames(conn, &users)? {
        names.insert(("user", id), name);
    }
    for (id, name) in crate::keys::store::names(conn, &keys)? {
        names.insert(("key", id), name);
    }
    Ok(names)
}

/// What a change is to this caller: the editors' `op` for kinds it may
/// write, else what the public saw (nothing, for a change it cannot see).
fn op_for(row: &ChangeRow, kind: Kind, editable: &[Kind]) -> Option<Op> {
    if editable.contains(&kind) {
        Op::parse(&row.op)
    } else {
        row.event().map(|e| e.op())
    }
}

fn view(
    row: ChangeRow,
    editable: &[Kind],
    expand: bool,
    audit: bool,
    data: &HashMap<(Kind, i64), serde_json::Value>,
    actors: &HashMap<(&'static str, i64), String>,
) -> Option<ChangeView> {
    let kind = row.kind()?;
    let op = op_for(&row, kind, editable)?;
    let actor = row.actor();
    let (actor_kind, actor_id) = actor.parts();
    Some(ChangeView {
        seq: row.seq,
        kind,
        id: row.resource_id,
        slug: row.slug,
        op,
        at: utc(row.at),
        data: (expand && op == Op::Upsert).then(|| {
            data.get(&(kind, row.resource_id))
                .cloned()
                .unwrap_or(serde_json::Value::Null)
        }),
        event: audit.then_some(row.event),
        actor: audit.then(|| ActorView {
            kind: actor_kind,
            id: actor_id,
            name: actor_id.and_then(|id| actors.get(&(actor_kind, id)).cloned()),
        }),
    })
}

/// The end of the change log now: take it before copying the lists, then
/// sync from it, and no change is missed.
#[utoipa::path(get, path = "/api/v1/changes/token", tag = "changes",
    responses((status = 200, body = SyncToken, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified")))]
pub async fn current_token(r: Reader) -> Result<HttpResponse, ApiError> {
    let (epoch, position) = crate::db::run(r.pool(), |conn| {
        crate::db::read_tx(conn, |conn| {
            Ok::<_, ApiError>((store::epoch(conn)?, store::position(conn)?))
        })
    })
    .await?;
    cached_json(
        &r.req,
        &SyncToken {
            token: token(epoch, position),
        },
        r.auth.audience(),
    )
}
