//! What the API answers about officials: the official with their
//! positions, the small `OfficialRef` that articles and events embed, and
//! the [`Directory`] that loads them for a whole page at once.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Official, Position};
use super::store;
use crate::clock::{utc, vietnam_date};
use crate::db::{Conn, StoreResult};
use crate::http::lang::Lang;
use crate::organizations::model::Organization;
use crate::organizations::views::OrganizationRef;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PositionView {
    pub id: i64,
    /// In the requested language, falling back to Vietnamese.
    pub title: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub organization: OrganizationRef,
    pub started_on: NaiveDate,
    /// `null` while the position is held.
    pub ended_on: Option<NaiveDate>,
    /// Protocol rank: lower is listed first.
    pub rank: i32,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "dang-thanh-hai", "full_name": "Đặng Thanh Hải", "photo_url": null,
    "bio": null, "office_phone": "0239 3831 234", "email": "dthai@honglinh.hatinh.gov.vn", "current": true,
    "positions": [{"id": 1, "title": "Bí thư Thị ủy", "title_vi": "Bí thư Thị ủy", "title_en": "Secretary of the Town Party Committee",
        "organization": {"id": 1, "slug": "thi-uy-hong-linh", "name": "Thị ủy Hồng Lĩnh"},
        "started_on": "2020-10-01", "ended_on": null, "rank": 1, "current": true}],
    "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct OfficialView {
    pub id: i64,
    pub slug: String,
    pub full_name: String,
    pub photo_url: Option<String>,
    /// The portrait with its sizes (for a media item), or just its URL.
    pub photo: Option<crate::media::refs::Image>,
    /// Short biography in the requested language, falling back to Vietnamese.
    pub bio: Option<String>,
    pub office_phone: Option<String>,
    /// Official (public) e-mail address.
    pub email: Option<String>,
    /// Holds at least one position today.
    pub current: bool,
    /// Current positions first, in protocol order, then former ones.
    pub positions: Vec<PositionView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An official as embedded in articles and events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficialRef {
    pub id: i64,
    pub slug: String,
    pub full_name: String,
    /// The most senior current position's title, in the requested language.
    pub title: Option<String>,
}

/// Officials with their positions and the organizations those belong to,
/// loaded in three queries whatever their number.
pub struct Directory {
    pub officials: Vec<Official>,
    pub positions: HashMap<i64, Vec<Position>>,
    pub organizations: HashMap<i64, Organization>,
    pub today: NaiveDate,
}

impl Directory {
    pub fn load(conn: &mut Conn, officials: Vec<Official>, now: NaiveDateTime) -> StoreResult<Directory> {
        let ids: Vec<i64> = officials.iter().map(|o| o.id).collect();
        let positions = if ids.is_empty() {
            HashMap::new()
        } else {
            store::positions_of(conn, &ids)?
        };
        let mut org_ids: Vec<i64> = positions.values().flatten().map(|p| p.organization_id).collect();
        org_ids.sort_unstable();
        org_ids.dedup();
        let organizations = if org_ids.is_empty() {
            HashMap::new()
        } else {
            crate::organizations::store::find_many(conn, &org_ids)?
                .into_iter()
                .map(|o| (o.id, o))
                .collect()
        };
        Ok(Directory {
            officials,
            positions,
            organizations,
            today: vietnam_date(now),
        })
    }

    pub fn positions(&self, official_id: i64) -> &[Position] {
        self.positions.get(&official_id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Protocol order: the best rank among current positions (in
    /// `organization` when given); officials without one sort last.
    pub fn protocol_rank(&self, official_id: i64, organization: Option<i64>) -> Option<i32> {
        self.positions(official_id)
            .iter()
            .filter(|p| p.is_current(self.today) && organization.is_none_or(|o| p.organization_id == o))
            .map(|p| p.rank)
            .min()
    }

    pub fn view(&self, o: &Official, lang: Lang) -> OfficialView {
        let mut positions: Vec<&Position> = self.positions(o.id).iter().collect();
        // Current first; then protocol rank; equal ranks follow the
        // organizations' display order, then the most recent first.
        let org_position = |p: &Position| {
            self.organizations
                .get(&p.organization_id)
                .map_or(i32::MAX, |o| o.position)
        };
        positions.sort_by_key(|p| {
            (
                !p.is_current(self.today),
                p.rank,
                org_position(p),
                std::cmp::Reverse(p.started_on),
            )
        });
        let positions: Vec<PositionView> = positions
            .into_iter()
            .filter_map(|p| {
                let org = self.organizations.get(&p.organization_id)?;
                Some(PositionView {
                    id: p.id,
                    title: lang.pick(p.title.clone(), p.title_en.clone()),
                    title_vi: p.title.clone(),
                    title_en: p.title_en.clone(),
                    organization: OrganizationRef::new(org, lang),
                    started_on: p.started_on,
                    ended_on: p.ended_on,
                    rank: p.rank,
                    current: p.is_current(self.today),
                })
            })
            .collect();
        OfficialView {
            id: o.id,
            slug: o.slug.clone(),
            full_name: o.full_name.clone(),
            photo_url: o.photo_url.clone(),
            photo: o
                .photo
                .0
                .clone()
                .or_else(|| o.photo_url.clone().map(crate::media::refs::Image::of_url)),
            bio: o.bio.clone().map(|vi| lang.pick(vi, o.bio_en.clone())),
            office_phone: o.office_phone.clone(),
            email: o.email.clone(),
            current: positions.iter().any(|p| p.current),
            positions,
            created_at: utc(o.created_at),
            updated_at: utc(o.updated_at),
        }
    }

    pub fn reference(&self, o: &Official, lang: Lang) -> OfficialRef {
        let best = self
            .positions(o.id)
            .iter()
            .filter(|p| p.is_current(self.today))
            .min_by_key(|p| p.rank)
            .map(|p| lang.pick(p.title.clone(), p.title_en.clone()));
        OfficialRef {
            id: o.id,
            slug: o.slug.clone(),
            full_name: o.full_name.clone(),
            title: best,
        }
    }
}
