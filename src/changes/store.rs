//! Every query on the change log.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::model::{ChangeRow, Event, Kind, Stamp, Touched};
use crate::db::schema::{changes, site_counters};
use crate::db::{Backend, Conn, StoreResult};

/// The highest sequence number removed by the retention purge: a token
/// below it has missed changes that are gone.
pub const PURGED_THROUGH: &str = "changes_purged_through";

/// Records what a write did, inside its transaction (the caller's
/// `write_tx`, which holds the write lock: numbers are drawn in commit order).
pub fn record(conn: &mut Conn, stamp: &Stamp, kind: Kind, touched: &[Touched]) -> StoreResult<()> {
    let (actor_kind, actor_id) = stamp.by.parts();
    let mut public_seq = None;
    for chunk in touched.chunks(1000) {
        let public: Vec<bool> = chunk
            .iter()
            .map(|t| Event::of(kind, t.op, t.was_public, t.is_public).is_some())
            .collect();
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| {
                (
                    changes::kind.eq(kind.as_str()),
                    changes::resource_id.eq(t.id),
                    changes::slug.eq(t.slug.as_deref()),
                    changes::op.eq(t.op.as_str()),
                    changes::event.eq(Event::of(kind, t.op, t.was_public, t.is_public).map(Event::as_str)),
                    changes::at.eq(stamp.at),
                    changes::actor_kind.eq(actor_kind),
                    changes::actor_id.eq(actor_id),
                )
            })
            .collect();
        let seqs: Vec<i64> = crate::on_engine!(conn, c => diesel::insert_into(changes::table)
            .values(rows)
            .returning(changes::seq)
            .get_results(c))?;
        for (seq, public) in seqs.into_iter().zip(public) {
            if public {
                public_seq = public_seq.max(Some(seq));
            }
        }
    }
    if !touched.is_empty() {
        crate::db::signal::changed(public_seq);
    }
    Ok(())
}

/// Records one item.
pub fn record_one(conn: &mut Conn, stamp: &Stamp, kind: Kind, touched: Touched) -> StoreResult<()> {
    record(conn, stamp, kind, std::slice::from_ref(&touched))
}

/// What a reader of the log asks for.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Changes after this number.
    pub since: i64,
    /// Only these kinds (empty: all).
    pub kinds: Vec<Kind>,
    /// Kinds the reader may edit: it sees every change to them, as editors
    /// do; of the others it sees only what the public saw.
    pub editable: Vec<Kind>,
    /// Leave out a change when a later one to the same item (that the
    /// reader sees) follows: a sync client needs only the last.
    pub latest_only: bool,
    pub limit: i64,
}

/// A page of the log.
#[derive(Debug)]
pub struct Page {
    pub rows: Vec<ChangeRow>,
    pub has_more: bool,
    /// Where the next read starts: the last change read, or the end of the
    /// log when nothing more is there.
    pub next: i64,
}

/// Reads a page. Call it inside [`crate::db::read_tx`] so the page and the
/// position agree.
pub fn page(conn: &mut Conn, r: &Reading) -> StoreResult<Page> {
    let later = diesel::alias!(changes as later);
    let editable: Vec<&str> = r.editable.iter().map(|k| k.as_str()).collect();
    let mut q = changes::table
        .select(ChangeRow::as_select())
        .filter(changes::seq.gt(r.since))
        .filter(changes::event.is_not_null().or(changes::kind.eq_any(editable.clone())))
        .into_boxed::<Backend>();
    if !r.kinds.is_empty() {
        q = q.filter(changes::kind.eq_any(r.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
    }
    if r.latest_only {
        q = q.filter(not(exists(
            later
                .select(later.field(changes::seq))
                .filter(later.field(changes::kind).eq(changes::kind))
                .filter(later.field(changes::resource_id).eq(changes::resource_id))
                .filter(later.field(changes::seq).gt(changes::seq))
                .filter(
                    later
                        .field(changes::event)
                        .is_not_null()
                        .or(later.field(changes::kind).eq_any(editable)),
                ),
        )));
    }
    let mut rows: Vec<ChangeRow> = q.order(changes::seq.asc()).limit(r.limit + 1).load(conn)?;
    let has_more = rows.len() as i64 > r.limit;
    rows.truncate(r.limit as usize);
    let next = match rows.last() {
        Some(last) if has_more => last.seq,
        _ => position(conn)?.max(r.since),
    };
    Ok(Page { rows, has_more, next })
}

/// The end of the log: the number of the last change (or of the last one
/// purged, when the log is empty).
pub fn position(conn: &mut Conn) -> StoreResult<i64> {
    let last: Option<i64> = changes::table.select(diesel::dsl::max(changes::seq)).first(conn)?;
    Ok(last.unwrap_or(0).max(purged_through(conn)?))
}

/// Changes at or below this number are gone.
pub fn purged_through(conn: &mut Conn) -> StoreResult<i64> {
    Ok(site_counters::table
        .filter(site_counters::name.eq(PURGED_THROUGH))
        .select(site_counters::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// The `site_counters` row naming the epoch of the log. A restore or an
/// import starts a new one: change numbers may then be drawn again, so a
/// token of an earlier epoch can no longer say what a client has seen.
pub const EPOCH: &str = "changes_epoch";

/// The epoch of the log: 0 until its first restore or import.
pub fn epoch(conn: &mut Conn) -> StoreResult<i64> {
    Ok(site_counters::table
        .filter(site_counters::name.eq(EPOCH))
        .select(site_counters::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Starts a new epoch of the log (after a restore or an import): every
/// sync token issued before is answered `410 sync_expired`.
pub fn new_epoch(conn: &mut Conn) -> StoreResult<i64> {
    crate::db::write_tx(conn, |conn| {
        let old = epoch(conn)?;
        let new = loop {
            let candidate = (rand::random::<u32>() as i64).max(1);
            if candidate != old {
                break candidate;
            }
        };
        crate::on_engine!(conn, c => diesel::insert_into(site_counters::table)
            .values((site_counters::name.eq(EPOCH), site_counters::value.eq(new)))
            .on_conflict(site_counters::name)
            .do_update()
            .set(site_counters::value.eq(new))
            .execute(c))?;
        Ok(new)
    })
}

/// The number of the last change the public saw (0 when none): what the
/// response caches of other instances follow.
pub fn public_position(conn: &mut Conn) -> StoreResult<i64> {
    // Walked back from the end of the key, not MAX() over a filter (which
    // reads the whole log: every half second, on every instance).
    let last: Option<i64> = changes::table
        .filter(changes::event.is_not_null())
        .select(changes::seq)
        .order(changes::seq.desc())
        .first(conn)
        .optional()?;
    Ok(last.unwrap_or(0))
}

/// The number of the last change to one item: its version (0 when the log
/// holds none).
pub fn version(conn: &mut Conn, kind: Kind, id: i64) -> StoreResult<i64> {
    let last: Option<i64> = changes::table
        .filter(changes::kind.eq(kind.as_str()))
        .filter(changes::resource_id.eq(id))
        .select(diesel::dsl::max(changes::seq))
        .first(conn)?;
    Ok(last.unwrap_or(0))
}

/// Changes after `since` that the public saw, oldest first: what webhooks
/// are told. At most `limit`.
pub fn public_after(conn: &mut Conn, since: i64, limit: i64) -> StoreResult<Vec<ChangeRow>> {
    Ok(changes::table
        .select(ChangeRow::as_select())
        .filter(changes::seq.gt(since))
        .filter(changes::event.is_not_null())
        .order(changes::seq.asc())
        .limit(limit)
        .load(conn)?)
}

/// Forgets changes older than `before`, remembering the highest number
/// forgotten; how many. Keeps the newest change whatever its age, so the
/// log's position never moves back.
pub fn purge(conn: &mut Conn, before: NaiveDateTime) -> StoreResult<usize> {
    crate::db::write_tx(conn, |conn| {
        let newest: Option<i64> = changes::table.select(diesel::dsl::max(changes::seq)).first(conn)?;
        let Some(newest) = newest else { return Ok(0) };
        let last_old: Option<i64> = changes::table
            .filter(changes::at.lt(before))
            .filter(changes::seq.lt(newest))
            .select(diesel::dsl::max(changes::seq))
            .first(conn)?;
        let Some(last_old) = last_old else { return Ok(0) };
        let n = diesel::delete(changes::table.filter(changes::seq.le(last_old))).execute(conn)?;
        crate::on_engine!(conn, c => diesel::insert_into(site_counters::table)
            .values((site_counters::name.eq(PURGED_THROUGH), site_counters::value.eq(last_old)))
            .on_conflict(site_counters::name)
            .do_update()
            .set(site_counters::value.eq(excluded(site_counters::value)))
            .execute(c))?;
        Ok(n)
    })
}

/// Content written before the change log existed (an upgraded site, an
/// import of an older export) gets one `upsert` each, so that a client
/// replaying the log from the start sees everything. Runs only on a log
/// that has never held a change; how many were recorded.
pub fn backfill(conn: &mut Conn, now: NaiveDateTime) -> StoreResult<usize> {
    crate::db::write_tx(conn, |conn| {
        let any: Option<i64> = changes::table.select(changes::seq).first(conn).optional()?;
        if any.is_some() || purged_through(conn)? > 0 {
            return Ok(0);
        }
        // Literals, not binds: the same text on both engines, and the values
        // are ours (a formatted time, fixed names).
        let at = now.format("%Y-%m-%d %H:%M:%S").to_string();
        let sources = [
            ("categories", "categories", "'created'".to_string(), "slug"),
            ("tags", "tags", "'created'".to_string(), "slug"),
            ("organizations", "organizations", "'created'".to_string(), "slug"),
            ("officials", "officials", "'created'".to_string(), "slug"),
            ("events", "events", "'published'".to_string(), "slug"),
            (
                "articles",
                "articles",
                format!(
                    "CASE WHEN status IN ('published', 'scheduled') AND published_at <= '{at}' THEN 'published' END"
                ),
                "slug",
            ),
            (
                "comments",
                "comments",
                "CASE WHEN status = 'approved' THEN 'approved' END".to_string(),
                "NULL",
            ),
        ];
        let mut n = 0;
        for (kind, table, event, slug) in sources {
            let sql = format!(
                "INSERT INTO changes (kind, resource_id, slug, op, event, at, actor_kind, actor_id) \
                 SELECT '{kind}', id, {slug}, 'upsert', {event}, '{at}', 'system', NULL FROM {table} ORDER BY id"
            );
            n += diesel::sql_query(sql).execute(conn)?;
        }
        if n > 0 {
            let last: Option<i64> = changes::table.select(diesel::dsl::max(changes::seq)).first(conn)?;
            crate::db::signal::changed(last);
        }
        Ok(n)
    })
}
