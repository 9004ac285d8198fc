//! `/articles/{id|slug}/comments` for readers, `/comments` for moderators.

use crate::changes::{Actor, Stamp};
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use super::input::{CommentInput, EraseRequest, ModerationInput, QueueQuery, ThreadQuery};
use super::model::{CommentStatus, NewComment};
use super::store;
use super::views::{moderation_view, public_view, Accepted, CommentView, Erased, ModerationView};
use crate::clock::utc;
use crate::db::{IdOrSlug, Narrow};
use crate::http::cache::{cached_page, Audience};
use crate::http::client::client_key;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::pagination::{ById, Paged};
use crate::http::routes::at;
use crate::http::{params, respond, ApiError};
use crate::state::AppState;
use crate::web::auth::{Auth, MaybeAuth};
use crate::web::reader::Reader;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        at("/articles/{id_or_slug}/comments")
            .get(list_comments)
            .post(post_comment),
    )
    .service(at("/comments").get(moderation_queue))
    .service(at("/comments/erase").post(erase_author))
    .service(at("/comments/{id}").patch(moderate).delete(delete_comment));
}

const THREAD_SORT: &str = "id";
const QUEUE_SORT: &str = "-id";
/// Approved comments, threaded (replies inside their comment), oldest first.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/comments", tag = "engagement",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), ThreadQuery),
    responses((status = 200, description = "A page of top-level comments", body = Paged<CommentView>),))]
pub async fn list_comments(
    r: Reader,
    key: web::Path<String>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, state, .. } = r;
    let by_id = ById::parse(query.limit.as_deref(), query.cursor.as_deref(), THREAD_SORT)?;
    let (limit, after) = (by_id.limit, by_id.after);
    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let (threads, replies) = crate::db::run(auth.pool(&state), move |conn| {
        let article = crate::articles::store::find_public(conn, &key, now)?;
        let threads = store::approved_threads(conn, article.id, after, since, limit)?;
        let ids: Vec<i64> = threads.iter().map(|c| c.id).collect();
        let replies = if ids.is_empty() {
            Vec::new()
        } else {
            store::approved_replies(conn, &ids)?
        };
        Ok::<_, ApiError>((threads, replies))
    })
    .await?;
    let page = by_id.page(threads, |c| c.id).map(|c| {
        let answers = replies
            .iter()
            .filter(|r| r.parent_id == Some(c.id))
            .map(|r| public_view(r, None))
            .collect();
        public_view(&c, Some(answers))
    });
    cached_page(&req, &page, Audience::Public)
}

/// Post a comment with the answer to a challenge. It waits for moderation (202).
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/comments", tag = "engagement", request_body = CommentInput,
    params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
    responses((status = 202, description = "Stored as pending", body = Accepted),
        (status = 403, description = "`comments_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`duplicate_comment`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, or `captcha_invalid` (\"Mã xác thực không đúng.\")", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json")))]
pub async fn post_comment(
    req: HttpRequest,
    _auth: MaybeAuth,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: Json<CommentInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().parse()?;
    let client = client_key(&req, &state.config.trusted_proxies);
    let quota = state.limits.comments.check(&client, state.clock.now()).await?;
    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    let secret = state.config.jwt_secret.clone();
    let client_hash = hex::encode(&Sha256::digest([&secret[..], client.as_bytes()].concat())[..16]);
    let comment = crate::db::run(&state.pool, move |conn| {
        let article = crate::articles::store::find_public(conn, &key, now)?;
        if !article.comments_enabled {
            return Err(ApiError::CommentsClosed);
        }
        // Its own statement, so the challenge is spent whatever happens next.
        if !crate::challenges::verify(conn, &secret, &draft.challenge_id, &draft.challenge_answer, now)? {
            return Err(ApiError::CaptchaInvalid);
        }
        let status = if draft.looks_like_spam {
            CommentStatus::Spam
        } else {
            CommentStatus::Pending
        };
        Ok(store::post(
            conn,
            &NewComment {
                article_id: article.id,
                parent_id: draft.parent_id,
                author_name: draft.author_name,
                author_email: draft.author_email,
                body_hash: store::body_hash(&draft.body),
                body: draft.body,
                status: status.as_str().into(),
                client_hash,
                created_at: now,
                updated_at: now,
            },
            &Stamp::new(now, Actor::Public),
        )?)
    })
    .await?;
    // Spam is answered like any comment: telling a robot changes nothing for the better.
    Ok(respond::limited(HttpResponse::Accepted(), quota).json(Accepted {
        id: comment.id,
        status: "pending",
        created_at: utc(comment.created_at),
    }))
}

/// The moderation queue (moderator), newest first.
#[utoipa::path(get, path = "/api/v1/comments", tag = "engagement", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<ModerationView>),))]
pub async fn moderation_queue(
    auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_moderator()?;
    let query = query.into_inner();
    let by_id = ById::parse(query.limit.as_deref(), query.cursor.as_deref(), QUEUE_SORT)?;
    let status = params::one_of(
        "status",
        query.status.as_deref(),
        CommentStatus::parse,
        CommentStatus::ALL,
    )?
    .unwrap_or(CommentStatus::Pending);
    let (limit, before) = (by_id.limit, by_id.after);
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let article = query.article.map(|a| IdOrSlug::parse(&a));
    let rows = crate::db::run(&state.pool, move |conn| {
        let article_id = match &article {
            None => None,
            Some(key) => Some(Narrow::of(crate::articles::store::find(conn, key)?.map(|a| a.id))),
        };
        Ok::<_, ApiError>(store::queue(conn, status, article_id, before, since, limit)?)
    })
    .await?;
    let page = by_id.page(rows, |c| c.id).map(moderation_view);
    Ok(respond::private(page))
}

/// Approve, reject or mark a comment as spam (moderator).
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "engagement", request_body = ModerationInput, security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ModerationView),))]
pub async fn moderate(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<ModerationInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_moderator()?;
    let id = id.into_inner();
    let status = body.into_inner().parse()?;
    let stamp = Stamp::new(state.clock.now(), auth.actor());
    let comment = crate::db::run(&state.pool, move |conn| store::set_status(conn, id, status, &stamp)).await?;
    Ok(HttpResponse::Ok().json(moderation_view(comment)))
}

/// Delete a comment and its replies (moderator).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "engagement", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204),))]
pub async fn delete_comment(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_moderator()?;
    let id = id.into_inner();
    let stamp = Stamp::new(state.clock.now(), auth.actor());
    crate::db::run(&state.pool, move |conn| store::delete(conn, id, &stamp)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Erase one person's comments by their e-mail address (admin), as Decree
/// 13/2023/NĐ-CP gives them the right to ask: their comments and the replies
/// to them are deleted.
#[utoipa::path(post, path = "/api/v1/comments/erase", tag = "engagement", request_body = EraseRequest,
    security(("bearer" = [])),
    responses((status = 200, body = Erased)))]
pub async fn erase_author(
    auth: Auth,
    state: web::Data<AppState>,
    body: Json<EraseRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let email = body.into_inner().email;
    if email.is_empty() || email.chars().count() > 254 {
        return Err(ApiError::validation(
            "email",
            crate::http::FieldIssue::Length { min: 1, max: 254 },
        ));
    }
    let stamp = Stamp::new(state.clock.now(), auth.actor());
    let erased = crate::db::run(&state.pool, move |conn| store::erase_author(conn, &email, &stamp)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Erased { erased }))
}
