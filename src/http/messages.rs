//! Every message a client can read, in Vietnamese (the default) and
//! English: the titles and details of problems, and what each field or
//! parameter issue says.

use super::error::{ApiError, FieldError, FieldIssue, ParamIssue};
use super::lang::Lang;

impl FieldError {
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
            (NotAllowed, Lang::Vi) => "Trường này không dùng được cho loại bản ghi này.".into(),
            (NotAllowed, Lang::En) => "This field does not apply to this kind of item.".into(),
            (InThePast, Lang::Vi) => "Thời điểm này phải ở tương lai.".into(),
            (InThePast, Lang::En) => "This time must be in the future.".into(),
            (AddressRefused(why), lang) => why.explain(lang),
            (Conflicting { other }, Lang::Vi) => format!("Chỉ gửi một trong hai: trường này hoặc {other}."),
            (Conflicting { other }, Lang::En) => format!("Send this field or {other}, not both."),
            (MediaKind { wanted }, Lang::Vi) => format!("Tệp trong thư viện phải là loại {wanted}."),
            (MediaKind { wanted }, Lang::En) => format!("The media item must be of kind {wanted}."),
            (Incorrect, Lang::Vi) => "Không đúng.".into(),
            (Incorrect, Lang::En) => "This is not correct.".into(),
            (Slug, Lang::Vi) => "Slug chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, không toàn chữ số.".into(),
            (Slug, Lang::En) => {
                "A slug is lowercase ASCII letters, digits and single hyphens, and not only digits.".into()
            }
        }
    }
}

impl super::error::AddressRefusal {
    fn explain(self, lang: Lang) -> String {
        use super::error::AddressRefusal::*;
        match (self, lang) {
            (HostNotListed, Lang::Vi) => "Máy chủ nhận không có trong BANTIN_WEBHOOK_ALLOWED_HOSTS.".into(),
            (HostNotListed, Lang::En) => "The receiver's host is not among BANTIN_WEBHOOK_ALLOWED_HOSTS.".into(),
            (Private, Lang::Vi) => {
                "Địa chỉ này là địa chỉ nội bộ (riêng, loopback hoặc đặc biệt): ghi máy chủ của nó vào \
                 BANTIN_WEBHOOK_ALLOWED_HOSTS, hoặc đặt BANTIN_WEBHOOK_ALLOW_PRIVATE=true."
                    .into()
            }
            (Private, Lang::En) => {
                "This resolves to a private, loopback or otherwise special address: list its host in \
                 BANTIN_WEBHOOK_ALLOWED_HOSTS, or set BANTIN_WEBHOOK_ALLOW_PRIVATE=true."
                    .into()
            }
            (Unresolvable, Lang::Vi) => "Không phân giải được tên máy chủ này (trong một giây).".into(),
            (Unresolvable, Lang::En) => "This host did not resolve (within a second).".into(),
        }
    }
}

impl ParamIssue {
    pub(super) fn explain(&self, lang: Lang) -> String {
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

impl ApiError {
    pub(super) fn texts(&self, lang: Lang) -> (&'static str, String) {
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
            NotMultipart => (
                pick("Kiểu nội dung không được hỗ trợ", "Unsupported media type"),
                pick(
                    "Tải tệp lên bằng Content-Type: multipart/form-data, tệp trong phần tên là file.",
                    "Upload with Content-Type: multipart/form-data, the file in the part named file.",
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
            RequestTimeout => (
                pick("Hết thời gian chờ", "Request timeout"),
                pick(
                    "Nội dung yêu cầu không đến kịp; hãy gửi lại.",
                    "The request body did not arrive in time; send it again.",
                )
                .into(),
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
            ScopeMissing(scope) => (
                pick("Không có quyền", "Forbidden"),
                if vi {
                    format!("Khoá API này thiếu phạm vi (scope) {scope} cần cho thao tác này.")
                } else {
                    format!("This API key lacks the scope {scope}, which this needs.")
                },
            ),
            KeyRefused(why) => (
                pick("Chưa xác thực", "Unauthorized"),
                match why {
                    super::error::KeyRefusal::Unknown => pick(
                        "Không có khoá API nào như vậy (gõ sai, hoặc đã bị xoá).",
                        "No API key has this secret (mistyped, or deleted).",
                    ),
                    super::error::KeyRefusal::Revoked => pick(
                        "Khoá API này đã bị thu hồi: xin quản trị viên một khoá mới.",
                        "This API key was revoked: ask an administrator for a new one.",
                    ),
                    super::error::KeyRefusal::Expired => pick(
                        "Khoá API này đã hết hạn: xin quản trị viên một khoá mới.",
                        "This API key has expired: ask an administrator for a new one.",
                    ),
                }
                .into(),
            ),
            KeyInQuery => (
                pick("Khoá không được gửi trong địa chỉ", "Key not allowed in the query"),
                pick(
                    "Chỉ khoá nội dung mới được gửi bằng ?key=; gửi khoá tích hợp trong Authorization: Bearer.",
                    "Only content keys may be sent in ?key=; send an integration key in Authorization: Bearer.",
                )
                .into(),
            ),
            NotFound => (
                pick("Không tìm thấy", "Not found"),
                pick("Không tìm thấy tài nguyên.", "The resource was not found.").into(),
            ),
            MethodNotAllowed { .. } => (
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
            MediaInUse(users) => (
                pick("Đang được sử dụng", "In use"),
                if vi {
                    format!("Không thể xóa tệp vì vẫn được dùng ở: {}.", users.join(", "))
                } else {
                    format!("The file cannot be deleted while it is used by: {}.", users.join(", "))
                },
            ),
            UnsupportedFileType => (
                pick("Loại tệp không được hỗ trợ", "Unsupported file type"),
                pick(
                    "Chỉ nhận ảnh JPEG, PNG, WebP, GIF; âm thanh MP3, M4A; tài liệu PDF, DOCX, XLSX, ODT (loại tệp được xác định theo nội dung, không theo tên).",
                    "Only JPEG, PNG, WebP and GIF images, MP3 and M4A audio, and PDF, DOCX, XLSX and ODT documents are accepted (the type is read from the content, not the name).",
                )
                .into(),
            ),
            InvalidFile(why) => (
                pick("Tệp không hợp lệ", "Invalid file"),
                if vi {
                    format!("Không đọc được tệp: {why}.")
                } else {
                    format!("The file cannot be used: {why}.")
                },
            ),
            MalformedUpload(why) => (
                pick("Yêu cầu tải lên không hợp lệ", "Malformed upload"),
                if vi {
                    format!("Nội dung multipart/form-data không hợp lệ: {why}.")
                } else {
                    format!("The multipart/form-data body cannot be read: {why}.")
                },
            ),
            NotImplemented => (
                pick("Chưa hỗ trợ", "Not implemented"),
                pick(
                    "Máy chủ không cung cấp định dạng này (chỉ có JSON).",
                    "This server does not provide that format (JSON only).",
                )
                .into(),
            ),
            RangeNotSatisfiable { size } => (
                pick("Khoảng byte không hợp lệ", "Range not satisfiable"),
                if vi {
                    format!("Khoảng byte yêu cầu nằm ngoài tệp ({size} byte).")
                } else {
                    format!("The requested range is outside the file ({size} bytes).")
                },
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
            PreconditionFailed => (
                pick("Dữ liệu đã thay đổi", "Precondition failed"),
                pick(
                    "Bản ghi đã được thay đổi kể từ khi bạn đọc (If-Match không khớp); hãy tải lại rồi sửa.",
                    "The record has changed since you read it (If-Match does not match); reload it and try again.",
                )
                .into(),
            ),
            CaptchaInvalid => (
                pick("Mã xác thực không đúng", "Invalid verification code"),
                pick("Mã xác thực không đúng.", "The verification code is not correct.").into(),
            ),
            IdempotencyKeyReused => (
                pick("Idempotency-Key đã được dùng", "Idempotency key reused"),
                pick(
                    "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                    "This Idempotency-Key was already used with another request.",
                )
                .into(),
            ),
            IdempotencyInProgress => (
                pick("Yêu cầu đang được xử lý", "Request in progress"),
                pick(
                    "Yêu cầu đầu tiên với Idempotency-Key này vẫn đang chạy; hãy thử lại sau.",
                    "The first request with this Idempotency-Key is still running; retry shortly.",
                )
                .into(),
            ),
            VisitorInvalid => (
                pick("Mã khách truy cập không hợp lệ", "Invalid visitor id"),
                pick(
                    "Thiếu X-Visitor-Id hoặc mã này không do máy chủ cấp; hãy lấy mã mới bằng POST /api/v1/stats/visits.",
                    "X-Visitor-Id is missing or was not issued by this server; get a new one from POST /api/v1/stats/visits.",
                )
                .into(),
            ),
            SyncExpired => (
                pick("Mã đồng bộ đã quá hạn", "Sync token expired"),
                pick(
                    "Mã đồng bộ cũ hơn nhật ký thay đổi còn giữ; hãy tải lại toàn bộ rồi đồng bộ tiếp từ GET /api/v1/changes/token.",
                    "The sync token is older than the change log keeps; do a full refresh, then sync from GET /api/v1/changes/token.",
                )
                .into(),
            ),
            KeyRequired => (
                pick("Cần khoá API", "API key required"),
                pick(
                    "Máy chủ này chỉ trả lời khi có khoá nội dung (?key= hoặc Authorization: Bearer).",
                    "This server answers only with a content key (?key= or Authorization: Bearer).",
                )
                .into(),
            ),
            OriginNotAllowed => (
                pick("Nguồn không được phép", "Origin not allowed"),
                pick(
                    "Khoá này không được dùng từ trang web gửi yêu cầu (Origin).",
                    "This key may not be used from the requesting site (Origin).",
                )
                .into(),
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
}
