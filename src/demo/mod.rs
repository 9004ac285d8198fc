//! `bantin demo`: a small, realistic portal built from the facts of the
//! Hồng Lĩnh town page, so that a newcomer sees real-looking data at once.
//! The data ships inside the binary (`portal.json`); loading it twice
//! changes nothing.

use serde::Deserialize;

use crate::articles::input::{apply, defaults, ArticleInput};
use crate::articles::store as articles;
use crate::db::{write_tx, Conn};
use crate::http::extract::IdOrSlug;
use crate::http::ApiError;
use crate::taxonomy::model::TermInput;
use crate::taxonomy::{store as terms, TermKind};

const PORTAL: &str = include_str!("portal.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSite {
    categories: Vec<DemoCategory>,
    articles: Vec<DemoArticle>,
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
    article: ArticleInput,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub categories: usize,
    pub articles: usize,
}

/// Loads the demo portal; items whose slug already exists are left as they are.
pub fn load(conn: &mut Conn, now: chrono::NaiveDateTime) -> anyhow::Result<Loaded> {
    let site: DemoSite = serde_json::from_str(PORTAL)?;
    let mut loaded = Loaded::default();
    write_tx(conn, |conn| -> Result<(), ApiError> {
        for c in &site.categories {
            if terms::find(conn, TermKind::Category, &IdOrSlug::Slug(c.slug.clone()))?.is_none() {
                let input = TermInput {
                    name: c.name.clone(),
                    slug: Some(c.slug.clone()),
                    description: c.description.clone(),
                };
                terms::create(conn, TermKind::Category, &input, now)?;
                loaded.categories += 1;
            }
        }
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("loading demo categories: {e:?}"))?;
    for DemoArticle { category, mut article } in site.articles {
        if let Some(slug) = &article.slug {
            if articles::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .is_some()
            {
                continue;
            }
        } else {
            let title = article.title.clone().unwrap_or_default();
            let slug = crate::text::slugify(&title, 120);
            if articles::find(conn, &IdOrSlug::Slug(slug.clone()))
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .is_some()
            {
                continue;
            }
            article.slug = Some(slug);
        }
        if let Some(slug) = category {
            let category = terms::find(conn, TermKind::Category, &IdOrSlug::Slug(slug.clone()))
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .ok_or_else(|| anyhow::anyhow!("demo category {slug} is missing"))?;
            article.category_id = Some(Some(category.id));
        }
        let (mut data, tags) =
            apply(article, defaults(now), true, now).map_err(|e| anyhow::anyhow!("demo article is invalid: {e:?}"))?;
        let created_at = data.published_at.unwrap_or(now).min(now);
        data.updated_at = created_at;
        write_tx(conn, |conn| articles::save(conn, None, data, tags, None, created_at))
            .map_err(|e| anyhow::anyhow!("saving demo article: {e:?}"))?;
        loaded.articles += 1;
    }
    Ok(loaded)
}
