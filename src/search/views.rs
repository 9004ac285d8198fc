//! What `/search` answers: one kind of result for every kind of item.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "article", "id": 1, "slug": "thuong-truc-thi-uy-giao-ban-voi-mttq-va-cac-doan-the-6-thang-dau-nam-2022",
    "title": "Thường trực Thị ủy giao ban với Thường trực Ủy ban MTTQ…",
    "snippet": "…Thường trực Thị ủy đã tổ chức <mark>hội</mark> <mark>nghị</mark> giao ban…", "date": "2022-07-19T10:30:00Z"}))]
pub struct SearchResult {
    /// `article`, `event`, `official` or `document`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// HTML: the matched words in `<mark>`, everything else escaped.
    pub snippet: String,
    /// Publication date (articles), start (events) or issue date (documents).
    pub date: Option<DateTime<Utc>>,
}
