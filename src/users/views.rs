//! What the API answers about accounts: never the password hash.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Role, User};
use crate::clock::utc;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "username": "admin", "display_name": "Ban biên tập", "role": "admin",
    "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        let role = u.role();
        UserView {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role,
            created_at: utc(u.created_at),
            updated_at: utc(u.updated_at),
        }
    }
}
