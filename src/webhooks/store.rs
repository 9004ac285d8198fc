//! Every query on webhooks and their deliveries: the outbox.
//!
//! Deliveries come from the change log: [`fan_out`] turns the public
//! changes after each hook's cursor into deliveries, under the write lock,
//! so each change becomes one delivery per hook however many instances
//! run it (and a rolled-back write, never in the log, sends nothing).
//! [`claim`] hands due deliveries to one sender each: `FOR UPDATE SKIP
//! LOCKED` and a lease on PostgreSQL, the write lock on SQLite; a delivery
//! waits while an earlier one about the same item is still pending, so a
//! receiver gets them in order and a failing one delays only its item.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::model::{Delivery, DeliveryState, NewDelivery, NewWebhook, Outcome, Webhook, WebhookChanges};
use crate::changes::{self, Kind, Op};
use crate::db::schema::{webhook_deliveries as d, webhooks as w};
use crate::db::{write_tx, AnyConnection, Conn, StoreError, StoreResult};

/// Failed attempts in a row that disable a hook.
pub const FAILURES_TO_DISABLE: i32 = 50;
/// Changes turned into deliveries per hook per round.
const FAN_OUT_BATCH: i64 = 200;

pub fn create(conn: &mut Conn, new: NewWebhook) -> StoreResult<Webhook> {
    write_tx(conn, |conn| {
        // A new hook hears of what happens from now on.
        let new = NewWebhook {
            cursor: changes::store::position(conn)?,
            ..new
        };
        Ok(crate::on_engine!(conn, c => diesel::insert_into(w::table)
            .values(&new)
            .returning(Webhook::as_returning())
            .get_result(c))?)
    })
}

pub fn find(conn: &mut Conn, id: i64) -> StoreResult<Option<Webhook>> {
    Ok(w::table.find(id).select(Webhook::as_select()).first(conn).optional()?)
}

pub fn list(conn: &mut Conn, after_id: Option<i64>, limit: i64) -> StoreResult<(Vec<Webhook>, i64)> {
    let mut q = w::table
        .select(Webhook::as_select())
        .order(w::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(w::id.gt(after));
    }
    Ok((q.load(conn)?, w::table.count().get_result(conn)?))
}

/// Changes a hook. Switching it off cancels what it still owed; switching
/// it back on starts it afresh from the end of the log (what happened
/// while it was off is not sent) with its failure count reset.
pub fn update(conn: &mut Conn, id: i64, changes: WebhookChanges, now: NaiveDateTime) -> StoreResult<Webhook> {
    write_tx(conn, |conn| {
        let current = find(conn, id)?.ok_or(StoreError::NotFound)?;
        let turned_on = changes.active == Some(true) && !current.active;
        let turned_off = changes.active == Some(false) && current.active;
        let changes = WebhookChanges {
            updated_at: Some(now),
            ..changes
        };
        diesel::update(w::table.find(id)).set(&changes).execute(conn)?;
        if turned_on {
            let position = changes::store::position(conn)?;
            diesel::update(w::table.find(id))
                .set((
                    w::cursor.eq(position),
                    w::failures.eq(0),
                    w::disabled_reason.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        if turned_off {
            diesel::update(w::table.find(id))
                .set(w::disabled_reason.eq(Some("switched off by an admin")))
                .execute(conn)?;
            cancel_pending(conn, id)?;
        }
        find(conn, id)?.ok_or(StoreError::NotFound)
    })
}

pub fn delete(conn: &mut Conn, id: i64) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let n = diesel::delete(w::table.find(id)).execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    })
}

fn cancel_pending(conn: &mut Conn, hook: i64) -> StoreResult<()> {
    diesel::update(
        d::table
            .filter(d::webhook_id.eq(hook))
            .filter(d::state.eq(DeliveryState::Pending.as_str())),
    )
    .set((
        d::state.eq(DeliveryState::Cancelled.as_str()),
        d::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// How an item is shown to the public now, by kind and ids (see
/// `changes::views::current`).
pub type Render<'a> = &'a dyn Fn(&mut Conn, Kind, &[i64]) -> StoreResult<HashMap<i64, serde_json::Value>>;

/// Turns the public changes each active hook has not seen into its
/// deliveries, each with the item as `render` shows it (or its id and slug
/// when it is gone); how many were made. One round: at most a batch per hook.
pub fn fan_out(conn: &mut Conn, now: NaiveDateTime, render: Render<'_>) -> StoreResult<usize> {
    // A read first: most rounds find nothing, and need no write lock.
    let position = changes::store::position(conn)?;
    let behind: Option<i64> = w::table
        .filter(w::active.eq(true))
        .filter(w::cursor.lt(position))
        .select(w::id)
        .first(conn)
        .optional()?;
    if behind.is_none() {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        let hooks: Vec<Webhook> = w::table
            .filter(w::active.eq(true))
            .select(Webhook::as_select())
            .load(conn)?;
        let mut made = 0;
        for hook in hooks {
            let rows = changes::store::public_after(conn, hook.cursor, FAN_OUT_BATCH)?;
            let Some(last) = rows.last().map(|r| r.seq) else {
                continue;
            };
            let wanted: Vec<_> = rows
                .into_iter()
                .filter_map(|row| {
                    let kind = row.kind()?;
                    let event = format!("{}.{}", kind.singular(), row.event()?.as_str());
                    hook.wants(&event).then_some((row, kind, event))
                })
                .collect();
            let mut upserted: HashMap<Kind, Vec<i64>> = HashMap::new();
            for (row, kind, _) in &wanted {
                if row.event().is_some_and(|e| e.op() == Op::Upsert) {
                    upserted.entry(*kind).or_default().push(row.resource_id);
                }
            }
            let mut data: HashMap<(Kind, i64), serde_json::Value> = HashMap::new();
            for (kind, ids) in upserted {
                for (id, value) in render(conn, kind, &ids)? {
                    data.insert((kind, id), value);
                }
            }
            let deliveries: Vec<NewDelivery> = wanted
                .into_iter()
                .map(|(row, kind, event)| {
                    let payload = data
                        .get(&(kind, row.resource_id))
                        .cloned()
                        .unwrap_or_else(|| serde_json::json!({"id": row.resource_id, "slug": row.slug}));
                    NewDelivery {
                        webhook_id: hook.id,
                        event,
                        seq: Some(row.seq),
                        kind: kind.as_str().into(),
                        resource_id: row.resource_id,
                        data: payload.to_string(),
                        occurred_at: row.at,
                        state: DeliveryState::Pending.as_str().into(),
                        attempts: 0,
                        next_attempt_at: now,
                        created_at: now,
                    }
                })
                .collect();
            made += deliveries.len();
            for chunk in deliveries.chunks(100) {
                crate::on_engine!(conn, c => diesel::insert_into(d::table).values(chunk).execute(c))?;
            }
            diesel::update(w::table.find(hook.id))
                .set(w::cursor.eq(last))
                .execute(conn)?;
        }
        Ok(made)
    })
}

/// What a sender needs to send a delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` due deliveries of active hooks for this sender
/// until `lease_until`: none about an item that still has an earlier one
/// pending.
pub fn claim(conn: &mut Conn, now: NaiveDateTime, lease_until: NaiveDateTime, limit: i64) -> StoreResult<Vec<Claimed>> {
    let earlier = diesel::alias!(crate::db::schema::webhook_deliveries as earlier);
    // A macro, not a value: the selection's type is per backend.
    macro_rules! due {
        () => {
            d::table
                .filter(d::webhook_id.eq_any(w::table.filter(w::active.eq(true)).select(w::id)))
                .filter(d::state.eq(DeliveryState::Pending.as_str()))
                .filter(d::next_attempt_at.le(now))
                .filter(d::lease_until.is_null().or(d::lease_until.lt(now)))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    earlier
                        .select(earlier.field(d::id))
                        .filter(earlier.field(d::webhook_id).eq(d::webhook_id))
                        .filter(earlier.field(d::kind).eq(d::kind))
                        .filter(earlier.field(d::resource_id).eq(d::resource_id))
                        .filter(earlier.field(d::state).eq(DeliveryState::Pending.as_str()))
                        .filter(earlier.field(d::id).lt(d::id)),
                )))
                .order(d::id.asc())
                .limit(limit)
                .select(Delivery::as_select())
        };
    }
    let lease = d::lease_until.eq(Some(lease_until));
    // A read first: most rounds find nothing due, and need no lock.
    let any_due: Option<i64> = d::table
        .filter(d::state.eq(DeliveryState::Pending.as_str()))
        .filter(d::next_attempt_at.le(now))
        .select(d::id)
        .first(conn)
        .optional()?;
    if any_due.is_none() {
        return Ok(Vec::new());
    }
    let claimed: Vec<Delivery> = match conn {
        // Not the write lock: senders never stand in writers' way. The rows
        // taken are locked until their lease is written; other instances
        // skip them, then see the lease.
        AnyConnection::Postgres(pg) => pg.transaction(|pg| {
            let rows: Vec<Delivery> = due!().for_update().skip_locked().load(pg)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            diesel::update(d::table.filter(d::id.eq_any(&ids)))
                .set(lease)
                .execute(pg)?;
            Ok::<_, diesel::result::Error>(rows)
        })?,
        AnyConnection::Sqlite(_) => write_tx(conn, |conn| {
            let rows: Vec<Delivery> = crate::on_engine!(conn, c => due!().load(c))?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            diesel::update(d::table.filter(d::id.eq_any(&ids)))
                .set(lease)
                .execute(conn)?;
            Ok::<_, StoreError>(rows)
        })?,
    };
    let hook_ids: Vec<i64> = claimed.iter().map(|c| c.webhook_id).collect();
    let targets: HashMap<i64, (String, String)> = w::table
        .filter(w::id.eq_any(&hook_ids))
        .select((w::id, w::url, w::secret))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, url, secret)| (id, (url, secret)))
        .collect();
    Ok(claimed
        .into_iter()
        .filter_map(|delivery| {
            let (url, secret) = targets.get(&delivery.webhook_id)?.clone();
            Some(Claimed { delivery, url, secret })
        })
        .collect())
}

/// When a failed delivery is tried again: the delay doubles from `base`
/// with each attempt (at most an hour), give or take a fifth.
pub fn next_attempt(now: NaiveDateTime, attempts: i32, base: std::time::Duration) -> NaiveDateTime {
    let doubling = 2f64.powi((attempts - 1).clamp(0, 20));
    let jitter = 0.8 + rand::random::<f64>() * 0.4;
    let seconds = (base.as_secs_f64() * doubling).min(3600.0) * jitter;
    now + Duration::milliseconds((seconds * 1000.0) as i64)
}

/// Records a round of attempts in one transaction (see [`finish`]).
pub fn finish_all(
    conn: &mut Conn,
    attempts: &[(Delivery, Outcome)],
    now: NaiveDateTime,
    retry_base: std::time::Duration,
    retry_window: std::time::Duration,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        for (delivery, outcome) in attempts {
            finish(conn, delivery, outcome, now, retry_base, retry_window)?;
        }
        Ok(())
    })
}

/// Records an attempt: delivered, to be tried again, or given up (after
/// `retry_window`, or when the receiver answered 410, which also disables
/// the hook). 50 failures in a row disable the hook too.
pub fn finish(
    conn: &mut Conn,
    delivery: &Delivery,
    outcome: &Outcome,
    now: NaiveDateTime,
    retry_base: std::time::Duration,
    retry_window: std::time::Duration,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let attempts = delivery.attempts + 1;
        let window = Duration::from_std(retry_window).unwrap_or(Duration::days(1));
        let next = next_attempt(now, attempts, retry_base);
        let hook_on: bool = w::table.find(delivery.webhook_id).select(w::active).first(conn)?;
        let state = if outcome.delivered() {
            DeliveryState::Delivered
        } else if outcome.gone() || next > delivery.created_at + window {
            DeliveryState::Failed
        } else if !hook_on {
            // Switched off while this attempt was out: owed no more.
            DeliveryState::Cancelled
        } else {
            DeliveryState::Pending
        };
        crate::metrics::webhook_delivered(state.as_str());
        diesel::update(d::table.find(delivery.id))
            .set((
                d::state.eq(state.as_str()),
                d::attempts.eq(attempts),
                d::next_attempt_at.eq(next),
                d::lease_until.eq(None::<NaiveDateTime>),
                d::last_attempt_at.eq(Some(now)),
                d::last_status.eq(outcome.status.map(i32::from)),
                d::last_duration_ms.eq(Some(outcome.duration_ms)),
                d::last_error.eq(outcome.error.as_deref()),
            ))
            .execute(conn)?;
        let hook = w::table.find(delivery.webhook_id);
        if outcome.delivered() {
            diesel::update(hook).set(w::failures.eq(0)).execute(conn)?;
            return Ok(());
        }
        diesel::update(hook)
            .set(w::failures.eq(w::failures + 1))
            .execute(conn)?;
        let failures: i32 = hook.select(w::failures).first(conn)?;
        let reason = if outcome.gone() {
            Some("the receiver answered 410 Gone".to_string())
        } else if failures >= FAILURES_TO_DISABLE {
            Some(format!("{FAILURES_TO_DISABLE} failed deliveries in a row"))
        } else {
            None
        };
        if let Some(reason) = reason {
            diesel::update(hook.filter(w::active.eq(true)))
                .set((
                    w::active.eq(false),
                    w::disabled_reason.eq(Some(reason)),
                    w::updated_at.eq(now),
                ))
                .execute(conn)?;
            cancel_pending(conn, delivery.webhook_id)?;
        }
        Ok(())
    })
}

/// Records a test ping that was sent at once (it is not retried).
pub fn record_ping(conn: &mut Conn, hook: i64, new: NewDelivery) -> StoreResult<Delivery> {
    write_tx(conn, |conn| {
        Ok(crate::on_engine!(conn, c => diesel::insert_into(d::table)
            .values(&NewDelivery { webhook_id: hook, ..new })
            .returning(Delivery::as_returning())
            .get_result(c))?)
    })
}

/// Sets the outcome of a ping.
pub fn ping_sent(conn: &mut Conn, id: i64, outcome: &Outcome, now: NaiveDateTime) -> StoreResult<Delivery> {
    write_tx(conn, |conn| {
        let state = if outcome.delivered() {
            DeliveryState::Delivered
        } else {
            DeliveryState::Failed
        };
        Ok(crate::on_engine!(conn, c => diesel::update(d::table.find(id))
            .set((
                d::state.eq(state.as_str()),
                d::attempts.eq(1),
                d::last_attempt_at.eq(Some(now)),
                d::last_status.eq(outcome.status.map(i32::from)),
                d::last_duration_ms.eq(Some(outcome.duration_ms)),
                d::last_error.eq(outcome.error.as_deref()),
            ))
            .returning(Delivery::as_returning())
            .get_result(c))?)
    })
}

/// A hook's deliveries, newest first, before `before_id`.
pub fn deliveries(conn: &mut Conn, hook: i64, before_id: Option<i64>, limit: i64) -> StoreResult<Vec<Delivery>> {
    let mut q = d::table
        .filter(d::webhook_id.eq(hook))
        .select(Delivery::as_select())
        .order(d::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(before) = before_id {
        q = q.filter(d::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// Forgets finished deliveries older than `before`; how many.
pub fn purge(conn: &mut Conn, before: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        d::table
            .filter(d::state.ne(DeliveryState::Pending.as_str()))
            .filter(d::created_at.lt(before)),
    )
    .execute(conn)?)
}
