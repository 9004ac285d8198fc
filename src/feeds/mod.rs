//! Feeds for readers and aggregators: RSS 2.0, Atom 1.0 and JSON Feed 1.1
//! of the newest published articles (the whole site, or one category, tag,
//! official or organization) and of the newest documents. Links point at
//! the public site as configured (`BANTIN_SITE_URL`, `BANTIN_ARTICLE_URL`,
//! `BANTIN_DOCUMENT_URL`), never at what a request's headers claim.

pub mod api;
pub mod embed;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde_json::json;

use crate::config::Config;
use crate::media::refs::Image;

/// How many items a feed holds.
pub const ITEMS: i64 = 50;

/// One entry of a feed, whatever it was made from.
#[derive(Debug, Clone)]
pub struct Entry {
    /// A stable identifier (`tag:` URI of this site and item).
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: Option<String>,
    /// Sanitised HTML.
    pub content: String,
    pub author: Option<String>,
    pub categories: Vec<String>,
    pub published: NaiveDateTime,
    pub updated: NaiveDateTime,
    /// An absolute URL, its MIME type and its length in bytes (0: unknown).
    pub enclosure: Option<(String, String, u64)>,
    pub image: Option<String>,
}

/// A feed's own description.
#[derive(Debug, Clone)]
pub struct Channel {
    pub title: String,
    pub description: String,
    /// The public site's page the feed follows.
    pub home: String,
    /// The feed itself, without its format's extension.
    pub self_url: String,
    /// What narrows it (`category=thoi-su`), encoded, or empty: part of its
    /// address, so of its self link and Atom id (a narrowed feed is another
    /// feed to a reader).
    pub query: String,
    pub updated: NaiveDateTime,
}

impl Channel {
    /// The feed's own address in the format with this extension.
    pub fn link(&self, extension: &str) -> String {
        match self.query.as_str() {
            "" => format!("{}.{extension}", self.self_url),
            query => format!("{}.{extension}?{query}", self.self_url),
        }
    }
}

fn fixed(at: NaiveDateTime) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc).fixed_offset()
}

pub use crate::http::site::{absolute, api_base};

/// The enclosure of a cover photo: its 1280-wide JPEG when it has one (the
/// size feed readers show), else the photo as stored.
pub fn enclosure(config: &Config, image: &Image, original_size: Option<u64>) -> (String, String, u64) {
    match image
        .variants
        .iter()
        .rev()
        .find(|v| v.mime_type == "image/jpeg" && v.width <= 1280)
    {
        Some(v) => (absolute(config, &v.url), v.mime_type.clone(), 0),
        None => {
            let mime = if image.url.ends_with(".png") {
                "image/png"
            } else if image.url.ends_with(".webp") {
                "image/webp"
            } else if image.url.ends_with(".gif") {
                "image/gif"
            } else {
                "image/jpeg"
            };
            (absolute(config, &image.url), mime.into(), original_size.unwrap_or(0))
        }
    }
}

pub fn rss(channel: &Channel, entries: &[Entry]) -> String {
    use rss::extension::dublincore::DublinCoreExtension;
    let items = entries
        .iter()
        .map(|e| rss::Item {
            title: Some(e.title.clone()),
            link: Some(e.url.clone()),
            description: e.summary.clone(),
            categories: e
                .categories
                .iter()
                .map(|c| rss::Category {
                    name: c.clone(),
                    domain: None,
                })
                .collect(),
            enclosure: e.enclosure.as_ref().map(|(url, mime, length)| rss::Enclosure {
                url: url.clone(),
                length: length.to_string(),
                mime_type: mime.clone(),
            }),
            // The `tag:` id, not the URL: a renamed article keeps its
            // guid, so readers do not show it twice.
            guid: Some(rss::Guid {
                value: e.id.clone(),
                permalink: false,
            }),
            pub_date: Some(fixed(e.published).to_rfc2822()),
            content: Some(e.content.clone()),
            dublin_core_ext: e.author.as_ref().map(|a| DublinCoreExtension {
                creators: vec![a.clone()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let namespaces = [
        ("content", "http://purl.org/rss/1.0/modules/content/"),
        ("dc", rss::extension::dublincore::NAMESPACE),
        ("atom", "http://www.w3.org/2005/Atom"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut atom_self = rss::extension::ExtensionMap::default();
    let link = rss::extension::Extension {
        name: "atom:link".into(),
        attrs: [
            ("href", channel.link("rss")),
            ("rel", "self".into()),
            ("type", "application/rss+xml".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        ..Default::default()
    };
    atom_self
        .entry("atom".into())
        .or_default()
        .insert("link".into(), vec![link]);
    let rss = rss::Channel {
        title: channel.title.clone(),
        link: channel.home.clone(),
        description: channel.description.clone(),
        language: Some("vi".into()),
        generator: Some("bantin".into()),
        last_build_date: Some(fixed(channel.updated).to_rfc2822()),
        items,
        namespaces,
        extensions: atom_self,
        ..Default::default()
    };
    rss.to_string()
}

pub fn atom(channel: &Channel, entries: &[Entry], site_name: &str) -> String {
    use atom_syndication as a;
    let link = |href: &str, rel: &str, mime: Option<&str>| a::Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: mime.map(str::to_string),
        ..Default::default()
    };
    let feed = a::Feed {
        title: a::Text::plain(channel.title.clone()),
        id: channel.link("atom"),
        updated: fixed(channel.updated),
        authors: vec![a::Person {
            name: site_name.into(),
            ..Default::default()
        }],
        links: vec![
            link(&channel.link("atom"), "self", Some("application/atom+xml")),
            link(&channel.home, "alternate", Some("text/html")),
        ],
        subtitle: Some(a::Text::plain(channel.description.clone())),
        lang: Some("vi".into()),
        entries: entries
            .iter()
            .map(|e| {
                let mut links = vec![link(&e.url, "alternate", Some("text/html"))];
                if let Some((url, mime, length)) = &e.enclosure {
                    links.push(a::Link {
                        length: (*length > 0).then(|| length.to_string()),
                        ..link(url, "enclosure", Some(mime))
                    });
                }
                a::Entry {
                    title: a::Text::plain(e.title.clone()),
                    id: e.id.clone(),
                    updated: fixed(e.updated),
                    published: Some(fixed(e.published)),
                    authors: vec![a::Person {
                        name: e.author.clone().unwrap_or_else(|| site_name.to_string()),
                        ..Default::default()
                    }],
                    categories: e
                        .categories
                        .iter()
                        .map(|c| a::Category {
                            term: c.clone(),
                            ..Default::default()
                        })
                        .collect(),
                    links,
                    summary: e.summary.clone().map(a::Text::plain),
                    content: Some(a::Content {
                        value: Some(e.content.clone()),
                        content_type: Some("html".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                }
            })
            .collect(),
        ..Default::default()
    };
    // atom_syndication writes its own XML declaration: one is all XML allows.
    feed.to_string()
}

pub fn json_feed(channel: &Channel, entries: &[Entry]) -> serde_json::Value {
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "description": channel.description,
        "home_page_url": channel.home,
        "feed_url": channel.link("json"),
        "language": "vi",
        "items": entries.iter().map(|e| {
            let mut item = json!({
                "id": e.id,
                "url": e.url,
                "title": e.title,
                "content_html": e.content,
                "date_published": fixed(e.published).to_rfc3339(),
                "date_modified": fixed(e.updated).to_rfc3339(),
                "tags": e.categories,
            });
            if let Some(summary) = &e.summary {
                item["summary"] = json!(summary);
            }
            if let Some(author) = &e.author {
                item["authors"] = json!([{"name": author}]);
            }
            if let Some(image) = &e.image {
                item["image"] = json!(image);
            }
            if let Some((url, mime, length)) = &e.enclosure {
                let mut attachment = json!({"url": url, "mime_type": mime});
                if *length > 0 {
                    attachment["size_in_bytes"] = json!(length);
                }
                item["attachments"] = json!([attachment]);
            }
            item
        }).collect::<Vec<_>>(),
    })
}
