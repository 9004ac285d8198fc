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
use crate::articles::model::ArticleData;
use crate::db::{write_tx, Conn, IdOrSlug};
use crate::events::input::EventInput;
use crate::events::model::EventData;
use crate::http::ApiError;
use crate::officials::input::{OfficialInput, PositionInput};
use crate::officials::model::OfficialData;
use crate::organizations::input::OrganizationInput;
use crate::organizations::model::OrganizationData;
use crate::taxonomy::model::{TermInput, TermKind};
use crate::taxonomy::store as terms;

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
    let (pages, link_groups, documents, playlists) = (site.pages, site.link_groups, site.documents, site.playlists);
    let mut loaded = Loaded::default();
    let stamp = Stamp::system(now);
    write_tx(conn, |conn| -> anyhow::Result<()> {
        for DemoOrganization { organization } in site.organizations {
            let slug = organization.slug.clone().unwrap_or_default();
            if crate::organizations::store::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(fail(&slug))?
                .is_some()
            {
                continue;
            }
            let data = crate::organizations::input::apply(organization, OrganizationData::new(now), true, now)
                .map_err(fail(&slug))?;
            crate::organizations::store::create(conn, data, &stamp).map_err(fail(&slug))?;
            loaded.organizations += 1;
        }
        for DemoOfficial {
            mut official,
            positions,
        } in site.officials
        {
            let slug = official.slug.clone().unwrap_or_default();
            if crate::officials::store::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(fail(&slug))?
                .is_some()
            {
                continue;
            }
            let mut list = Vec::new();
            for p in positions {
                let org = crate::organizations::store::find(conn, &IdOrSlug::Slug(p.organization.clone()))
                    .map_err(fail(&slug))?;
                let organization_id = id_of(org, "organization", &p.organization, |o| o.id)?;
                list.push(PositionInput {
                    organization_id,
                    title: p.title,
                    title_en: p.title_en,
                    started_on: p.started_on,
                    ended_on: None,
                    rank: Some(p.rank),
                });
            }
            official.positions = Some(list);
            let (data, positions) =
                crate::officials::input::apply(official, OfficialData::new(now), true, now).map_err(fail(&slug))?;
            crate::officials::store::create(conn, data, positions, &stamp).map_err(fail(&slug))?;
            loaded.officials += 1;
        }
        for DemoEvent {
            organization,
            chairs,
            attendees,
            mut event,
        } in site.events
        {
            let slug = event.slug.clone().unwrap_or_default();
            if crate::events::store::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(fail(&slug))?
                .is_some()
            {
                continue;
            }
            if let Some(org) = organization {
                let found =
                    crate::organizations::store::find(conn, &IdOrSlug::Slug(org.clone())).map_err(fail(&slug))?;
                event.organization_id = Some(Some(id_of(found, "organization", &org, |o| o.id)?));
            }
            let mut people = |slugs: Vec<String>| -> anyhow::Result<Vec<i64>> {
                slugs
                    .into_iter()
                    .map(|s| {
                        let found =
                            crate::officials::store::find(conn, &IdOrSlug::Slug(s.clone())).map_err(fail(&s))?;
                        id_of(found, "official", &s, |o| o.id)
                    })
                    .collect()
            };
            event.chairs = Some(people(chairs)?);
            event.attendees = Some(people(attendees)?);
            let (data, participants, articles) =
                crate::events::input::apply(event, EventData::new(now), true, now).map_err(fail(&slug))?;
            crate::events::store::create(conn, data, participants, articles, &stamp).map_err(fail(&slug))?;
            loaded.events += 1;
        }
        for c in &site.categories {
            if terms::find(conn, TermKind::Category, &IdOrSlug::Slug(c.slug.clone()))
                .map_err(fail(&c.slug))?
                .is_none()
            {
                let input = TermInput {
                    name: c.name.clone(),
                    slug: Some(c.slug.clone()),
                    description: c.description.clone(),
                };
                terms::create(conn, TermKind::Category, &input, &stamp).map_err(fail(&c.slug))?;
                loaded.categories += 1;
            }
        }
        for DemoArticle {
            category,
            officials,
            events,
            mut article,
        } in site.articles
        {
            let title = article.title.clone().unwrap_or_default();
            let slug = article
                .slug
                .clone()
                .unwrap_or_else(|| crate::text::slugify(&title, 120));
            if crate::articles::store::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(fail(&slug))?
                .is_some()
            {
                continue;
            }
            article.slug = Some(slug.clone());
            if let Some(c) = category {
                let found = terms::find(conn, TermKind::Category, &IdOrSlug::Slug(c.clone())).map_err(fail(&c))?;
                article.category_id = Some(Some(id_of(found, "category", &c, |t| t.id)?));
            }
            let mut ids = Vec::new();
            for s in officials {
                let found = crate::officials::store::find(conn, &IdOrSlug::Slug(s.clone())).map_err(fail(&s))?;
                ids.push(id_of(found, "official", &s, |o| o.id)?);
            }
            article.official_ids = Some(ids);
            let mut ids = Vec::new();
            for s in events {
                let found = crate::events::store::find(conn, &IdOrSlug::Slug(s.clone())).map_err(fail(&s))?;
                ids.push(id_of(found, "event", &s, |e| e.id)?);
            }
            article.event_ids = Some(ids);
            if let Some(files) = media {
                photos_into_library(conn, files, &stamp, &mut article)
                    .map_err(|e| anyhow!("demo photos of {slug}: {e}"))?;
            }
            let (mut data, links) = apply_article(article, ArticleData::new(now), true, now).map_err(fail(&slug))?;
            let created_at = data.published_at.unwrap_or(now).min(now);
            data.updated_at = created_at;
            crate::articles::store::create(conn, data, links, &Stamp::system(created_at)).map_err(fail(&slug))?;
            loaded.articles += 1;
        }
        // Comments are added only to articles that have none yet.
        let mut already_discussed = std::collections::HashMap::new();
        for c in site.comments {
            let article =
                crate::articles::store::find(conn, &IdOrSlug::Slug(c.article.clone())).map_err(fail(&c.article))?;
            let article_id = id_of(article, "article", &c.article, |a| a.id)?;
            let discussed = match already_discussed.get(&article_id) {
                Some(discussed) => *discussed,
                None => {
                    let discussed =
                        crate::comments::store::count_for_article(conn, article_id).map_err(fail(&c.article))? > 0;
                    already_discussed.insert(article_id, discussed);
                    discussed
                }
            };
            if discussed {
                continue;
            }
            let parent = insert_comment(conn, article_id, None, &c, now)?;
            loaded.comments += 1;
            for reply in &c.replies {
                insert_comment(conn, article_id, Some(parent), reply, now)?;
                loaded.comments += 1;
            }
            crate::articles::stats::recount_comments(conn, article_id).map_err(fail(&c.article))?;
        }
        for r in site.ratings {
            let article =
                crate::articles::store::find(conn, &IdOrSlug::Slug(r.article.clone())).map_err(fail(&r.article))?;
            let article_id = id_of(article, "article", &r.article, |a| a.id)?;
            for (i, score) in r.scores.iter().enumerate() {
                let added =
                    crate::ratings::store::rate(conn, article_id, &format!("v:demo-visitor-{i:02}"), *score, now)
                        .map_err(fail(&r.article))?;
                loaded.ratings += usize::from(added);
            }
        }
        for DemoPage { parent, mut page } in pages {
            let slug = page.slug.clone().unwrap_or_default();
            if crate::pages::store::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(fail(&slug))?
                .is_some()
            {
                continue;
            }
            if let Some(parent) = parent {
                let found = crate::pages::store::find(conn, &IdOrSlug::Slug(parent.clone())).map_err(fail(&slug))?;
                page.parent_id = Some(Some(id_of(found, "page", &parent, |p| p.id)?));
            }
            let data = crate::pages::input::apply(page, crate::pages::model::PageData::new(now), true, now)
                .map_err(fail(&slug))?;
            crate::pages::store::create(conn, data, &stamp).map_err(fail(&slug))?;
            loaded.pages += 1;
        }
        for group in link_groups {
            let slug = group.slug.clone().unwrap_or_default();
            if crate::links::store::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(fail(&slug))?
                .is_some()
            {
                continue;
            }
            let data = crate::links::input::apply(group, crate::links::model::LinkGroupData::new(now), true, now)
                .map_err(fail(&slug))?;
            crate::links::store::create(conn, data, &stamp).map_err(fail(&slug))?;
            loaded.link_groups += 1;
        }
        for DemoDocument {
            issuer,
            signer,
            mut document,
        } in documents
        {
            let number = document.number.clone().unwrap_or_default();
            let key = crate::documents::number_key(&number);
            if !crate::documents::store::by_number(conn, &key, 1)
                .map_err(fail(&number))?
                .is_empty()
            {
                continue;
            }
            if let Some(org) = issuer {
                let found =
                    crate::organizations::store::find(conn, &IdOrSlug::Slug(org.clone())).map_err(fail(&number))?;
                document.issuer_id = Some(Some(id_of(found, "organization", &org, |o| o.id)?));
            }
            if let Some(person) = signer {
                let found =
                    crate::officials::store::find(conn, &IdOrSlug::Slug(person.clone())).map_err(fail(&number))?;
                document.signer_id = Some(Some(id_of(found, "official", &person, |o| o.id)?));
            }
            let data =
                crate::documents::input::apply(document, crate::documents::model::DocumentData::new(now), true, now)
                    .map_err(fail(&number))?;
            crate::documents::store::create(conn, data, &stamp).map_err(fail(&number))?;
            loaded.documents += 1;
        }
        if let Some(files) = media {
            for list in playlists {
                if crate::playlists::store::find(conn, &IdOrSlug::Slug(list.slug.clone()))
                    .map_err(fail(&list.slug))?
                    .is_some()
                {
                    continue;
                }
                let mut tracks = Vec::new();
                for track in list.tracks {
                    let song = silent_mp3(&track.title, track.seconds);
                    let id = crate::media::store::ingest_blocking(
                        conn,
                        files,
                        &song,
                        &format!("{}.mp3", track.title),
                        &stamp,
                    )
                    .map_err(|e| anyhow!("demo song {}: {e}", track.title))?;
                    tracks.push(crate::playlists::input::TrackInput {
                        media_id: id,
                        title: track.title,
                        composer: None,
                        performer: None,
                    });
                }
                let input = crate::playlists::input::PlaylistInput {
                    title: Some(list.title),
                    slug: Some(list.slug.clone()),
                    description: Some(list.description),
                    position: Some(list.position),
                    tracks: Some(tracks),
                };
                let data =
                    crate::playlists::input::apply(input, crate::playlists::model::PlaylistData::new(now), true, now)
                        .map_err(fail(&list.slug))?;
                crate::playlists::store::create(conn, data, &stamp).map_err(fail(&list.slug))?;
                loaded.playlists += 1;
            }
        }
        Ok(())
    })?;
    Ok(loaded)
}

/// Puts an article's photos (named by the demo's paths, which no server
/// has) into the media library: a picture made for each, stored with its
/// variants, then named by `media_id` in the cover, the gallery and the body.
fn photos_into_library(
    conn: &mut Conn,
    files: &crate::media::files::MediaFiles,
    stamp: &Stamp,
    article: &mut ArticleInput,
) -> Result<(), String> {
    let mut store = |image: &mut crate::media::refs::ImageInput, body: &mut Option<String>| -> Result<(), String> {
        let Some(path) = image.url.take().filter(|u| u.starts_with("/media/")) else {
            return Ok(());
        };
        let name = path.rsplit('/').next().unwrap_or("anh.jpg");
        let id = crate::media::store::ingest_blocking(conn, files, &demo_photo(name), name, stamp)?;
        let item = crate::media::store::find(conn, id)
            .map_err(|e| e.to_string())?
            .ok_or("the photo just stored is gone")?;
        if let Some(html) = body.as_mut() {
            *html = html.replace(&path, &item.original_path());
        }
        image.media_id = Some(id);
        Ok(())
    };
    if let Some(Some(cover)) = article.cover_image.as_mut() {
        store(cover, &mut article.body)?;
    }
    for image in article.images.iter_mut().flatten() {
        store(image, &mut article.body)?;
    }
    Ok(())
}

/// A 1600×1067 JPEG standing in for a news photo: a hall with a red
/// backdrop and rows of people, its light and colours varied by `name`.
pub fn demo_photo(name: &str) -> Vec<u8> {
    use image::{ImageEncoder, Rgb, RgbImage};
    let seed = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let (width, height) = (1600u32, 1067u32);
    let tint = (seed % 60) as u8;
    let picture = RgbImage::from_fn(width, height, |x, y| {
        let band = y * 10 / height;
        let head = band >= 5 && ((x + (band * 37)) % 90 < 40) && (y % (height / 10)) < height / 16;
        match band {
            _ if head => Rgb([40 + tint / 3, 30, 28]),
            0..=1 => Rgb([200 - tint, 40 + tint / 2, 36]),
            2..=4 => Rgb([230 - (y / 12) as u8 % 40, 220 - tint, 200]),
            _ => Rgb([70 + (x / 40) as u8 % 30, 90 + tint, 120]),
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .map(|()| out)
        .unwrap_or_default()
}

/// A silent MP3 of `seconds` (MPEG-1 layer III, 32 kbit/s, 44.1 kHz), with
/// its title in an ID3v2 tag: the demo's stand-in for a recording.
pub fn silent_mp3(title: &str, seconds: u32) -> Vec<u8> {
    let mut frame = vec![0xFF, 0xFB, 0x10, 0xC4];
    frame.resize(104, 0); // 144 × 32000 / 44100 = 104 bytes a frame
    let mut text = vec![3u8]; // UTF-8
    text.extend(title.as_bytes());
    let mut tag = b"TIT2".to_vec();
    tag.extend((text.len() as u32).to_be_bytes());
    tag.extend([0, 0]);
    tag.extend(text);
    let size = tag.len() as u32;
    let mut out = b"ID3\x03\x00\x00".to_vec();
    out.extend([
        (size >> 21) as u8 & 0x7F,
        (size >> 14) as u8 & 0x7F,
        (size >> 7) as u8 & 0x7F,
        size as u8 & 0x7F,
    ]);
    out.extend(tag);
    let frames = (u64::from(seconds) * 44_100).div_ceil(1152);
    for _ in 0..frames {
        out.extend(&frame);
    }
    out
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
