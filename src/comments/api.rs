//! `/articles/{id|slug}/comments` for readers, `/comments` for moderators.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::store::{self, Comment, NewComment, STATUSES};
use crate::clock::utc;
use crate::db::write_tx;
use crate::http::auth::{Auth, MaybeAuth};
use crate::http::cache::{cached_page, Audience};
use crate::http::client::client_key;
use crate::http::error::{ParamIssue, Problem};
use crate::http::extract::IdOrSlug;
use crate::http::input::{check_email, check_length, clean_text, finish};
use crate::http::pagination::{page_limit, Cursor, Paged};
use crate::http::{ApiError, FieldError, FieldIssue};
use crate::state::AppState;

/// A comment as readers see it: never the author's e-mail.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "article_id": 1, "parent_id": null, "author_name": "Nguyễn Văn An",
    "body": "Hội nghị rất thiết thực.", "created_at": "2022-07-20T01:00:00Z", "replies": []}))]
pub struct CommentView {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    /// Plain text: show it as text, never as HTML.
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Approved replies, oldest first (top-level comments only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub replies: Option<Vec<CommentView>>,
}

/// A comment as moderators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModerationView {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    /// `pending`, `approved`, `rejected` or `spam`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What `POST` answers: the comment waits for moderation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 8, "status": "pending", "created_at": "2022-07-20T01:00:00Z"}))]
pub struct Accepted {
    pub id: i64,
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
}

fn public_view(c: &Comment, replies: Option<Vec<CommentView>>) -> CommentView {
    CommentView {
        id: c.id,
        article_id: c.article_id,
        parent_id: c.parent_id,
        author_name: c.author_name.clone(),
        body: c.body.clone(),
        created_at: utc(c.created_at),
        replies,
    }
}

fn moderation_view(c: Comment) -> ModerationView {
    ModerationView {
        id: c.id,
        article_id: c.article_id,
        parent_id: c.parent_id,
        author_name: c.author_name,
        author_email: c.author_email,
        body: c.body,
        status: c.status,
        created_at: utc(c.created_at),
        updated_at: utc(c.updated_at),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"author_name": "Nguyễn Văn An", "author_email": "an@example.vn", "body": "Hội nghị rất thiết thực.",
    "challenge_id": "q1w2e3r4t5y6u7i8o9p0aa", "challenge_answer": "k7m2x"}))]
pub struct CommentInput {
    /// 1–100 characters.
    pub author_name: String,
    /// Kept private: only moderators see it.
    pub author_email: String,
    /// Plain text, 1–2,000 characters.
    pub body: String,
    /// Reply to this approved top-level comment of the same article.
    pub parent_id: Option<i64>,
    /// From `POST /challenges`.
    pub challenge_id: String,
    pub challenge_answer: String,
    /// Leave empty. (A field people do not see and robots fill in.)
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `pending` (default), `approved`, `rejected` or `spam`.
    pub status: Option<String>,
    /// Only this article's comments (id or slug).
    pub article: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationInput {
    /// `pending`, `approved`, `rejected` or `spam`.
    pub status: String,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/articles/{id_or_slug}/comments")
            .route(web::get().to(list_comments))
            .route(web::post().to(post_comment)),
    )
    .route("/comments", web::get().to(moderation_queue))
    .service(
        web::resource("/comments/{id}")
            .route(web::patch().to(moderate))
            .route(web::delete().to(delete_comment)),
    );
}

const THREAD_SORT: &str = "id";
const QUEUE_SORT: &str = "-id";
/// More links than this in one comment is how link spam looks.
const MAX_LINKS: usize = 2;

fn link_count(body: &str) -> usize {
    let lower = body.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum()
}

/// Approved comments, threaded (replies inside their comment), oldest first.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/comments", tag = "engagement",
    params(("id_or_slug" = String, Path, description = "Numeric id or slug"), ThreadQuery),
    responses((status = 200, description = "A page of top-level comments", body = Paged<CommentView>),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_comments(
    req: HttpRequest,
    auth: MaybeAuth,
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit.as_deref())?;
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, THREAD_SORT))
        .transpose()?
        .map(|c| c.id);
    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    let (threads, replies) = crate::db::run(state.reader(&auth), move |conn| {
        let article = crate::articles::store::find_public(conn, &key, now)?;
        let threads = store::approved_threads(conn, article.id, after, limit)?;
        let ids: Vec<i64> = threads.iter().map(|c| c.id).collect();
        let replies = if ids.is_empty() {
            Vec::new()
        } else {
            store::approved_replies(conn, &ids)?
        };
        Ok((threads, replies))
    })
    .await?;
    let page = Paged::from_rows(threads, limit, |c| Cursor {
        sort: THREAD_SORT.into(),
        key: None,
        id: c.id,
    })
    .map(|c| {
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
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<CommentInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut errors: Vec<FieldError> = Vec::new();
    let author_name = clean_text(&input.author_name);
    check_length(&mut errors, "author_name", &author_name, 1, 100);
    let author_email = input.author_email.trim().to_string();
    if author_email.is_empty() {
        errors.push(FieldError::new("author_email", FieldIssue::Required));
    } else {
        check_email(&mut errors, "author_email", &Some(author_email.clone()));
    }
    let text = clean_text(&input.body);
    check_length(&mut errors, "body", &text, 1, 2000);
    if input.challenge_id.trim().is_empty() {
        errors.push(FieldError::new("challenge_id", FieldIssue::Required));
    }
    if input.challenge_answer.trim().is_empty() {
        errors.push(FieldError::new("challenge_answer", FieldIssue::Required));
    }
    finish(errors)?;
    let client = client_key(&req, &state.config.trusted_proxies);
    state.limits.comments.check(&client, state.clock.now()).await?;

    let key = IdOrSlug::parse(&key);
    let now = state.clock.now();
    let secret = state.config.jwt_secret.clone();
    let looks_like_spam =
        input.website.as_deref().is_some_and(|w| !w.trim().is_empty()) || link_count(&text) > MAX_LINKS;
    let body_hash = super::store::body_hash(&text);
    let client_hash = hex::encode(&Sha256::digest([&secret[..], client.as_bytes()].concat())[..16]);
    let comment = crate::db::run(&state.pool, move |conn| {
        let article = crate::articles::store::find_public(conn, &key, now)?;
        if !article.comments_enabled {
            return Err(ApiError::CommentsClosed);
        }
        // Its own statement, so the challenge is spent whatever happens next.
        crate::challenges::verify(conn, &secret, input.challenge_id.trim(), &input.challenge_answer, now)?;
        write_tx(conn, |conn| {
            if let Some(parent_id) = input.parent_id {
                let parent = store::find(conn, parent_id)?;
                let acceptable = parent
                    .is_some_and(|p| p.article_id == article.id && p.status == "approved" && p.parent_id.is_none());
                if !acceptable {
                    return Err(ApiError::validation("parent_id", FieldIssue::UnknownReference));
                }
            }
            if store::is_duplicate(conn, article.id, &body_hash)? {
                return Err(ApiError::DuplicateComment);
            }
            let status = if looks_like_spam { "spam" } else { "pending" };
            store::insert(
                conn,
                &NewComment {
                    article_id: article.id,
                    parent_id: input.parent_id,
                    author_name,
                    author_email,
                    body: text,
                    body_hash,
                    status: status.into(),
                    client_hash,
                    created_at: now,
                    updated_at: now,
                },
            )
        })
    })
    .await?;
    // Spam is answered like any comment: telling a robot changes nothing for the better.
    Ok(HttpResponse::Accepted().json(Accepted {
        id: comment.id,
        status: "pending",
        created_at: utc(comment.created_at),
    }))
}

/// The moderation queue (moderator), newest first.
#[utoipa::path(get, path = "/api/v1/comments", tag = "engagement", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<ModerationView>), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn moderation_queue(
    auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(crate::users::Role::can_moderate)?;
    let query = query.into_inner();
    let limit = page_limit(query.limit.as_deref())?;
    let status = query.status.unwrap_or_else(|| "pending".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(ApiError::invalid_parameter(
            "status",
            ParamIssue::OneOf(STATUSES.iter().map(|s| s.to_string()).collect()),
        ));
    }
    let before = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, QUEUE_SORT))
        .transpose()?
        .map(|c| c.id);
    let article = query.article.map(|a| IdOrSlug::parse(&a));
    let rows = crate::db::run(&state.pool, move |conn| {
        let article_id = match &article {
            None => None,
            Some(key) => Some(crate::articles::store::find(conn, key)?.map(|a| a.id).unwrap_or(-1)),
        };
        store::queue(conn, &status, article_id, before, limit)
    })
    .await?;
    let page = Paged::from_rows(rows, limit, |c| Cursor {
        sort: QUEUE_SORT.into(),
        key: None,
        id: c.id,
    })
    .map(moderation_view);
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(page))
}

fn comment_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound)
}

/// Approve, reject or mark a comment as spam (moderator).
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "engagement", request_body = ModerationInput, security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ModerationView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn moderate(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<ModerationInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require(crate::users::Role::can_moderate)?;
    let id = comment_id(&id)?;
    let status = body.into_inner().status;
    if !STATUSES.contains(&status.as_str()) {
        return Err(ApiError::validation("status", FieldIssue::OneOf(STATUSES)));
    }
    let now = state.clock.now();
    let comment = crate::db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| store::set_status(conn, id, &status, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(moderation_view(comment)))
}

/// Delete a comment and its replies (moderator).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "engagement", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_comment(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require(crate::users::Role::can_moderate)?;
    let id = comment_id(&id)?;
    crate::db::run(&state.pool, move |conn| write_tx(conn, |conn| store::delete(conn, id))).await?;
    Ok(HttpResponse::NoContent().finish())
}
