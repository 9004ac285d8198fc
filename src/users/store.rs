//! Every query on users.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{NewUser, User, UserChanges};
use crate::db::error::unique_as;
use crate::db::schema::users;
use crate::db::{write_tx, Conn, StoreError, StoreResult};

pub fn create(conn: &mut Conn, new: &NewUser) -> StoreResult<User> {
    crate::on_engine!(conn, c => diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(c))
    .map_err(unique_as(|| StoreError::UsernameTaken))
}

pub fn find(conn: &mut Conn, id: i64) -> StoreResult<Option<User>> {
    Ok(users::table.find(id).select(User::as_select()).first(conn).optional()?)
}

pub fn find_by_username(conn: &mut Conn, username: &str) -> StoreResult<Option<User>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Users in id order after `after_id`, `limit + 1` rows for the pager.
pub fn list(conn: &mut Conn, after_id: Option<i64>, limit: i64) -> StoreResult<Vec<User>> {
    let mut query = users::table
        .select(User::as_select())
        .order(users::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after_id {
        query = query.filter(users::id.gt(after));
    }
    Ok(query.load(conn)?)
}

/// Usernames by id, for the audit trail.
pub fn usernames(conn: &mut Conn, ids: &[i64]) -> StoreResult<std::collections::HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn count(conn: &mut Conn) -> StoreResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Applies `changes`, refusing to demote the last admin. A new password or
/// a new role ends every session of the user, in the same transaction.
pub fn update(conn: &mut Conn, id: i64, changes: UserChanges, now: NaiveDateTime) -> StoreResult<User> {
    write_tx(conn, |conn| {
        let current = find(conn, id)?.ok_or(StoreError::NotFound)?;
        let demotes_admin = current.role == "admin" && changes.role.as_deref().is_some_and(|r| r != "admin");
        if demotes_admin && count_admins(conn)? <= 1 {
            return Err(StoreError::LastAdmin);
        }
        diesel::update(users::table.find(id)).set(&changes).execute(conn)?;
        if changes.ends_sessions() {
            crate::auth::store::end_all_sessions(conn, id, now)?;
        }
        find(conn, id)?.ok_or(StoreError::NotFound)
    })
}

/// Deletes a user (their refresh tokens go with them), never the last admin.
pub fn delete(conn: &mut Conn, id: i64) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let current = find(conn, id)?.ok_or(StoreError::NotFound)?;
        if current.role == "admin" && count_admins(conn)? <= 1 {
            return Err(StoreError::LastAdmin);
        }
        diesel::delete(users::table.find(id)).execute(conn)?;
        Ok(())
    })
}

fn count_admins(conn: &mut Conn) -> StoreResult<i64> {
    Ok(users::table.filter(users::role.eq("admin")).count().get_result(conn)?)
}
