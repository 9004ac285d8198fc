//! `/events`: the town's calendar and leaders' work schedules.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Event, EventData, Participants, CATEGORIES, STATUSES};
use super::{ical, store};
use crate::clock::{to_stored, utc, vietnam_date, vietnam_day_start};
use crate::db::{write_tx, Conn};
use crate::http::auth::{Auth, MaybeAuth};
use crate::http::cache::{cached_bytes, cached_json, cached_page, Audience};
use crate::http::error::{ParamIssue, Problem};
use crate::http::extract::IdOrSlug;
use crate::http::input::time_param;
use crate::http::input::{check_length, check_slug, clean_text, finish, set_text};
use crate::http::lang::{Lang, LangParam};
use crate::http::pagination::{page_limit, Cursor, Paged};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::officials::api::{Directory, OfficialRef};
use crate::organizations::api::OrganizationRef;
use crate::organizations::Organization;
use crate::state::AppState;

/// An article as embedded in events (`include=articles`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleRef {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
}

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
    pub status: String,
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
            status: e.status.clone(),
        }
    }
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
    /// `scheduled`, `postponed`, `cancelled` or `done`.
    pub status: String,
    /// `meeting`, `ceremony`, `festival`, `work_schedule`, `conference` or `other`.
    pub category: String,
    /// Officials who chair the event, in protocol order.
    pub chairs: Vec<OfficialRef>,
    pub attendees: Vec<OfficialRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `include=articles`: related published articles.
    #[serde(skip_serializing_if = "Option::is_none")]
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
fn organizations_of(conn: &mut Conn, events: &[Event]) -> Result<HashMap<i64, Organization>, ApiError> {
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
    ) -> Result<EventPage, ApiError> {
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
            for (id, slug, title, published_at) in refs {
                for (_, event) in links.iter().filter(|(a, _)| *a == id) {
                    map.entry(*event).or_default().push(ArticleRef {
                        id,
                        slug: slug.clone(),
                        title: title.clone(),
                        published_at: published_at.map(utc),
                    });
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
            status: e.status.clone(),
            category: e.category.clone(),
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
    pub category: Option<String>,
    pub status: Option<String>,
    /// `starts_at` (default) or `-starts_at`.
    pub sort: Option<String>,
    /// `articles`: embed related published articles.
    pub include: Option<String>,
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
    pub category: Option<String>,
    /// Default: 90 days ago (Vietnam time).
    pub from: Option<String>,
    pub to: Option<String>,
    pub lang: Option<LangParam>,
}

/// `POST` (title and starts_at required) and `PATCH` (only the fields sent;
/// `chairs`, `attendees` and `article_ids` replace their lists).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Hội nghị giao ban 6 tháng đầu năm 2022", "starts_at": "2022-07-19T14:00:00+07:00",
    "ends_at": "2022-07-19T17:00:00+07:00", "location": "Hội trường Thị ủy", "organization_id": 1, "category": "meeting",
    "status": "done", "chairs": [1, 2], "article_ids": [1]}))]
pub struct EventInput {
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub title_en: Option<Option<String>>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// RFC 3339; for all-day events only its (Vietnam-time) date counts.
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// RFC 3339, not before `starts_at`; for all-day events, a time on the last day.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub ends_at: Option<Option<DateTime<FixedOffset>>>,
    pub all_day: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub organization_id: Option<Option<i64>>,
    /// Default `scheduled`.
    pub status: Option<String>,
    /// Default `meeting`.
    pub category: Option<String>,
    /// Official ids.
    pub chairs: Option<Vec<i64>>,
    pub attendees: Option<Vec<i64>>,
    pub article_ids: Option<Vec<i64>>,
}

type Prepared = (EventData, Option<Participants>, Option<Vec<i64>>);

/// Applies an input to the stored columns, collecting every problem.
pub fn apply(input: EventInput, mut data: EventData, creating: bool, now: NaiveDateTime) -> Result<Prepared, ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    match input.title.map(|t| clean_text(&t)) {
        Some(title) => {
            check_length(&mut errors, "title", &title, 1, 300);
            data.title = title;
        }
        None if creating => errors.push(FieldError::new("title", FieldIssue::Required)),
        None => {}
    }
    let slug = input.slug.map(|s| s.trim().to_string());
    check_slug(&mut errors, "slug", &slug);
    if let Some(slug) = slug {
        data.slug = slug;
    }
    set_text(&mut errors, "title_en", input.title_en, 300, &mut data.title_en);
    set_text(
        &mut errors,
        "description",
        input.description,
        20_000,
        &mut data.description,
    );
    set_text(&mut errors, "location", input.location, 500, &mut data.location);
    for (field, value, allowed, target) in [
        ("status", input.status, STATUSES, &mut data.status),
        ("category", input.category, CATEGORIES, &mut data.category),
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
    let out_of_range = |at: &chrono::DateTime<chrono::FixedOffset>| !crate::clock::supported(to_stored(*at));
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
    match input.starts_at {
        Some(at) => data.starts_at = to_stored(at),
        None if creating => errors.push(FieldError::new("starts_at", FieldIssue::Required)),
        None => {}
    }
    if data.all_day {
        // Whole days in Vietnam time: stored from the first day's midnight to
        // the midnight after the last day (exclusive).
        let first = vietnam_date(data.starts_at);
        let last = match input.ends_at {
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
        if let Some(end) = input.ends_at {
            data.ends_at = end.map(to_stored);
        }
        if data.ends_at.is_some_and(|end| end < data.starts_at) {
            errors.push(FieldError::new("ends_at", FieldIssue::EndsBeforeStart));
        }
        data.occupies_until = data.ends_at.unwrap_or(data.starts_at);
    }
    crate::http::input::check_ids(&mut errors, "chairs", &input.chairs);
    crate::http::input::check_ids(&mut errors, "attendees", &input.attendees);
    crate::http::input::check_ids(&mut errors, "article_ids", &input.article_ids);
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

pub fn blank(now: NaiveDateTime) -> EventData {
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
        status: "scheduled".into(),
        category: "meeting".into(),
        updated_at: now,
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/events.ics", web::get().to(feed))
        .service(
            web::resource("/events")
                .route(web::get().to(list_events))
                .route(web::post().to(create_event)),
        )
        .service(
            web::resource("/events/{id_or_slug}")
                .route(web::get().to(get_event))
                .route(web::patch().to(update_event))
                .route(web::delete().to(delete_event)),
        )
        .route("/officials/{id_or_slug}/events", web::get().to(official_events))
        .route("/organizations/{id_or_slug}/events", web::get().to(organization_events));
}

fn one_of(param: &str, value: Option<String>, allowed: &[&str]) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => Err(ApiError::invalid_parameter(
            param,
            ParamIssue::OneOf(allowed.iter().map(|s| s.to_string()).collect()),
        )),
        other => Ok(other),
    }
}

fn includes_articles(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None => Ok(false),
        Some(raw) => {
            let mut articles = false;
            for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match part {
                    "articles" => articles = true,
                    _ => {
                        return Err(ApiError::invalid_parameter(
                            "include",
                            ParamIssue::OneOf(vec!["articles".into()]),
                        ))
                    }
                }
            }
            Ok(articles)
        }
    }
}

/// Whose events a list shows; `must_exist` when they come from the path
/// (an unknown one is then a 404, not an empty list).
struct Scope {
    official: Option<IdOrSlug>,
    organization: Option<IdOrSlug>,
    must_exist: bool,
}

/// Resolves an official or organization given by id or slug; unknown is a 404
/// for a path segment and an empty result for a filter (as with tags).
fn resolve(
    conn: &mut Conn,
    official: Option<&IdOrSlug>,
    organization: Option<&IdOrSlug>,
) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let official = match official {
        None => None,
        Some(key) => Some(crate::officials::store::find(conn, key)?.map(|o| o.id).unwrap_or(-1)),
    };
    let organization = match organization {
        None => None,
        Some(key) => Some(
            crate::organizations::store::find(conn, key)?
                .map(|o| o.id)
                .unwrap_or(-1),
        ),
    };
    Ok((official, organization))
}

async fn list(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: EventListQuery,
    scope: Scope,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit.as_deref())?;
    let descending = match query.sort.as_deref() {
        None | Some("starts_at") => false,
        Some("-starts_at") => true,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "sort",
                ParamIssue::OneOf(vec!["starts_at".into(), "-starts_at".into()]),
            ))
        }
    };
    let sort = if descending { "-starts_at" } else { "starts_at" };
    let after = match query.cursor.as_deref() {
        None => None,
        Some(raw) => {
            let c = Cursor::decode(raw, sort)?;
            let at = crate::http::pagination::parse_time_key(c.key.as_deref().unwrap_or_default())?;
            Some((at, c.id))
        }
    };
    let now = state.clock.now();
    let mut from = time_param("from", query.from.as_deref(), false)?;
    if query.upcoming == Some(true) {
        from = Some(from.map_or(now, |f| f.max(now)));
    }
    let with_articles = includes_articles(query.include.as_deref())?;
    let mut filter = store::EventFilter {
        from,
        to: time_param("to", query.to.as_deref(), true)?,
        official: None,
        organization: None,
        category: one_of("category", query.category, CATEGORIES)?,
        status: one_of("status", query.status, STATUSES)?,
        descending,
        after,
        limit,
        ids: None,
    };
    let search = query.q.as_deref().map(crate::search::Query::from_param).transpose()?;
    let public_only = !auth.is_editor();
    let page = crate::db::run(state.reader(&auth), move |conn| {
        let (official_id, organization_id) = resolve(conn, scope.official.as_ref(), scope.organization.as_ref())?;
        if scope.must_exist && (official_id == Some(-1) || organization_id == Some(-1)) {
            return Err(ApiError::NotFound);
        }
        filter.official = official_id;
        filter.organization = organization_id;
        if let Some(search) = &search {
            let hits =
                crate::search::store::search(conn, crate::search::store::Kind::Events, search, false, now, 1000, 0)?;
            filter.ids = Some(hits.into_iter().map(|h| h.id).collect());
        }
        let events = store::list(conn, &filter)?;
        EventPage::load(conn, events, with_articles, public_only, now)
    })
    .await?;
    let views: Vec<(NaiveDateTime, EventView)> =
        page.events.iter().map(|e| (e.starts_at, page.view(e, lang))).collect();
    let paged = Paged::from_rows(views, limit, |(at, v)| Cursor {
        sort: sort.into(),
        key: Some(crate::http::pagination::time_key(*at)),
        id: v.id,
    });
    cached_page(&req, &paged.map(|(_, v)| v), auth.audience())
}

/// List events: a range (`from`/`to` overlap), a leader's schedule (`official`), upcoming ones.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventListQuery),
    responses((status = 200, body = Paged<EventView>), (status = 304, description = "Not modified"),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_events(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let official = query.official.take().map(|o| IdOrSlug::parse(&o));
    let organization = query.organization.take().map(|o| IdOrSlug::parse(&o));
    list(
        req,
        auth,
        lang,
        state,
        query,
        Scope {
            official,
            organization,
            must_exist: false,
        },
    )
    .await
}

/// An official's work schedule (lịch công tác): the events they chair or attend.
#[utoipa::path(get, path = "/api/v1/officials/{id_or_slug}/events", tag = "officials",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), EventListQuery),
    responses((status = 200, body = Paged<EventView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn official_events(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    if query.official.take().is_some() {
        return Err(ApiError::unknown_parameter("official"));
    }
    let organization = query.organization.take().map(|o| IdOrSlug::parse(&o));
    list(
        req,
        auth,
        lang,
        state,
        query,
        Scope {
            official: Some(IdOrSlug::parse(&key)),
            organization,
            must_exist: true,
        },
    )
    .await
}

/// The events an organization organizes.
#[utoipa::path(get, path = "/api/v1/organizations/{id_or_slug}/events", tag = "organizations",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), EventListQuery),
    responses((status = 200, body = Paged<EventView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn organization_events(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    if query.organization.take().is_some() {
        return Err(ApiError::unknown_parameter("organization"));
    }
    let official = query.official.take().map(|o| IdOrSlug::parse(&o));
    list(
        req,
        auth,
        lang,
        state,
        query,
        Scope {
            official,
            organization: Some(IdOrSlug::parse(&key)),
            must_exist: true,
        },
    )
    .await
}

async fn load(
    state: &AppState,
    pool: &crate::db::DbPool,
    key: IdOrSlug,
    lang: Lang,
    with_articles: bool,
    public_only: bool,
) -> Result<EventView, ApiError> {
    let now = state.clock.now();
    let page = crate::db::run(pool, move |conn| {
        let event = store::find(conn, &key)?.ok_or(ApiError::NotFound)?;
        EventPage::load(conn, vec![event], with_articles, public_only, now)
    })
    .await?;
    Ok(page.view(&page.events[0], lang))
}

/// Get an event by id or slug.
#[utoipa::path(get, path = "/api/v1/events/{id_or_slug}", tag = "events",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), EventGetQuery),
    responses((status = 200, body = EventView), (status = 304, description = "Not modified"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_event(
    req: HttpRequest,
    auth: MaybeAuth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<EventGetQuery>,
) -> Result<HttpResponse, ApiError> {
    let with_articles = includes_articles(query.include.as_deref())?;
    let event = load(
        &state,
        state.reader(&auth),
        IdOrSlug::parse(&key),
        lang,
        with_articles,
        !auth.is_editor(),
    )
    .await?;
    cached_json(&req, &event, auth.audience())
}

/// Create an event (editor). An end before the start is a 422.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput, security(("bearer" = [])),
    responses((status = 201, body = EventView, headers(("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. `ends_before_start`, or unknown officials/organization/articles", body = Problem, content_type = "application/problem+json")))]
pub async fn create_event(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let now = state.clock.now();
    let (data, participants, articles) = apply(body.into_inner(), blank(now), true, now)?;
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::save(conn, None, data, participants, articles, now))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/events/{id}")))
        .json(load(&state, &state.pool, IdOrSlug::Id(id), lang, true, false).await?))
}

/// Change an event (editor). Only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/events/{id_or_slug}", tag = "events", request_body = EventInput, security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 200, body = EventView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_event(
    auth: Auth,
    lang: Lang,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    let input = body.into_inner();
    let now = state.clock.now();
    let id = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let current = store::find(conn, &key)?.ok_or(ApiError::NotFound)?;
            let (data, participants, articles) = apply(input, EventData::from(&current), false, now)?;
            store::save(conn, Some(current.id), data, participants, articles, now)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(load(&state, &state.pool, IdOrSlug::Id(id), lang, true, false).await?))
}

/// Delete an event (editor).
#[utoipa::path(delete, path = "/api/v1/events/{id_or_slug}", tag = "events", security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_event(
    auth: Auth,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_editor()?;
    let key = IdOrSlug::parse(&key);
    crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::delete(conn, &key))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The calendar as iCalendar (RFC 5545) for calendar apps; `official=` gives one leader's schedule.
#[utoipa::path(get, path = "/api/v1/events.ics", tag = "events", params(FeedQuery),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar", body = String),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown official or organization", body = Problem, content_type = "application/problem+json")))]
pub async fn feed(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let now = state.clock.now();
    let from = time_param("from", query.from.as_deref(), false)?.unwrap_or(now - chrono::Duration::days(90));
    let filter = store::EventFilter {
        from: Some(from),
        to: time_param("to", query.to.as_deref(), true)?,
        category: one_of("category", query.category, CATEGORIES)?,
        limit: 2000,
        ..Default::default()
    };
    let official = query.official.as_deref().map(IdOrSlug::parse);
    let organization = query.organization.as_deref().map(IdOrSlug::parse);
    // The feed shows events and their organizers only: no participants or links to load.
    let (events, organizations, name) = crate::db::run(&state.read_pool, move |conn| {
        let (official_id, organization_id) = resolve(conn, official.as_ref(), organization.as_ref())?;
        if official_id == Some(-1) || organization_id == Some(-1) {
            return Err(ApiError::NotFound);
        }
        let name = match official_id {
            Some(id) => crate::officials::store::find(conn, &IdOrSlug::Id(id))?.map(|o| o.full_name),
            None => None,
        };
        let events = store::list(
            conn,
            &store::EventFilter {
                official: official_id,
                organization: organization_id,
                ..filter
            },
        )?;
        let organizations = organizations_of(conn, &events)?;
        Ok((events, organizations, name))
    })
    .await?;
    let calendar_name = match (name, lang) {
        (Some(n), Lang::En) => format!("Work schedule: {n}"),
        (Some(n), Lang::Vi) => format!("Lịch công tác: {n}"),
        (None, Lang::En) => "Events".to_string(),
        (None, Lang::Vi) => "Lịch sự kiện".to_string(),
    };
    let titles: Vec<String> = events
        .iter()
        .map(|e| lang.pick(e.title.clone(), e.title_en.clone()))
        .collect();
    let items: Vec<ical::IcalEvent<'_>> = events
        .iter()
        .zip(&titles)
        .map(|(e, title)| ical::IcalEvent {
            uid: format!("event-{}@bantin", e.id),
            stamp: e.updated_at,
            created: e.created_at,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            all_day: e.all_day,
            summary: title,
            description: e.description.as_deref(),
            location: e.location.as_deref(),
            status: &e.status,
            categories: &e.category,
            organizer: e
                .organization_id
                .and_then(|id| organizations.get(&id))
                .and_then(|o| o.email.as_deref().map(|email| (o.name.as_str(), email))),
        })
        .collect();
    let body = ical::calendar(&calendar_name, &items);
    Ok(cached_bytes(
        &req,
        body.into_bytes(),
        "text/calendar; charset=utf-8",
        Audience::Public,
        None,
    ))
}
