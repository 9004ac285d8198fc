//! API keys: content keys read, integration keys write within their scopes,
//! revocation is immediate, secrets are hashed at rest.

use crate::helpers::TestApp;
use actix_web::http::Method;
use serde_json::{json, Value};

/// Makes a key (admin): the answer and its secret.
pub async fn new_key(app: &TestApp, admin: &str, body: Value) -> (Value, String) {
    let res = app.post("/api/v1/keys", Some(admin), &body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let key = res.json();
    let secret = key["secret"].as_str().unwrap().to_string();
    (key, secret)
}

async fn with_key(app: &TestApp, method: Method, path: &str, key: &str, body: Option<&Value>) -> crate::helpers::Resp {
    app.request(method, path, Some(key), body, &[]).await
}

on_both_engines! {
    async fn content_keys_read_public_content_and_never_write() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        app.create_article(&editor, json!({"title": "Tin đã đăng", "status": "published"})).await;
        app.create_article(&editor, json!({"title": "Bản nháp"})).await;
        let (key, secret) = new_key(&app, &admin, json!({"name": "Ứng dụng di động", "kind": "content"})).await;
        assert!(secret.starts_with("bantin_ck_"));
        assert!(secret.starts_with(key["prefix"].as_str().unwrap()));
        assert_eq!(key["requests_per_minute"], 600);
        let id = key["id"].as_i64().unwrap();

        // In the query or as a bearer token; only what the public sees.
        let res = app.get(&format!("/api/v1/articles?key={secret}")).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.json()["data"].as_array().unwrap().len(), 1);
        assert_eq!(res.header("ratelimit-limit").as_deref(), Some("600"));
        assert_eq!(res.header("ratelimit-remaining").as_deref(), Some("599"));
        assert_eq!(res.header("cache-control").as_deref(), Some("public, max-age=60"));
        let res = with_key(&app, Method::GET, "/api/v1/articles?status=draft", &secret, None).await;
        res.assert_problem(403, "forbidden");
        // The key never reaches a handler as a parameter, and paging keeps it.
        for i in 0..3 {
            app.create_article(&editor, json!({"title": format!("Tin {i}"), "status": "published"})).await;
        }
        let res = app.get(&format!("/api/v1/articles?limit=2&key={secret}")).await;
        assert!(res.header("link").unwrap().contains(&format!("key={secret}")), "{:?}", res.header("link"));
        // It writes nothing a reader could not.
        let res = with_key(&app, Method::POST, "/api/v1/articles", &secret, Some(&json!({"title": "x"}))).await;
        res.assert_problem(403, "forbidden");
        let res = with_key(&app, Method::GET, "/api/v1/comments", &secret, None).await;
        res.assert_problem(403, "forbidden");
        let res = app.get(&format!("/api/v1/users?key={secret}")).await;
        res.assert_problem(403, "forbidden");
        // Not a key bantin issued, or a key and a token at once.
        app.get("/api/v1/articles?key=bantin_ck_0000").await.assert_problem(401, "unauthorized");
        with_key(&app, Method::GET, "/api/v1/articles", "bantin_ik_nothing", None).await.assert_problem(401, "unauthorized");
        let res = app.request(Method::GET, &format!("/api/v1/articles?key={secret}"), Some(&editor), None, &[]).await;
        res.assert_problem(400, "invalid_parameter");

        // Its use is counted (written with the other counters).
        bantin::jobs::flush_counts(&app.state);
        let seen = app.get_as(&format!("/api/v1/keys/{id}"), &admin).await.json();
        assert!(seen.get("secret").is_none(), "shown once only");
        assert!(seen["last_used_at"].is_string());
        assert_eq!(seen["usage"][0]["requests"], 6);
        let list = app.get_as("/api/v1/keys", &admin).await.json();
        assert!(list["data"][0].get("secret").is_none());

        // Only a hash is kept.
        let mut conn = app.state.pool.get().unwrap();
        let stored = bantin::keys::store::find(&mut conn, id).unwrap().unwrap();
        assert_eq!(stored.secret_hash, bantin::keys::hash(&secret));
        assert!(!stored.secret_hash.contains(&secret[10..]));
        assert_eq!(bantin::keys::store::find_by_hash(&mut conn, &secret).unwrap().map(|k| k.id), None);
    }
}

on_both_engines! {
    async fn integration_keys_write_within_their_scopes_and_are_named_in_the_log() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let (key, secret) = new_key(&app, &admin, json!({"name": "Nhập tin hằng đêm", "kind": "integration",
            "scopes": ["articles:write", "tags:write"]})).await;
        assert!(secret.starts_with("bantin_ik_"));
        assert_eq!(key["scopes"], json!(["articles:write", "tags:write"]));
        let start = app.get("/api/v1/changes/token").await.json()["token"].as_str().unwrap().to_string();

        let res = with_key(&app, Method::POST, "/api/v1/articles", &secret, Some(&json!({"title": "Tin từ kịch bản", "tags": ["Nhập tự động"]}))).await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        let article = res.json();
        // It sees the drafts of what it may write, and only those.
        let res = with_key(&app, Method::GET, &format!("/api/v1/articles/{}", article["id"]), &secret, None).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("cache-control").as_deref(), Some("private, no-cache"));
        let audit = app.get_as(&format!("/api/v1/changes?since={start}&include=actor"), &admin).await.json();
        assert_eq!(audit["data"][0]["actor"], json!({"type": "key", "id": key["id"], "name": "Nhập tin hằng đêm"}));

        // Outside its scopes, and anything an admin does: 403.
        for (method, path, body) in [
            (Method::POST, "/api/v1/events", Some(json!({"title": "x", "starts_at": "2022-07-19T08:00:00Z"}))),
            (Method::POST, "/api/v1/categories", Some(json!({"name": "x"}))),
            (Method::GET, "/api/v1/comments", None),
            (Method::GET, "/api/v1/users", None),
            (Method::GET, "/api/v1/keys", None),
            (Method::POST, "/api/v1/keys", Some(json!({"name": "x", "kind": "content"}))),
            (Method::GET, "/api/v1/webhooks", None),
            (Method::GET, "/api/v1/auth/me", None),
            (Method::GET, "/api/v1/changes?include=actor", None),
        ] {
            let res = with_key(&app, method.clone(), path, &secret, body.as_ref()).await;
            res.assert_problem(403, "forbidden");
        }
        // An admin widens it; it applies at once.
        let res = app.patch(&format!("/api/v1/keys/{}", key["id"]), &admin, &json!({"scopes": ["articles:write", "events:write"]})).await;
        assert_eq!(res.status, 200);
        let res = with_key(&app, Method::POST, "/api/v1/events", &secret, Some(&json!({"title": "Họp", "starts_at": "2022-07-19T08:00:00Z"}))).await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    }
}

on_both_engines! {
    async fn a_revoked_key_stops_at_once_here_and_within_a_second_everywhere() {
        let app = TestApp::spawn().await;
        let other = app.spawn_beside(|_| {}).await;
        let admin = app.token("admin").await;
        let (key, secret) = new_key(&app, &admin, json!({"name": "Kịch bản", "kind": "integration", "scopes": ["tags:write"]})).await;
        // Both instances know it (and remember it).
        for instance in [&app, &other] {
            let res = with_key(instance, Method::POST, "/api/v1/tags", &secret, Some(&json!({"name": format!("Thẻ {}", instance.base)}))).await;
            assert_eq!(res.status, 201);
        }
        let res = app.post(&format!("/api/v1/keys/{}/revoke", key["id"]), Some(&admin), &json!({})).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.json()["active"], false);
        with_key(&app, Method::GET, "/api/v1/tags", &secret, None).await.assert_problem(401, "unauthorized");
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        with_key(&other, Method::GET, "/api/v1/tags", &secret, None).await.assert_problem(401, "unauthorized");
        // It stays listed, as revoked, for the changes it made.
        let seen = app.get_as(&format!("/api/v1/keys/{}", key["id"]), &admin).await.json();
        assert_eq!(seen["active"], false);
        assert!(seen["revoked_at"].is_string());
        // Deleting one is at once too, and it is gone.
        let (second, secret) = new_key(&app, &admin, json!({"name": "Khác", "kind": "content"})).await;
        assert_eq!(app.get(&format!("/api/v1/tags?key={secret}")).await.status, 200);
        assert_eq!(app.delete(&format!("/api/v1/keys/{}", second["id"]), &admin).await.status, 204);
        app.get(&format!("/api/v1/tags?key={secret}")).await.assert_problem(401, "unauthorized");
        app.get_as(&format!("/api/v1/keys/{}", second["id"]), &admin).await.assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn keys_expire_keep_to_their_origins_and_their_own_rate() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let soon = (app.now() + chrono::Duration::hours(1)).and_utc().to_rfc3339();
        let (_, secret) = new_key(&app, &admin, json!({"name": "Cổng tỉnh", "kind": "content", "requests_per_minute": 3,
            "allowed_origins": ["https://hatinh.gov.vn"], "expires_at": soon})).await;
        let from = |origin: &'static str| {
            let (app, secret) = (&app, secret.clone());
            async move {
                let headers: Vec<(&str, &str)> = if origin.is_empty() { vec![] } else { vec![("Origin", origin)] };
                app.request(Method::GET, &format!("/api/v1/tags?key={secret}"), None, None, &headers).await
            }
        };
        assert_eq!(from("https://hatinh.gov.vn").await.status, 200);
        from("https://evil.example").await.assert_problem(403, "origin_not_allowed");
        assert_eq!(from("").await.status, 200, "apps and servers send no Origin");
        assert_eq!(from("").await.header("ratelimit-remaining").as_deref(), Some("0"));
        let res = from("").await;
        res.assert_problem(429, "rate_limited");
        assert!(res.header("retry-after").is_some());
        // Another key has its own quota.
        let (_, second) = new_key(&app, &admin, json!({"name": "Khác", "kind": "content"})).await;
        assert_eq!(app.get(&format!("/api/v1/tags?key={second}")).await.status, 200);
        // Past its expiry it is refused.
        app.clock.advance(chrono::Duration::hours(2));
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        app.get(&format!("/api/v1/tags?key={secret}")).await.assert_problem(401, "unauthorized");
    }
}

on_both_engines! {
    async fn a_key_is_checked_before_it_is_made() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let past = (app.now() - chrono::Duration::hours(1)).and_utc().to_rfc3339();
        for (body, field, code) in [
            (json!({"name": "x", "kind": "content", "scopes": ["articles:write"]}), "scopes", "not_allowed"),
            (json!({"name": "x", "kind": "integration", "allowed_origins": ["https://a.vn"]}), "allowed_origins", "not_allowed"),
            (json!({"name": "x", "kind": "content", "allowed_origins": ["https://a.vn/path"]}), "allowed_origins[0]", "format"),
            (json!({"name": "x", "kind": "content", "expires_at": past}), "expires_at", "in_the_past"),
            (json!({"name": "", "kind": "content"}), "name", "required"),
            (json!({"name": "x", "kind": "content", "requests_per_minute": 0}), "requests_per_minute", "range"),
        ] {
            let res = app.post("/api/v1/keys", Some(&admin), &body).await;
            let problem = res.assert_problem(422, "validation_failed");
            assert_eq!(problem["errors"][0]["field"], field, "{body}");
            assert_eq!(problem["errors"][0]["code"], code, "{body}");
        }
        app.post("/api/v1/keys", Some(&admin), &json!({"name": "x", "kind": "admin"})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/keys", Some(&editor), &json!({"name": "x", "kind": "content"})).await.assert_problem(403, "forbidden");
        app.get("/api/v1/keys").await.assert_problem(401, "unauthorized");
        app.get_as("/api/v1/keys/999", &admin).await.assert_problem(404, "not_found");
        assert_eq!(app.get_as("/api/v1/keys", &admin).await.json()["meta"]["total"], 0, "nothing was made");
    }
}

on_both_engines! {
    async fn a_site_can_require_a_content_key() {
        let app = TestApp::spawn_with(|c| c.require_content_key = true).await;
        let admin = app.token("admin").await;
        app.get("/api/v1/articles").await.assert_problem(401, "key_required");
        let res = app.post("/api/v1/stats/visits", None, &json!({})).await;
        res.assert_problem(401, "key_required");
        // Signing in, the API's description and health need none.
        assert_eq!(app.get("/api/v1/openapi.json").await.status, 200);
        assert_eq!(app.get("/health/live").await.status, 200);
        let (_, secret) = new_key(&app, &admin, json!({"name": "Ứng dụng", "kind": "content"})).await;
        assert_eq!(app.get(&format!("/api/v1/articles?key={secret}")).await.status, 200);
        assert_eq!(app.get_as("/api/v1/articles", &secret).await.status, 200);
        assert_eq!(app.get_as("/api/v1/articles", &admin).await.status, 200, "a signed-in user needs no key");
    }
}

on_both_engines! {
    async fn a_key_names_each_scope_at_most_once_and_the_document_says_how_many() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let doc: Value = serde_json::from_str(&bantin::openapi::document_json()).unwrap();
        let scopes: Vec<Value> = doc["components"]["schemas"]["KeyScope"]["enum"].as_array().unwrap().clone();
        for schema in ["CreateKey", "UpdateKey"] {
            let most = &doc["components"]["schemas"][schema]["properties"]["scopes"]["maxItems"];
            assert_eq!(most.as_u64(), Some(scopes.len() as u64), "{schema}");
        }
        // Every scope, once: fine. One more (a repeat): 422, and no key.
        let (key, _) = new_key(&app, &admin, json!({"name": "Mọi quyền", "kind": "integration", "scopes": scopes})).await;
        assert_eq!(key["scopes"].as_array().unwrap().len(), scopes.len());
        let mut too_many = scopes.clone();
        too_many.push(scopes[0].clone());
        let res = app
            .post("/api/v1/keys", Some(&admin), &json!({"name": "Quá nhiều", "kind": "integration", "scopes": too_many}))
            .await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(res.json()["errors"][0]["field"], "scopes");
        let res = app
            .request(
                Method::PATCH,
                &format!("/api/v1/keys/{}", key["id"]),
                Some(&admin),
                Some(&json!({"scopes": too_many})),
                &[],
            )
            .await;
        res.assert_problem(422, "validation_failed");
        let list = app.get_as("/api/v1/keys", &admin).await.json();
        assert_eq!(list["data"].as_array().unwrap().len(), 1);
        // A repeat within the limit is taken once.
        let twice = json!({"name": "Hai lần", "kind": "integration", "scopes": ["articles:write", "articles:write"]});
        let (key, _) = new_key(&app, &admin, twice).await;
        assert_eq!(key["scopes"], json!(["articles:write"]));
    }
}
