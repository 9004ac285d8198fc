//! Events (sự kiện) and leaders' work schedules (lịch công tác), with an
//! iCalendar feed.

pub mod api;
pub mod ical;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
