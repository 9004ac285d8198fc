//! What the API answers about organizations, and the small
//! `OrganizationRef` that positions and events embed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Kind, Organization};
use crate::clock::utc;
use crate::http::lang::Lang;

/// An organization as embedded in officials' positions and in events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationRef {
    pub id: i64,
    pub slug: String,
    /// In the requested language, falling back to Vietnamese.
    pub name: String,
}

impl OrganizationRef {
    pub fn new(o: &Organization, lang: Lang) -> Self {
        OrganizationRef {
            id: o.id,
            slug: o.slug.clone(),
            name: lang.pick(o.name.clone(), o.name_en.clone()),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "thi-uy-hong-linh", "name": "Thị ủy Hồng Lĩnh", "name_vi": "Thị ủy Hồng Lĩnh",
    "name_en": "Hong Linh Town Party Committee", "kind": "party_committee", "parent_id": null,
    "address": "Số 1 đường Trần Phú, phường Bắc Hồng, thị xã Hồng Lĩnh", "phone": "0239 3831 234", "email": "thiuy@honglinh.hatinh.gov.vn",
    "description": null, "position": 1, "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct OrganizationView {
    pub id: i64,
    pub slug: String,
    /// In the requested language (`?lang=en` or `Accept-Language: en`), falling back to Vietnamese.
    pub name: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub kind: Kind,
    pub parent_id: Option<i64>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// In the requested language, falling back to Vietnamese.
    pub description: Option<String>,
    /// Display order among siblings (lower first).
    pub position: i32,
    /// The logo with its sizes (for a media item), or just its URL.
    pub logo: Option<crate::media::refs::Image>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `?tree=true`: the organizations under this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, no_recursion)]
    pub children: Option<Vec<OrganizationView>>,
}

pub fn view(o: &Organization, lang: Lang) -> OrganizationView {
    OrganizationView {
        id: o.id,
        slug: o.slug.clone(),
        name: lang.pick(o.name.clone(), o.name_en.clone()),
        name_vi: o.name.clone(),
        name_en: o.name_en.clone(),
        kind: Kind::parse(&o.kind).unwrap_or(Kind::Department),
        parent_id: o.parent_id,
        address: o.address.clone(),
        phone: o.phone.clone(),
        email: o.email.clone(),
        description: o.description.clone().map(|vi| lang.pick(vi, o.description_en.clone())),
        position: o.position,
        logo: o.logo.0.clone(),
        created_at: utc(o.created_at),
        updated_at: utc(o.updated_at),
        children: None,
    }
}

/// The organizations under `parent` (the roots for `None`), nested.
pub fn tree(all: &[Organization], parent: Option<i64>, lang: Lang) -> Vec<OrganizationView> {
    all.iter()
        .filter(|o| o.parent_id == parent)
        .map(|o| OrganizationView {
            children: Some(tree(all, Some(o.id), lang)),
            ..view(o, lang)
        })
        .collect()
}
