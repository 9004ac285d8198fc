//! What editors send about organizations, and the list's query string.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Kind, Organization, OrganizationData};
use crate::http::input::{check_slug, finish, set_checked, set_text, text, EMAIL, PHONE};
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
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Thị ủy Hồng Lĩnh", "name_en": "Hong Linh Town Party Committee", "kind": "party_committee",
    "phone": "0239 3831 234", "email": "thiuy@honglinh.hatinh.gov.vn", "position": 1}))]
pub struct OrganizationInput {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name_en: Option<Option<String>>,
    pub slug: Option<String>,
    #[schema(value_type = Option<Kind>)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
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
    let mut errors: Vec<FieldError> = Vec::new();
    match input.name {
        Some(name) => data.name = text(&mut errors, "name", &name, 1, 300),
        None if creating => errors.push(FieldError::new("name", FieldIssue::Required)),
        None => {}
    }
    match input.kind {
        Some(kind) if Kind::parse(&kind).is_some() => data.kind = kind,
        Some(_) => errors.push(FieldError::new("kind", FieldIssue::OneOf(Kind::ALL))),
        None if creating => errors.push(FieldError::new("kind", FieldIssue::Required)),
        None => {}
    }
    check_slug(&mut errors, "slug", &input.slug);
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    set_text(&mut errors, "name_en", input.name_en, 300, &mut data.name_en);
    set_text(&mut errors, "address", input.address, 500, &mut data.address);
    set_checked(&mut errors, "phone", input.phone, 50, PHONE, &mut data.phone);
    set_checked(&mut errors, "email", input.email, 254, EMAIL, &mut data.email);
    set_text(
        &mut errors,
        "description",
        input.description,
        10_000,
        &mut data.description,
    );
    set_text(
        &mut errors,
        "description_en",
        input.description_en,
        10_000,
        &mut data.description_en,
    );
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
