//! What editors send about categories and tags, cleaned and validated once.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{TermChanges, TermInput};
use crate::http::input::{check_slug, finish, set_text, text};
use crate::http::patch::nullable;
use crate::http::ApiError;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTerm {
    #[schema(example = "Tin hoạt động", min_length = 1, max_length = 200)]
    pub name: String,
    /// Derived from the name when omitted (a clash gets `-2`); when given it
    /// must be free (else 409 `slug_taken`).
    #[schema(example = "tin-hoat-dong", max_length = 200)]
    pub slug: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTerm {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 200)]
    pub slug: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
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
        let mut errors = Vec::new();
        let name = text(&mut errors, "name", &self.name, 1, 200);
        check_slug(&mut errors, "slug", &self.slug);
        let mut description = None;
        set_text(
            &mut errors,
            "description",
            Some(self.description),
            2000,
            &mut description,
        );
        finish(errors)?;
        Ok(TermInput {
            name,
            slug: self.slug,
            description,
        })
    }
}

impl UpdateTerm {
    /// Cleans and checks the body: the changes to make.
    pub fn parse(self) -> Result<TermChanges, ApiError> {
        let mut errors = Vec::new();
        let name = self.name.map(|n| text(&mut errors, "name", &n, 1, 200));
        check_slug(&mut errors, "slug", &self.slug);
        let description = self.description.map(|d| {
            let mut description = None;
            set_text(&mut errors, "description", Some(d), 2000, &mut description);
            description
        });
        finish(errors)?;
        Ok(TermChanges {
            name,
            slug: self.slug,
            description,
        })
    }
}
