//! What a visitor sends to rate an article.

use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 (worst) to 5 (best).
    #[schema(minimum = 1, maximum = 5, example = 5)]
    pub score: i64,
}
