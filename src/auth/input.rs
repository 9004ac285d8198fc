//! What clients send to sign in and to manage their session.

use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin")]
    pub username: String,
    #[schema(example = "mat-khau-du-dai")]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /auth/password`: the signed-in user's own new password.
#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password the user signs in with now.
    #[schema(example = "mat-khau-cu-du-dai")]
    pub current_password: String,
    /// 10–256 characters.
    #[schema(example = "mot-mat-khau-moi-du-dai")]
    #[check(chars(min = 10, max = 256))]
    pub new_password: String,
}

impl ChangePassword {
    /// The new password, checked (422 with every problem).
    pub fn check(&self) -> Result<(), crate::http::ApiError> {
        let mut errors = Vec::new();
        if self.current_password.is_empty() {
            errors.push(crate::http::FieldError::new(
                "current_password",
                crate::http::FieldIssue::Required,
            ));
        }
        errors.extend(crate::http::input::check_declared(self, false));
        crate::http::input::finish(errors)
    }
}
