//! What admins send about accounts.

use super::model::Role;
use crate::http::input::{check_declared, clean_text, finish};
use crate::http::ApiError;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 3–50 characters: lowercase letters, digits, `.`, `_`, `-`.
    #[schema(example = "bientap")]
    #[check(chars(min = 3, max = 50), username)]
    pub username: String,
    #[schema(example = "mot-mat-khau-dai")]
    #[check(chars(min = 10, max = 256))]
    pub password: String,
    pub role: Role,
    /// Defaults to the username.
    #[schema(example = "Phòng biên tập")]
    #[check(chars(min = 1, max = 100), not_blank)]
    pub display_name: Option<String>,
}

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// A new password ends every session of the user.
    #[check(chars(min = 10, max = 256))]
    pub password: Option<String>,
    /// A new role ends every session of the user.
    pub role: Option<Role>,
    #[check(chars(min = 1, max = 100), not_blank)]
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

impl CreateUser {
    pub fn parse(self) -> Result<NewAccount, ApiError> {
        finish(check_declared(&self, false))?;
        let display_name = self.display_name.as_deref().map(clean_text);
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
        finish(check_declared(&self, false))?;
        let display_name = self.display_name.as_deref().map(clean_text);
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
