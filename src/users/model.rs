//! Accounts as stored, and the closed set of roles.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;

crate::text_enum! {
    /// `admin` can do everything including managing users; `editor` manages
    /// content; `moderator` handles comments.
    pub enum Role {
        Admin = "admin",
        Editor = "editor",
        Moderator = "moderator",
    }
}

impl Role {
    pub fn can_edit_content(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }

    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Admin | Role::Moderator)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Moves whenever every session must end (see `auth`).
    pub session_version: i32,
}

impl User {
    pub fn role(&self) -> Role {
        // The column has a CHECK constraint; an unknown value cannot be stored.
        Role::parse(&self.role).unwrap_or(Role::Moderator)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl UserChanges {
    /// Whether these changes must end every session of the user: a new
    /// password (the old one may have leaked) or a new role.
    pub fn ends_sessions(&self) -> bool {
        self.password_hash.is_some() || self.role.is_some()
    }
}
