//! What editors send about officials and their positions, and the
//! directory's query string.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Official, OfficialData, PositionData};
use crate::http::input::{check_slug, finish, set_checked, set_text, text, EMAIL, PHONE, URL};
use crate::http::lang::LangParam;
use crate::http::patch::nullable;
use crate::http::{ApiError, FieldError, FieldIssue};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfficialListQuery {
    /// Only officials holding a position in this organization (id or slug), in its protocol order.
    pub organization: Option<String>,
    /// Words of the name, with or without tone marks (`dang thanh hai` finds Đặng Thanh Hải).
    pub q: Option<String>,
    /// `true` also lists officials who hold no position today (after the current ones).
    pub include_former: Option<bool>,
    /// Only items changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    /// For an offline copy, `GET /changes` also tells what was deleted.
    pub updated_since: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    pub organization_id: i64,
    #[schema(example = "Bí thư Thị ủy")]
    pub title: String,
    #[schema(example = "Secretary of the Town Party Committee")]
    pub title_en: Option<String>,
    pub started_on: NaiveDate,
    /// Omit or `null` while held.
    pub ended_on: Option<NaiveDate>,
    /// Protocol rank, lower first; default 100.
    pub rank: Option<i32>,
}

/// `POST` (full_name required) and `PATCH` (only the fields sent; `positions` replaces them all).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialInput {
    #[schema(example = "Đặng Thanh Hải")]
    pub full_name: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub photo_url: Option<Option<String>>,
    /// The portrait: `{"media_id": 7}` (an image of the media library) or
    /// `{"url": …}`. Sets `photo_url` too (its full size).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<crate::media::refs::ImageInput>)]
    pub photo: Option<Option<crate::media::refs::ImageInput>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub bio_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub office_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub positions: Option<Vec<PositionInput>>,
}

pub fn apply(
    input: OfficialInput,
    current: Option<&Official>,
    now: NaiveDateTime,
) -> Result<(OfficialData, Option<Vec<PositionData>>), ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| OfficialData::new(now), OfficialData::from);
    let mut errors: Vec<FieldError> = Vec::new();
    match input.full_name {
        Some(name) => {
            data.full_name = text(&mut errors, "full_name", &name, 1, 200);
            data.name_folded = crate::text::fold(&data.full_name);
        }
        None if creating => errors.push(FieldError::new("full_name", FieldIssue::Required)),
        None => {}
    }
    check_slug(&mut errors, "slug", &input.slug);
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    let photo_url_sent = input.photo_url.is_some();
    set_checked(
        &mut errors,
        "photo_url",
        input.photo_url,
        2000,
        URL,
        &mut data.photo_url,
    );
    if let Some(photo) = input.photo {
        if photo.is_some() && photo_url_sent {
            errors.push(FieldError::new("photo", FieldIssue::Conflicting { other: "photo_url" }));
        }
        let photo = photo.map(|p| crate::media::refs::clean(&mut errors, "photo", p));
        data.photo_url = photo.as_ref().map(|p| p.url.clone()).filter(|u| !u.is_empty());
        data.photo = photo.map(|p| serde_json::to_string(&p).unwrap_or_default());
    } else if photo_url_sent {
        // A bare URL replaces the portrait.
        data.photo = None;
    }
    set_text(&mut errors, "bio", input.bio, 10_000, &mut data.bio);
    set_text(&mut errors, "bio_en", input.bio_en, 10_000, &mut data.bio_en);
    set_checked(
        &mut errors,
        "office_phone",
        input.office_phone,
        50,
        PHONE,
        &mut data.office_phone,
    );
    set_checked(&mut errors, "email", input.email, 254, EMAIL, &mut data.email);
    if input.positions.as_ref().is_some_and(|list| list.len() > 50) {
        errors.push(FieldError::new("positions", FieldIssue::Length { min: 0, max: 50 }));
    }
    let positions = input.positions.map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, p)| {
                let title = text(&mut errors, &format!("positions[{i}].title"), &p.title, 1, 300);
                let title_en = p
                    .title_en
                    .map(|t| text(&mut errors, &format!("positions[{i}].title_en"), &t, 0, 300))
                    .filter(|t| !t.is_empty());
                for (name, date) in [("started_on", Some(p.started_on)), ("ended_on", p.ended_on)] {
                    if date.is_some_and(|d| !crate::clock::accepted_year(chrono::Datelike::year(&d))) {
                        errors.push(FieldError::new(format!("positions[{i}].{name}"), FieldIssue::Format));
                    }
                }
                if p.ended_on.is_some_and(|end| end < p.started_on) {
                    errors.push(FieldError::new(
                        format!("positions[{i}].ended_on"),
                        FieldIssue::EndsBeforeStart,
                    ));
                }
                PositionData {
                    organization_id: p.organization_id,
                    title,
                    title_en,
                    started_on: p.started_on,
                    ended_on: p.ended_on,
                    rank: p.rank.unwrap_or(100),
                }
            })
            .collect()
    });
    data.updated_at = now;
    finish(errors)?;
    Ok((data, positions))
}
