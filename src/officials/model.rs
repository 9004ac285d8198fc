use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::json::Json;
use crate::db::schema::{officials, positions};
use crate::media::refs::Image;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = officials)]
pub struct Official {
    pub id: i64,
    pub slug: String,
    pub full_name: String,
    pub name_folded: String,
    pub photo_url: Option<String>,
    pub bio: Option<String>,
    pub bio_en: Option<String>,
    pub office_phone: Option<String>,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The portrait as an image (JSON): a media item or a URL.
    #[diesel(deserialize_as = Option<String>)]
    pub photo: Json<Option<Image>>,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = officials, treat_none_as_null = true)]
pub struct OfficialData {
    pub slug: String,
    pub full_name: String,
    pub name_folded: String,
    pub photo_url: Option<String>,
    pub bio: Option<String>,
    pub bio_en: Option<String>,
    pub office_phone: Option<String>,
    pub email: Option<String>,
    pub updated_at: NaiveDateTime,
    pub photo: Option<String>,
}

impl OfficialData {
    /// A new official before their input is applied.
    pub fn new(now: NaiveDateTime) -> Self {
        OfficialData {
            slug: String::new(),
            full_name: String::new(),
            name_folded: String::new(),
            photo_url: None,
            bio: None,
            bio_en: None,
            office_phone: None,
            email: None,
            updated_at: now,
            photo: None,
        }
    }
}

impl From<&Official> for OfficialData {
    fn from(o: &Official) -> Self {
        OfficialData {
            slug: o.slug.clone(),
            full_name: o.full_name.clone(),
            name_folded: o.name_folded.clone(),
            photo_url: o.photo_url.clone(),
            bio: o.bio.clone(),
            bio_en: o.bio_en.clone(),
            office_phone: o.office_phone.clone(),
            email: o.email.clone(),
            updated_at: o.updated_at,
            photo: o.photo.text_or_null(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = positions)]
pub struct Position {
    pub id: i64,
    pub official_id: i64,
    pub organization_id: i64,
    pub title: String,
    pub title_en: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub rank: i32,
}

impl Position {
    /// Held on `today` (a Vietnam-time date): started, and not yet ended.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.started_on <= today && self.ended_on.is_none_or(|end| end >= today)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = positions)]
pub struct PositionData {
    pub organization_id: i64,
    pub title: String,
    pub title_en: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub rank: i32,
}
