//! What `POST /challenges` answers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "q1w2e3r4t5y6u7i8o9p0aa", "kind": "image_code",
    "image": "data:image/png;base64,iVBORw0KGgo…", "expires_at": "2022-07-19T08:05:00Z"}))]
pub struct ChallengeView {
    /// Send back as `challenge_id`.
    pub id: String,
    /// `image_code`: read the characters in `image`, send them as `challenge_answer` (case does not matter).
    pub kind: &'static str,
    pub image: String,
    pub expires_at: DateTime<Utc>,
}
