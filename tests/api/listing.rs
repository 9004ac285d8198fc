//! Lists: keyset pagination, filters, sorting, fields, caching.

use std::collections::HashSet;

use crate::helpers::TestApp;
use serde_json::{json, Value};

fn ids(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

async fn publish_at(app: &TestApp, token: &str, title: &str, at: &str, extra: Value) -> i64 {
    let mut body = json!({"title": title, "status": "published", "published_at": at});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    app.create_article(token, body).await["id"].as_i64().unwrap()
}

on_both_engines! {
    async fn pages_never_skip_or_repeat_while_articles_are_added() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let mut expected = Vec::new();
        // Many share a timestamp, so the id tie-breaker matters.
        for i in 0..25 {
            let at = format!("2022-07-{:02}T08:00:00Z", 1 + i / 3);
            expected.push(publish_at(&app, &editor, &format!("Bài số {i}"), &at, json!({})).await);
        }
        let mut seen = Vec::new();
        let mut url = "/api/v1/articles?limit=7".to_string();
        let mut pages = 0;
        loop {
            let res = app.get(&url).await;
            assert_eq!(res.status, 200);
            let page = res.json();
            seen.extend(ids(&page));
            pages += 1;
            // New articles arrive between pages (newer, and older than everything).
            publish_at(
                &app,
                &editor,
                &format!("Mới {pages}"),
                "2022-08-01T00:00:00Z",
                json!({}),
            )
            .await;
            match page["meta"]["next_cursor"].as_str() {
                Some(cursor) => {
                    let link = res.header("link").expect("Link header with a next page");
                    assert!(link.contains("rel=\"next\"") && link.contains(cursor), "{link}");
                    url = format!("/api/v1/articles?limit=7&cursor={cursor}");
                }
                None => {
                    assert!(res.header("link").is_none());
                    break;
                }
            }
        }
        assert_eq!(pages, 4);
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no repeats: {seen:?}");
        assert_eq!(
            seen.len(),
            25,
            "no skips, and nothing newer than the first page sneaks in"
        );
        let mut sorted = expected.clone();
        sorted.sort();
        let mut got = seen.clone();
        got.sort();
        assert_eq!(got, sorted);
    }
}

on_both_engines! {
    async fn every_sort_order_pages_consistently() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        for (i, title) in ["Bình", "An", "Cường", "An", "Đông"].iter().enumerate() {
            publish_at(
                &app,
                &editor,
                title,
                &format!("2022-07-{:02}T08:00:00Z", 10 - i),
                json!({}),
            )
            .await;
        }
        for sort in [
            "-published_at",
            "published_at",
            "title",
            "-title",
            "updated_at",
            "-updated_at",
            "created_at",
            "-created_at",
        ] {
            let all = ids(&app.get(&format!("/api/v1/articles?sort={sort}&limit=100")).await.json());
            let mut paged = Vec::new();
            let mut url = format!("/api/v1/articles?sort={sort}&limit=2");
            loop {
                let page = app.get(&url).await.json();
                paged.extend(ids(&page));
                match page["meta"]["next_cursor"].as_str() {
                    Some(c) => url = format!("/api/v1/articles?sort={sort}&limit=2&cursor={c}"),
                    None => break,
                }
            }
            assert_eq!(paged, all, "sort {sort}");
            assert_eq!(all.len(), 5);
        }
        let by_title: Vec<String> = app.get("/api/v1/articles?sort=title&fields=title").await.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(&by_title[..3], ["An", "An", "Bình"]);
        let oldest_first = ids(&app.get("/api/v1/articles?sort=published_at").await.json());
        let newest_first = ids(&app.get("/api/v1/articles").await.json());
        assert_eq!(oldest_first.iter().rev().copied().collect::<Vec<_>>(), newest_first);
        // A cursor made for one order is refused by another.
        let cursor = app.get("/api/v1/articles?limit=1").await.json()["meta"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_string();
        app.get(&format!("/api/v1/articles?sort=title&cursor={cursor}"))
            .await
            .assert_problem(400, "invalid_cursor");
        app.get("/api/v1/articles?sort=view_count")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/articles?cursor=!!!")
            .await
            .assert_problem(400, "invalid_cursor");
        app.get("/api/v1/articles?limit=0")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/articles?limit=101")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/articles?limit=abc")
            .await
            .assert_problem(400, "invalid_parameter");
    }
}

on_both_engines! {
    async fn filters_by_category_tag_dates_and_updates() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let cat = app
            .post("/api/v1/categories", Some(&editor), &json!({"name": "Tin hoạt động"}))
            .await
            .json();
        let cat_id = cat["id"].as_i64().unwrap();
        let a = publish_at(
            &app,
            &editor,
            "A",
            "2022-07-19T08:00:00Z",
            json!({"category_id": cat_id, "tags": ["Hội nghị"]}),
        )
        .await;
        let b = publish_at(
            &app,
            &editor,
            "B",
            "2022-07-20T23:30:00Z",
            json!({"tags": ["Hội nghị", "Đoàn thể"]}),
        )
        .await;
        let c = publish_at(
            &app,
            &editor,
            "C",
            "2022-06-01T08:00:00Z",
            json!({"category_id": cat_id}),
        )
        .await;

        let get = |q: &'static str| {
            let app = &app;
            async move { ids(&app.get(&format!("/api/v1/articles?{q}")).await.json()) }
        };
        assert_eq!(get("category=tin-hoat-dong").await, [a, c]);
        assert_eq!(
            app.get(&format!("/api/v1/articles?category={cat_id}")).await.json()["data"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(get("tag=hoi-nghi").await, [b, a]);
        assert_eq!(get("tag=doan-the").await, [b]);
        assert_eq!(get("tag=khong-co").await, Vec::<i64>::new());
        assert_eq!(get("category=khong-co").await, Vec::<i64>::new());
        assert_eq!(get("from=2022-07-01").await, [b, a]);
        assert_eq!(
            get("to=2022-07-19").await,
            [a, c],
            "a date as `to` includes the whole day"
        );
        assert_eq!(get("from=2022-07-19&to=2022-07-19").await, [a]);
        assert_eq!(get("from=2022-07-20T23:00:00%2B00:00").await, [b]);
        assert_eq!(get("category=tin-hoat-dong&tag=hoi-nghi").await, [a]);
        app.get("/api/v1/articles?from=19/07/2022")
            .await
            .assert_problem(400, "invalid_parameter");

        // updated_since: what changed after a moment.
        app.clock.advance(chrono::Duration::minutes(5));
        let since = (app.now() - chrono::Duration::seconds(1))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        app.patch(
            &format!("/api/v1/articles/{c}"),
            &editor,
            &json!({"summary": "Đã cập nhật"}),
        )
        .await;
        assert_eq!(
            app.get(&format!("/api/v1/articles?updated_since={since}")).await.json()["data"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            ids(&app.get(&format!("/api/v1/articles?updated_since={since}")).await.json()),
            [c]
        );
    }
}

on_both_engines! {
    async fn fields_trim_the_output() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let id = publish_at(
            &app,
            &editor,
            "Bài",
            "2022-07-19T08:00:00Z",
            json!({"body": "<p>x</p>"}),
        )
        .await;
        let list = app.get("/api/v1/articles?fields=id,title,slug").await.json();
        let keys: Vec<&String> = list["data"][0].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["id", "slug", "title"]
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .iter()
                .collect::<Vec<_>>()
        );
        let with_body = app.get("/api/v1/articles?fields=id,body").await.json();
        assert_eq!(with_body["data"][0]["body"], "<p>x</p>");
        let one = app.get(&format!("/api/v1/articles/{id}?fields=title")).await.json();
        assert_eq!(one, json!({"title": "Bài"}));
        app.get("/api/v1/articles?fields=id,password")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/articles?fields=")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get(&format!("/api/v1/articles/{id}?fields=nope"))
            .await
            .assert_problem(400, "invalid_parameter");
        app.get(&format!("/api/v1/articles/{id}?foo=bar"))
            .await
            .assert_problem(400, "unknown_parameter");
    }
}

on_both_engines! {
    async fn public_gets_carry_etags_and_answer_304() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let id = publish_at(&app, &editor, "Bài", "2022-07-19T08:00:00Z", json!({})).await;
        for path in [
            format!("/api/v1/articles/{id}"),
            "/api/v1/articles".to_string(),
            "/api/v1/categories".to_string(),
            "/api/v1/tags".to_string(),
        ] {
            let first = app.get(&path).await;
            assert_eq!(first.status, 200);
            let etag = first.header("etag").expect("ETag");
            assert_eq!(first.header("cache-control").as_deref(), Some("public, max-age=60"));
            let again = app
                .request(
                    actix_web::http::Method::GET,
                    &path,
                    None,
                    None,
                    &[("If-None-Match", &etag)],
                )
                .await;
            assert_eq!(again.status, 304, "{path}");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), Some(etag.clone()));
            let other = app
                .request(
                    actix_web::http::Method::GET,
                    &path,
                    None,
                    None,
                    &[("If-None-Match", "\"something-else\"")],
                )
                .await;
            assert_eq!(other.status, 200);
        }
        // A change gives a new ETag.
        let before = app.get("/api/v1/articles").await.header("etag").unwrap();
        app.patch(&format!("/api/v1/articles/{id}"), &editor, &json!({"title": "Bài mới"}))
            .await;
        let after = app.get("/api/v1/articles").await.header("etag").unwrap();
        assert_ne!(before, after);
        // Editors' views are private.
        assert_eq!(
            app.get_as("/api/v1/articles", &editor)
                .await
                .header("cache-control")
                .as_deref(),
            Some("private, no-cache")
        );
    }
}

on_both_engines! {
    async fn views_are_counted_in_memory_and_flushed_in_batches() {
        let mut app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let id = publish_at(&app, &editor, "Bài", "2022-07-19T08:00:00Z", json!({})).await;
        let path = format!("/api/v1/articles/{id}");
        for _ in 0..3 {
            assert_eq!(app.get(&path).await.status, 200);
        }
        // Editors previewing do not count.
        app.get_as(&path, &editor).await;
        assert_eq!(app.get(&path).await.json()["view_count"], 0, "no write per request");
        assert_eq!(app.state.views.total(), 4);
        let state = app.state.clone();
        actix_web::web::block(move || bantin::jobs::flush_counts(&state))
            .await
            .unwrap();
        assert_eq!(app.state.views.total(), 0);
        assert_eq!(app.get(&path).await.json()["view_count"], 4);
        // A graceful stop flushes what is pending.
        app.stop().await;
        let mut conn = app.state.pool.get().unwrap();
        let row = bantin::articles::store::find(&mut conn, &bantin::db::IdOrSlug::Id(id)).unwrap().unwrap();
        assert_eq!(row.view_count, 5);
    }
}
