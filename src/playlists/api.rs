//! `/playlists`: songs about the town.

use super::model::Playlist;
use crate::db::StoreResult;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;

use super::input::{apply, PlaylistInput};
use super::model::PlaylistData;
use super::store;
use super::views::{view, PlaylistView};
use crate::changes::{self, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug};
use crate::http::cache::cached_page;
use crate::http::lang::{Lang, LangQuery};
use crate::http::pagination::{page_limit, page_sorted, OrderedListQuery, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::{to_value, Record};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/playlists").get(list_playlists).post(create)).service(
        at("/playlists/{id_or_slug}")
            .get(get_playlist)
            .patch(update)
            .delete(delete),
    );
}

/// List the playlists in order, each with its songs.
#[utoipa::path(get, path = "/api/v1/playlists", tag = "playlists", params(OrderedListQuery),
    responses(
        (status = 200, description = "Playlists in order", body = Paged<PlaylistView>),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_playlists(r: Reader, query: web::Query<OrderedListQuery>) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit.as_deref())?;
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let mut all = crate::db::run(r.pool(), store::all).await?;
    all.retain(|item| since.is_none_or(|since| item.updated_at >= since));
    let page = page_sorted(all, "position", limit, query.cursor.as_deref(), |g| {
        (g.position as i64, g.id)
    })?;
    cached_page(&r.req, &page.map(|p| view(&p)), r.auth.audience())
}

/// Get a playlist by id or slug.
#[utoipa::path(get, path = "/api/v1/playlists/{id_or_slug}", tag = "playlists",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), LangQuery),
    responses((status = 200, body = PlaylistView), (status = 304, description = "Not modified"),))]
pub async fn get_playlist(
    r: Reader,
    key: web::Path<String>,
    _query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    r.item(changes::Kind::Playlists, SlugTable::Playlists, key, move |conn, key| {
        let list = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
        Ok((list.id, view(&list)))
    })
    .await
}

/// Playlists as editors write them.
pub struct Playlists;

impl Record for Playlists {
    const COLLECTION: &'static str = "playlists";
    const KIND: changes::Kind = changes::Kind::Playlists;
    const SLUGS: SlugTable = SlugTable::Playlists;
    type Input = PlaylistInput;
    type Row = Playlist;
    type Changes = PlaylistData;

    fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Playlist>> {
        store::find(conn, key)
    }

    fn apply(input: PlaylistInput, current: Option<&Playlist>, now: NaiveDateTime) -> Result<PlaylistData, ApiError> {
        apply(input, current, now)
    }

    fn save(conn: &mut Conn, current: Option<&Playlist>, data: PlaylistData, stamp: &Stamp) -> StoreResult<i64> {
        store::save(conn, current, data, stamp)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
        store::delete(conn, key, stamp)
    }

    fn answer(conn: &mut Conn, id: i64, _lang: Lang, _now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let list = store::find(conn, &IdOrSlug::Id(id))?.ok_or(ApiError::NotFound)?;
        to_value(view(&list))
    }
}

crate::editable_endpoints! {
    resource: Playlists, tag: "playlists", collection: "/api/v1/playlists",
    item: "/api/v1/playlists/{id_or_slug}", view: PlaylistView,
    create: ("create_playlist", PlaylistInput, "Create a playlist (editor)."),
    update: ("update_playlist", PlaylistInput, "Change a playlist (editor). Only the fields sent change; `tracks` replaces the list."),
    delete: ("delete_playlist", "Delete a playlist (editor)."),
    invalid: "Invalid field, or a track that is not an audio file of the media library",
}
