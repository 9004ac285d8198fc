//! What the API answers about events: the event with its organizer,
//! participants and (on request) articles, the small `EventRef` that
//! articles embed, and the [`EventPage`] that loads a page at once.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Category, Event, EventStatus, Participants};
use super::store;
use crate::articles::refs::ArticleRef;
use crate::clock::{utc, vietnam_date};
use crate::db::{Conn, StoreResult};
use crate::http::lang::Lang;
use crate::officials::views::{Directory, OfficialRef};
use crate::organizations::model::Organization;
use crate::organizations::views::OrganizationRef;

/// An event as embedded in articles (`include=events`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventRef {
    pub id: i64,
    pub slug: String,
    /// In the requested language, falling back to Vietnamese.
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub location: Option<String>,
    pub status: EventStatus,
}

impl EventRef {
    pub fn new(e: &Event, lang: Lang) -> Self {
        EventRef {
            id: e.id,
            slug: e.slug.clone(),
            title: lang.pick(e.title.clone(), e.title_en.clone()),
            starts_at: utc(e.starts_at),
            ends_at: e.ends_at.map(utc),
            all_day: e.all_day,
            location: e.location.clone(),
            status: status_of(e),
        }
    }
}

fn status_of(e: &Event) -> EventStatus {
    EventStatus::parse(&e.status).unwrap_or(EventStatus::Scheduled)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "hoi-nghi-giao-ban-6-thang-dau-nam-2022",
    "title": "Hội nghị giao ban 6 tháng đầu năm 2022", "title_vi": "Hội nghị giao ban 6 tháng đầu năm 2022",
    "title_en": "Mid-year review meeting 2022", "description": null,
    "starts_at": "2022-07-19T07:00:00Z", "ends_at": "2022-07-19T10:00:00Z", "all_day": false, "start_date": "2022-07-19", "end_date": "2022-07-19",
    "location": "Hội trường Thị ủy", "organization": {"id": 1, "slug": "thi-uy-hong-linh", "name": "Thị ủy Hồng Lĩnh"},
    "status": "done", "category": "meeting",
    "chairs": [{"id": 1, "slug": "dang-thanh-hai", "full_name": "Đặng Thanh Hải", "title": "Bí thư Thị ủy"}], "attendees": [],
    "created_at": "2022-07-10T08:00:00Z", "updated_at": "2022-07-19T11:00:00Z"}))]
pub struct EventView {
    pub id: i64,
    pub slug: String,
    /// In the requested language, falling back to Vietnamese.
    pub title: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub starts_at: DateTime<Utc>,
    /// Exclusive end; for all-day events the start of the day after `end_date`.
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    /// The first and last day (Vietnam time, inclusive).
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub location: Option<String>,
    pub organization: Option<OrganizationRef>,
    pub status: EventStatus,
    pub category: Category,
    /// Officials who chair the event, in protocol order.
    pub chairs: Vec<OfficialRef>,
    pub attendees: Vec<OfficialRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `include=articles`: related published articles.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub articles: Option<Vec<ArticleRef>>,
}

/// Everything a page of events needs, loaded in a fixed number of queries
/// whatever the page size (no query per event).
pub struct EventPage {
    pub events: Vec<Event>,
    participants: HashMap<i64, Participants>,
    people: Directory,
    organizations: HashMap<i64, Organization>,
    articles: Option<HashMap<i64, Vec<ArticleRef>>>,
}

/// The organizations that hold these events, by id.
pub fn organizations_of(conn: &mut Conn, events: &[Event]) -> StoreResult<HashMap<i64, Organization>> {
    let org_ids: Vec<i64> = events.iter().filter_map(|e| e.organization_id).collect();
    if org_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(crate::organizations::store::find_many(conn, &org_ids)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

impl EventPage {
    pub fn load(
        conn: &mut Conn,
        events: Vec<Event>,
        with_articles: bool,
        public_only: bool,
        now: NaiveDateTime,
    ) -> StoreResult<EventPage> {
        let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
        let participants = if ids.is_empty() {
            HashMap::new()
        } else {
            store::participants(conn, &ids)?
        };
        let mut people_ids: Vec<i64> = participants
            .values()
            .flat_map(|p| p.chairs.iter().chain(&p.attendees))
            .copied()
            .collect();
        people_ids.sort_unstable();
        people_ids.dedup();
        let officials = if people_ids.is_empty() {
            Vec::new()
        } else {
            crate::officials::store::find_many(conn, &people_ids)?
        };
        let people = Directory::load(conn, officials, now)?;
        let organizations = organizations_of(conn, &events)?;
        let articles = if with_articles && !ids.is_empty() {
            let links = store::article_links(conn, None, Some(&ids))?;
            let article_ids: Vec<i64> = links.iter().map(|(a, _)| *a).collect();
            let refs = crate::articles::store::refs(conn, &article_ids, public_only, now)?;
            let mut map: HashMap<i64, Vec<ArticleRef>> = HashMap::new();
            for row in refs {
                let article = ArticleRef::from(row);
                for (_, event) in links.iter().filter(|(a, _)| *a == article.id) {
                    map.entry(*event).or_default().push(article.clone());
                }
            }
            Some(map)
        } else {
            None
        };
        Ok(EventPage {
            events,
            participants,
            people,
            organizations,
            articles,
        })
    }

    fn people(&self, ids: &[i64], lang: Lang) -> Vec<OfficialRef> {
        let mut found: Vec<(i32, OfficialRef)> = ids
            .iter()
            .filter_map(|id| self.people.officials.iter().find(|o| o.id == *id))
            .map(|o| {
                (
                    self.people.protocol_rank(o.id, None).unwrap_or(i32::MAX),
                    self.people.reference(o, lang),
                )
            })
            .collect();
        found.sort_by_key(|(rank, r)| (*rank, r.id));
        found.into_iter().map(|(_, r)| r).collect()
    }

    pub fn view(&self, e: &Event, lang: Lang) -> EventView {
        let empty = Participants::default();
        let participants = self.participants.get(&e.id).unwrap_or(&empty);
        let last_moment = if e.all_day {
            e.occupies_until
        } else {
            e.ends_at.unwrap_or(e.starts_at)
        };
        EventView {
            id: e.id,
            slug: e.slug.clone(),
            title: lang.pick(e.title.clone(), e.title_en.clone()),
            title_vi: e.title.clone(),
            title_en: e.title_en.clone(),
            description: e.description.clone(),
            starts_at: utc(e.starts_at),
            ends_at: e.ends_at.map(utc),
            all_day: e.all_day,
            start_date: vietnam_date(e.starts_at),
            end_date: vietnam_date(last_moment),
            location: e.location.clone(),
            organization: e
                .organization_id
                .and_then(|id| self.organizations.get(&id))
                .map(|o| OrganizationRef::new(o, lang)),
            status: status_of(e),
            category: Category::parse(&e.category).unwrap_or(Category::Other),
            chairs: self.people(&participants.chairs, lang),
            attendees: self.people(&participants.attendees, lang),
            created_at: utc(e.created_at),
            updated_at: utc(e.updated_at),
            articles: self
                .articles
                .as_ref()
                .map(|m| m.get(&e.id).cloned().unwrap_or_default()),
        }
    }
}
