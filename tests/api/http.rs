//! Behaviour every endpoint shares: errors, content types, limits, CORS,
//! request ids, health.

use crate::helpers::TestApp;
use actix_web::http::Method;
use serde_json::json;

on_both_engines! {
    async fn health_endpoints_answer() {
        let app = TestApp::spawn().await;
        let live = app.get("/health/live").await;
        assert_eq!(live.status, 200);
        assert_eq!(live.json(), json!({"status": "ok"}));
        assert_eq!(app.get("/health/ready").await.json(), json!({"status": "ok"}));
        assert!(
            live.header("x-request-id").is_some_and(|id| id.len() >= 32),
            "every response carries a request id"
        );
    }
}

on_both_engines! {
    async fn unknown_routes_and_methods_are_problems() {
        let app = TestApp::spawn().await;
        app.get("/api/v1/khong-co").await.assert_problem(404, "not_found");
        app.get("/api/v1/articles/khong-co-bai-nay")
            .await
            .assert_problem(404, "not_found");
        app.get("/api/v1/users/abc").await.assert_problem(401, "unauthorized");
        app.request(Method::PUT, "/api/v1/articles", None, None, &[])
            .await
            .assert_problem(405, "method_not_allowed");
        let en = app
            .request(Method::GET, "/nope", None, None, &[("Accept-Language", "en")])
            .await;
        let body = en.assert_problem(404, "not_found");
        assert_eq!(body["title"], "Not found");
        assert_eq!(body["type"], "urn:bantin:problem:not_found");
        let vi = app.get("/nope").await.assert_problem(404, "not_found");
        assert_eq!(vi["title"], "Không tìm thấy");
    }
}

on_both_engines! {
    async fn request_bodies_are_checked_before_anything_is_done() {
        let app = TestApp::spawn_with(|c| c.max_body_bytes = 4096).await;
        let token = app.token("editor").await;
        let path = "/api/v1/articles";
        app.raw(
            Method::POST,
            path,
            Some(&token),
            Some("text/plain"),
            b"{\"title\":\"x\"}".to_vec(),
        )
        .await
        .assert_problem(415, "unsupported_media_type");
        app.raw(Method::POST, path, Some(&token), None, b"{\"title\":\"x\"}".to_vec())
            .await
            .assert_problem(415, "unsupported_media_type");
        app.raw(
            Method::POST,
            path,
            Some(&token),
            Some("application/json"),
            b"{\"title\":".to_vec(),
        )
        .await
        .assert_problem(400, "malformed_json");
        app.raw(
            Method::POST,
            path,
            Some(&token),
            Some("application/json"),
            b"{\"title\" \"x\"}".to_vec(),
        )
        .await
        .assert_problem(400, "malformed_json");
        let big = serde_json::to_vec(&json!({"title": "x", "body": "a".repeat(5000)})).unwrap();
        app.raw(Method::POST, path, Some(&token), Some("application/json"), big)
            .await
            .assert_problem(413, "payload_too_large");
        // application/json with a charset, and +json types, are fine.
        let ok = app
            .raw(
                Method::POST,
                path,
                Some(&token),
                Some("application/json; charset=utf-8"),
                b"{\"title\":\"x\"}".to_vec(),
            )
            .await;
        assert_eq!(ok.status, 201);
        let list = app.get_as("/api/v1/articles", &token).await.json();
        assert_eq!(
            list["data"].as_array().unwrap().len(),
            1,
            "only the good request stored anything"
        );
    }
}

on_both_engines! {
    async fn unknown_and_malformed_query_parameters_are_400() {
        let app = TestApp::spawn().await;
        let body = app
            .get("/api/v1/articles?categoy=x")
            .await
            .assert_problem(400, "unknown_parameter");
        assert!(body["detail"].as_str().unwrap().contains("categoy"));
        app.get("/api/v1/categories?page=2")
            .await
            .assert_problem(400, "unknown_parameter");
        let limit = app
            .request(
                Method::GET,
                "/api/v1/articles?limit=abc",
                None,
                None,
                &[("Accept-Language", "en")],
            )
            .await;
        let limit = limit.assert_problem(400, "invalid_parameter");
        assert!(limit["detail"].as_str().unwrap().contains("limit"), "{limit}");
    }
}

on_both_engines! {
    async fn cors_allows_other_origins_and_exposes_paging_headers() {
        let app = TestApp::spawn().await;
        let res = app
            .request(
                Method::GET,
                "/api/v1/articles",
                None,
                None,
                &[("Origin", "https://cong-thong-tin.example")],
            )
            .await;
        assert_eq!(res.status, 200);
        assert!(res.header("access-control-allow-origin").is_some());
        let exposed = res.header("access-control-expose-headers").unwrap().to_lowercase();
        for header in ["link", "etag", "retry-after"] {
            assert!(exposed.contains(header), "{exposed}");
        }
        let preflight = app
            .request(
                Method::OPTIONS,
                "/api/v1/articles",
                None,
                None,
                &[
                    ("Origin", "https://cong-thong-tin.example"),
                    ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "authorization, content-type"),
                ],
            )
            .await;
        assert_eq!(preflight.status, 200);
        assert!(preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST"));
    }
}

on_both_engines! {
    async fn cors_can_be_limited_to_configured_origins() {
        let app = TestApp::spawn_with(|c| c.cors_origins = vec!["https://honglinh.hatinh.gov.vn".into()]).await;
        let allowed = app
            .request(
                Method::GET,
                "/api/v1/articles",
                None,
                None,
                &[("Origin", "https://honglinh.hatinh.gov.vn")],
            )
            .await;
        assert_eq!(
            allowed.header("access-control-allow-origin").as_deref(),
            Some("https://honglinh.hatinh.gov.vn")
        );
        let other = app
            .request(
                Method::GET,
                "/api/v1/articles",
                None,
                None,
                &[("Origin", "https://evil.example")],
            )
            .await;
        assert!(other.header("access-control-allow-origin").is_none());
    }
}

on_both_engines! {
    async fn an_unreachable_database_is_503_not_500() {
        let app = TestApp::spawn_with(|c| {
            c.pool_size = 1;
            c.pool_timeout = std::time::Duration::from_secs(1);
        })
        .await;
        // Hold the only connection: the next request cannot reach the database.
        let held = app.state.pool.get().unwrap();
        let res = app.get("/health/ready").await;
        res.assert_problem(503, "service_unavailable");
        assert!(res.header("retry-after").is_some());
        app.get("/api/v1/articles")
            .await
            .assert_problem(503, "service_unavailable");
        drop(held);
        assert_eq!(app.get("/health/ready").await.status, 200);
        assert_eq!(app.get("/health/live").await.status, 200);
    }
}

on_both_engines! {
    /// NUL (U+0000) cannot be stored as text by PostgreSQL: it is refused in
    /// addresses and bodies, the same on both engines, and nothing is written.
    async fn nul_characters_are_refused_in_addresses_and_bodies() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        app.get("/api/v1/articles/bai%00viet").await.assert_problem(400, "nul_in_text");
        app.get("/api/v1/search?q=hop%00bao").await.assert_problem(400, "nul_in_text");
        app.post(
            "/api/v1/articles",
            Some(&editor),
            &json!({"title": "Tin\u{0} mới", "status": "published"}),
        )
        .await
        .assert_problem(400, "nul_in_text");
        app.post("/api/v1/auth/login", None, &json!({"username": "a\u{0}", "password": "x"}))
            .await
            .assert_problem(400, "nul_in_text");
        // An escaped backslash before "u0000" is just text.
        let article = app
            .create_article(&editor, json!({"title": "Đường dẫn C:\\u0000", "status": "published"}))
            .await;
        assert_eq!(article["title"], "Đường dẫn C:\\u0000");
        assert_eq!(app.get("/api/v1/articles").await.json()["data"].as_array().unwrap().len(), 1);
    }
}

on_both_engines! {
    /// Input that once reached one engine and not the other: dates outside
    /// years 1-9999, a search word that folds to nothing, an endless name query.
    async fn edge_input_gets_the_same_clear_answer_on_both_engines() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        for path in [
            "/api/v1/articles?from=-5000-01-01",
            "/api/v1/articles?from=%2B10000-01-01",
            "/api/v1/events?from=-262143-01-01",
            "/api/v1/events.ics?to=99999-01-01",
        ] {
            let res = app.get(path).await;
            assert_eq!(res.status, 400, "{path}: {}", String::from_utf8_lossy(&res.body));
        }
        let res = app
            .post(
                "/api/v1/articles",
                Some(&editor),
                &json!({"title": "Năm mười nghìn", "status": "scheduled", "published_at": "9999-12-31T23:00:00-05:00"}),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(res["errors"][0]["field"], "published_at");
        // U+064E folds to nothing: it is not a word.
        let res = app.get("/api/v1/search?q=%D9%8E%20abc").await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        let res = app.get("/api/v1/search?q=%22%D9%8E%20abc%22").await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        let long = vec!["an"; 1000].join("%20");
        app.get(&format!("/api/v1/officials?q={long}"))
            .await
            .assert_problem(400, "invalid_parameter");
        let many: Vec<i64> = (1..=101).collect();
        app.post(
            "/api/v1/articles",
            Some(&editor),
            &json!({"title": "Nhiều liên kết", "official_ids": many}),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
}

on_both_engines! {
    /// Property: whatever the query string, every list answers without a
    /// server error (random names and values, the real names with random
    /// values, and `q` for the search engine's parser).
    async fn no_query_string_makes_a_server_error() {
        use proptest::prelude::*;
        use proptest::strategy::ValueTree;
        let app = TestApp::spawn().await;
        bantin::demo::load(&mut app.state.pool.get().unwrap(), app.now()).unwrap();
        let paths = [
            "/api/v1/articles",
            "/api/v1/events",
            "/api/v1/officials",
            "/api/v1/organizations",
            "/api/v1/search",
            "/api/v1/tags",
            "/api/v1/events.ics",
            "/api/v1/officials/dang-thanh-hai/events",
        ];
        let names = prop_oneof![
            Just("q".to_string()),
            Just("cursor".to_string()),
            Just("limit".to_string()),
            Just("sort".to_string()),
            Just("fields".to_string()),
            Just("include".to_string()),
            Just("from".to_string()),
            Just("to".to_string()),
            Just("official".to_string()),
            Just("category".to_string()),
            Just("type".to_string()),
            "\\PC{0,8}",
        ];
        let params = proptest::collection::vec((names, "\\PC{0,30}"), 0..4);
        let strategy = (0..paths.len(), params);
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        for _ in 0..150 {
            let (path, params) = strategy.new_tree(&mut runner).unwrap().current();
            let query = serde_urlencoded::to_string(&params).unwrap();
            let url = format!("{}?{query}", paths[path]);
            let res = app.get(&url).await;
            assert!(res.status < 500, "{url}: {} {}", res.status, String::from_utf8_lossy(&res.body));
        }
    }
}
