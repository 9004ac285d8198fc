//! `?include=officials,events` on articles: related items, one level deep,
//! loaded for a whole page in a fixed number of queries (part of the views).

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::input::Includes;
use super::views::{project, ArticleView};
use crate::db::{Conn, StoreResult};
use crate::events::model::Event;
use crate::events::views::EventRef;
use crate::http::lang::Lang;
use crate::officials::views::Directory;

/// The related items of a page of articles.
pub struct Included {
    which: Includes,
    officials_of: HashMap<i64, Vec<i64>>,
    directory: Option<Directory>,
    events_of: HashMap<i64, Vec<i64>>,
    events: HashMap<i64, Event>,
}

impl Included {
    /// At most two queries for events and four for officials, whatever the page size.
    pub fn load(conn: &mut Conn, article_ids: &[i64], which: Includes, now: NaiveDateTime) -> StoreResult<Included> {
        let mut included = Included {
            which,
            officials_of: HashMap::new(),
            directory: None,
            events_of: HashMap::new(),
            events: HashMap::new(),
        };
        if article_ids.is_empty() {
            return Ok(included);
        }
        if which.officials {
            included.officials_of = crate::officials::store::for_articles(conn, article_ids)?;
            let mut ids: Vec<i64> = included.officials_of.values().flatten().copied().collect();
            ids.sort_unstable();
            ids.dedup();
            let officials = if ids.is_empty() {
                Vec::new()
            } else {
                crate::officials::store::find_many(conn, &ids)?
            };
            included.directory = Some(Directory::load(conn, officials, now)?);
        }
        if which.events {
            let links = crate::events::store::article_links(conn, Some(article_ids), None)?;
            let mut ids: Vec<i64> = links.iter().map(|(_, e)| *e).collect();
            ids.sort_unstable();
            ids.dedup();
            for (article, event) in links {
                included.events_of.entry(article).or_default().push(event);
            }
            if !ids.is_empty() {
                included.events = crate::events::store::find_many(conn, &ids)?
                    .into_iter()
                    .map(|e| (e.id, e))
                    .collect();
            }
        }
        Ok(included)
    }

    /// Adds the requested related items to one article's JSON object.
    pub fn add_to(&self, article_id: i64, value: &mut serde_json::Value, lang: Lang) {
        let serde_json::Value::Object(map) = value else { return };
        if self.which.officials {
            let refs: Vec<_> = match &self.directory {
                Some(dir) => {
                    let ids = self.officials_of.get(&article_id).map(Vec::as_slice).unwrap_or(&[]);
                    let mut people: Vec<_> = dir.officials.iter().filter(|o| ids.contains(&o.id)).collect();
                    people.sort_by_key(|o| (dir.protocol_rank(o.id, None).unwrap_or(i32::MAX), o.id));
                    people.into_iter().map(|o| dir.reference(o, lang)).collect()
                }
                None => Vec::new(),
            };
            map.insert("officials".into(), serde_json::to_value(refs).unwrap_or_default());
        }
        if self.which.events {
            let mut events: Vec<&Event> = self
                .events_of
                .get(&article_id)
                .into_iter()
                .flatten()
                .filter_map(|id| self.events.get(id))
                .collect();
            events.sort_by_key(|e| (e.starts_at, e.id));
            let refs: Vec<EventRef> = events.into_iter().map(|e| EventRef::new(e, lang)).collect();
            map.insert("events".into(), serde_json::to_value(refs).unwrap_or_default());
        }
    }
}

/// An article as sent: trimmed to `fields`, with the related items asked for.
pub fn render(
    article: &ArticleView,
    fields: Option<&[String]>,
    in_list: bool,
    included: &Included,
    lang: Lang,
) -> serde_json::Value {
    let mut value = project(article, fields, in_list);
    included.add_to(article.id, &mut value, lang);
    value
}
