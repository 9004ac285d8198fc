//! What every admin resource's list does (users, keys, webhooks): admins
//! only, in id order, paged by `limit`/`cursor`, with the total, answered
//! privately.

use actix_web::HttpResponse;
use serde::Serialize;

use super::auth::Auth;
use crate::db::Conn;
use crate::http::pagination::ById;
use crate::http::respond::private;
use crate::http::ApiError;
use crate::state::AppState;

/// The page `limit` and `cursor` ask for of what `load` finds (the rows
/// after an id, at most a limit of them, and how many there are in all),
/// each row shown as `view` shows it.
pub async fn list<R, V>(
    auth: &Auth,
    state: &AppState,
    (limit, cursor): (Option<&str>, Option<&str>),
    sort: &'static str,
    load: impl FnOnce(&mut Conn, Option<i64>, i64) -> Result<(Vec<R>, i64), ApiError> + Send + 'static,
    id: impl Fn(&R) -> i64,
    view: impl FnMut(R) -> V,
) -> Result<HttpResponse, ApiError>
where
    R: Send + 'static,
    V: Serialize,
{
    auth.require_admin()?;
    let by_id = ById::parse(limit, cursor, sort)?;
    let (limit, after) = (by_id.limit, by_id.after);
    let (rows, total) = crate::db::run(&state.pool, move |conn| load(conn, after, limit)).await?;
    Ok(private(by_id.page(rows, id).with_total(total).map(view)))
}
