//! `/media`: the media library. Editors upload with `multipart/form-data`;
//! everyone reads.

use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use super::input::{read_form, MediaInput, MediaListQuery, UploadForm};
use super::model::{Kind, MediaText};
use super::process::{self, Refusal};
use super::store;
use super::views::{view, MediaView};
use crate::changes::{self, Stamp};
use crate::http::cache::cached_page;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::input::{check_declared, finish};
use crate::http::pagination::{ById, Paged};
use crate::http::routes::at;
use crate::http::{params, respond, versions, ApiError, FieldError, FieldIssue};
use crate::state::AppState;
use crate::web::auth::Auth;
use crate::web::editable::to_value;
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/media").get(list_media).post(upload)).service(
        at("/media/{id}")
            .get(get_media)
            .patch(update_media)
            .delete(delete_media),
    );
}

const SORT: &str = "newest";

/// List the media library, newest first.
#[utoipa::path(get, path = "/api/v1/media", tag = "media", params(MediaListQuery),
    responses(
        (status = 200, description = "A page of media items", body = Paged<MediaView>),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_media(r: Reader, query: web::Query<MediaListQuery>) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let by_id = ById::parse(query.limit.as_deref(), query.cursor.as_deref(), SORT)?;
    let kind = params::one_of("kind", query.kind.as_deref(), Kind::parse, Kind::ALL)?;
    let (limit, before) = (by_id.limit, by_id.after);
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let rows = crate::db::run(r.pool(), move |conn| {
        store::list(conn, kind.map(|k| k.as_str()), since, before, limit + 1)
    })
    .await?;
    let page = by_id.page(rows, |m| m.id);
    cached_page(&r.req, &page.map(|m| view(&m)), r.auth.audience())
}

/// Get a media item.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = i64, Path)),
    responses((status = 200, body = MediaView), (status = 304, description = "Not modified"),))]
pub async fn get_media(r: Reader, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Media have no slugs: a key that is an id never consults the slug table.
    r.item(
        changes::Kind::Media,
        crate::db::slug::SlugTable::Articles,
        crate::db::IdOrSlug::Id(id),
        move |conn, _| {
            let item = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
            Ok((item.id, view(&item)))
        },
    )
    .await
}

/// Upload a file (editor, or a key with `media:write`).
///
/// Send `multipart/form-data` with the file in the part named `file` and,
/// optionally, `alt`, `caption` and `credit`. The type is read from the
/// bytes, never from the name or the part's `Content-Type`. Photos are
/// turned upright, stripped of their metadata (EXIF, GPS) and made into
/// widths 320, 640, 1280 and 1920 (never wider than the photo) in WebP and
/// JPEG. The same bytes uploaded again answer `200` with the existing item.
#[utoipa::path(post, path = "/api/v1/media", tag = "media", operation_id = "upload_media",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = MediaView, headers(("Location" = String))),
        (status = 200, description = "The same file was uploaded before: that item", body = MediaView),
        (status = 400, description = "`malformed_upload`: not a readable multipart form", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`idempotency_in_progress`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over `BANTIN_MAX_UPLOAD_MB` (photos: 20 MB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_file_type`: not an allowed type (whatever its name says); `unsupported_media_type`: the body is not `multipart/form-data`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_file` (truncated, corrupt, or a photo over the pixel limit) or `validation_failed` (no `file` part, a text part too long)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    req: HttpRequest,
    auth: Auth,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require_write(changes::Kind::Media)?;
    let settings = state.config.media.clone();
    let timeout = state.config.body_timeout * 10;
    let form = actix_web::rt::time::timeout(timeout, read_form(&req, payload, settings.max_upload_bytes))
        .await
        .map_err(|_| ApiError::RequestTimeout)??;
    let texts = MediaInput {
        alt: Some(form.alt),
        caption: Some(form.caption),
        credit: Some(form.credit),
    };
    let mut errors = check_declared(&texts, false);
    let [alt, caption, credit] = texts.cleaned();
    let original_name = form
        .name
        .map(|n| crate::http::input::clean_text(&n))
        .filter(|n| !n.is_empty());
    if original_name.as_ref().is_some_and(|n| n.chars().count() > 255) {
        errors.push(FieldError::new("file", FieldIssue::Length { min: 0, max: 255 }));
    }
    finish(errors)?;
    let bytes = form.file;
    let sniffed = process::sniff(&bytes).ok_or(ApiError::UnsupportedFileType)?;
    if sniffed.0 == Kind::Image && bytes.len() > settings.max_image_bytes {
        return Err(ApiError::PayloadTooLarge {
            limit: settings.max_image_bytes,
        });
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let stamp = Stamp::new(state.clock.now(), auth.actor());
    let known = sha256.clone();
    if let Some(existing) = crate::db::run(&state.pool, move |conn| store::find_by_hash(conn, &known)).await? {
        return answer(&state, existing.id, false).await;
    }
    let done = {
        let _turn = state.media_work.acquire().await.map_err(|_| ApiError::Unavailable)?;
        let max_pixels = settings.max_image_pixels;
        web::block(move || process::process(&bytes, sniffed, max_pixels).map(|p| (p, bytes.len())))
            .await
            .map_err(|_| ApiError::Internal)?
    };
    let (processed, size) = done.map_err(|refusal| match refusal {
        Refusal::Unsupported => ApiError::UnsupportedFileType,
        Refusal::Invalid(why) => ApiError::InvalidFile(why),
        Refusal::TooManyPixels { width, height, limit } => ApiError::InvalidFile(format!(
            "the photo is {width} × {height} pixels, more than the {limit} allowed"
        )),
    })?;
    let item = processed.row(sha256.clone(), size, original_name, [alt, caption, credit], &stamp);
    for (variant, bytes) in processed.files {
        state
            .media
            .put(&variant.object_key(&sha256), bytes)
            .await
            .map_err(super::serve::unavailable)?;
    }
    let (id, new) = crate::db::run(&state.pool, move |conn| store::create(conn, item, &stamp)).await?;
    answer(&state, id, new).await
}

/// The item an upload answers with: 201 and its `Location` when new.
async fn answer(state: &AppState, id: i64, new: bool) -> Result<HttpResponse, ApiError> {
    let (item, version) = crate::db::run(&state.pool, move |conn| {
        let item = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok::<_, ApiError>((
            to_value(view(&item))?,
            changes::store::version(conn, changes::Kind::Media, id)?,
        ))
    })
    .await?;
    let mut response = if new {
        respond::created("media", id, &item)
    } else {
        HttpResponse::Ok().json(&item)
    };
    versions::tag(&mut response, version, &item);
    Ok(response)
}

/// Change a media item's alt text, caption or credit (editor). The file never changes.
#[utoipa::path(patch, path = "/api/v1/media/{id}", tag = "media", operation_id = "update_media",
    request_body = MediaInput, security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = MediaView),
        (status = 412, description = "`precondition_failed`: the item changed since it was read (`If-Match`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_media(
    req: HttpRequest,
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<MediaInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_write(changes::Kind::Media)?;
    let stamp = Stamp::new(state.clock.now(), auth.actor());
    let precondition = versions::Precondition::of(&req)?;
    let id = id.into_inner();
    let input = body.into_inner();
    crate::db::run(&state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            precondition.holds(|| Ok(changes::store::version(conn, changes::Kind::Media, id)?))?;
            store::update(conn, id, &stamp, |current| {
                finish(check_declared(&input, false))?;
                Ok::<_, ApiError>(input.apply(MediaText::from(current), stamp.at))
            })
        })
    })
    .await?;
    answer(&state, id, false).await
}

/// Delete a media item (editor): only one nothing shows (else 409 `in_use`,
/// naming what does). Its files go too.
#[utoipa::path(delete, path = "/api/v1/media/{id}", tag = "media", operation_id = "delete_media",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses(
        (status = 204),
        (status = 412, description = "`precondition_failed`: the item changed since it was read (`If-Match`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`in_use`: articles, officials, organizations, documents, links or playlists show it", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_media(
    req: HttpRequest,
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_write(changes::Kind::Media)?;
    let stamp = Stamp::new(state.clock.now(), auth.actor());
    let precondition = versions::Precondition::of(&req)?;
    let id = id.into_inner();
    let gone = crate::db::run(&state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            precondition.holds(|| Ok(changes::store::version(conn, changes::Kind::Media, id)?))?;
            Ok::<_, ApiError>(store::delete(conn, id, &stamp)?)
        })
    })
    .await?;
    for variant in gone.variants() {
        if let Err(e) = state.media.delete(&variant.object_key(&gone.sha256)).await {
            // The row is gone; a file left behind is only wasted space.
            tracing::warn!(error = %e, id, "deleting a media file failed");
        }
    }
    Ok(HttpResponse::NoContent().finish())
}
