//! `/webhooks`: where bantin tells other systems that content changed
//! (admins only). See the module [`super`] for how deliveries are made.

use actix_web::{web, HttpResponse};
use rand::RngCore;

use super::guard::Guard;
use super::input::{check_url, CreateWebhook, UpdateWebhook, WebhookListQuery};
use super::model::{DeliveryState, NewDelivery, NewWebhook};
use super::store;
use super::views::{DeliveryView, WebhookView};
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::pagination::{ById, Paged};
use crate::http::respond::private;
use crate::http::routes::at;
use crate::http::ApiError;
use crate::state::AppState;
use crate::web::auth::Auth;

const HOOK_SORT: &str = "id";
const DELIVERY_SORT: &str = "-id";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/webhooks").get(list_webhooks).post(create_webhook))
        .service(
            at("/webhooks/{id}")
                .get(get_webhook)
                .patch(update_webhook)
                .delete(delete_webhook),
        )
        .service(at("/webhooks/{id}/deliveries").get(list_deliveries))
        .service(at("/webhooks/{id}/ping").post(ping_webhook));
}

/// List webhooks (admin).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", params(WebhookListQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<WebhookView>),))]
pub async fn list_webhooks(
    auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<WebhookListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = (query.limit.as_deref(), query.cursor.as_deref());
    let load = |conn: &mut _, after, limit| Ok(store::list(conn, after, limit)?);
    crate::web::admin::list(&auth, &state, page, HOOK_SORT, load, |h| h.id, WebhookView::from).await
}

/// Register a webhook (admin). It hears of changes from now on. Its address
/// must not be private, loopback or link-local (unless
/// `BANTIN_WEBHOOK_ALLOW_PRIVATE`), and must be among
/// `BANTIN_WEBHOOK_ALLOWED_HOSTS` when that is set: else 422 `address_refused`.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = CreateWebhook, security(("bearer" = [])),
    responses(
        (status = 201, body = WebhookView, headers(("Location" = String))),
        (status = 422, description = "Invalid fields; `address_refused` for a URL bantin will not send to",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_webhook(
    auth: Auth,
    state: web::Data<AppState>,
    body: Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let input = body.into_inner().parse()?;
    check_url(&Guard::new(&state.config.webhooks), &input.url).await?;
    let now = state.clock.now();
    let made = input.secret.is_none();
    let secret = input.secret.unwrap_or_else(|| {
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        format!("whsec_{}", hex::encode(bytes))
    });
    let new = NewWebhook {
        name: input.name,
        url: input.url,
        events: input.events,
        secret: secret.clone(),
        active: input.active,
        disabled_reason: (!input.active).then(|| "switched off by an admin".to_string()),
        failures: 0,
        cursor: 0,
        created_by: Some(auth.user()?.id),
        created_at: now,
        updated_at: now,
    };
    let hook = crate::db::run(&state.pool, move |conn| store::create(conn, new)).await?;
    let mut view = WebhookView::from(hook);
    view.secret = made.then_some(secret);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/webhooks/{}", view.id)))
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}

/// Get a webhook (admin).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = WebhookView),))]
pub async fn get_webhook(auth: Auth, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let hook = crate::db::run(&state.pool, move |conn| store::find(conn, id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(private(WebhookView::from(hook)))
}

/// Change a webhook (admin): its name, address, events or secret; `active`
/// switches it off (what it still owed is dropped) or back on (from now).
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", request_body = UpdateWebhook, security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = WebhookView),))]
pub async fn update_webhook(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let changes = body.into_inner().parse()?;
    if let Some(url) = &changes.url {
        check_url(&Guard::new(&state.config.webhooks), url).await?;
    }
    let now = state.clock.now();
    let hook = crate::db::run(&state.pool, move |conn| store::update(conn, id, changes, now)).await?;
    Ok(private(WebhookView::from(hook)))
}

/// Delete a webhook and its delivery log (admin).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204),))]
pub async fn delete_webhook(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    crate::db::run(&state.pool, move |conn| store::delete(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A webhook's deliveries, newest first (admin): each with its attempts,
/// state and last result. Finished ones are kept 30 days.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = i64, Path), WebhookListQuery),
    responses((status = 200, body = Paged<DeliveryView>),))]
pub async fn list_deliveries(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<WebhookListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let by_id = ById::parse(query.limit.as_deref(), query.cursor.as_deref(), DELIVERY_SORT)?;
    let (limit, before) = (by_id.limit, by_id.after);
    let rows = crate::db::run(&state.pool, move |conn| {
        store::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok::<_, ApiError>(store::deliveries(conn, id, before, limit)?)
    })
    .await?;
    let page = by_id.page(rows, |d| d.id);
    Ok(private(page.map(DeliveryView::from)))
}

/// Send a test `ping` now and answer how it went (admin). It is logged
/// with the deliveries but never retried, and does not count as a failure.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/ping", tag = "webhooks", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The ping, sent: `state` says whether the receiver took it", body = DeliveryView),))]
pub async fn ping_webhook(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let now = super::send::wall_clock();
    let (hook, delivery) = crate::db::run(&state.pool, move |conn| {
        let hook = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let ping = NewDelivery {
            webhook_id: hook.id,
            event: "ping".into(),
            seq: None,
            kind: "webhooks".into(),
            resource_id: hook.id,
            data: serde_json::json!({"webhook_id": hook.id, "name": hook.name}).to_string(),
            occurred_at: now,
            state: DeliveryState::Pending.as_str().into(),
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        };
        let delivery = store::record_ping(conn, hook.id, ping)?;
        Ok::<_, ApiError>((hook, delivery))
    })
    .await?;
    // Recorded as sent before it goes, so the loop never sends it too.
    let sender = super::send::Sender::new(&state.config.webhooks);
    let outcome = sender.attempt(&hook.url, &hook.secret, &delivery).await;
    let now = super::send::wall_clock();
    let delivery = crate::db::run(&state.pool, move |conn| {
        store::ping_sent(conn, delivery.id, &outcome, now)
    })
    .await?;
    Ok(private(DeliveryView::from(delivery)))
}
