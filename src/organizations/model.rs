use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::json::Json;
use crate::db::schema::organizations;
use crate::media::refs::Image;

crate::text_enum! {
    /// What an organization is: Thị ủy, HĐND, UBND, UBMTTQ, a mass organization, a department.
    #[schema(as = OrganizationKind)]
    pub enum Kind {
        PartyCommittee = "party_committee",
        PeoplesCouncil = "peoples_council",
        PeoplesCommittee = "peoples_committee",
        FatherlandFront = "fatherland_front",
        MassOrganization = "mass_organization",
        Department = "department",
    }
}

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
    /// The logo as an image (JSON): a media item or a URL.
    #[diesel(deserialize_as = Option<String>)]
    pub logo: Json<Option<Image>>,
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
    pub logo: Option<String>,
}

impl OrganizationData {
    /// A new organization before its input is applied.
    pub fn new(now: NaiveDateTime) -> Self {
        OrganizationData {
            slug: String::new(),
            name: String::new(),
            name_en: None,
            kind: String::new(),
            parent_id: None,
            address: None,
            phone: None,
            email: None,
            description: None,
            description_en: None,
            position: 0,
            updated_at: now,
            logo: None,
        }
    }
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
            logo: o.logo.text_or_null(),
        }
    }
}
