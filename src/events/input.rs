//! What editors send about events, and the query strings of the calendar
//! and its iCalendar feed.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Category, Event, EventData, EventStatus, Participants};
use super::store::Change;
use crate::clock::{to_stored, vietnam_date, vietnam_day_start};
use crate::http::input::{check_declared, clean_text, finish, set_clean};
use crate::http::lang::LangParam;
use crate::http::params;
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// Events still going on at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub from: Option<String>,
    /// Events starting at or before this moment (a day means its end). With `from`: every event overlapping the range.
    pub to: Option<String>,
    /// One leader's work schedule: events this official (id or slug) chairs or attends.
    pub official: Option<String>,
    /// Events organized by this organization (id or slug).
    pub organization: Option<String>,
    /// `true`: events not yet over.
    pub upcoming: Option<bool>,
    /// Only events matching these words (with or without tone marks), in calendar order.
    pub q: Option<String>,
    #[param(value_type = Option<Category>)]
    pub category: Option<String>,
    #[param(value_type = Option<EventStatus>)]
    pub status: Option<String>,
    /// `starts_at` (default) or `-starts_at`.
    pub sort: Option<String>,
    /// `articles`: embed related published articles.
    pub include: Option<String>,
    /// Only items changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    /// For an offline copy, `GET /changes` also tells what was deleted.
    pub updated_since: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventGetQuery {
    /// `articles`: embed related published articles.
    pub include: Option<String>,
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Only this official's schedule (id or slug).
    pub official: Option<String>,
    pub organization: Option<String>,
    #[param(value_type = Option<Category>)]
    pub category: Option<String>,
    /// Default: 90 days ago (Vietnam time).
    pub from: Option<String>,
    pub to: Option<String>,
    pub lang: Option<LangParam>,
}

/// `POST` (title and starts_at required) and `PATCH` (only the fields sent;
/// `chairs`, `attendees` and `article_ids` replace their lists).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Hội nghị giao ban 6 tháng đầu năm 2022", "starts_at": "2022-07-19T14:00:00+07:00",
    "ends_at": "2022-07-19T17:00:00+07:00", "location": "Hội trường Thị ủy", "organization_id": 1, "category": "meeting",
    "status": "done", "chairs": [1, 2], "article_ids": [1]}))]
pub struct EventInput {
    #[check(chars(min = 1, max = 300), not_blank, required_on_create)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 300))]
    pub title_en: Option<Option<String>>,
    #[check(slug)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 20_000))]
    pub description: Option<Option<String>>,
    /// RFC 3339; for all-day events only its (Vietnam-time) date counts.
    #[schema(value_type = Option<DateTime<Utc>>)]
    #[check(required_on_create)]
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// RFC 3339, not before `starts_at`; for all-day events, a time on the last day.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub ends_at: Option<Option<DateTime<FixedOffset>>>,
    pub all_day: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 500))]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub organization_id: Option<Option<i64>>,
    /// Default `scheduled`.
    #[schema(value_type = Option<EventStatus>)]
    pub status: Option<String>,
    /// Default `meeting`.
    #[schema(value_type = Option<Category>)]
    pub category: Option<String>,
    /// Official ids.
    #[check(items(max = 100))]
    pub chairs: Option<Vec<i64>>,
    #[check(items(max = 100))]
    pub attendees: Option<Vec<i64>>,
    #[check(items(max = 100))]
    pub article_ids: Option<Vec<i64>>,
}

/// Applies an input to the stored columns, collecting every problem.
pub fn apply(input: EventInput, current: Option<&Event>, now: NaiveDateTime) -> Result<Change, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| EventData::new(now), EventData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(title) = input.title {
        data.title = clean_text(&title);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    set_clean(input.title_en, &mut data.title_en);
    set_clean(input.description, &mut data.description);
    set_clean(input.location, &mut data.location);
    for (field, value, allowed, target) in [
        ("status", input.status, EventStatus::ALL, &mut data.status),
        ("category", input.category, Category::ALL, &mut data.category),
    ] {
        match value {
            Some(v) if allowed.contains(&v.as_str()) => *target = v,
            Some(_) => errors.push(FieldError::new(field, FieldIssue::OneOf(allowed))),
            None => {}
        }
    }
    if let Some(org) = input.organization_id {
        data.organization_id = org;
    }
    let (stored_end, stored_all_day) = (data.ends_at, data.all_day);
    if let Some(all_day) = input.all_day {
        data.all_day = all_day;
    }
    let out_of_range = |at: &chrono::DateTime<chrono::FixedOffset>| !crate::clock::accepted(at);
    if input.starts_at.as_ref().is_some_and(out_of_range) {
        errors.push(FieldError::new("starts_at", FieldIssue::Format));
    }
    if input
        .ends_at
        .as_ref()
        .and_then(Option::as_ref)
        .is_some_and(out_of_range)
    {
        errors.push(FieldError::new("ends_at", FieldIssue::Format));
    }
    if let Some(at) = input.starts_at {
        data.starts_at = to_stored(at);
    }
    set_span(&mut data, input.ends_at, (stored_end, stored_all_day), &mut errors);
    let participants = match (input.chairs, input.attendees) {
        (None, None) => None,
        (chairs, attendees) => Some(Participants {
            chairs: chairs.unwrap_or_default(),
            attendees: attendees.unwrap_or_default(),
        }),
    };
    data.updated_at = now;
    finish(errors)?;
    Ok((data, participants, input.article_ids))
}

/// Sets when an event ends (and how long it occupies the calendar) from
/// the `ends_at` sent and what was stored before.
fn set_span(
    data: &mut EventData,
    ends_at: Option<Option<DateTime<FixedOffset>>>,
    (stored_end, stored_all_day): (Option<NaiveDateTime>, bool),
    errors: &mut Vec<FieldError>,
) {
    if data.all_day {
        // Whole days in Vietnam time: stored from the first day's midnight to
        // the midnight after the last day (exclusive).
        let first = vietnam_date(data.starts_at);
        let last = match ends_at {
            Some(Some(end)) => vietnam_date(to_stored(end)),
            Some(None) => first,
            None => match stored_end {
                Some(end) if stored_all_day => vietnam_date(end - chrono::Duration::seconds(1)),
                Some(end) => vietnam_date(end),
                None => first,
            },
        };
        if last < first {
            errors.push(FieldError::new("ends_at", FieldIssue::EndsBeforeStart));
        }
        let after = vietnam_day_start(last.max(first) + chrono::Duration::days(1));
        data.starts_at = vietnam_day_start(first);
        data.ends_at = Some(after);
        data.occupies_until = after - chrono::Duration::seconds(1);
    } else {
        if let Some(end) = ends_at {
            data.ends_at = end.map(to_stored);
        }
        if data.ends_at.is_some_and(|end| end < data.starts_at) {
            errors.push(FieldError::new("ends_at", FieldIssue::EndsBeforeStart));
        }
        data.occupies_until = data.ends_at.unwrap_or(data.starts_at);
    }
}

/// `?include=articles` on events: whether related articles are embedded.
pub fn includes_articles(raw: Option<&str>) -> Result<bool, ApiError> {
    Ok(!params::include(raw, &["articles"])?.is_empty())
}
