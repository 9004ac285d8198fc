//! How request bodies, query strings and paths are parsed, and how their
//! failures become [`ApiError`]s.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use super::error::{ApiError, ParamIssue};

/// How much a JSON body may weigh, and how long it may take to arrive: a
/// body that trickles in is cut off rather than holding a connection.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: usize,
    pub timeout: std::time::Duration,
}

/// A JSON request body, read after routing (an unknown path never has its
/// body read), within [`BodyLimits`], refused with `nul_in_text` when it
/// holds a NUL character, and parsed into `T` with clear errors.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    use actix_web::HttpMessage;
    req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == "application" && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
    })
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limits = req.app_data::<BodyLimits>().copied().unwrap_or(BodyLimits {
            max_bytes: 1024 * 1024,
            timeout: std::time::Duration::from_secs(30),
        });
        let json = is_json(req);
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType.into());
            }
            if declared.is_some_and(|n| n > limits.max_bytes) {
                return Err(ApiError::PayloadTooLarge {
                    limit: limits.max_bytes,
                }
                .into());
            }
            let body = actix_web::rt::time::timeout(limits.timeout, read_body(payload, limits.max_bytes))
                .await
                .map_err(|_| ApiError::RequestTimeout)??;
            if escapes_nul(&body) {
                return Err(ApiError::NulInText.into());
            }
            let mut value: serde_json::Value =
                serde_json::from_slice(&body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
            if !value.is_object() {
                return Err(ApiError::InvalidBody("the body must be a JSON object".into()).into());
            }
            integers_as_integers(&mut value);
            serde_json::from_value(value)
                .map(Json)
                .map_err(|e| ApiError::InvalidBody(e.to_string()).into())
        })
    }
}

/// JSON has one kind of number: `5.0` is the integer 5 to a JSON Schema
/// validator, and so it is here (bantin reads no fractional number).
fn integers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18) {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integers_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integers_as_integers),
        _ => {}
    }
}

/// A request body, at most `limit` bytes (413 past it).
pub async fn read_body(mut payload: actix_web::dev::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| query_error(err).into())
}

fn query_error(err: QueryPayloadError) -> ApiError {
    let QueryPayloadError::Deserialize(e) = err else {
        return ApiError::invalid_parameter("query", ParamIssue::Malformed(err.to_string()));
    };
    let message = e.to_string();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return ApiError::unknown_parameter(name);
    }
    // serde_urlencoded names the field only for unknown ones; for a bad value
    // its message says which type it expected.
    ApiError::invalid_parameter("query", ParamIssue::Malformed(message))
}

/// Path segments that do not parse (e.g. `/users/abc`) name no resource: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req: &HttpRequest| ApiError::NotFound.into())
}

/// Refuses a request whose address holds `%00` (a NUL character) with
/// 400 `nul_in_text` before any handler sees it: PostgreSQL cannot store NUL
/// in text and SQLite would, so both engines answer alike. (Bodies are
/// checked by [`Json`], after routing.)
pub fn refuses_nul_in_address(req: &actix_web::dev::ServiceRequest) -> bool {
    req.uri().path_and_query().is_some_and(|pq| pq.as_str().contains("%00"))
}

/// Whether JSON text holds the escape `\u0000` (a backslash that is not
/// itself escaped, then `u0000`). Raw control characters are not valid JSON.
fn escapes_nul(json: &[u8]) -> bool {
    let mut backslashes = 0usize;
    for (i, &b) in json.iter().enumerate() {
        if b == b'\\' {
            backslashes += 1;
            continue;
        }
        if b == b'u' && backslashes % 2 == 1 && json[i + 1..].starts_with(b"0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

#[cfg(test)]
mod nul_tests {
    use super::escapes_nul;

    #[test]
    fn finds_only_real_nul_escapes() {
        assert!(escapes_nul(br#"{"a":"x\u0000y"}"#));
        assert!(escapes_nul(br#"{"a":"\\\u0000"}"#));
        assert!(!escapes_nul(br#"{"a":"\\u0000"}"#), "an escaped backslash, then text");
        assert!(!escapes_nul(br#"{"a":"\u00e0"}"#));
        assert!(!escapes_nul(b"{}"));
    }
}
