//! Time as bantin sees it: UTC, whole seconds, and injectable so tests can
//! move it instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> NaiveDateTime;
}

pub type SharedClock = Arc<dyn Clock>;

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc().trunc_subsecs(0)
    }
}

/// A clock that only moves when told to.
pub struct ManualClock(Mutex<NaiveDateTime>);

impl ManualClock {
    pub fn new(start: NaiveDateTime) -> Self {
        ManualClock(Mutex::new(start.trunc_subsecs(0)))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A stored UTC timestamp as the API shows it (`2022-07-19T08:00:00Z`).
pub fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    naive.and_utc()
}

/// An RFC 3339 timestamp from a client, as stored: UTC, whole seconds.
pub fn to_stored(dt: DateTime<chrono::FixedOffset>) -> NaiveDateTime {
    dt.with_timezone(&Utc).naive_utc().trunc_subsecs(0)
}

/// Parses `YYYY-MM-DD` (midnight UTC; `end_of_day` gives 23:59:59) or RFC 3339.
pub fn parse_date_or_time(raw: &str, end_of_day: bool) -> Option<NaiveDateTime> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return Some(to_stored(dt));
    }
    let date = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    if end_of_day {
        date.and_hms_opt(23, 59, 59)
    } else {
        date.and_hms_opt(0, 0, 0)
    }
}
