//! What clients send about media: the list's query string, the upload
//! form (read part by part, within its limits) and the text editors change
//! after an upload. The form's text parts are checked as `MediaInput`'s.

use actix_web::{web, HttpRequest};
use chrono::NaiveDateTime;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Kind, MediaText};
use crate::config::FORM_OVERHEAD;
use crate::http::input::{clean_optional, finish, set_clean};
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MediaListQuery {
    /// Only this kind.
    #[param(value_type = Option<Kind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// Only items changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub updated_since: Option<String>,
}

/// The parts of an upload form, as OpenAPI describes it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file. Its type is read from its content: JPEG, PNG, WebP, GIF;
    /// MP3, M4A; PDF, DOCX, XLSX, ODT.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Text for screen readers (photos).
    alt: Option<String>,
    caption: Option<String>,
    /// Who made it (photographer, composer).
    credit: Option<String>,
}

/// A form read: the file with its name, and the text parts.
pub struct Form {
    pub file: Vec<u8>,
    pub name: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// What editors change about an item after upload.
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"alt": "Hội trường UBND thị xã", "caption": "Toàn cảnh hội nghị", "credit": "Cổng TTĐT thị xã Hồng Lĩnh"}))]
pub struct MediaInput {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 300))]
    pub alt: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 500))]
    pub caption: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 200))]
    pub credit: Option<Option<String>>,
}

impl MediaInput {
    /// The text parts of an upload as stored: trimmed, a blank one none.
    pub fn cleaned(self) -> [Option<String>; 3] {
        [self.alt, self.caption, self.credit].map(|text| clean_optional(text.flatten()))
    }

    /// The text as stored once the fields sent (checked) are applied.
    pub fn apply(self, mut text: MediaText, now: NaiveDateTime) -> MediaText {
        set_clean(self.alt, &mut text.alt);
        set_clean(self.caption, &mut text.caption);
        set_clean(self.credit, &mut text.credit);
        text.updated_at = now;
        text
    }
}

/// Reads the form: one `file` part (at most `max` bytes) and short text parts.
pub async fn read_form(req: &HttpRequest, payload: web::Payload, max: usize) -> Result<Form, ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(ApiError::NotMultipart);
    }
    if let Some(declared) = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if declared > max + FORM_OVERHEAD {
            return Err(ApiError::PayloadTooLarge { limit: max });
        }
    }
    let mut multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let malformed = |e: actix_multipart::MultipartError| ApiError::MalformedUpload(e.to_string());
    let mut form = Form {
        file: Vec::new(),
        name: None,
        alt: None,
        caption: None,
        credit: None,
    };
    let mut has_file = false;
    let mut errors = Vec::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or("").to_string();
        let limit = if name == "file" { max } else { 4096 };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > limit {
                return Err(if name == "file" {
                    ApiError::PayloadTooLarge { limit: max }
                } else {
                    ApiError::validation(name, FieldIssue::Length { min: 0, max: 1000 })
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        // Text as JSON bodies take it: UTF-8, and no NUL (which no engine stores).
        let as_text = |bytes: Vec<u8>| {
            let text = String::from_utf8(bytes).map_err(|_| ApiError::validation(name.clone(), FieldIssue::Format))?;
            if text.contains('\0') {
                return Err(ApiError::NulInText);
            }
            Ok(text)
        };
        match name.as_str() {
            "file" if has_file => errors.push(FieldError::new("file", FieldIssue::Length { min: 1, max: 1 })),
            "file" => {
                has_file = true;
                form.name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(str::to_string);
                if form.name.as_deref().is_some_and(|n| n.contains('\0')) {
                    return Err(ApiError::NulInText);
                }
                form.file = bytes;
            }
            "alt" => form.alt = Some(as_text(bytes)?),
            "caption" => form.caption = Some(as_text(bytes)?),
            "credit" => form.credit = Some(as_text(bytes)?),
            _ => errors.push(FieldError::new(name.clone(), FieldIssue::NotAllowed)),
        }
    }
    if !has_file {
        errors.push(FieldError::new("file", FieldIssue::Required));
    }
    finish(errors)?;
    if form.file.is_empty() {
        return Err(ApiError::UnsupportedFileType);
    }
    Ok(form)
}
