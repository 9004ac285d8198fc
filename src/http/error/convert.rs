//! Errors of other layers as API errors: a store's (a missing reference
//! names its field) and `validator`'s (each failed rule a field error).

use super::{ApiError, FieldError, FieldIssue};
use crate::db::{Reference, StoreError};

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::SlugTaken(slug) => ApiError::SlugTaken(slug),
            StoreError::UsernameTaken => ApiError::UsernameTaken,
            StoreError::InUse => ApiError::InUse,
            StoreError::MediaInUse(users) => ApiError::MediaInUse(users),
            StoreError::MediaKind(r, wanted) => ApiError::validation(path(&r), FieldIssue::MediaKind { wanted }),
            StoreError::UnknownReferences(references) => ApiError::Validation(
                references
                    .iter()
                    .map(|r| FieldError::new(path(r), FieldIssue::UnknownReference))
                    .collect(),
            ),
            StoreError::ForbiddenReference(r) => ApiError::validation(path(&r), FieldIssue::Format),
            StoreError::LastAdmin => ApiError::LastAdmin,
            StoreError::DuplicateComment => ApiError::DuplicateComment,
            StoreError::InvalidRefreshToken => ApiError::InvalidRefreshToken,
            StoreError::Stale => ApiError::PreconditionFailed,
            StoreError::Conflict => ApiError::Conflict,
            StoreError::NulInText => ApiError::NulInText,
            StoreError::Unavailable => ApiError::Unavailable,
            StoreError::Internal => ApiError::Internal,
        }
    }
}

/// The JSON path of an input field a store refers to: `chairs[2]`,
/// `positions[0].organization_id`.
fn path(r: &Reference) -> String {
    let mut path = r.field.to_string();
    if let Some(i) = r.index {
        path.push_str(&format!("[{i}]"));
    }
    if let Some(member) = r.member {
        path.push('.');
        path.push_str(member);
    }
    path
}

/// Each failed rule of `errors` as the field error a client reads (in the
/// order and under the names `http::input::check_declared` then gives them):
/// nested
/// fields as `cover_image.url`, list items as `images[0].url`.
pub fn field_errors(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut fields = Vec::new();
    collect_validation(errors, "", &mut fields);
    fields
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
