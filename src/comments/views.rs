//! What the API answers about comments: readers never see an e-mail
//! address; moderators see everything.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Comment, CommentStatus};
use crate::clock::utc;

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
    #[schema(nullable = false, no_recursion)]
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
    pub status: CommentStatus,
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

pub fn public_view(c: &Comment, replies: Option<Vec<CommentView>>) -> CommentView {
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

pub fn moderation_view(c: Comment) -> ModerationView {
    ModerationView {
        id: c.id,
        article_id: c.article_id,
        parent_id: c.parent_id,
        author_name: c.author_name,
        author_email: c.author_email,
        body: c.body,
        status: CommentStatus::parse(&c.status).unwrap_or(CommentStatus::Pending),
        created_at: utc(c.created_at),
        updated_at: utc(c.updated_at),
    }
}

/// What erasing a person's comments did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"erased": 3}))]
pub struct Erased {
    /// Comments removed (theirs, and the replies to them).
    pub erased: usize,
}
