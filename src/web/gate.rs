//! The door of `/api/v1`: finds the API key a request carries (`?key=` or
//! `Authorization: Bearer bantin_…`), checks it is active, that a content
//! key is used from an origin it allows and within its own rate limit,
//! counts its use, and hands what it grants to the extractors. With
//! `BANTIN_REQUIRE_CONTENT_KEY=true` it also turns away anonymous requests.
//!
//! Keys are looked up through the [`Keyring`](crate::keys::ring::Keyring),
//! at most once a second per instance.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use crate::http::error::{ApiError, ParamIssue};
use crate::http::pagination::QueryKey;
use crate::keys::model::KeyKind;
use crate::state::AppState;

/// Paths anyone may call even when content keys are required: signing in
/// and the API's own description.
fn open_without_key(path: &str) -> bool {
    path == "/api/v1/openapi.json" || path.starts_with("/api/v1/auth/")
}

/// Takes `key` out of the query string (so no handler sees an unknown
/// parameter); what it was, if sent.
fn take_query_key(req: &mut ServiceRequest) -> Result<Option<String>, ApiError> {
    let query = req.query_string();
    if !query.split('&').any(|p| p == "key" || p.starts_with("key=")) {
        return Ok(None);
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| ApiError::invalid_parameter("key", ParamIssue::Malformed("a query string".into())))?;
    let (keys, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "key");
    if keys.len() > 1 {
        return Err(ApiError::invalid_parameter(
            "key",
            ParamIssue::Malformed("one key".into()),
        ));
    }
    let path = req.path().to_string();
    let rest = serde_urlencoded::to_string(&rest).unwrap_or_default();
    let uri = if rest.is_empty() {
        path
    } else {
        format!("{path}?{rest}")
    };
    req.head_mut().uri = uri.parse::<Uri>().map_err(|_| ApiError::NotFound)?;
    Ok(keys.into_iter().next().map(|(_, v)| v))
}

/// The middleware, for the API scope. A refused key is answered here, in
/// the client's language (the error never reaches the outer layers as an
/// `Err`, which would skip the localizing one).
pub async fn gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let quota = match admit(&mut req).await {
        Ok(quota) => quota,
        Err(refused) => {
            let lang = crate::http::lang::Lang::from_request(req.request());
            return Ok(req.into_response(refused.render(lang)));
        }
    };
    let mut res = next.call(req).await?.map_into_boxed_body();
    for (name, value) in quota.iter().flat_map(|q| q.headers()) {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            res.headers_mut().insert(name, value);
        }
    }
    Ok(res)
}

/// Checks the key a request carries and hands its grant to the
/// extractors; the key's quota when there is one.
async fn admit(req: &mut ServiceRequest) -> Result<Option<crate::http::rate_limit::Quota>, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(ApiError::Internal)?;
    let in_query = take_query_key(req)?;
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string());
    let has_authorization = req.headers().contains_key(header::AUTHORIZATION);
    let from_query = in_query.is_some();
    let secret = match (in_query, bearer) {
        (Some(_), _) if has_authorization => {
            return Err(ApiError::invalid_parameter(
                "key",
                ParamIssue::Malformed("a key in the query or in Authorization, not both".into()),
            ))
        }
        (Some(key), _) => {
            req.extensions_mut().insert(QueryKey(key.clone()));
            Some(key)
        }
        (None, Some(token)) if crate::keys::looks_like_key(&token) => Some(token),
        _ => None,
    };
    if from_query
        && secret
            .as_deref()
            .is_some_and(|s| s.starts_with(crate::keys::INTEGRATION_PREFIX))
    {
        return Err(ApiError::KeyInQuery);
    }
    let Some(secret) = secret else {
        if state.config.require_content_key && !has_authorization && !open_without_key(req.path()) {
            return Err(ApiError::KeyRequired);
        }
        return Ok(None);
    };
    let now = state.clock.now();
    let grant = state
        .keyring
        .grant(&state.pool, &secret, now)
        .await
        .map_err(ApiError::from)?
        .map_err(ApiError::KeyRefused)?;
    if from_query && grant.kind != KeyKind::Content {
        return Err(ApiError::KeyInQuery);
    }
    if grant.kind == KeyKind::Content && !grant.allowed_origins.is_empty() {
        let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok());
        if origin.is_some_and(|o| !grant.allowed_origins.iter().any(|a| a.eq_ignore_ascii_case(o))) {
            return Err(ApiError::OriginNotAllowed);
        }
    }
    let quota = state
        .limits
        .keys
        .check_up_to(&grant.id.to_string(), grant.requests_per_minute, now)
        .await?;
    state.key_uses.record(grant.id);
    req.extensions_mut().insert(grant);
    Ok(Some(quota))
}
