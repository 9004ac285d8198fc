//! What visitors and moderators send about comments.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::CommentStatus;
use crate::http::input::{check_declared, clean_text, finish};
use crate::http::{ApiError, FieldIssue};

/// More links than this in one comment is how link spam looks.
const MAX_LINKS: usize = 2;

fn link_count(body: &str) -> usize {
    let lower = body.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum()
}

/// A comment as posted, cleaned and checked.
pub struct Draft {
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub parent_id: Option<i64>,
    pub challenge_id: String,
    pub challenge_answer: String,
    /// The honeypot was filled in, or the text is full of links.
    pub looks_like_spam: bool,
}

impl CommentInput {
    /// Cleans and checks every field, reporting every problem at once.
    pub fn parse(self) -> Result<Draft, ApiError> {
        finish(check_declared(&self, false))?;
        let author_name = clean_text(&self.author_name);
        let author_email = self.author_email.clone();
        let body = clean_text(&self.body);
        let looks_like_spam =
            self.website.as_deref().is_some_and(|w| !w.trim().is_empty()) || link_count(&body) > MAX_LINKS;
        Ok(Draft {
            author_name,
            author_email,
            body,
            parent_id: self.parent_id,
            challenge_id: self.challenge_id.trim().to_string(),
            challenge_answer: self.challenge_answer,
            looks_like_spam,
        })
    }
}

#[bantin_macros::constrained]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"author_name": "Nguyễn Văn An", "author_email": "an@example.vn", "body": "Hội nghị rất thiết thực.",
    "challenge_id": "q1w2e3r4t5y6u7i8o9p0aa", "challenge_answer": "k7m2x"}))]
pub struct CommentInput {
    /// 1–100 characters.
    #[check(chars(min = 1, max = 100), not_blank)]
    pub author_name: String,
    /// Kept private: only moderators see it.
    #[check(email)]
    pub author_email: String,
    /// Plain text, 1–2,000 characters.
    #[check(chars(min = 1, max = 2000), not_blank)]
    pub body: String,
    /// Reply to this approved top-level comment of the same article.
    pub parent_id: Option<i64>,
    /// From `POST /challenges`.
    #[check(not_blank)]
    pub challenge_id: String,
    #[check(not_blank)]
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
    /// Only threads whose comment or one of its replies changed at or after
    /// this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub updated_since: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Default `pending`.
    #[param(value_type = Option<CommentStatus>)]
    pub status: Option<String>,
    /// Only this article's comments (id or slug).
    pub article: Option<String>,
    /// Only comments changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub updated_since: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationInput {
    #[schema(value_type = CommentStatus)]
    pub status: String,
}

impl ModerationInput {
    pub fn parse(self) -> Result<CommentStatus, ApiError> {
        CommentStatus::parse(&self.status)
            .ok_or_else(|| ApiError::validation("status", FieldIssue::OneOf(CommentStatus::ALL)))
    }
}

/// `POST /comments/erase`: whose data to erase.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    /// The address the person commented with, exactly as they gave it.
    #[schema(example = "an@example.vn", min_length = 1, max_length = 254)]
    pub email: String,
}
