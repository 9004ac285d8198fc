//! `/events`: the town's calendar and leaders' work schedules.

use super::model::Event;
use super::store::Change;
use crate::db::StoreResult;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, includes_articles, EventGetQuery, EventInput, EventListQuery, FeedQuery};
use super::model::{Category, EventStatus};
use super::views::{organizations_of, EventPage, EventView};
use super::{ical, store};
use crate::changes::{Kind, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug, Narrow, Scope};
use crate::http::cache::{cached_bytes, cached_page, Audience};
use crate::http::error::{ParamIssue, Problem};
use crate::http::input::time_param;
use crate::http::lang::Lang;
use crate::http::pagination::{page_limit, Cursor, Paged};
use crate::http::routes::at;
use crate::http::{params, ApiError};
use crate::state::AppState;
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/events.ics").get(feed))
        .service(at("/events").get(list_events).post(create))
        .service(at("/events/{id_or_slug}").get(get_event).patch(update).delete(delete))
        .service(at("/officials/{id_or_slug}/events").get(official_events))
        .service(at("/organizations/{id_or_slug}/events").get(organization_events));
}

/// Resolves the official and organization a list or feed is narrowed to.
fn resolve(
    conn: &mut Conn,
    official: Option<&Scope>,
    organization: Option<&Scope>,
) -> Result<(Option<Narrow>, Option<Narrow>), ApiError> {
    let official = match official {
        None => None,
        Some(scope) => Some(scope.narrow(crate::officials::store::find(conn, &scope.key)?.map(|o| o.id))?),
    };
    let organization = match organization {
        None => None,
        Some(scope) => Some(scope.narrow(crate::organizations::store::find(conn, &scope.key)?.map(|o| o.id))?),
    };
    Ok((official, organization))
}

async fn list(
    r: Reader,
    query: EventListQuery,
    official: Option<Scope>,
    organization: Option<Scope>,
) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, lang, state } = r;
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
        category: params::one_of("category", query.category.as_deref(), Category::parse, Category::ALL)?,
        status: params::one_of("status", query.status.as_deref(), EventStatus::parse, EventStatus::ALL)?,
        descending,
        after,
        limit,
        ids: None,
        updated_since: time_param("updated_since", query.updated_since.as_deref(), false)?,
    };
    let search = query.q.as_deref().map(crate::search::Query::from_param).transpose()?;
    let public_only = !auth.is_editor();
    let index = state.search.clone();
    let page = crate::db::run(auth.pool(&state), move |conn| {
        (filter.official, filter.organization) = resolve(conn, official.as_ref(), organization.as_ref())?;
        if let Some(search) = &search {
            let hits = crate::search::store::search(
                conn,
                &index,
                crate::search::store::Kind::Events,
                search,
                false,
                now,
                1000,
                0,
            )?;
            filter.ids = Some(hits.into_iter().map(|h| h.id).collect());
        }
        let events = store::list(conn, &filter)?;
        Ok::<_, ApiError>(EventPage::load(conn, events, with_articles, public_only, now)?)
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
    responses((status = 200, body = Paged<EventView>), (status = 304, description = "Not modified"),))]
pub async fn list_events(r: Reader, query: web::Query<EventListQuery>) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let (official, organization) = (
        Scope::query(query.official.take()),
        Scope::query(query.organization.take()),
    );
    list(r, query, official, organization).await
}

/// An official's work schedule (lịch công tác): the events they chair or attend.
#[utoipa::path(get, path = "/api/v1/officials/{id_or_slug}/events", tag = "officials",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), EventListQuery),
    responses((status = 200, body = Paged<EventView>),))]
pub async fn official_events(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let official = params::path_scope("official", query.official.take(), &key)?;
    let organization = Scope::query(query.organization.take());
    list(r, query, Some(official), organization).await
}

/// The events an organization organizes.
#[utoipa::path(get, path = "/api/v1/organizations/{id_or_slug}/events", tag = "organizations",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), EventListQuery),
    responses((status = 200, body = Paged<EventView>),))]
pub async fn organization_events(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let organization = params::path_scope("organization", query.organization.take(), &key)?;
    let official = Scope::query(query.official.take());
    list(r, query, official, Some(organization)).await
}

/// One event with everything it embeds; `public_only` limits its articles
/// to what readers may see.
fn load(
    conn: &mut Conn,
    key: &IdOrSlug,
    lang: Lang,
    with_articles: bool,
    public_only: bool,
    now: NaiveDateTime,
) -> Result<EventView, ApiError> {
    let event = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
    let page = EventPage::load(conn, vec![event], with_articles, public_only, now)?;
    Ok(page.view(&page.events[0], lang))
}

/// Get an event by id or slug.
#[utoipa::path(get, path = "/api/v1/events/{id_or_slug}", tag = "events",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), EventGetQuery),
    responses((status = 200, body = EventView), (status = 304, description = "Not modified"),))]
pub async fn get_event(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<EventGetQuery>,
) -> Result<HttpResponse, ApiError> {
    let with_articles = includes_articles(query.include.as_deref())?;
    let (key, lang, public_only, now) = (IdOrSlug::parse(&key), r.lang, r.public_only(), r.now());
    r.item(Kind::Events, SlugTable::Events, key, move |conn, key| {
        let event = load(conn, key, lang, with_articles, public_only, now)?;
        Ok((event.id, event))
    })
    .await
}

/// Events as editors write them.
pub struct Events;

impl Record for Events {
    const COLLECTION: &'static str = "events";
    const KIND: Kind = Kind::Events;
    const SLUGS: SlugTable = SlugTable::Events;
    type Input = EventInput;
    type Row = Event;
    type Changes = Change;

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Event>> {
        store::find(conn, key)
    }

    fn apply(input: EventInput, current: Option<&Event>, now: NaiveDateTime) -> Result<Change, ApiError> {
        apply(input, current, now)
    }

    fn save(
        conn: &mut Conn,
        current: Option<&Event>,
        (data, participants, articles): Change,
        stamp: &Stamp,
    ) -> StoreResult<i64> {
        store::save(conn, current, data, participants, articles, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    /// The event with its related articles, drafts included.
    fn answer(conn: &mut Conn, id: i64, lang: Lang, now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        to_value(load(conn, &IdOrSlug::Id(id), lang, true, false, now)?)
    }
}

crate::editable_endpoints! {
    resource: Events, tag: "events", collection: "/api/v1/events", item: "/api/v1/events/{id_or_slug}",
    view: EventView,
    create: ("create_event", EventInput, "Create an event (editor). An end before the start is a 422."),
    update: ("update_event", EventInput, "Change an event (editor). Only the fields sent change."),
    delete: ("delete_event", "Delete an event (editor)."),
    invalid: "Invalid fields, e.g. `ends_before_start`, or unknown officials/organization/articles",
}

/// The calendar as iCalendar (RFC 5545) for calendar apps; `official=` gives one leader's schedule.
#[utoipa::path(get, path = "/api/v1/events.ics", tag = "events", params(FeedQuery),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar", body = String),
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
        category: params::one_of("category", query.category.as_deref(), Category::parse, Category::ALL)?,
        limit: 2000,
        ..Default::default()
    };
    // An unknown official or organization is a 404 here: a calendar
    // subscription to nobody is a mistake worth telling.
    let official = query.official.as_deref().map(Scope::path);
    let organization = query.organization.as_deref().map(Scope::path);
    // The feed shows events and their organizers only: no participants or links to load.
    let (events, organizations, name) = crate::db::run(&state.read_pool, move |conn| {
        let (official_id, organization_id) = resolve(conn, official.as_ref(), organization.as_ref())?;
        let name = match official_id {
            Some(Narrow::To(id)) => crate::officials::store::find(conn, &IdOrSlug::Id(id))?.map(|o| o.full_name),
            _ => None,
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
        Ok::<_, ApiError>((events, organizations, name))
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
    let host = crate::http::site::public_host(&state.config);
    let items: Vec<ical::IcalEvent<'_>> = events
        .iter()
        .zip(&titles)
        .map(|(e, title)| ical::IcalEvent {
            uid: format!("event-{}@{host}", e.id),
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
