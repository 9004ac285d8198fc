//! Events as stored, and their closed sets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::events;

crate::text_enum! {
    /// Whether an event goes ahead.
    pub enum EventStatus {
        Scheduled = "scheduled",
        Postponed = "postponed",
        Cancelled = "cancelled",
        Done = "done",
    }
}

crate::text_enum! {
    /// What kind of event it is.
    #[schema(as = EventCategory)]
    pub enum Category {
        Meeting = "meeting",
        Ceremony = "ceremony",
        Festival = "festival",
        WorkSchedule = "work_schedule",
        Conference = "conference",
        Other = "other",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub occupies_until: NaiveDateTime,
    pub all_day: bool,
    pub location: Option<String>,
    pub organization_id: Option<i64>,
    pub status: String,
    pub category: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = events, treat_none_as_null = true)]
pub struct EventData {
    pub slug: String,
    pub title: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub occupies_until: NaiveDateTime,
    pub all_day: bool,
    pub location: Option<String>,
    pub organization_id: Option<i64>,
    pub status: String,
    pub category: String,
    pub updated_at: NaiveDateTime,
}

impl EventData {
    /// A new event before its input is applied.
    pub fn new(now: NaiveDateTime) -> Self {
        EventData {
            slug: String::new(),
            title: String::new(),
            title_en: None,
            description: None,
            starts_at: now,
            ends_at: None,
            occupies_until: now,
            all_day: false,
            location: None,
            organization_id: None,
            status: EventStatus::Scheduled.as_str().into(),
            category: Category::Meeting.as_str().into(),
            updated_at: now,
        }
    }
}

impl From<&Event> for EventData {
    fn from(e: &Event) -> Self {
        EventData {
            slug: e.slug.clone(),
            title: e.title.clone(),
            title_en: e.title_en.clone(),
            description: e.description.clone(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            occupies_until: e.occupies_until,
            all_day: e.all_day,
            location: e.location.clone(),
            organization_id: e.organization_id,
            status: e.status.clone(),
            category: e.category.clone(),
            updated_at: e.updated_at,
        }
    }
}

/// Who takes part in an event, and how.
#[derive(Debug, Clone, Default)]
pub struct Participants {
    pub chairs: Vec<i64>,
    pub attendees: Vec<i64>,
}
