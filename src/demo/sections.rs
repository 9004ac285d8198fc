//! The loader's parts, one a kind of content, each leaving what is
//! already there as it is.

use super::files::photos_into_library;
use super::*;

/// Loads the organizations.
pub(super) fn organizations(
    conn: &mut Conn,
    ctx: &Ctx,
    items: Vec<DemoOrganization>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for DemoOrganization { organization } in items {
        let slug = organization.slug.clone().unwrap_or_default();
        if crate::organizations::store::find(conn, &IdOrSlug::Slug(slug.clone()))
            .map_err(fail(&slug))?
            .is_some()
        {
            continue;
        }
        <crate::organizations::api::Organizations as Editable>::create(conn, organization, stamp)
            .map_err(fail(&slug))?;
        loaded.organizations += 1;
    }
    Ok(())
}

/// Loads the officials and their positions.
pub(super) fn officials(
    conn: &mut Conn,
    ctx: &Ctx,
    items: Vec<DemoOfficial>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for DemoOfficial {
        mut official,
        positions,
    } in items
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
        <crate::officials::api::Officials as Editable>::create(conn, official, stamp).map_err(fail(&slug))?;
        loaded.officials += 1;
    }
    Ok(())
}

/// Loads the events, with who chairs and attends them.
pub(super) fn events(conn: &mut Conn, ctx: &Ctx, items: Vec<DemoEvent>, loaded: &mut Loaded) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for DemoEvent {
        organization,
        chairs,
        attendees,
        mut event,
    } in items
    {
        let slug = event.slug.clone().unwrap_or_default();
        if crate::events::store::find(conn, &IdOrSlug::Slug(slug.clone()))
            .map_err(fail(&slug))?
            .is_some()
        {
            continue;
        }
        if let Some(org) = organization {
            let found = crate::organizations::store::find(conn, &IdOrSlug::Slug(org.clone())).map_err(fail(&slug))?;
            event.organization_id = Some(Some(id_of(found, "organization", &org, |o| o.id)?));
        }
        let mut people = |slugs: Vec<String>| -> anyhow::Result<Vec<i64>> {
            slugs
                .into_iter()
                .map(|s| {
                    let found = crate::officials::store::find(conn, &IdOrSlug::Slug(s.clone())).map_err(fail(&s))?;
                    id_of(found, "official", &s, |o| o.id)
                })
                .collect()
        };
        event.chairs = Some(people(chairs)?);
        event.attendees = Some(people(attendees)?);
        <crate::events::api::Events as Editable>::create(conn, event, stamp).map_err(fail(&slug))?;
        loaded.events += 1;
    }
    Ok(())
}

/// Loads the categories.
pub(super) fn categories(
    conn: &mut Conn,
    ctx: &Ctx,
    items: Vec<DemoCategory>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for c in &items {
        if terms::find(conn, TermKind::Category, &IdOrSlug::Slug(c.slug.clone()))
            .map_err(fail(&c.slug))?
            .is_none()
        {
            let input = TermInput {
                name: c.name.clone(),
                slug: Some(c.slug.clone()),
                description: c.description.clone(),
            };
            terms::create(conn, TermKind::Category, &input, stamp).map_err(fail(&c.slug))?;
            loaded.categories += 1;
        }
    }
    Ok(())
}

/// Loads the articles (their photos into the library when there is one).
pub(super) fn articles(conn: &mut Conn, ctx: &Ctx, items: Vec<DemoArticle>, loaded: &mut Loaded) -> anyhow::Result<()> {
    let now = ctx.now;
    let stamp = &ctx.stamp;
    let media = ctx.media;
    for DemoArticle {
        category,
        officials,
        events,
        mut article,
    } in items
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
            photos_into_library(conn, files, stamp, &mut article).map_err(|e| anyhow!("demo photos of {slug}: {e}"))?;
        }
        let (mut data, links) = apply_article(article, None, now).map_err(fail(&slug))?;
        let created_at = data.published_at.unwrap_or(now).min(now);
        data.updated_at = created_at;
        let stamp = Stamp::system(created_at);
        write_tx(conn, |conn| {
            crate::articles::store::save(conn, None, data, links, &stamp)
        })
        .map_err(fail(&slug))?;
        loaded.articles += 1;
    }
    Ok(())
}

/// Loads the comments, only on articles that have none yet.
pub(super) fn comments(conn: &mut Conn, ctx: &Ctx, items: Vec<DemoComment>, loaded: &mut Loaded) -> anyhow::Result<()> {
    let now = ctx.now;
    // Comments are added only to articles that have none yet.
    let mut already_discussed = std::collections::HashMap::new();
    for c in items {
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
    Ok(())
}

/// Loads the ratings.
pub(super) fn ratings(conn: &mut Conn, ctx: &Ctx, items: Vec<DemoRatings>, loaded: &mut Loaded) -> anyhow::Result<()> {
    let now = ctx.now;
    for r in items {
        let article =
            crate::articles::store::find(conn, &IdOrSlug::Slug(r.article.clone())).map_err(fail(&r.article))?;
        let article_id = id_of(article, "article", &r.article, |a| a.id)?;
        for (i, score) in r.scores.iter().enumerate() {
            let added = crate::ratings::store::rate(conn, article_id, &format!("v:demo-visitor-{i:02}"), *score, now)
                .map_err(fail(&r.article))?;
            loaded.ratings += usize::from(added);
        }
    }
    Ok(())
}

/// Loads the pages, parents first.
pub(super) fn pages(conn: &mut Conn, ctx: &Ctx, items: Vec<DemoPage>, loaded: &mut Loaded) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for DemoPage { parent, mut page } in items {
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
        <crate::pages::api::Pages as Editable>::create(conn, page, stamp).map_err(fail(&slug))?;
        loaded.pages += 1;
    }
    Ok(())
}

/// Loads the groups of links.
pub(super) fn link_groups(
    conn: &mut Conn,
    ctx: &Ctx,
    items: Vec<crate::links::input::LinkGroupInput>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for group in items {
        let slug = group.slug.clone().unwrap_or_default();
        if crate::links::store::find(conn, &IdOrSlug::Slug(slug.clone()))
            .map_err(fail(&slug))?
            .is_some()
        {
            continue;
        }
        <crate::links::api::LinkGroups as Editable>::create(conn, group, stamp).map_err(fail(&slug))?;
        loaded.link_groups += 1;
    }
    Ok(())
}

/// Loads the documents.
pub(super) fn documents(
    conn: &mut Conn,
    ctx: &Ctx,
    items: Vec<DemoDocument>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    for DemoDocument {
        issuer,
        signer,
        mut document,
    } in items
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
            let found = crate::organizations::store::find(conn, &IdOrSlug::Slug(org.clone())).map_err(fail(&number))?;
            document.issuer_id = Some(Some(id_of(found, "organization", &org, |o| o.id)?));
        }
        if let Some(person) = signer {
            let found = crate::officials::store::find(conn, &IdOrSlug::Slug(person.clone())).map_err(fail(&number))?;
            document.signer_id = Some(Some(id_of(found, "official", &person, |o| o.id)?));
        }
        <crate::documents::api::Documents as Editable>::create(conn, document, stamp).map_err(fail(&number))?;
        loaded.documents += 1;
    }
    Ok(())
}

/// Loads the playlists, their songs stored in the library.
pub(super) fn playlists(
    conn: &mut Conn,
    ctx: &Ctx,
    items: Vec<DemoPlaylist>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    let stamp = &ctx.stamp;
    let media = ctx.media;
    if let Some(files) = media {
        for list in items {
            if crate::playlists::store::find(conn, &IdOrSlug::Slug(list.slug.clone()))
                .map_err(fail(&list.slug))?
                .is_some()
            {
                continue;
            }
            let mut tracks = Vec::new();
            for track in list.tracks {
                let song = silent_mp3(&track.title, track.seconds);
                let id =
                    crate::media::store::ingest_blocking(conn, files, &song, &format!("{}.mp3", track.title), stamp)
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
            <crate::playlists::api::Playlists as Editable>::create(conn, input, stamp).map_err(fail(&list.slug))?;
            loaded.playlists += 1;
        }
    }
    Ok(())
}
