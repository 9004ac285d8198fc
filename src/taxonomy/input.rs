//! What editors send about categories and tags, cleaned and validated once.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{TermChanges, TermInput};
use crate::http::input::{check_declared, clean_optional, clean_text, finish};
use crate::http::patch::nullable;
use crate::http::ApiError;

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTerm {
    #[schema(example = "Tin hoạt động")]
    #[check(chars(min = 1, max = 200), not_blank)]
    pub name: String,
    /// Derived from the name when omitted (a clash gets `-2`); when given it
    /// must be free (else 409 `slug_taken`).
    #[schema(example = "tin-hoat-dong")]
    #[check(slug)]
    pub slug: Option<String>,
    #[check(chars(max = 2000))]
    pub description: Option<String>,
}

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTerm {
    #[check(chars(min = 1, max = 200), not_blank)]
    pub name: Option<String>,
    #[check(slug)]
    pub slug: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 2000))]
    pub description: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TermListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only terms changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub updated_since: Option<String>,
}

impl CreateTerm {
    /// Cleans and checks the body: what to store.
    pub fn parse(self) -> Result<TermInput, ApiError> {
        finish(check_declared(&self, false))?;
        Ok(TermInput {
            name: clean_text(&self.name),
            slug: self.slug,
            description: clean_optional(self.description),
        })
    }
}

impl UpdateTerm {
    /// Cleans and checks the body: the changes to make.
    pub fn parse(self) -> Result<TermChanges, ApiError> {
        finish(check_declared(&self, false))?;
        Ok(TermChanges {
            name: self.name.map(|n| clean_text(&n)),
            slug: self.slug,
            description: self.description.map(clean_optional),
        })
    }
}
