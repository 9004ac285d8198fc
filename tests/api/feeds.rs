//! Feeds, read by a real feed parser (feed-rs): RSS 2.0, Atom 1.0 and JSON
//! Feed 1.1 of articles and documents, their items, dates, escaping and
//! absolute links to the public site.

use image::ImageFormat;
use serde_json::json;

use crate::files;
use crate::helpers::TestApp;
use crate::media::stored;

fn parse(body: &[u8]) -> feed_rs::model::Feed {
    if !body.starts_with(b"{") {
        strict_xml(body);
    }
    feed_rs::parser::parse(body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

/// A strict XML parser's verdict (roxmltree refuses what browsers and
/// `xml.dom.minidom` refuse: a second XML declaration, say), beside
/// feed-rs, which forgives it.
fn strict_xml(body: &[u8]) {
    let text = std::str::from_utf8(body).expect("UTF-8");
    if let Err(e) = roxmltree::Document::parse(text) {
        panic!("not well-formed XML ({e}): {text}");
    }
}

on_both_engines! {
    async fn article_feeds_validate_in_a_feed_parser_with_links_to_the_public_site() {
        let app = TestApp::spawn_with(|c| {
            c.site_url = Some("https://honglinh.hatinh.gov.vn".into());
            c.public_url = Some("https://api.honglinh.vn".into());
            c.site_name = "Cổng TTĐT thị xã Hồng Lĩnh".into();
        }).await;
        let editor = app.token("editor").await;
        let photo = stored(&app, &editor, "hoi-nghi.jpg", &files::photo(1600, 1200, ImageFormat::Jpeg)).await;
        let thi_uy = app.post("/api/v1/organizations", Some(&editor), &json!({"name": "Thị ủy Hồng Lĩnh", "kind": "party_committee"})).await.json();
        let hai = app.post("/api/v1/officials", Some(&editor), &json!({"full_name": "Đặng Thanh Hải", "positions": [
            {"organization_id": thi_uy["id"], "title": "Bí thư Thị ủy", "started_on": "2020-10-15"}]})).await.json();
        app.post("/api/v1/categories", Some(&editor), &json!({"name": "Tin hoạt động"})).await;
        let meeting = app.create_article(&editor, json!({"title": "Hội nghị <giao ban> & tổng kết", "status": "published",
            "published_at": "2022-07-19T10:30:00Z", "summary": "Sáng 19/7 …", "byline": "Thu Hà",
            "body": "<p>Nội dung <b>chính</b>.</p>", "tags": ["MTTQ"], "official_ids": [hai["id"]],
            "cover_image": {"media_id": photo["id"]}})).await;
        app.create_article(&editor, json!({"title": "Tin khác", "status": "published", "published_at": "2022-07-20T10:30:00Z"})).await;
        app.create_article(&editor, json!({"title": "Bản nháp"})).await;
        for format in ["rss", "atom", "json"] {
            let res = app.get(&format!("/api/v1/feeds/articles.{format}")).await;
            assert_eq!(res.status, 200, "{format}");
            let feed = parse(&res.body);
            let titles: Vec<String> = feed.entries.iter().map(|e| e.title.as_ref().unwrap().content.clone()).collect();
            assert_eq!(titles, ["Tin khác", "Hội nghị <giao ban> & tổng kết"], "{format}: newest first, published only, escaped once");
            let entry = &feed.entries[1];
            assert_eq!(entry.links[0].href, format!("https://honglinh.hatinh.gov.vn/tin-tuc/{}", meeting["slug"].as_str().unwrap()), "{format}");
            assert_eq!(entry.published.unwrap().to_rfc3339(), "2022-07-19T10:30:00+00:00", "{format}");
            let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
            assert!(content.contains("<b>chính</b>"), "{format}: the full content: {content}");
            let media: Vec<String> = entry.media.iter().flat_map(|m| m.content.iter().filter_map(|c| c.url.as_ref().map(|u| u.to_string()))).collect();
            let links: Vec<&str> = entry.links.iter().map(|l| l.href.as_str()).collect();
            let image = format!("https://api.honglinh.vn/media/{}/w1280.jpg", photo["id"]);
            assert!(media.contains(&image) || links.contains(&image.as_str()) || String::from_utf8_lossy(&res.body).contains(&image),
                "{format}: the cover photo, absolute: {media:?} {links:?}");
            if format != "json" {
                assert!(entry.categories.iter().any(|c| c.term == "MTTQ"), "{format}: tags as categories");
            }
            assert!(entry.authors.iter().any(|a| a.name == "Thu Hà"), "{format}: the byline");
            let etag = res.header("etag").unwrap();
            let again = app.request(actix_web::http::Method::GET, &format!("/api/v1/feeds/articles.{format}"), None, None,
                &[("If-None-Match", etag.as_str())]).await;
            assert_eq!(again.status, 304);
        }
        assert!(app.get("/api/v1/feeds/articles.rss").await.header("content-type").unwrap().starts_with("application/rss+xml"));
        // Narrowed: an official, an organization (through its officials), a tag; unknown ones match nothing.
        for (query, count) in [
            (format!("official={}", hai["slug"].as_str().unwrap()), 1),
            (format!("organization={}", thi_uy["id"]), 1),
            ("tag=mttq".to_string(), 1),
            ("official=khong-co".to_string(), 0),
        ] {
            let feed = parse(&app.get(&format!("/api/v1/feeds/articles.atom?{query}")).await.body);
            assert_eq!(feed.entries.len(), count, "{query}");
        }
        // Ids are `tag:` URIs from the article's id: a renamed article is the same item to a reader.
        let ids = |body: &[u8]| parse(body).entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        let before: Vec<Vec<String>> = vec![ids(&app.get("/api/v1/feeds/articles.rss").await.body),
            ids(&app.get("/api/v1/feeds/articles.atom").await.body), ids(&app.get("/api/v1/feeds/articles.json").await.body)];
        let rss = String::from_utf8(app.get("/api/v1/feeds/articles.rss").await.body).unwrap();
        assert!(rss.contains(&format!("<guid isPermaLink=\"false\">tag:honglinh.hatinh.gov.vn,2022:articles/{}</guid>", meeting["id"])), "{rss}");
        app.patch(&format!("/api/v1/articles/{}", meeting["id"]), &editor, &json!({"slug": "hoi-nghi-doi-ten"})).await;
        let after = vec![ids(&app.get("/api/v1/feeds/articles.rss").await.body),
            ids(&app.get("/api/v1/feeds/articles.atom").await.body), ids(&app.get("/api/v1/feeds/articles.json").await.body)];
        assert_eq!(before, after, "ids stay across a rename");
        assert!(before.iter().flatten().all(|id| id.starts_with("tag:honglinh.hatinh.gov.vn,2022:articles/")), "{before:?}");
        app.get("/api/v1/feeds/articles.xml").await.assert_problem(404, "not_found");
        app.get("/api/v1/feeds/articles.rss?sort=title").await.assert_problem(400, "unknown_parameter");
    }
}

on_both_engines! {
    async fn document_feeds_carry_their_files() {
        let app = TestApp::spawn_with(|c| c.public_url = Some("https://api.honglinh.vn".into())).await;
        let editor = app.token("editor").await;
        let pdf = stored(&app, &editor, "qd.pdf", &files::pdf("125")).await;
        app.post("/api/v1/documents", Some(&editor), &json!({"number": "125/QĐ-UBND", "type": "decision", "issued_on": "2022-07-19",
            "abstract": "Về việc kiện toàn Ban Chỉ đạo", "attachments": [{"media_id": pdf["id"]}]})).await;
        for format in ["rss", "atom", "json"] {
            let res = app.get(&format!("/api/v1/feeds/documents.{format}")).await;
            let feed = parse(&res.body);
            assert_eq!(feed.entries.len(), 1);
            assert_eq!(feed.entries[0].title.as_ref().unwrap().content, "Quyết định 125/QĐ-UBND");
            assert_eq!(feed.entries[0].links[0].href, "https://api.honglinh.vn/api/v1/documents/125-qd-ubnd-2022", "{format}");
            assert!(String::from_utf8_lossy(&res.body).contains(&format!("https://api.honglinh.vn/media/{}/original.pdf", pdf["id"])));
        }
    }
}

on_both_engines! {
    async fn an_oembed_consumer_gets_a_card_it_may_frame() {
        let app = TestApp::spawn_with(|c| {
            c.site_url = Some("https://honglinh.hatinh.gov.vn".into());
            c.public_url = Some("https://api.honglinh.vn".into());
        }).await;
        let editor = app.token("editor").await;
        let photo = stored(&app, &editor, "hoi-nghi.jpg", &files::photo(1600, 1200, ImageFormat::Jpeg)).await;
        let article = app.create_article(&editor, json!({"title": "Hội nghị giao ban", "status": "published",
            "summary": "Sáng 19/7 …", "cover_image": {"media_id": photo["id"], "caption": "Toàn cảnh hội nghị"}})).await;
        let slug = article["slug"].as_str().unwrap();
        let page = format!("https://honglinh.hatinh.gov.vn/tin-tuc/{slug}");
        let asked = serde_urlencoded::to_string([("url", page.as_str()), ("maxwidth", "400"), ("format", "json")]).unwrap();
        let res = app.get(&format!("/api/v1/oembed?{asked}")).await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        let card = res.json();
        assert_eq!((card["version"].as_str(), card["type"].as_str()), (Some("1.0"), Some("rich")));
        assert_eq!(card["title"], "Hội nghị giao ban");
        assert!(card["width"].as_u64().unwrap() <= 400, "maxwidth is a maximum");
        // The thumbnail keeps to maxwidth too: the 320-wide JPEG, not the 640.
        assert_eq!(card["thumbnail_url"], format!("https://api.honglinh.vn/media/{}/w320.jpg", photo["id"]));
        assert_eq!((card["thumbnail_width"].as_u64(), card["thumbnail_height"].as_u64()), (Some(320), Some(240)));
        let html = card["html"].as_str().unwrap();
        let src = format!("https://api.honglinh.vn/embed/articles/{slug}");
        assert!(html.starts_with("<iframe") && html.contains(&format!("src=\"{src}\"")), "{html}");
        // The card itself, from this server.
        let embed = app.get(&format!("/embed/articles/{slug}")).await;
        assert_eq!(embed.status, 200);
        let csp = embed.header("content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors *") && csp.contains("default-src 'none'"), "{csp}");
        assert!(embed.header("x-frame-options").is_none());
        let body = String::from_utf8(embed.body.clone()).unwrap();
        assert!(body.contains("Toàn cảnh hội nghị") && body.contains("Sáng 19/7") && body.contains(&page), "{body}");
        assert!(!body.contains("<script"));
        // What the spec says for the rest.
        let xml = serde_urlencoded::to_string([("url", page.as_str()), ("format", "xml")]).unwrap();
        app.get(&format!("/api/v1/oembed?{xml}")).await.assert_problem(501, "not_implemented");
        let foreign = serde_urlencoded::to_string([("url", "https://evil.example/tin-tuc/x")]).unwrap();
        app.get(&format!("/api/v1/oembed?{foreign}")).await.assert_problem(404, "not_found");
        let draft = app.create_article(&editor, json!({"title": "Nháp"})).await;
        let hidden = serde_urlencoded::to_string([("url", format!("https://honglinh.hatinh.gov.vn/tin-tuc/{}", draft["slug"].as_str().unwrap()))]).unwrap();
        app.get(&format!("/api/v1/oembed?{hidden}")).await.assert_problem(404, "not_found");
        app.get(&format!("/embed/articles/{}", draft["slug"].as_str().unwrap())).await.assert_problem(404, "not_found");
        app.get("/api/v1/oembed").await.assert_problem(400, "invalid_parameter");
    }
}
