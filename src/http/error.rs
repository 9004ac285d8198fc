//! The one error type. Every failure a client can see is an [`ApiError`],
//! rendered as RFC 9457 problem details with a stable `code`, in Vietnamese
//! by default and in English when the client asks (see [`localize`]).

use actix_web::body::BoxBody;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::lang::Lang;

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
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        use FieldIssue::*;
        match (&self.issue, lang) {
            (Required, Lang::Vi) => "Trường này là bắt buộc.".into(),
            (Required, Lang::En) => "This field is required.".into(),
            (Length { min, max }, Lang::Vi) => format!("Độ dài phải từ {min} đến {max}."),
            (Length { min, max }, Lang::En) => format!("Length must be between {min} and {max}."),
            (Range { min, max }, Lang::Vi) => format!("Giá trị phải từ {min} đến {max}."),
            (Range { min, max }, Lang::En) => format!("Value must be between {min} and {max}."),
            (Format, Lang::Vi) => "Định dạng không hợp lệ.".into(),
            (Format, Lang::En) => "The format is not valid.".into(),
            (Url, Lang::Vi) => "Phải là một địa chỉ http(s) hoặc đường dẫn bắt đầu bằng /.".into(),
            (Url, Lang::En) => "Must be an http(s) URL or a path starting with /.".into(),
            (OneOf(allowed), Lang::Vi) => format!("Giá trị phải là một trong: {}.", allowed.join(", ")),
            (OneOf(allowed), Lang::En) => format!("Value must be one of: {}.", allowed.join(", ")),
            (UnknownReference, Lang::Vi) => "Không tìm thấy bản ghi được tham chiếu.".into(),
            (UnknownReference, Lang::En) => "The referenced record does not exist.".into(),
            (EndsBeforeStart, Lang::Vi) => "Thời điểm kết thúc phải không sớm hơn thời điểm bắt đầu.".into(),
            (EndsBeforeStart, Lang::En) => "The end must not be before the start.".into(),
            (Slug, Lang::Vi) => "Slug chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, không toàn chữ số.".into(),
            (Slug, Lang::En) => {
                "A slug is lowercase ASCII letters, digits and single hyphens, and not only digits.".into()
            }
        }
    }
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

impl ParamIssue {
    fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (ParamIssue::Unknown, _) => String::new(),
            (ParamIssue::OneOf(allowed), Lang::Vi) => format!("giá trị phải là một trong: {}.", allowed.join(", ")),
            (ParamIssue::OneOf(allowed), Lang::En) => format!("the value must be one of: {}.", allowed.join(", ")),
            (ParamIssue::Range { min, max }, Lang::Vi) => format!("giá trị phải là số nguyên từ {min} đến {max}."),
            (ParamIssue::Range { min, max }, Lang::En) => format!("the value must be an integer from {min} to {max}."),
            (ParamIssue::DateTime, Lang::Vi) => "cần một ngày YYYY-MM-DD hoặc thời điểm RFC 3339.".into(),
            (ParamIssue::DateTime, Lang::En) => "expected a YYYY-MM-DD date or an RFC 3339 time.".into(),
            (ParamIssue::Empty, Lang::Vi) => "giá trị không được để trống.".into(),
            (ParamIssue::Empty, Lang::En) => "the value must not be empty.".into(),
            (ParamIssue::TooLong { max }, Lang::Vi) => format!("giá trị dài quá {max} ký tự."),
            (ParamIssue::TooLong { max }, Lang::En) => format!("the value is longer than {max} characters."),
            (ParamIssue::NotWithSearch, Lang::Vi) => {
                "không dùng cùng với q (kết quả tìm kiếm xếp theo mức độ phù hợp).".into()
            }
            (ParamIssue::NotWithSearch, Lang::En) => {
                "it cannot be combined with q (search results are ordered by relevance).".into()
            }
            (ParamIssue::Malformed(why), Lang::Vi) => format!("không đọc được ({why})."),
            (ParamIssue::Malformed(why), Lang::En) => format!("it cannot be read ({why})."),
        }
    }
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
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
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
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("slug taken: {0}")]
    SlugTaken(String),
    #[error("username taken")]
    UsernameTaken,
    #[error("still referenced")]
    InUse,
    #[error("last admin")]
    LastAdmin,
    #[error("conflict")]
    Conflict,
    #[error("captcha invalid")]
    CaptchaInvalid,
    #[error("comments closed")]
    CommentsClosed,
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
            UnsupportedMediaType => "unsupported_media_type",
            PayloadTooLarge { .. } => "payload_too_large",
            Validation(_) | InvalidBody(_) => "validation_failed",
            Unauthorized => "unauthorized",
            TokenExpired => "token_expired",
            InvalidCredentials => "invalid_credentials",
            InvalidRefreshToken => "invalid_refresh_token",
            Forbidden => "forbidden",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            SlugTaken(_) => "slug_taken",
            UsernameTaken => "username_taken",
            InUse => "in_use",
            LastAdmin => "last_admin",
            Conflict => "conflict",
            CaptchaInvalid => "captcha_invalid",
            CommentsClosed => "comments_closed",
            DuplicateComment => "duplicate_comment",
            RateLimited { .. } => "rate_limited",
            Unavailable => "service_unavailable",
            Internal => "internal_error",
        }
    }

    fn texts(&self, lang: Lang) -> (&'static str, String) {
        use ApiError::*;
        let vi = lang == Lang::Vi;
        let pick = |v: &'static str, e: &'static str| if vi { v } else { e };
        match self {
            MalformedJson(why) => (
                pick("Yêu cầu không hợp lệ", "Malformed request"),
                if vi {
                    format!("Nội dung không phải JSON hợp lệ: {why}")
                } else {
                    format!("The body is not valid JSON: {why}")
                },
            ),
            BadParameter {
                param,
                issue: ParamIssue::Unknown,
            } => (
                pick("Tham số không được hỗ trợ", "Unknown parameter"),
                if vi {
                    format!("Tham số truy vấn không được hỗ trợ: {param}.")
                } else {
                    format!("Unknown query parameter: {param}.")
                },
            ),
            BadParameter { param, issue } => (
                pick("Tham số không hợp lệ", "Invalid parameter"),
                if vi {
                    format!("Tham số {param} không hợp lệ: {}", issue.explain(lang))
                } else {
                    format!("Query parameter {param} is not valid: {}", issue.explain(lang))
                },
            ),
            NulInText => (
                pick("Văn bản không hợp lệ", "Invalid text"),
                pick(
                    "Văn bản gửi lên (trong địa chỉ hoặc nội dung) có ký tự NUL (U+0000).",
                    "The text sent (in the address or the body) contains a NUL character (U+0000).",
                )
                .to_string(),
            ),
            InvalidCursor => (
                pick("Con trỏ phân trang không hợp lệ", "Invalid cursor"),
                pick(
                    "Giá trị cursor không hợp lệ hoặc không khớp với cách sắp xếp.",
                    "The cursor is malformed or does not match the sort order.",
                )
                .into(),
            ),
            UnsupportedMediaType => (
                pick("Kiểu nội dung không được hỗ trợ", "Unsupported media type"),
                pick(
                    "Nội dung phải có Content-Type: application/json.",
                    "The body must be sent with Content-Type: application/json.",
                )
                .into(),
            ),
            PayloadTooLarge { limit } => (
                pick("Nội dung quá lớn", "Payload too large"),
                if vi {
                    format!("Nội dung yêu cầu vượt quá {limit} byte.")
                } else {
                    format!("The request body exceeds {limit} bytes.")
                },
            ),
            Validation(_) => (
                pick("Dữ liệu không hợp lệ", "Validation failed"),
                pick("Một số trường không hợp lệ.", "Some fields are not valid.").into(),
            ),
            InvalidBody(why) => (
                pick("Dữ liệu không hợp lệ", "Validation failed"),
                if vi {
                    format!("Nội dung không đúng cấu trúc: {why}")
                } else {
                    format!("The body does not have the expected shape: {why}")
                },
            ),
            Unauthorized => (
                pick("Chưa xác thực", "Unauthorized"),
                pick(
                    "Cần mã truy cập hợp lệ (Authorization: Bearer …).",
                    "A valid access token is required (Authorization: Bearer …).",
                )
                .into(),
            ),
            TokenExpired => (
                pick("Mã truy cập đã hết hạn", "Token expired"),
                pick(
                    "Mã truy cập đã hết hạn; hãy làm mới bằng refresh token.",
                    "The access token has expired; refresh it with the refresh token.",
                )
                .into(),
            ),
            InvalidCredentials => (
                pick("Sai thông tin đăng nhập", "Invalid credentials"),
                pick(
                    "Tên đăng nhập hoặc mật khẩu không đúng.",
                    "The username or password is wrong.",
                )
                .into(),
            ),
            InvalidRefreshToken => (
                pick("Refresh token không hợp lệ", "Invalid refresh token"),
                pick(
                    "Refresh token không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
                    "The refresh token is invalid, expired or revoked.",
                )
                .into(),
            ),
            Forbidden => (
                pick("Không có quyền", "Forbidden"),
                pick(
                    "Vai trò của bạn không được phép thực hiện thao tác này.",
                    "Your role is not allowed to do this.",
                )
                .into(),
            ),
            NotFound => (
                pick("Không tìm thấy", "Not found"),
                pick("Không tìm thấy tài nguyên.", "The resource was not found.").into(),
            ),
            MethodNotAllowed => (
                pick("Phương thức không được phép", "Method not allowed"),
                pick(
                    "Phương thức HTTP này không được hỗ trợ ở đây.",
                    "This HTTP method is not supported here.",
                )
                .into(),
            ),
            SlugTaken(slug) => (
                pick("Slug đã tồn tại", "Slug taken"),
                if vi {
                    format!("Slug \"{slug}\" đã được sử dụng.")
                } else {
                    format!("The slug \"{slug}\" is already in use.")
                },
            ),
            UsernameTaken => (
                pick("Tên đăng nhập đã tồn tại", "Username taken"),
                pick("Tên đăng nhập này đã được sử dụng.", "This username is already in use.").into(),
            ),
            InUse => (
                pick("Đang được sử dụng", "In use"),
                pick(
                    "Không thể xóa vì vẫn còn nội dung tham chiếu tới bản ghi này.",
                    "It cannot be deleted while other content refers to it.",
                )
                .into(),
            ),
            LastAdmin => (
                pick("Không thể bỏ quản trị viên cuối cùng", "Last admin"),
                pick(
                    "Hệ thống phải còn ít nhất một quản trị viên.",
                    "At least one admin must remain.",
                )
                .into(),
            ),
            Conflict => (
                pick("Xung đột", "Conflict"),
                pick(
                    "Yêu cầu xung đột với dữ liệu hiện có.",
                    "The request conflicts with existing data.",
                )
                .into(),
            ),
            CaptchaInvalid => (
                pick("Mã xác thực không đúng", "Invalid verification code"),
                pick("Mã xác thực không đúng.", "The verification code is not correct.").into(),
            ),
            CommentsClosed => (
                pick("Bình luận đã đóng", "Comments closed"),
                pick(
                    "Bài viết này không nhận bình luận.",
                    "This article does not take comments.",
                )
                .into(),
            ),
            DuplicateComment => (
                pick("Bình luận trùng lặp", "Duplicate comment"),
                pick("Bình luận này đã được gửi.", "This comment has already been sent.").into(),
            ),
            RateLimited { retry_after_secs } => (
                pick("Quá nhiều yêu cầu", "Too many requests"),
                if vi {
                    format!("Vui lòng thử lại sau {retry_after_secs} giây.")
                } else {
                    format!("Please retry in {retry_after_secs} seconds.")
                },
            ),
            Unavailable => (
                pick("Dịch vụ tạm thời không khả dụng", "Service unavailable"),
                pick(
                    "Cơ sở dữ liệu tạm thời không truy cập được.",
                    "The database is temporarily unreachable.",
                )
                .into(),
            ),
            Internal => (
                pick("Lỗi máy chủ", "Internal server error"),
                pick(
                    "Đã có lỗi không mong muốn; lỗi đã được ghi lại.",
                    "An unexpected error occurred; it has been logged.",
                )
                .into(),
            ),
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
            ApiError::Unauthorized | ApiError::TokenExpired => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::Unavailable => {
                builder.insert_header((header::RETRY_AFTER, "5"));
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
            MalformedJson(_) | BadParameter { .. } | InvalidCursor | NulInText => StatusCode::BAD_REQUEST,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Validation(_) | InvalidBody(_) | CaptchaInvalid => StatusCode::UNPROCESSABLE_ENTITY,
            Unauthorized | TokenExpired | InvalidCredentials | InvalidRefreshToken => StatusCode::UNAUTHORIZED,
            Forbidden | CommentsClosed => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            SlugTaken(_) | UsernameTaken | InUse | LastAdmin | Conflict | DuplicateComment => StatusCode::CONFLICT,
            RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        self.render(Lang::Vi)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::Conflict,
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => ApiError::InUse,
            // SQLite reports foreign-key failures without the specific kind.
            Error::DatabaseError(_, ref info) if info.message().contains("FOREIGN KEY constraint failed") => {
                ApiError::InUse
            }
            // PostgreSQL refuses NUL in text (SQLite would store it): the
            // client's text, never a fault of ours.
            Error::DatabaseError(_, ref info) if info.message().contains("0x00") => ApiError::NulInText,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                tracing::warn!(error = %err, "database connection lost");
                ApiError::Unavailable
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => ApiError::Unavailable,
            Error::DatabaseError(_, ref info) if is_busy(info.message()) => {
                tracing::warn!(error = %err, "database busy");
                ApiError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database error");
                ApiError::Internal
            }
        }
    }
}

/// Maps a unique-constraint violation to a specific conflict (`slug_taken`,
/// `username_taken`, …) and any other database error as usual.
pub fn unique_as(conflict: impl FnOnce() -> ApiError) -> impl FnOnce(diesel::result::Error) -> ApiError {
    move |err| match err {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => conflict(),
        other => other.into(),
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database is busy")
        // PostgreSQL: the write lock was not granted within `lock_timeout`.
        || message.contains("lock timeout")
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
            StatusCode::METHOD_NOT_ALLOWED if !is_problem(&res) => Some(ApiError::MethodNotAllowed.render(lang)),
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

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_validation(&errors, "", &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Validation(fields)
    }
}

fn collect_validation(errors: &validator::ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(list.iter().map(|e| FieldError::new(name.clone(), issue_of(e))));
            }
            ValidationErrorsKind::Struct(inner) => collect_validation(inner, &name, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validation(inner, &format!("{name}[{index}]"), out);
                }
            }
        }
    }
}

fn issue_of(error: &validator::ValidationError) -> FieldIssue {
    let number = |key: &str| error.params.get(key).and_then(|v| v.as_i64());
    match error.code.as_ref() {
        "length" => FieldIssue::Length {
            min: number("min").unwrap_or(0) as u64,
            max: number("max").unwrap_or(i64::MAX) as u64,
        },
        "range" => FieldIssue::Range {
            min: number("min").unwrap_or(i64::MIN),
            max: number("max").unwrap_or(i64::MAX),
        },
        "url" => FieldIssue::Url,
        "slug" => FieldIssue::Slug,
        "required" => FieldIssue::Required,
        _ => FieldIssue::Format,
    }
}
