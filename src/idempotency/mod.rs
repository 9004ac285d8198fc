//! `Idempotency-Key` on `POST`: a client that retries a create (its
//! connection dropped before the answer came) sends the same key and gets
//! the first answer again instead of a duplicate, for 24 hours. A key is
//! the client's own (per signed-in user or key, or per client address) and
//! the route's (the same key on two routes is two keys); sent again with
//! another request it is a 422; while the first request still runs, a 409.
//! Only a successful answer is kept: a first request that was refused (4xx,
//! which changes nothing) or failed (5xx) frees its key for a corrected
//! retry. Routes whose answers hold secrets (signing in, new API keys, new
//! webhooks) ignore the header: their answers are never stored.

pub mod store;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, ETAG, LOCATION};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use sha2::{Digest, Sha256};

use crate::http::extract::BodyLimits;
use crate::http::ApiError;
use crate::state::AppState;
use store::Seen;

pub const HEADER: &str = "idempotency-key";

/// Routes that ignore the header: their answers hold tokens or secrets,
/// which must never be written down in clear.
pub fn keeps_no_answers(path: &str) -> bool {
    path.starts_with("/api/v1/auth/") || path == "/api/v1/keys" || path == "/api/v1/webhooks"
}

/// The middleware, for the API scope: it acts on `POST`s that carry the header.
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(raw) = (req.method() == actix_web::http::Method::POST && !keeps_no_answers(req.path()))
        .then(|| req.headers().get(HEADER).cloned())
        .flatten()
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let client_key = client_key(&raw)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(ApiError::Internal)?;
    let body = hold_body(&mut req, &state).await?;
    let key = hex::encode(Sha256::digest(
        format!(
            "{}\n{} {}\n{client_key}",
            caller(&req, &state),
            req.method(),
            req.path()
        )
        .as_bytes(),
    ));
    let request_hash = hex::encode(Sha256::digest(
        [
            req.method().as_str().as_bytes(),
            b"\n",
            req.path().as_bytes(),
            b"\n",
            &body,
        ]
        .concat(),
    ));
    let now = state.clock.now();
    let (claim_key, claim_hash) = (key.clone(), request_hash.clone());
    let seen = crate::db::run(&state.pool, move |conn| {
        store::claim(conn, &claim_key, &claim_hash, now)
    })
    .await
    .map_err(ApiError::from)?;
    match seen {
        Seen::OtherRequest => return Err(ApiError::IdempotencyKeyReused.into()),
        Seen::Running => return Err(ApiError::IdempotencyInProgress.into()),
        Seen::Answered(answer) => return Ok(req.into_response(replay(answer))),
        Seen::First => {}
    }
    req.set_payload(actix_web::dev::Payload::from(body));
    let res = next.call(req).await?;
    keep(&state, key, res).await
}

/// The key a client sent: 1 to 255 visible ASCII characters (else 400).
fn client_key(raw: &HeaderValue) -> Result<String, ApiError> {
    raw.to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::invalid_parameter(
                "Idempotency-Key",
                crate::http::error::ParamIssue::Malformed("1 to 255 visible ASCII characters".into()),
            )
        })
}

/// The request's body, read whole (within the route's limits) so that it
/// can be compared with the first request's and handed on.
async fn hold_body(req: &mut ServiceRequest, state: &AppState) -> Result<actix_web::web::Bytes, ApiError> {
    let mut limits = req.app_data::<BodyLimits>().copied().unwrap_or(BodyLimits {
        max_bytes: 1024 * 1024,
        timeout: std::time::Duration::from_secs(30),
    });
    if req.path() == crate::config::UPLOAD_PATH {
        // An upload repeated with its key is held like any other body.
        limits.max_bytes = state.config.media.max_upload_bytes + crate::config::FORM_OVERHEAD;
    }
    actix_web::rt::time::timeout(
        limits.timeout,
        crate::http::extract::read_body(req.take_payload(), limits.max_bytes),
    )
    .await
    .map_err(|_| ApiError::RequestTimeout)?
}

/// Keeps the first answer under `key` (a failure releases the key, so the
/// client may correct the request and retry), and sends it on.
async fn keep(
    state: &AppState,
    key: String,
    res: ServiceResponse<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let status = res.status();
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let (location, etag) = (header(LOCATION), header(ETAG));
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let bytes = to_bytes(body).await.map_err(|_| ApiError::Internal)?;
    let answer = store::Answer {
        status: i32::from(status.as_u16()),
        location,
        etag,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let kept = crate::db::run(&state.pool, move |conn| {
        if !status.is_success() {
            store::release(conn, &key)
        } else {
            store::answer(conn, &key, &answer)
        }
    })
    .await;
    if let Err(e) = kept {
        tracing::warn!(error = %e, "keeping an idempotent answer failed");
    }
    Ok(ServiceResponse::new(
        http_req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// Whose key it is: the signed-in user (a refreshed token is the same
/// user), else the client address.
fn caller(req: &ServiceRequest, state: &AppState) -> String {
    if let Some(grant) = req.extensions().get::<crate::keys::model::Grant>() {
        return format!("key:{}", grant.id);
    }
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| state.keys.verify(token.trim()).ok());
    match bearer {
        Some(bearer) => format!("user:{}", bearer.user_id),
        None => format!(
            "client:{}",
            crate::http::client::client_key(req.request(), &state.config.trusted_proxies)
        ),
    }
}

fn replay(answer: store::Answer) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(answer.status as u16).unwrap_or(actix_web::http::StatusCode::OK);
    let mut res = HttpResponse::build(status);
    res.insert_header(("Idempotency-Replayed", "true"));
    for (name, value) in [(LOCATION, answer.location), (ETAG, answer.etag)] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            res.insert_header((name, value));
        }
    }
    let body = answer.body;
    let problem = status.is_client_error();
    res.content_type(if problem {
        "application/problem+json"
    } else {
        "application/json"
    });
    res.body(body)
}
