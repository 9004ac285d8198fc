//! What editors send about officials and their positions, and the
//! directory's query string.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Official, OfficialData, PositionData};
use crate::http::input::{check_declared, check_declared_in, clean_optional, clean_text, finish, set_clean};
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

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    pub organization_id: i64,
    #[schema(example = "Bí thư Thị ủy")]
    #[check(chars(min = 1, max = 300), not_blank)]
    pub title: String,
    #[schema(example = "Secretary of the Town Party Committee")]
    #[check(chars(max = 300))]
    pub title_en: Option<String>,
    pub started_on: NaiveDate,
    /// Omit or `null` while held.
    pub ended_on: Option<NaiveDate>,
    /// Protocol rank, lower first; default 100.
    pub rank: Option<i32>,
}

/// `POST` (full_name required) and `PATCH` (only the fields sent; `positions` replaces them all).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialInput {
    #[schema(example = "Đặng Thanh Hải")]
    #[check(chars(min = 1, max = 200), not_blank, required_on_create)]
    pub full_name: Option<String>,
    #[check(slug)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(optional_url)]
    pub photo_url: Option<Option<String>>,
    /// The portrait: `{"media_id": 7}` (an image of the media library) or
    /// `{"url": …}`. Sets `photo_url` too (its full size).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<crate::media::refs::ImageInput>)]
    pub photo: Option<Option<crate::media::refs::ImageInput>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 10_000))]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 10_000))]
    pub bio_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(phone)]
    pub office_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(optional_email)]
    pub email: Option<Option<String>>,
    #[check(items(max = 50))]
    pub positions: Option<Vec<PositionInput>>,
}

pub fn apply(
    input: OfficialInput,
    current: Option<&Official>,
    now: NaiveDateTime,
) -> Result<(OfficialData, Option<Vec<PositionData>>), ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| OfficialData::new(now), OfficialData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(name) = input.full_name {
        data.full_name = clean_text(&name);
        data.name_folded = crate::text::fold(&data.full_name);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    let photo_url_sent = input.photo_url.is_some();
    set_clean(input.photo_url, &mut data.photo_url);
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
    set_clean(input.bio, &mut data.bio);
    set_clean(input.bio_en, &mut data.bio_en);
    set_clean(input.office_phone, &mut data.office_phone);
    set_clean(input.email, &mut data.email);
    let positions = input.positions.map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, p)| {
                errors.extend(check_declared_in(&format!("positions[{i}]"), &p, false));
                let title = clean_text(&p.title);
                let title_en = clean_optional(p.title_en);
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
