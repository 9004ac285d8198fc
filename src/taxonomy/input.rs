//! What editors send about categories and tags, cleaned and validated once.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{TermChanges, TermInput};
use crate::http::patch::nullable;
use crate::http::ApiError;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTerm {
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Tin hoạt động")]
    pub name: String,
    /// Derived from the name when omitted (a clash gets `-2`); when given it
    /// must be free (else 409 `slug_taken`).
    #[validate(custom(function = "slug_shape"))]
    #[schema(example = "tin-hoat-dong")]
    pub slug: Option<String>,
    #[validate(length(max = 2000))]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTerm {
    #[validate(length(min = 1, max = 200))]
    pub name: Option<String>,
    #[validate(custom(function = "slug_shape"))]
    pub slug: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
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
}

fn clean(text: &str) -> String {
    crate::text::nfc(text.trim())
}

fn slug_shape(slug: &str) -> Result<(), validator::ValidationError> {
    if crate::text::is_valid_slug(slug) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("slug"))
    }
}

impl CreateTerm {
    /// Cleans and validates the body: what to store.
    pub fn parse(self) -> Result<TermInput, ApiError> {
        let body = CreateTerm {
            name: clean(&self.name),
            slug: self.slug.map(|s| s.trim().to_string()),
            description: self.description.map(|d| clean(&d)).filter(|d| !d.is_empty()),
        };
        body.validate()?;
        Ok(TermInput {
            name: body.name,
            slug: body.slug,
            description: body.description,
        })
    }
}

impl UpdateTerm {
    /// Cleans and validates the body: the changes to make.
    pub fn parse(self) -> Result<TermChanges, ApiError> {
        let body = UpdateTerm {
            name: self.name.map(|n| clean(&n)),
            slug: self.slug.map(|s| s.trim().to_string()),
            description: self.description.map(|d| d.map(|d| clean(&d)).filter(|d| !d.is_empty())),
        };
        body.validate()?;
        Ok(TermChanges {
            name: body.name,
            slug: body.slug,
            description: body.description,
        })
    }
}
