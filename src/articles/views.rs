//! What the API answers about articles: the article itself, trimmed to
//! `fields` and with its related items, and the rating summary (the small
//! `ArticleRef` that events embed is in `refs`, which embeds nothing).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{ArticleRow, Image, Status};
use super::stats::StatsRow;
use super::store::Related;
use crate::clock::utc;
use crate::taxonomy::views::TermRef;

pub use super::refs::ArticleRef;

/// How many visitors gave each score.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Distribution {
    #[serde(rename = "1")]
    pub one: i64,
    #[serde(rename = "2")]
    pub two: i64,
    #[serde(rename = "3")]
    pub three: i64,
    #[serde(rename = "4")]
    pub four: i64,
    #[serde(rename = "5")]
    pub five: i64,
}

/// "lượt đánh giá, trung bình": the rating summary of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"count": 3, "average": 4.33, "distribution": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}}))]
pub struct RatingSummary {
    pub count: i64,
    /// Rounded to two decimals; `null` until someone rates.
    pub average: Option<f64>,
    pub distribution: Distribution,
}

impl RatingSummary {
    pub fn of(stats: &StatsRow) -> RatingSummary {
        let average = (stats.rating_count > 0)
            .then(|| (stats.rating_sum as f64 / stats.rating_count as f64 * 100.0).round() / 100.0);
        RatingSummary {
            count: stats.rating_count,
            average,
            distribution: Distribution {
                one: stats.rating_1,
                two: stats.rating_2,
                three: stats.rating_3,
                four: stats.rating_4,
                five: stats.rating_5,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "slug": "hoi-nghi-giao-ban-6-thang-dau-nam-2022",
    "title": "Hội nghị giao ban 6 tháng đầu năm 2022",
    "summary": "Thường trực Thị ủy tổ chức hội nghị giao ban với Thường trực Ủy ban MTTQ và các đoàn thể.",
    "body": "<p>Chiều ngày 19/7, Thường trực Thị ủy đã tổ chức hội nghị giao ban…</p>",
    "cover_image": {"url": "/media/hoi-nghi.jpg", "caption": "Toàn cảnh hội nghị", "alt": null},
    "images": [{"url": "/media/phat-bieu.jpg", "caption": "Chủ tịch UBMTTQ thị xã Đặng Ngọc Sơn phát biểu tại hội nghị", "alt": null}],
    "category": {"id": 1, "slug": "tin-hoat-dong", "name": "Tin hoạt động"},
    "tags": [{"id": 1, "slug": "mat-tran-to-quoc", "name": "Mặt trận Tổ quốc"}],
    "byline": "Thanh Hà", "status": "published", "published_at": "2022-07-19T10:00:00Z",
    "comments_enabled": true, "view_count": 1280, "comment_count": 3,
    "rating": {"count": 7, "average": 4.43, "distribution": {"1": 0, "2": 0, "3": 1, "4": 2, "5": 4}},
    "created_at": "2022-07-19T09:30:00Z", "updated_at": "2022-07-19T10:00:00Z"
}))]
pub struct ArticleView {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// The lead paragraph (sapo).
    pub summary: Option<String>,
    /// Sanitised HTML. Omitted from list items unless asked for with `fields`.
    pub body: String,
    pub cover_image: Option<Image>,
    /// Inline photos with their captions, in order.
    pub images: Vec<Image>,
    pub category: Option<TermRef>,
    pub tags: Vec<TermRef>,
    pub byline: Option<String>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub comments_enabled: bool,
    /// Views counted so far; recent views are added in batches every few seconds.
    pub view_count: i64,
    /// Approved comments.
    pub comment_count: i64,
    /// Visitors' ratings, 1–5.
    pub rating: RatingSummary,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `include=officials`: the officials it is about, in protocol order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub officials: Option<Vec<crate::officials::views::OfficialRef>>,
    /// With `include=events`: the events it reports on, in calendar order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub events: Option<Vec<crate::events::views::EventRef>>,
    /// With `q=` (search results only): where the words were found, with
    /// `<mark>` around them (the only markup; the rest is escaped).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub snippet: Option<String>,
}

pub fn view(row: ArticleRow, related: &Related, now: NaiveDateTime) -> ArticleView {
    let status = row.effective_status(now);
    let stats = related.stats.get(&row.id).copied().unwrap_or_default();
    ArticleView {
        category: row
            .category_id
            .and_then(|c| related.categories.get(&c))
            .map(TermRef::from),
        tags: related
            .tags
            .get(&row.id)
            .map(|ts| ts.iter().map(TermRef::from).collect())
            .unwrap_or_default(),
        cover_image: row.cover_image.0.clone(),
        images: row.images.0.clone(),
        id: row.id,
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        body: row.body,
        byline: row.byline,
        status,
        published_at: row.published_at.map(utc),
        comments_enabled: row.comments_enabled,
        view_count: row.view_count,
        comment_count: stats.comment_count,
        rating: RatingSummary::of(&stats),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        officials: None,
        events: None,
        snippet: None,
    }
}

/// Trims an article to the requested fields; list items drop `body` by default.
pub fn project(article: &ArticleView, fields: Option<&[String]>, in_list: bool) -> serde_json::Value {
    let mut value = serde_json::to_value(article).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        match fields {
            Some(fields) => map.retain(|k, _| fields.iter().any(|f| f == k)),
            None if in_list => {
                map.remove("body");
            }
            None => {}
        }
    }
    value
}
