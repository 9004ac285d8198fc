//! API keys as stored, and their closed sets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::changes::Kind;
use crate::db::schema::api_keys;

crate::text_enum! {
    /// A content key reads public content (safe to ship in an app or a web
    /// page); an integration key acts for a script, within its scopes.
    #[schema(as = KeyKind)]
    pub enum KeyKind {
        Content = "content",
        Integration = "integration",
    }
}

crate::text_enum! {
    /// What an integration key may do besides reading public content.
    #[schema(as = KeyScope)]
    pub enum Scope {
        ArticlesWrite = "articles:write",
        EventsWrite = "events:write",
        OfficialsWrite = "officials:write",
        OrganizationsWrite = "organizations:write",
        CategoriesWrite = "categories:write",
        TagsWrite = "tags:write",
        CommentsModerate = "comments:moderate",
        MediaWrite = "media:write",
        DocumentsWrite = "documents:write",
        PagesWrite = "pages:write",
        LinksWrite = "links:write",
        PlaylistsWrite = "playlists:write",
    }
}

impl Scope {
    /// The scope that lets a key write (and see unpublished) items of `kind`.
    pub fn to_write(kind: Kind) -> Scope {
        match kind {
            Kind::Articles => Scope::ArticlesWrite,
            Kind::Events => Scope::EventsWrite,
            Kind::Officials => Scope::OfficialsWrite,
            Kind::Organizations => Scope::OrganizationsWrite,
            Kind::Categories => Scope::CategoriesWrite,
            Kind::Tags => Scope::TagsWrite,
            Kind::Comments => Scope::CommentsModerate,
            Kind::Media => Scope::MediaWrite,
            Kind::Documents => Scope::DocumentsWrite,
            Kind::Pages => Scope::PagesWrite,
            Kind::Links => Scope::LinksWrite,
            Kind::Playlists => Scope::PlaylistsWrite,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: String,
    pub allowed_origins: String,
    pub requests_per_minute: i32,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

impl ApiKey {
    pub fn kind(&self) -> KeyKind {
        KeyKind::parse(&self.kind).unwrap_or(KeyKind::Content)
    }

    pub fn scopes(&self) -> Vec<Scope> {
        self.scopes.split_whitespace().filter_map(Scope::parse).collect()
    }

    pub fn allowed_origins(&self) -> Vec<String> {
        self.allowed_origins.split_whitespace().map(str::to_string).collect()
    }

    /// Whether a request may use it at `now`.
    pub fn is_active(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }

    /// What a request made with this key may do.
    pub fn grant(&self) -> Grant {
        Grant {
            id: self.id,
            kind: self.kind(),
            scopes: self.scopes(),
            allowed_origins: self.allowed_origins(),
            requests_per_minute: self.requests_per_minute.max(1) as u32,
            expires_at: self.expires_at,
        }
    }
}

/// What a request made with a key may do, once the key is found active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: i64,
    pub kind: KeyKind,
    pub scopes: Vec<Scope>,
    pub allowed_origins: Vec<String>,
    pub requests_per_minute: u32,
    /// When the key stops working (a grant remembered by the keyring is
    /// checked against it again on every use).
    pub expires_at: Option<NaiveDateTime>,
}

impl Grant {
    pub fn may_write(&self, kind: Kind) -> bool {
        self.kind == KeyKind::Integration && self.scopes.contains(&Scope::to_write(kind))
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewKey {
    pub name: String,
    pub kind: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: String,
    pub allowed_origins: String,
    pub requests_per_minute: i32,
    pub expires_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Changes to a key; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = api_keys)]
pub struct KeyChanges {
    pub name: Option<String>,
    pub scopes: Option<String>,
    pub allowed_origins: Option<String>,
    pub requests_per_minute: Option<i32>,
    pub expires_at: Option<Option<NaiveDateTime>>,
}
