//! What editors send about organizations, and the list's query string.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Kind, Organization, OrganizationData};
use crate::http::input::{check_declared, clean_text, finish, set_clean};
use crate::http::lang::LangParam;
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListQuery {
    /// `true`: the whole structure as a tree of `children` (no paging).
    pub tree: Option<bool>,
    /// Only this kind.
    #[param(value_type = Option<Kind>)]
    pub kind: Option<String>,
    /// Only the direct children of this organization (id or slug).
    pub parent: Option<String>,
    /// Only organizations changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    /// For an offline copy, `GET /changes` also tells what was deleted.
    pub updated_since: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<LangParam>,
}

/// `POST` (name and kind required) and `PATCH` (only the fields sent; `null` clears).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Thị ủy Hồng Lĩnh", "name_en": "Hong Linh Town Party Committee", "kind": "party_committee",
    "phone": "0239 3831 234", "email": "thiuy@honglinh.hatinh.gov.vn", "position": 1}))]
pub struct OrganizationInput {
    #[check(chars(min = 1, max = 300), not_blank, required_on_create)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 300))]
    pub name_en: Option<Option<String>>,
    #[check(slug)]
    pub slug: Option<String>,
    #[schema(value_type = Option<Kind>)]
    #[check(required_on_create)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 500))]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(phone)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(optional_email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 10_000))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 10_000))]
    pub description_en: Option<Option<String>>,
    pub position: Option<i32>,
    /// `{"media_id": 7}` (an image of the media library) or `{"url": …}`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<crate::media::refs::ImageInput>)]
    pub logo: Option<Option<crate::media::refs::ImageInput>>,
}

/// Applies an input to the stored columns, collecting every problem.
pub fn apply(
    input: OrganizationInput,
    current: Option<&Organization>,
    now: NaiveDateTime,
) -> Result<OrganizationData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| OrganizationData::new(now), OrganizationData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(name) = input.name {
        data.name = clean_text(&name);
    }
    match input.kind {
        Some(kind) if Kind::parse(&kind).is_some() => data.kind = kind,
        Some(_) => errors.push(FieldError::new("kind", FieldIssue::OneOf(Kind::ALL))),
        None => {}
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    set_clean(input.name_en, &mut data.name_en);
    set_clean(input.address, &mut data.address);
    set_clean(input.phone, &mut data.phone);
    set_clean(input.email, &mut data.email);
    set_clean(input.description, &mut data.description);
    set_clean(input.description_en, &mut data.description_en);
    if let Some(parent) = input.parent_id {
        data.parent_id = parent;
    }
    if let Some(position) = input.position {
        data.position = position;
    }
    if let Some(logo) = input.logo {
        data.logo = logo
            .map(|l| crate::media::refs::clean(&mut errors, "logo", l))
            .map(|l| serde_json::to_string(&l).unwrap_or_default());
    }
    data.updated_at = now;
    finish(errors)?;
    Ok(data)
}
