//! Every query on the site's counters.

use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::schema::site_counters;
use crate::db::{Conn, StoreResult};

const TOTAL_VISITS: &str = "total_visits";

/// Adds `n` visits to the stored total.
pub fn add_visits(conn: &mut Conn, n: i64) -> StoreResult<()> {
    crate::on_engine!(conn, c => diesel::insert_into(site_counters::table)
        .values((site_counters::name.eq(TOTAL_VISITS), site_counters::value.eq(n)))
        .on_conflict(site_counters::name)
        .do_update()
        .set(site_counters::value.eq(site_counters::value + excluded(site_counters::value)))
        .execute(c))?;
    Ok(())
}

pub fn stored_visits(conn: &mut Conn) -> StoreResult<i64> {
    Ok(site_counters::table
        .filter(site_counters::name.eq(TOTAL_VISITS))
        .select(site_counters::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}
