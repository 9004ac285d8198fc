//! Time as bantin sees it: UTC, whole seconds, and injectable so tests can
//! move it instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, NaiveDateTime, SubsecRound, Utc};

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

/// Vietnam's time zone, Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving).
pub fn vietnam() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The UTC instant at which a Vietnam-time calendar day begins.
pub fn vietnam_day_start(date: chrono::NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight exists") - chrono::Duration::hours(7)
}

/// The Vietnam-time calendar day of a stored UTC instant.
pub fn vietnam_date(at: NaiveDateTime) -> chrono::NaiveDate {
    (at + chrono::Duration::hours(7)).date()
}

/// Whether a stored (UTC) time is one bantin accepts: years 1 to 9999, what
/// both engines store and order alike (SQLite compares the text).
pub fn supported(at: NaiveDateTime) -> bool {
    (1..=9999).contains(&at.year())
}

/// Whether a year as a client wrote it is one bantin accepts: 2 to 9998,
/// so that any time zone keeps the instant within the [supported] years
/// (the OpenAPI document says the same with a pattern).
pub fn accepted_year(year: i32) -> bool {
    (2..=9998).contains(&year)
}

/// Whether a client's time has an [accepted year](accepted_year).
pub fn accepted(at: &DateTime<chrono::FixedOffset>) -> bool {
    accepted_year(at.year())
}

/// Parses an RFC 3339 time, or a `YYYY-MM-DD` date taken as a day in
/// Vietnam time (its first second, or with `end_of_day` its last). `None`
/// outside the [accepted](accepted_year) years.
pub fn parse_date_or_time(raw: &str, end_of_day: bool) -> Option<NaiveDateTime> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return accepted(&dt).then(|| to_stored(dt));
    }
    let date = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    if !accepted_year(date.year()) || !raw.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let start = vietnam_day_start(date);
    Some(if end_of_day {
        start + chrono::Duration::seconds(86_399)
    } else {
        start
    })
    .filter(|at| supported(*at))
}
