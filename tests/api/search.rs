//! Vietnamese search: an expectation table over a realistic fixture.

use std::collections::HashMap;

use crate::helpers::TestApp;
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

struct Fixture {
    app: TestApp,
    editor: String,
    ids: HashMap<&'static str, i64>,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let editor = app.token("editor").await;
    let articles: &[(&str, &str, &str, &str, &str)] = &[
        (
            "giao-ban",
            "Hội nghị giao ban 6 tháng đầu năm",
            "Thường trực Thị ủy giao ban với Mặt trận Tổ quốc.",
            "<p>Đánh giá kết quả hoạt động, triển khai nhiệm vụ.</p>",
            "2022-07-19T10:00:00Z",
        ),
        (
            "lam-duong",
            "Phường Bắc Hồng ra quân làm đường giao thông",
            "Nhân dân góp công làm đường.",
            "<p>Sau hội nghị phát động, bà con đã ra quân.</p>",
            "2022-06-01T02:00:00Z",
        ),
        (
            "van-minh",
            "Thị xã Hồng Lĩnh đón nhận danh hiệu đô thị văn minh",
            "Lễ đón nhận long trọng.",
            "<p>Niềm vui của Nhân dân thị xã.</p>",
            "2022-05-01T02:00:00Z",
        ),
        (
            "le-hoi",
            "Lễ hội truyền thống chùa Hương Tích",
            "Du khách thập phương về dự.",
            "<p>Không khí trang nghiêm.</p>",
            "2022-03-01T02:00:00Z",
        ),
        (
            "hoa-giai",
            "Hòa giải ở cơ sở",
            "Tổ hòa giải phường Nam Hồng.",
            "<p>Giữ gìn tình làng nghĩa xóm.</p>",
            "2022-04-01T02:00:00Z",
        ),
        (
            "hoa-nhap",
            "Hoà nhập cộng đồng cho người khuyết tật",
            "Chương trình hỗ trợ sinh kế.",
            "<p>Nhiều mô hình hay.</p>",
            "2022-04-02T02:00:00Z",
        ),
        (
            "dang-bo",
            "Đảng bộ thị xã tổng kết công tác xây dựng Đảng",
            "Đại hội đại biểu Đảng bộ.",
            "<p>Đồng chí Bí thư phát biểu.</p>",
            "2022-02-01T02:00:00Z",
        ),
    ];
    let mut ids = HashMap::new();
    for (key, title, summary, body, at) in articles {
        let a = app
            .create_article(
                &editor,
                json!({"title": title, "summary": summary, "body": body, "status": "published", "published_at": at}),
            )
            .await;
        ids.insert(*key, a["id"].as_i64().unwrap());
    }
    let draft = app
        .create_article(
            &editor,
            json!({"title": "Hội nghị chưa công bố", "body": "<p>Bản nháp.</p>"}),
        )
        .await;
    ids.insert("draft", draft["id"].as_i64().unwrap());
    let org = app
        .post(
            "/api/v1/organizations",
            Some(&editor),
            &json!({"name": "Thị ủy Hồng Lĩnh", "kind": "party_committee"}),
        )
        .await
        .json();
    let hai = app
        .post("/api/v1/officials", Some(&editor), &json!({"full_name": "Đặng Thanh Hải", "positions": [{"organization_id": org["id"], "title": "Bí thư Thị ủy", "started_on": "2020-10-15", "rank": 1}]}))
        .await
        .json();
    ids.insert("hai", hai["id"].as_i64().unwrap());
    let event = app
        .post("/api/v1/events", Some(&editor), &json!({"title": "Hội nghị giao ban Thường trực Thị ủy", "starts_at": "2022-07-19T14:00:00+07:00", "location": "Hội trường Thị ủy"}))
        .await
        .json();
    ids.insert("event", event["id"].as_i64().unwrap());
    Fixture { app, editor, ids }
}

impl Fixture {
    async fn articles(&self, q: &str) -> Vec<i64> {
        let query = serde_urlencoded::to_string([("q", q)]).unwrap();
        let res = self.app.get(&format!("/api/v1/articles?{query}")).await;
        assert_eq!(res.status, 200, "q={q}: {}", String::from_utf8_lossy(&res.body));
        res.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect()
    }

    fn id(&self, key: &str) -> i64 {
        self.ids[key]
    }
}

on_both_engines! {
    async fn the_expectation_table() {
        let f = fixture().await;
        let nfd = |s: &str| s.nfd().collect::<String>();
        // query → the articles that must come back, in this order.
        let table: Vec<(String, Vec<&str>)> = vec![
            // A finished word (a space after it) matches whole words only…
            ("hoi nghi ".into(), vec!["giao-ban", "lam-duong"]),
            ("Hội nghị ".into(), vec!["giao-ban", "lam-duong"]),
            (nfd("Hội nghị "), vec!["giao-ban", "lam-duong"]),
            // …while the word being typed also matches as a prefix ("nghi" → "nghiêm").
            ("hoi nghi".into(), vec!["giao-ban", "lam-duong", "le-hoi"]),
            ("HỘI NGHỊ GIAO BAN ".into(), vec!["giao-ban"]),
            ("hong linh ".into(), vec!["van-minh"]),
            ("Hồng Lĩnh ".into(), vec!["van-minh"]),
            ("dang bo ".into(), vec!["dang-bo"]),
            ("ĐẢNG bộ ".into(), vec!["dang-bo"]),
            ("đảng ".into(), vec!["dang-bo"]),
            // Misplaced tone marks find both; the exact spelling ranks first.
            ("hòa ".into(), vec!["hoa-giai", "hoa-nhap"]),
            ("hoà ".into(), vec!["hoa-nhap", "hoa-giai"]),
            ("\"giao ban\"".into(), vec!["giao-ban"]),
            ("\"ban giao\"".into(), vec![]),
            // Prefix on the last word, as people type.
            ("thuong tr".into(), vec!["giao-ban"]),
            ("hồng lĩ".into(), vec!["van-minh"]),
            ("le ho".into(), vec!["le-hoi", "van-minh"]),
            ("khong co tu nay ".into(), vec![]),
        ];
        for (q, expected) in &table {
            let got = f.articles(q).await;
            let want: Vec<i64> = expected.iter().map(|k| f.id(k)).collect();
            assert_eq!(got, want, "q={q:?}");
        }
        // Title hits rank above body hits; drafts never reach the public.
        assert!(!f.articles("hoi nghi").await.contains(&f.id("draft")));
    }
}

on_both_engines! {
    async fn hostile_queries_are_plain_words_or_400_never_500() {
        let f = fixture().await;
        for q in [
            "\"unbalanced",
            "NEAR(hoi nghi)",
            "hoi AND OR NOT nghi",
            "giao* ban^2",
            "title:hoi",
            "'; DROP TABLE articles; --",
            "{title}: hoi",
            "\"\"\"hoi\"\"",
        ] {
            let query = serde_urlencoded::to_string([("q", q)]).unwrap();
            let status = f.app.get(&format!("/api/v1/articles?{query}")).await.status;
            assert_eq!(status, 200, "q={q}");
            let status = f.app.get(&format!("/api/v1/search?{query}")).await.status;
            assert_eq!(status, 200, "q={q}");
        }
        let punctuation = serde_urlencoded::to_string([("q", "!?.,;:-()[]{}".repeat(80))]).unwrap();
        f.app
            .get(&format!("/api/v1/search?{punctuation}"))
            .await
            .assert_problem(400, "invalid_parameter");
        let long = serde_urlencoded::to_string([("q", "hội ".repeat(100))]).unwrap();
        f.app
            .get(&format!("/api/v1/search?{long}"))
            .await
            .assert_problem(400, "invalid_parameter");
        f.app
            .get("/api/v1/search")
            .await
            .assert_problem(400, "invalid_parameter");
        f.app
            .get("/api/v1/search?q=hoi&type=comments")
            .await
            .assert_problem(400, "invalid_parameter");
        f.app
            .get("/api/v1/articles?q=hoi&sort=title")
            .await
            .assert_problem(400, "invalid_parameter");
        f.app
            .get("/api/v1/articles?q=hoi&category=x")
            .await
            .assert_problem(400, "invalid_parameter");
    }
}

on_both_engines! {
    async fn search_spans_articles_events_and_officials_with_highlights() {
        let f = fixture().await;
        let all = f.app.get("/api/v1/search?q=dang%20thanh%20hai").await.json();
        assert_eq!(all["data"][0]["type"], "official");
        assert_eq!(all["data"][0]["id"], f.id("hai"));
        assert!(all["data"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>Đặng</mark>"));
        let events = f.app.get("/api/v1/search?q=giao%20ban&type=events").await.json();
        let found: Vec<(&str, i64)> = events["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["type"].as_str().unwrap(), r["id"].as_i64().unwrap()))
            .collect();
        assert_eq!(found, [("event", f.id("event"))]);
        let mixed = f.app.get("/api/v1/search?q=hoi%20nghi%20giao%20ban").await.json();
        let kinds: Vec<&str> = mixed["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"article") && kinds.contains(&"event"), "{mixed}");
        // Snippets mark the words and escape the rest.
        let article = f.app.get("/api/v1/articles?q=ra%20quan").await.json();
        let snippet = article["data"][0]["snippet"].as_str().unwrap();
        assert!(snippet.contains("<mark>ra</mark> <mark>quân</mark>"), "{snippet}");
        // Events filtered by q keep calendar order.
        let listed = f.app.get("/api/v1/events?q=hoi%20truong").await.json();
        assert_eq!(listed["data"][0]["id"], f.id("event"));
        // Paging by cursor walks the ranking once.
        let first = f.app.get("/api/v1/search?q=thi&limit=2").await.json();
        let cursor = first["meta"]["next_cursor"].as_str().expect("more results");
        let second = f
            .app
            .get(&format!("/api/v1/search?q=thi&limit=2&cursor={cursor}"))
            .await
            .json();
        let a: Vec<&Value> = first["data"].as_array().unwrap().iter().collect();
        let b: Vec<&Value> = second["data"].as_array().unwrap().iter().collect();
        assert!(
            a.iter()
                .all(|x| !b.iter().any(|y| x["type"] == y["type"] && x["id"] == y["id"])),
            "no repeats"
        );
    }
}

on_both_engines! {
    async fn the_index_follows_every_change() {
        let f = fixture().await;
        let (app, editor) = (&f.app, &f.editor);
        // An update is searchable at once, under its new words only.
        app.patch(
            &format!("/api/v1/articles/{}", f.id("le-hoi")),
            editor,
            &json!({"title": "Lễ rước kiệu chùa Hương Tích"}),
        )
        .await;
        assert!(f.articles("truyen thong").await.is_empty());
        assert_eq!(f.articles("ruoc kieu").await, [f.id("le-hoi")]);
        // Unpublished: gone for readers, still there for editors.
        app.patch(
            &format!("/api/v1/articles/{}", f.id("giao-ban")),
            editor,
            &json!({"status": "draft"}),
        )
        .await;
        assert_eq!(f.articles("giao ban").await, Vec::<i64>::new());
        let as_editor = app.get_as("/api/v1/articles?q=giao%20ban", editor).await.json();
        assert_eq!(as_editor["data"][0]["id"], f.id("giao-ban"));
        // Published again, found again; deleted, gone.
        app.patch(
            &format!("/api/v1/articles/{}", f.id("giao-ban")),
            editor,
            &json!({"status": "published"}),
        )
        .await;
        assert_eq!(f.articles("giao ban").await, [f.id("giao-ban")]);
        app.delete(&format!("/api/v1/articles/{}", f.id("van-minh")), editor)
            .await;
        assert!(f.articles("van minh").await.is_empty());
        // Officials and events follow their edits too.
        app.patch(
            &format!("/api/v1/officials/{}", f.id("hai")),
            editor,
            &json!({"full_name": "Đặng Văn Hải"}),
        )
        .await;
        let found = app.get("/api/v1/search?q=dang%20van%20hai&type=officials").await.json();
        assert_eq!(found["data"][0]["id"], f.id("hai"));
        app.delete(&format!("/api/v1/events/{}", f.id("event")), editor).await;
        assert!(app.get("/api/v1/search?q=giao%20ban&type=events").await.json()["data"]
            .as_array()
            .unwrap()
            .is_empty());
    }
}

on_both_engines! {
    async fn an_index_that_is_missing_or_left_behind_is_rebuilt_from_the_database() {
        let f = fixture().await;
        // Another instance on the same database starts with no index of its
        // own: it builds one before serving.
        let other = f.app.spawn_beside(|_| {}).await;
        let found = other.get("/api/v1/articles?q=giao%20ban%20").await.json();
        assert_eq!(found["data"][0]["id"], f.id("giao-ban"));
        // An import starts a new generation of content: every index follows.
        {
            let mut conn = f.app.state.pool.get().unwrap();
            bantin::search::engine::new_generation(&mut conn).unwrap();
            let rebuilt = f.app.state.search.sync(&mut conn).unwrap();
            assert!(rebuilt >= 7, "rebuilt {rebuilt}");
            assert_eq!(f.app.state.search.sync(&mut conn).unwrap(), 0, "only once");
        }
        assert_eq!(f.articles("giao ban ").await, [f.id("giao-ban")]);
        // A change written on one instance is found on the other at once.
        f.app
            .patch(
                &format!("/api/v1/articles/{}", f.id("giao-ban")),
                &f.editor,
                &json!({"title": "Hội nghị sơ kết công tác quý ba"}),
            )
            .await;
        let found = other.get("/api/v1/articles?q=so%20ket").await.json();
        assert_eq!(found["data"][0]["id"], f.id("giao-ban"));
        assert!(!f.articles("6 thang dau nam ").await.contains(&f.id("giao-ban")));
    }
}
