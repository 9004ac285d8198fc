//! The query string of `/search`.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::lang::LangParam;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words with or without tone marks; `"a phrase"` in quotes; the last word also matches as a prefix.
    pub q: Option<String>,
    /// `articles`, `events`, `officials` or `documents` (comma-separated); all four by default.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub lang: Option<LangParam>,
}
