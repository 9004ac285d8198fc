//! What admins send about accounts.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::Role;
use crate::http::{ApiError, FieldIssue};

fn username_shape(username: &str) -> Result<(), validator::ValidationError> {
    let ok = username
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("format"))
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 3–50 characters: lowercase letters, digits, `.`, `_`, `-`.
    #[validate(length(min = 3, max = 50), custom(function = "username_shape"))]
    #[schema(example = "bientap")]
    pub username: String,
    #[validate(length(min = 10, max = 256))]
    #[schema(example = "mot-mat-khau-dai")]
    pub password: String,
    pub role: Role,
    /// Defaults to the username.
    #[validate(length(min = 1, max = 100))]
    #[schema(example = "Phòng biên tập")]
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[validate(length(min = 10, max = 256))]
    pub password: Option<String>,
    pub role: Option<Role>,
    #[validate(length(min = 1, max = 100))]
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Used by the CLI: the same rules as `POST /users`.
pub fn validate_new_user(username: &str, password: &str) -> Result<(), ApiError> {
    let probe = CreateUser {
        username: username.into(),
        password: password.into(),
        role: Role::Editor,
        display_name: None,
    };
    probe.validate().map_err(ApiError::from)?;
    if username.is_empty() {
        return Err(ApiError::validation("username", FieldIssue::Required));
    }
    Ok(())
}
