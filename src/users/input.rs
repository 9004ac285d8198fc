//! What admins send about accounts.

use super::model::Role;
use crate::http::input::{check_length, finish, text};
use crate::http::{ApiError, FieldError, FieldIssue};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

fn username_shape(username: &str) -> bool {
    username
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 3–50 characters: lowercase letters, digits, `.`, `_`, `-`.
    #[schema(example = "bientap", min_length = 3, max_length = 50, pattern = "^[a-z0-9._-]*$")]
    pub username: String,
    #[schema(example = "mot-mat-khau-dai", min_length = 10, max_length = 256)]
    pub password: String,
    pub role: Role,
    /// Defaults to the username.
    #[schema(example = "Phòng biên tập", min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// A new password ends every session of the user.
    #[schema(min_length = 10, max_length = 256)]
    pub password: Option<String>,
    /// A new role ends every session of the user.
    pub role: Option<Role>,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
}

/// An account to create, checked.
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub display_name: String,
}

/// Changes to an account, checked.
pub struct AccountChanges {
    pub password: Option<String>,
    pub role: Option<Role>,
    pub display_name: Option<String>,
}

fn check_password(errors: &mut Vec<FieldError>, password: &str) {
    check_length(errors, "password", password, 10, 256);
}

impl CreateUser {
    pub fn parse(self) -> Result<NewAccount, ApiError> {
        let mut errors = Vec::new();
        check_length(&mut errors, "username", &self.username, 3, 50);
        if !username_shape(&self.username) {
            errors.push(FieldError::new("username", FieldIssue::Format));
        }
        check_password(&mut errors, &self.password);
        let display_name = self.display_name.map(|d| text(&mut errors, "display_name", &d, 1, 100));
        finish(errors)?;
        Ok(NewAccount {
            display_name: display_name.unwrap_or_else(|| self.username.clone()),
            username: self.username,
            password: self.password,
            role: self.role,
        })
    }
}

impl UpdateUser {
    pub fn parse(self) -> Result<AccountChanges, ApiError> {
        let mut errors = Vec::new();
        if let Some(password) = &self.password {
            check_password(&mut errors, password);
        }
        let display_name = self.display_name.map(|d| text(&mut errors, "display_name", &d, 1, 100));
        finish(errors)?;
        Ok(AccountChanges {
            password: self.password,
            role: self.role,
            display_name,
        })
    }
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
    CreateUser {
        username: username.into(),
        password: password.into(),
        role: Role::Editor,
        display_name: None,
    }
    .parse()
    .map(|_| ())
}
