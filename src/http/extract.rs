//! How request bodies, query strings and paths are parsed, and how their
//! failures become [`ApiError`]s.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use super::error::{ApiError, ParamIssue};

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .content_type(|mime| {
            mime.type_() == "application" && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        })
        .error_handler(move |err, _req| json_error(err, limit).into())
}

fn json_error(err: JsonPayloadError, limit: usize) -> ApiError {
    match err {
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge { limit }
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::InvalidBody(e.to_string()),
        JsonPayloadError::Deserialize(e) => ApiError::MalformedJson(e.to_string()),
        JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
        other => ApiError::MalformedJson(other.to_string()),
    }
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

/// Refuses requests holding a NUL character — `%00` in the address, the
/// JSON escape `\u0000` in the body — with 400 `nul_in_text` before any
/// handler sees them: PostgreSQL cannot store NUL in text and SQLite would,
/// so both engines answer alike. Bodies are JSON and read whole by their
/// extractors anyway; this reads them once, up to the body limit, and hands
/// the same bytes on.
pub struct RefuseNul {
    pub limit: usize,
}

impl<S, B> actix_web::dev::Transform<S, actix_web::dev::ServiceRequest> for RefuseNul
where
    S: actix_web::dev::Service<
            actix_web::dev::ServiceRequest,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        > + 'static,
    B: 'static,
{
    type Response = actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = RefuseNulService<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(RefuseNulService {
            service: std::rc::Rc::new(service),
            limit: self.limit,
        }))
    }
}

pub struct RefuseNulService<S> {
    service: std::rc::Rc<S>,
    limit: usize,
}

impl<S, B> actix_web::dev::Service<actix_web::dev::ServiceRequest> for RefuseNulService<S>
where
    S: actix_web::dev::Service<
            actix_web::dev::ServiceRequest,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        > + 'static,
    B: 'static,
{
    type Response = actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, mut req: actix_web::dev::ServiceRequest) -> Self::Future {
        use futures_util::StreamExt;
        let service = self.service.clone();
        let limit = self.limit;
        Box::pin(async move {
            if req.uri().path_and_query().is_some_and(|pq| pq.as_str().contains("%00")) {
                return Ok(req.error_response(ApiError::NulInText).map_into_right_body());
            }
            let has_body = req
                .headers()
                .get(actix_web::http::header::CONTENT_LENGTH)
                .is_none_or(|v| v.as_bytes() != b"0")
                && matches!(
                    *req.method(),
                    actix_web::http::Method::POST | actix_web::http::Method::PATCH | actix_web::http::Method::PUT
                );
            if has_body {
                let mut payload = actix_web::HttpMessage::take_payload(&mut req);
                let mut body = actix_web::web::BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let refused = match chunk {
                        Err(e) => Some(ApiError::MalformedJson(e.to_string())),
                        Ok(_) if body.len() > limit => Some(ApiError::PayloadTooLarge { limit }),
                        Ok(chunk) => {
                            body.extend_from_slice(&chunk);
                            (body.len() > limit).then_some(ApiError::PayloadTooLarge { limit })
                        }
                    };
                    if let Some(error) = refused {
                        return Ok(req.error_response(error).map_into_right_body());
                    }
                }
                if escapes_nul(&body) {
                    return Ok(req.error_response(ApiError::NulInText).map_into_right_body());
                }
                req.set_payload(actix_web::dev::Payload::from(body.freeze()));
            }
            service.call(req).await.map(|res| res.map_into_left_body())
        })
    }
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
