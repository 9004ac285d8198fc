use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::organizations;

pub const KINDS: &[&str] = &[
    "party_committee",
    "peoples_council",
    "peoples_committee",
    "fatherland_front",
    "mass_organization",
    "department",
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = organizations, treat_none_as_null = true)]
pub struct OrganizationData {
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub position: i32,
    pub updated_at: NaiveDateTime,
}

impl From<&Organization> for OrganizationData {
    fn from(o: &Organization) -> Self {
        OrganizationData {
            slug: o.slug.clone(),
            name: o.name.clone(),
            name_en: o.name_en.clone(),
            kind: o.kind.clone(),
            parent_id: o.parent_id,
            address: o.address.clone(),
            phone: o.phone.clone(),
            email: o.email.clone(),
            description: o.description.clone(),
            description_en: o.description_en.clone(),
            position: o.position,
            updated_at: o.updated_at,
        }
    }
}
