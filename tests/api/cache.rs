//! The response cache and compression: public reads from memory, fresh
//! after every public change (here at once, elsewhere within a second),
//! never for signed-in readers, never with a key in what is kept.

use std::io::Read;
use std::time::{Duration, Instant};

use crate::helpers::TestApp;
use actix_web::http::Method;
use serde_json::{json, Value};

async fn cached_app() -> TestApp {
    TestApp::spawn_with(|c| c.cache_mb = 64).await
}

fn titles(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect()
}

on_both_engines! {
    async fn public_reads_come_from_memory_and_follow_every_change() {
        let app = cached_app().await;
        let editor = app.token("editor").await;
        app.create_article(&editor, json!({"title": "Tin thứ nhất", "status": "published"})).await;
        let first = app.get("/api/v1/articles?limit=5&fields=id,title").await;
        assert_eq!(first.header("x-cache").as_deref(), Some("miss"));
        let again = app.get("/api/v1/articles?fields=id,title&limit=5").await;
        assert_eq!(again.header("x-cache").as_deref(), Some("hit"), "the same request, parameters in another order");
        assert_eq!(again.body, first.body);
        assert_eq!(again.header("etag"), first.header("etag"));
        assert_eq!(again.header("cache-control").as_deref(), Some("public, max-age=60"));
        // 304 from the entry; HEAD too.
        let etag = first.header("etag").unwrap();
        let res = app.request(Method::GET, "/api/v1/articles?limit=5&fields=id,title", None, None, &[("If-None-Match", &etag)]).await;
        assert_eq!((res.status, res.header("x-cache").as_deref()), (304, Some("hit")));
        let res = app.request(Method::HEAD, "/api/v1/articles?limit=5&fields=id,title", None, None, &[]).await;
        assert_eq!((res.status, res.header("x-cache").as_deref()), (200, Some("hit")));
        assert!(res.body.is_empty());
        // Signed-in readers are never served from it.
        let res = app.get_as("/api/v1/articles?limit=5&fields=id,title", &editor).await;
        assert_eq!(res.header("x-cache").as_deref(), Some("miss"));
        assert_eq!(res.header("cache-control").as_deref(), Some("private, no-cache"));
        // A change the public sees: the writer's next read is fresh.
        app.create_article(&editor, json!({"title": "Tin thứ hai", "status": "published"})).await;
        let fresh = app.get("/api/v1/articles?limit=5&fields=id,title").await;
        assert_eq!(fresh.header("x-cache").as_deref(), Some("miss"));
        assert_eq!(titles(&fresh.json()), ["Tin thứ hai", "Tin thứ nhất"]);
        // A draft is not such a change.
        app.get("/api/v1/articles?limit=5&fields=id,title").await;
        app.create_article(&editor, json!({"title": "Bản nháp"})).await;
        let res = app.get("/api/v1/articles?limit=5&fields=id,title").await;
        assert_eq!(res.header("x-cache").as_deref(), Some("hit"));
        // Errors are not kept.
        for _ in 0..2 {
            let res = app.get("/api/v1/articles/khong-co").await;
            assert_eq!((res.status, res.header("x-cache").as_deref()), (404, Some("miss")));
        }
    }
}

on_both_engines! {
    async fn views_are_counted_when_the_answer_comes_from_memory() {
        let app = cached_app().await;
        let editor = app.token("editor").await;
        let article = app.create_article(&editor, json!({"title": "Được đọc nhiều", "status": "published"})).await;
        let path = format!("/api/v1/articles/{}", article["slug"].as_str().unwrap());
        let hits: Vec<Option<String>> = {
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(app.get(&path).await.header("x-cache"));
            }
            seen
        };
        assert_eq!(hits, [Some("miss".into()), Some("hit".into()), Some("hit".into())]);
        bantin::jobs::flush_counts(&app.state);
        assert_eq!(app.get_as(&path, &editor).await.json()["view_count"], 3);
    }
}

on_both_engines! {
    async fn another_instance_sees_a_change_within_a_second() {
        let app = cached_app().await;
        // Another spelling of the same database: no signal shared in this
        // process, as two processes share none; only the change log tells.
        let other = app
            .spawn_beside(|c| {
                c.cache_mb = 64;
                c.database_url = if c.database_url.starts_with("postgres") {
                    let sep = if c.database_url.contains('?') { '&' } else { '?' };
                    format!("{}{sep}connect_timeout=10", c.database_url)
                } else {
                    format!("sqlite://{}", c.database_url)
                };
            })
            .await;
        let editor = app.token("editor").await;
        let article = app.create_article(&editor, json!({"title": "Trước khi sửa", "status": "published"})).await;
        let path = format!("/api/v1/articles/{}?fields=id,title", article["id"]);
        assert_eq!(other.get(&path).await.json()["title"], "Trước khi sửa");
        assert_eq!(other.get(&path).await.header("x-cache").as_deref(), Some("hit"));
        let changed = app.patch(&format!("/api/v1/articles/{}", article["id"]), &editor, &json!({"title": "Sau khi sửa"})).await;
        assert_eq!(changed.status, 200);
        let started = Instant::now();
        loop {
            if other.get(&path).await.json()["title"] == "Sau khi sửa" {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(1), "the other instance still serves the old title");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "br" => brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap(),
        "gzip" => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap();
        }
        "zstd" => out = zstd::stream::decode_all(body).unwrap(),
        other => panic!("{other}"),
    }
    out
}

on_both_engines! {
    async fn answers_are_compressed_as_the_client_accepts() {
        let app = cached_app().await;
        let editor = app.token("editor").await;
        for i in 0..5 {
            app.create_article(&editor, json!({"title": format!("Hội nghị giao ban tháng {i}"), "status": "published",
                "summary": "Thường trực Thị ủy tổ chức hội nghị giao ban với Thường trực Ủy ban MTTQ và các đoàn thể."})).await;
        }
        let plain = app.get("/api/v1/articles").await;
        assert_eq!(plain.header("content-encoding"), None);
        assert!(plain.header("vary").unwrap().contains("Accept-Encoding"));
        let mut etags = vec![plain.header("etag").unwrap()];
        for (accept, encoding) in [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("zstd, gzip;q=0.5", "zstd")] {
            for round in 0..2 {
                let res = app.request(Method::GET, "/api/v1/articles", None, None, &[("Accept-Encoding", accept)]).await;
                assert_eq!(res.header("content-encoding").as_deref(), Some(encoding));
                assert_eq!(res.header("x-cache").as_deref(), Some(if round == 0 { "miss" } else { "hit" }));
                assert!(res.body.len() * 2 < plain.body.len(), "{encoding}: {} of {}", res.body.len(), plain.body.len());
                assert_eq!(decode(encoding, &res.body), plain.body);
                if round == 0 {
                    etags.push(res.header("etag").unwrap());
                }
            }
        }
        etags.sort();
        etags.dedup();
        assert_eq!(etags.len(), 4, "one ETag per representation");
        // Signed-in readers' answers are compressed too (and never kept).
        let res = app.request(Method::GET, "/api/v1/articles", Some(&editor), None, &[("Accept-Encoding", "br")]).await;
        assert_eq!(res.header("content-encoding").as_deref(), Some("br"));
        // Small answers are sent as they are.
        let res = app.request(Method::GET, "/api/v1/tags", None, None, &[("Accept-Encoding", "br")]).await;
        assert_eq!(res.header("content-encoding"), None);
    }
}

on_both_engines! {
    async fn keys_are_checked_before_the_cache_and_never_kept_in_it() {
        let app = cached_app().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        for i in 0..3 {
            app.create_article(&editor, json!({"title": format!("Tin {i}"), "status": "published"})).await;
        }
        let key = app.post("/api/v1/keys", Some(&admin), &json!({"name": "Ứng dụng", "kind": "content"})).await.json();
        let secret = key["secret"].as_str().unwrap().to_string();
        let with_key = app.get(&format!("/api/v1/articles?limit=2&key={secret}")).await;
        assert_eq!(with_key.header("x-cache").as_deref(), Some("miss"));
        assert!(with_key.header("link").unwrap().contains(&format!("key={secret}")), "paging keeps the key");
        assert!(with_key.header("ratelimit-limit").is_some());
        // The same page without the key is the same entry, with nothing of the key in it.
        let anonymous = app.get("/api/v1/articles?limit=2").await;
        assert_eq!(anonymous.header("x-cache").as_deref(), Some("hit"));
        assert!(!anonymous.header("link").unwrap().contains("key="));
        assert!(anonymous.header("ratelimit-limit").is_none());
        assert!(!String::from_utf8_lossy(&anonymous.body).contains(&secret));
        // A revoked key is refused, though the page is in memory.
        app.post(&format!("/api/v1/keys/{}/revoke", key["id"]), Some(&admin), &json!({})).await;
        app.get(&format!("/api/v1/articles?limit=2&key={secret}")).await.assert_problem(401, "unauthorized");
    }
}
