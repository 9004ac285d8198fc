//! The one error type. Every failure a client can see is an [`ApiError`],
//! rendered as RFC 9457 problem details with a stable `code`, in Vietnamese
//! by default and in English when the client asks (see [`localize`]).

use actix_web::body::BoxBody;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::lang::Lang;

/// What other layers' errors become.
pub mod convert;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub issue: FieldIssue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldIssue {
    Required,
    /// Text length in characters (or list length) outside `min..=max`.
    Length {
        min: u64,
        max: u64,
    },
    Range {
        min: i64,
        max: i64,
    },
    Format,
    Url,
    OneOf(&'static [&'static str]),
    /// A referenced record (e.g. `category_id`) does not exist.
    UnknownReference,
    /// Not a slug bantin accepts (see `text::is_valid_slug`).
    Slug,
    /// An end before its start (events, positions).
    EndsBeforeStart,
    /// A field this kind of item does not take (scopes on a content key).
    NotAllowed,
    /// A time that must be in the future is not (a key's expiry).
    InThePast,
    /// A webhook address bantin will not send to, and why.
    AddressRefused(AddressRefusal),
    /// Two fields of which only one may be sent (`media_id` and `url`).
    Conflicting {
        other: &'static str,
    },
    /// A media item of another kind than the field takes (an audio file
    /// where an image goes).
    MediaKind {
        wanted: &'static str,
    },
    /// A secret that does not match (the current password).
    Incorrect,
}

impl FieldError {
    pub fn new(field: impl Into<String>, issue: FieldIssue) -> Self {
        FieldError {
            field: field.into(),
            issue,
        }
    }

    pub fn code(&self) -> &'static str {
        match self.issue {
            FieldIssue::Required => "required",
            FieldIssue::Length { .. } => "length",
            FieldIssue::Range { .. } => "range",
            FieldIssue::Format => "format",
            FieldIssue::Url => "url",
            FieldIssue::OneOf(_) => "one_of",
            FieldIssue::UnknownReference => "not_found",
            FieldIssue::Slug => "format",
            FieldIssue::EndsBeforeStart => "ends_before_start",
            FieldIssue::NotAllowed => "not_allowed",
            FieldIssue::InThePast => "in_the_past",
            FieldIssue::AddressRefused(_) => "address_refused",
            FieldIssue::Conflicting { .. } => "conflicting",
            FieldIssue::MediaKind { .. } => "media_kind",
            FieldIssue::Incorrect => "incorrect",
        }
    }
}

/// Why a webhook address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRefusal {
    /// Its host is not among `BANTIN_WEBHOOK_ALLOWED_HOSTS`.
    HostNotListed,
    /// It resolves to a private, loopback or otherwise special address.
    Private,
    /// Its host did not resolve.
    Unresolvable,
}

/// Why an API key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// No key has this secret (mistyped, or deleted).
    Unknown,
    Revoked,
    Expired,
}

/// Why a query parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamIssue {
    Unknown,
    OneOf(Vec<String>),
    Range {
        min: i64,
        max: i64,
    },
    DateTime,
    Empty,
    TooLong {
        max: usize,
    },
    /// Only without `q` (search results are ordered by relevance).
    NotWithSearch,
    /// The query string could not be read at all (the parser's own words).
    Malformed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("bad query parameter {param}")]
    BadParameter { param: String, issue: ParamIssue },
    #[error("invalid cursor")]
    InvalidCursor,
    /// Text with a NUL character (U+0000), which no engine stores as text.
    #[error("text contains NUL")]
    NulInText,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// An upload whose body is not `multipart/form-data`.
    #[error("not multipart")]
    NotMultipart,
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// The body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The body parsed as JSON but does not have the expected shape.
    #[error("invalid body: {0}")]
    InvalidBody(String),
    #[error("unauthorized")]
    Unauthorized,
    #[error("token expired")]
    TokenExpired,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("forbidden")]
    Forbidden,
    /// An integration key without the scope a route needs (`events:write`).
    #[error("scope missing: {0}")]
    ScopeMissing(String),
    /// A key that does not open the door, and why.
    #[error("key refused")]
    KeyRefused(KeyRefusal),
    /// An integration key sent in `?key=`: only content keys (public by
    /// nature) may travel in a URL, which proxies and logs keep.
    #[error("key in query")]
    KeyInQuery,
    #[error("not found")]
    NotFound,
    /// `allow`: the methods the path answers, for the `Allow` header.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("slug taken: {0}")]
    SlugTaken(String),
    #[error("username taken")]
    UsernameTaken,
    #[error("still referenced")]
    InUse,
    /// A media item still shown by these items (`articles/12`).
    #[error("media in use")]
    MediaInUse(Vec<String>),
    /// An upload that is not one of the allowed file types, whatever its name says.
    #[error("unsupported file type")]
    UnsupportedFileType,
    /// An upload of an allowed type that cannot be read (truncated, corrupt)
    /// or a photo over the pixel limit: the reason, in English.
    #[error("invalid file: {0}")]
    InvalidFile(String),
    /// A multipart body that cannot be read, or without its `file` part.
    #[error("malformed upload: {0}")]
    MalformedUpload(String),
    /// A format or feature the server does not provide (oEmbed `format=xml`).
    #[error("not implemented")]
    NotImplemented,
    /// `Range` outside the file: its size, for `Content-Range`.
    #[error("range not satisfiable")]
    RangeNotSatisfiable { size: u64 },
    #[error("last admin")]
    LastAdmin,
    #[error("conflict")]
    Conflict,
    /// An `Idempotency-Key` sent again with another request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` still runs.
    #[error("idempotency key in progress")]
    IdempotencyInProgress,
    /// `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("captcha invalid")]
    CaptchaInvalid,
    /// `X-Visitor-Id` missing where one is needed, or not one this server issued.
    #[error("visitor invalid")]
    VisitorInvalid,
    #[error("comments closed")]
    CommentsClosed,
    /// A sync token older than the change log keeps: do a full refresh.
    #[error("sync expired")]
    SyncExpired,
    /// `BANTIN_REQUIRE_CONTENT_KEY` is on and the request has no key.
    #[error("key required")]
    KeyRequired,
    /// A content key used from an origin it does not allow.
    #[error("origin not allowed")]
    OriginNotAllowed,
    #[error("duplicate comment")]
    DuplicateComment,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

/// RFC 9457 problem details as bantin sends them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:bantin:problem:validation_failed",
    "title": "Dữ liệu không hợp lệ",
    "status": 422,
    "detail": "Một số trường không hợp lệ.",
    "code": "validation_failed",
    "errors": [{"field": "title", "code": "required", "message": "Trường này là bắt buộc."}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:bantin:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable error code.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn validation(field: impl Into<String>, issue: FieldIssue) -> Self {
        ApiError::Validation(vec![FieldError::new(field, issue)])
    }

    pub fn unknown_parameter(param: impl Into<String>) -> Self {
        ApiError::BadParameter {
            param: param.into(),
            issue: ParamIssue::Unknown,
        }
    }

    pub fn invalid_parameter(param: impl Into<String>, issue: ParamIssue) -> Self {
        ApiError::BadParameter {
            param: param.into(),
            issue,
        }
    }

    pub fn code(&self) -> &'static str {
        use ApiError::*;
        match self {
            MalformedJson(_) => "malformed_json",
            BadParameter {
                issue: ParamIssue::Unknown,
                ..
            } => "unknown_parameter",
            BadParameter { .. } => "invalid_parameter",
            InvalidCursor => "invalid_cursor",
            NulInText => "nul_in_text",
            UnsupportedMediaType | NotMultipart => "unsupported_media_type",
            PayloadTooLarge { .. } => "payload_too_large",
            RequestTimeout => "request_timeout",
            Validation(_) | InvalidBody(_) => "validation_failed",
            Unauthorized => "unauthorized",
            TokenExpired => "token_expired",
            InvalidCredentials => "invalid_credentials",
            InvalidRefreshToken => "invalid_refresh_token",
            Forbidden | ScopeMissing(_) => "forbidden",
            KeyRefused(_) => "unauthorized",
            KeyInQuery => "key_in_query",
            NotFound => "not_found",
            MethodNotAllowed { .. } => "method_not_allowed",
            SlugTaken(_) => "slug_taken",
            UsernameTaken => "username_taken",
            InUse | MediaInUse(_) => "in_use",
            UnsupportedFileType => "unsupported_file_type",
            InvalidFile(_) => "invalid_file",
            MalformedUpload(_) => "malformed_upload",
            RangeNotSatisfiable { .. } => "range_not_satisfiable",
            NotImplemented => "not_implemented",
            LastAdmin => "last_admin",
            Conflict => "conflict",
            IdempotencyKeyReused => "idempotency_key_reused",
            IdempotencyInProgress => "idempotency_in_progress",
            PreconditionFailed => "precondition_failed",
            CaptchaInvalid => "captcha_invalid",
            VisitorInvalid => "visitor_invalid",
            CommentsClosed => "comments_closed",
            SyncExpired => "sync_expired",
            KeyRequired => "key_required",
            OriginNotAllowed => "origin_not_allowed",
            DuplicateComment => "duplicate_comment",
            RateLimited { .. } => "rate_limited",
            Unavailable => "service_unavailable",
            Internal => "internal_error",
        }
    }

    pub fn problem(&self, lang: Lang) -> Problem {
        let (title, detail) = self.texts(lang);
        let errors = match self {
            ApiError::Validation(fields) => fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code().into(),
                    message: f.message(lang),
                })
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("urn:bantin:problem:{}", self.code()),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            code: self.code().into(),
            errors,
        }
    }

    pub fn render(&self, lang: Lang) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status_code());
        builder.content_type("application/problem+json");
        builder.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            ApiError::RateLimited { retry_after_secs } => {
                builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unauthorized
            | ApiError::TokenExpired
            | ApiError::KeyRequired
            | ApiError::KeyRefused(_)
            | ApiError::KeyInQuery => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::Unavailable => {
                builder.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::IdempotencyInProgress => {
                builder.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::MethodNotAllowed { allow } => {
                builder.insert_header((header::ALLOW, allow.as_str()));
            }
            ApiError::RangeNotSatisfiable { size } => {
                builder.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            _ => {}
        }
        builder.json(self.problem(lang))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        use ApiError::*;
        match self {
            MalformedJson(_) | BadParameter { .. } | InvalidCursor | NulInText | VisitorInvalid => {
                StatusCode::BAD_REQUEST
            }
            UnsupportedMediaType | NotMultipart | UnsupportedFileType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            InvalidFile(_) => StatusCode::UNPROCESSABLE_ENTITY,
            MalformedUpload(_) => StatusCode::BAD_REQUEST,
            RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            NotImplemented => StatusCode::NOT_IMPLEMENTED,
            PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Validation(_) | InvalidBody(_) | CaptchaInvalid => StatusCode::UNPROCESSABLE_ENTITY,
            Unauthorized | TokenExpired | InvalidCredentials | InvalidRefreshToken | KeyRequired | KeyRefused(_)
            | KeyInQuery => StatusCode::UNAUTHORIZED,
            Forbidden | ScopeMissing(_) | CommentsClosed | OriginNotAllowed => StatusCode::FORBIDDEN,
            SyncExpired => StatusCode::GONE,
            NotFound => StatusCode::NOT_FOUND,
            PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            SlugTaken(_)
            | UsernameTaken
            | InUse
            | MediaInUse(_)
            | LastAdmin
            | Conflict
            | DuplicateComment
            | IdempotencyInProgress => StatusCode::CONFLICT,
            IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        self.render(Lang::Vi)
    }
}

/// Middleware body: re-renders an [`ApiError`] in the client's language and
/// turns the framework's own bare 404/405 answers into problem details.
pub fn localize<B>(
    lang: Lang,
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>
where
    B: actix_web::body::MessageBody + 'static,
{
    let replacement = match res.response().error().and_then(|e| e.as_error::<ApiError>()) {
        Some(api) if lang != Lang::Vi => Some(api.render(lang)),
        Some(_) => None,
        None => match res.status() {
            StatusCode::METHOD_NOT_ALLOWED if !is_problem(&res) => {
                Some(ApiError::MethodNotAllowed { allow: String::new() }.render(lang))
            }
            StatusCode::NOT_FOUND if !is_problem(&res) => Some(ApiError::NotFound.render(lang)),
            _ => None,
        },
    };
    match replacement {
        Some(new) => res.into_response(new).map_into_right_body(),
        None => res.map_into_left_body(),
    }
}

fn is_problem<B>(res: &actix_web::dev::ServiceResponse<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
}
