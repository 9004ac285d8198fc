//! `/health/live` (the process answers) and `/health/ready` (and can reach
//! its database).

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::routes::at;
use crate::http::ApiError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    pub status: &'static str,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/health/live").get(live))
        .service(at("/health/ready").get(ready));
}

/// Liveness: the process is up. Touches nothing else.
#[utoipa::path(get, path = "/health/live", tag = "health", responses((status = 200, body = Health)))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses((status = 200, body = Health),))]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    crate::db::run(&state.pool, |conn| {
        crate::db::ping(conn).map_err(|_| ApiError::Unavailable)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Health { status: "ok" }))
}
