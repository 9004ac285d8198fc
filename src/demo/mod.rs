//! `bantin demo`: a small, realistic portal built from the facts of the
//! Hồng Lĩnh town page (the mid-year meeting of 19/7/2022, its article and
//! photo captions, the officials who chaired it and their positions), so a
//! newcomer sees real-looking data at once. The data ships inside the binary
//! (`portal.json`) and goes through the same validation as the API; loading
//! it twice changes nothing. Dates of office and the meeting's hours are
//! illustrative.

use crate::changes::Stamp;
use anyhow::{anyhow, Context};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::articles::input::{apply as apply_article, ArticleInput};
use crate::db::{write_tx, Conn, IdOrSlug};
use crate::events::input::EventInput;
use crate::http::ApiError;
use crate::officials::input::{OfficialInput, PositionInput};
use crate::organizations::input::OrganizationInput;
use crate::taxonomy::model::{TermInput, TermKind};
use crate::taxonomy::store as terms;
use crate::web::editable::Editable;

mod files;
mod sections;

pub use files::{demo_photo, silent_mp3};
use sections::*;

const PORTAL: &str = include_str!("portal.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSite {
    organizations: Vec<DemoOrganization>,
    officials: Vec<DemoOfficial>,
    events: Vec<DemoEvent>,
    categories: Vec<DemoCategory>,
    articles: Vec<DemoArticle>,
    comments: Vec<DemoComment>,
    ratings: Vec<DemoRatings>,
    pages: Vec<DemoPage>,
    link_groups: Vec<crate::links::input::LinkGroupInput>,
    documents: Vec<DemoDocument>,
    playlists: Vec<DemoPlaylist>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPage {
    parent: Option<String>,
    page: crate::pages::input::PageInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoDocument {
    issuer: Option<String>,
    signer: Option<String>,
    document: crate::documents::input::DocumentInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPlaylist {
    title: String,
    slug: String,
    description: Option<String>,
    position: i32,
    tracks: Vec<DemoTrack>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTrack {
    title: String,
    /// The length of the silent recording made for it.
    seconds: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoComment {
    #[serde(default)]
    article: String,
    author_name: String,
    author_email: String,
    status: String,
    body: String,
    #[serde(default)]
    replies: Vec<DemoComment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRatings {
    article: String,
    scores: Vec<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOrganization {
    organization: OrganizationInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPosition {
    organization: String,
    title: String,
    title_en: Option<String>,
    started_on: chrono::NaiveDate,
    rank: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOfficial {
    official: OfficialInput,
    positions: Vec<DemoPosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoEvent {
    organization: Option<String>,
    chairs: Vec<String>,
    attendees: Vec<String>,
    event: EventInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCategory {
    name: String,
    slug: String,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoArticle {
    category: Option<String>,
    #[serde(default)]
    officials: Vec<String>,
    #[serde(default)]
    events: Vec<String>,
    article: ArticleInput,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub organizations: usize,
    pub officials: usize,
    pub events: usize,
    pub categories: usize,
    pub articles: usize,
    pub comments: usize,
    pub ratings: usize,
    pub pages: usize,
    pub link_groups: usize,
    pub documents: usize,
    /// Only when the media store is given ([`load_with_media`]).
    pub playlists: usize,
}

/// Why a demo item was refused, in English.
fn fail<E: Into<ApiError>>(what: &str) -> impl Fn(E) -> anyhow::Error + '_ {
    move |e| {
        let e: ApiError = e.into();
        anyhow!(
            "{what}: {}",
            e.problem(crate::http::lang::Lang::En)
                .errors
                .iter()
                .map(|f| format!("{} {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        )
    }
}

fn id_of<T>(found: Option<T>, what: &str, slug: &str, id: impl Fn(&T) -> i64) -> anyhow::Result<i64> {
    found
        .map(|t| id(&t))
        .ok_or_else(|| anyhow!("demo {what} {slug} is missing"))
}

/// Loads the demo portal; items whose slug already exists are left as they
/// are. Without a media store, the playlist (whose songs are files) is left out.
pub fn load(conn: &mut Conn, now: NaiveDateTime) -> anyhow::Result<Loaded> {
    load_with_media(conn, now, None)
}

/// [`load`], with the playlist's songs stored in `media`.
pub fn load_with_media(
    conn: &mut Conn,
    now: NaiveDateTime,
    media: Option<&crate::media::files::MediaFiles>,
) -> anyhow::Result<Loaded> {
    let site: DemoSite = serde_json::from_str(PORTAL).context("demo data")?;
    let mut loaded = Loaded::default();
    let ctx = Ctx {
        now,
        stamp: Stamp::system(now),
        media,
    };
    write_tx(conn, |conn| -> anyhow::Result<()> {
        organizations(conn, &ctx, site.organizations, &mut loaded)?;
        officials(conn, &ctx, site.officials, &mut loaded)?;
        events(conn, &ctx, site.events, &mut loaded)?;
        categories(conn, &ctx, site.categories, &mut loaded)?;
        articles(conn, &ctx, site.articles, &mut loaded)?;
        comments(conn, &ctx, site.comments, &mut loaded)?;
        ratings(conn, &ctx, site.ratings, &mut loaded)?;
        pages(conn, &ctx, site.pages, &mut loaded)?;
        link_groups(conn, &ctx, site.link_groups, &mut loaded)?;
        documents(conn, &ctx, site.documents, &mut loaded)?;
        playlists(conn, &ctx, site.playlists, &mut loaded)?;
        Ok(())
    })?;
    Ok(loaded)
}

/// What every part of the loader needs.
struct Ctx<'a> {
    now: NaiveDateTime,
    stamp: Stamp,
    media: Option<&'a crate::media::files::MediaFiles>,
}

fn insert_comment(
    conn: &mut Conn,
    article_id: i64,
    parent_id: Option<i64>,
    c: &DemoComment,
    now: NaiveDateTime,
) -> anyhow::Result<i64> {
    let new = crate::comments::model::NewComment {
        article_id,
        parent_id,
        author_name: c.author_name.clone(),
        author_email: c.author_email.clone(),
        body: c.body.clone(),
        body_hash: crate::comments::store::body_hash(&c.body),
        status: c.status.clone(),
        client_hash: "demo".into(),
        created_at: now,
        updated_at: now,
    };
    Ok(crate::comments::store::insert(conn, &new, &Stamp::system(now))
        .map_err(fail("demo comment"))?
        .id)
}
