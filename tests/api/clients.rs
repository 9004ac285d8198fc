//! What real clients hit (issue 22), one test per client: a browser's
//! preflight, a script's new key, an editor's own password, an embed's
//! size and an old slug, an offline copy after an import or a restore, a
//! webhook to a listed private host, a backup into a missing directory.
//! The clients themselves (feed readers, strict TypeScript, Chromium) run
//! in `.ci/conformance`; these tests pin the server's side of each.

use actix_web::http::Method;
use serde_json::{json, Value};

use image::ImageFormat;

use crate::files;
use crate::helpers::{TestApp, PASSWORD};
use crate::keys::new_key;
use crate::media::stored;

fn english(res: &crate::helpers::Resp) -> String {
    res.json()["detail"].as_str().unwrap().to_string()
}

on_both_engines! {
    async fn a_browser_may_send_every_header_the_api_documents_and_read_the_answers() {
        let app = TestApp::spawn().await;
        let origin = ("Origin", "https://cong-thong-tin.example");
        for (method, headers) in [
            ("PATCH", "authorization, content-type, if-match"),
            ("POST", "authorization, content-type, idempotency-key"),
            ("GET", "if-none-match, accept-language, x-visitor-id"),
        ] {
            let preflight = app
                .request(Method::OPTIONS, "/api/v1/articles", None, None,
                    &[origin, ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", headers)])
                .await;
            assert_eq!(preflight.status, 200, "{method} {headers}: {}", String::from_utf8_lossy(&preflight.body));
            let allowed = preflight.header("access-control-allow-headers").unwrap().to_lowercase();
            for header in headers.split(", ") {
                assert!(allowed.contains(header), "{header} not in {allowed}");
            }
        }
        let res = app.request(Method::GET, "/api/v1/articles", None, None, &[origin]).await;
        let exposed = res.header("access-control-expose-headers").unwrap().to_lowercase();
        for header in ["etag", "link", "ratelimit-remaining", "ratelimit-limit", "idempotency-replayed", "location", "retry-after"] {
            assert!(exposed.contains(header), "{header} not in {exposed}");
        }
    }
}

on_both_engines! {
    async fn a_script_uses_its_new_key_at_once_and_is_told_why_a_key_fails() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let (key, secret) = new_key(&app, &admin, json!({"name": "Nhập tin", "kind": "integration", "scopes": ["tags:write"]})).await;
        // At once, with no wait for the keyring's refresh.
        let res = app.post("/api/v1/tags", Some(&secret), &json!({"name": "Hội nghị"})).await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        // Outside its scopes: the missing scope is named.
        let en = [("Accept-Language", "en")];
        let res = app.request(Method::POST, "/api/v1/articles", Some(&secret), Some(&json!({"title": "x"})), &en).await;
        res.assert_problem(403, "forbidden");
        assert!(english(&res).contains("articles:write"), "{}", english(&res));
        // An integration key never in the query string, and it is not logged there either.
        app.get(&format!("/api/v1/tags?key={secret}")).await.assert_problem(401, "key_in_query");
        // Unknown, revoked and expired keys each say so.
        let res = app.request(Method::GET, "/api/v1/tags", Some("bantin_ik_notakeyatall0000000000"), None, &en).await;
        res.assert_problem(401, "unauthorized");
        assert!(english(&res).contains("No API key"), "{}", english(&res));
        app.post(&format!("/api/v1/keys/{}/revoke", key["id"]), Some(&admin), &json!({})).await;
        let res = app.request(Method::GET, "/api/v1/tags", Some(&secret), None, &en).await;
        res.assert_problem(401, "unauthorized");
        assert!(english(&res).contains("revoked"), "{}", english(&res));
        let soon = (app.now() + chrono::Duration::minutes(5)).and_utc().to_rfc3339();
        let (_, short) = new_key(&app, &admin, json!({"name": "Ngắn hạn", "kind": "content", "expires_at": soon})).await;
        assert_eq!(app.get(&format!("/api/v1/tags?key={short}")).await.status, 200);
        app.clock.advance(chrono::Duration::minutes(10));
        let res = app.request(Method::GET, &format!("/api/v1/tags?key={short}"), None, None, &en).await;
        res.assert_problem(401, "unauthorized");
        assert!(english(&res).contains("expired"), "{}", english(&res));
    }
}

on_both_engines! {
    async fn an_editor_changes_their_own_password_and_other_sessions_end() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let here = app.login("bientap", PASSWORD).await.json();
        let there = app.login("bientap", PASSWORD).await.json();
        let token = here["access_token"].as_str().unwrap();
        let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
        let res = app.post("/api/v1/auth/password", Some(token), &change("sai-mat-khau-roi", "mat-khau-moi-that-dai")).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!((problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()), (Some("current_password"), Some("incorrect")));
        let res = app.post("/api/v1/auth/password", Some(token), &change(PASSWORD, "ngan")).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "new_password");
        // Nothing changed by either refusal.
        assert_eq!(app.login("bientap", PASSWORD).await.status, 200);

        let res = app.post("/api/v1/auth/password", Some(token), &change(PASSWORD, "mat-khau-moi-that-dai")).await;
        assert_eq!(res.status, 204, "{}", String::from_utf8_lossy(&res.body));
        // This session goes on; the other one is over, access and refresh alike.
        assert_eq!(app.get_as("/api/v1/auth/me", token).await.status, 200);
        let refreshed = app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": here["refresh_token"]})).await;
        assert_eq!(refreshed.status, 200, "{}", String::from_utf8_lossy(&refreshed.body));
        app.get_as("/api/v1/auth/me", there["access_token"].as_str().unwrap()).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": there["refresh_token"]})).await.assert_problem(401, "invalid_refresh_token");
        app.login("bientap", PASSWORD).await.assert_problem(401, "invalid_credentials");
        assert_eq!(app.login("bientap", "mat-khau-moi-that-dai").await.status, 200);
        // A key has no password to change.
        let admin = app.token("admin").await;
        let (_, secret) = new_key(&app, &admin, json!({"name": "Kịch bản", "kind": "integration", "scopes": ["tags:write"]})).await;
        app.post("/api/v1/auth/password", Some(&secret), &change("x", "mat-khau-moi-that-dai")).await.assert_problem(403, "forbidden");
        app.post("/api/v1/auth/password", None, &change("x", "mat-khau-moi-that-dai")).await.assert_problem(401, "unauthorized");
    }
}

async fn oembed(app: &TestApp, url: &str, extra: &[(&str, &str)]) -> Value {
    let mut query = vec![("url", url)];
    query.extend_from_slice(extra);
    let res = app
        .get(&format!(
            "/api/v1/oembed?{}",
            serde_urlencoded::to_string(&query).unwrap()
        ))
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

on_both_engines! {
    async fn an_embed_is_as_tall_as_its_card_and_follows_a_renamed_slug() {
        let app = TestApp::spawn_with(|c| {
            c.site_url = Some("https://honglinh.hatinh.gov.vn".into());
            c.public_url = Some("https://api.honglinh.vn".into());
        }).await;
        let editor = app.token("editor").await;
        let landscape = stored(&app, &editor, "ngang.jpg", &files::photo(1600, 900, ImageFormat::Jpeg)).await;
        let portrait = stored(&app, &editor, "doc.jpg", &files::photo(900, 1600, ImageFormat::Jpeg)).await;
        let mut heights = Vec::new();
        for (title, cover) in [
            ("Có ảnh ngang", Some(&landscape)),
            ("Có ảnh dọc", Some(&portrait)),
            ("Không có ảnh", None),
        ] {
            let mut body = json!({"title": title, "status": "published", "summary": "Sáng 19/7, Thường trực Thị ủy giao ban."});
            if let Some(photo) = cover {
                body["cover_image"] = json!({"media_id": photo["id"], "caption": "Toàn cảnh hội nghị"});
            }
            let article = app.create_article(&editor, body).await;
            let page = format!("https://honglinh.hatinh.gov.vn/tin-tuc/{}", article["slug"].as_str().unwrap());
            let card = oembed(&app, &page, &[]).await;
            heights.push(card["height"].as_u64().unwrap());
            // A small maxheight gets the compact card when the full one does not fit.
            let small = oembed(&app, &page, &[("maxheight", "200")]).await;
            assert!(small["height"].as_u64().unwrap() <= 200, "{small}");
            let compact = small["html"].as_str().unwrap().contains("compact=true");
            assert_eq!(compact, cover.is_some(), "{small}");
            let narrow = oembed(&app, &page, &[("maxwidth", "320")]).await;
            assert!(narrow["width"].as_u64().unwrap() <= 320);
            // The thumbnail keeps to maxwidth/maxheight too, with all three fields or none.
            // (A portrait photo has no JPEG 200 px tall: then no thumbnail.)
            let landscape = title == "Có ảnh ngang";
            for (card, field, max, shown) in [(&narrow, "thumbnail_width", 320, cover.is_some()), (&small, "thumbnail_height", 200, landscape)] {
                assert_eq!(card["thumbnail_url"].is_string(), shown, "{card}");
                assert_eq!(card["thumbnail_width"].is_u64(), shown, "{card}");
                assert_eq!(card["thumbnail_height"].is_u64(), shown, "{card}");
                if shown {
                    assert!(card[field].as_u64().unwrap() <= max, "{card}");
                }
            }
        }
        // The frame is cropped to the card's own 16:9 photo box, so both photos
        // give the same height; a card without one is shorter by that much.
        assert_eq!(heights[0], heights[1], "{heights:?}");
        assert!(heights[2] + 200 < heights[0], "{heights:?}");

        // Renamed: the old slug's card and its oEmbed point at the new one.
        let article = app.create_article(&editor, json!({"title": "Tên cũ", "status": "published"})).await;
        app.patch(&format!("/api/v1/articles/{}", article["id"]), &editor, &json!({"slug": "ten-moi"})).await;
        let res = app.get("/embed/articles/ten-cu").await;
        assert_eq!(res.status, 301);
        assert!(res.header("location").unwrap().ends_with("/embed/articles/ten-moi"), "{:?}", res.header("location"));
        let asked = serde_urlencoded::to_string([("url", "https://honglinh.hatinh.gov.vn/tin-tuc/ten-cu")]).unwrap();
        let res = app.get(&format!("/api/v1/oembed?{asked}")).await;
        assert_eq!(res.status, 301, "{}", String::from_utf8_lossy(&res.body));
        assert!(res.header("location").unwrap().contains("ten-moi"), "{:?}", res.header("location"));
        // An embed is public: a page's stale Authorization does not break it.
        let res = app.request(Method::GET, "/embed/articles/ten-moi", Some("not-a-token"), None, &[]).await;
        assert_eq!(res.status, 200);
    }
}

/// The change token an app would hold now.
async fn token_now(app: &TestApp) -> String {
    let res = app.get("/api/v1/changes/token").await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()["token"].as_str().unwrap().to_string()
}

on_both_engines! {
    async fn an_offline_copy_resyncs_after_its_portal_is_imported_elsewhere() {
        let source = TestApp::spawn().await;
        let editor = source.token("editor").await;
        for i in 0..3 {
            source.create_article(&editor, json!({"title": format!("Tin số {i}"), "status": "published"})).await;
        }
        let held = token_now(&source).await;
        let mut export = Vec::new();
        {
            let mut conn = source.state.pool.get().unwrap();
            bantin::transfer::export(&mut conn, &mut export, source.now(), &bantin::progress::Progress::hidden()).unwrap();
        }
        let target = TestApp::spawn().await;
        {
            let mut conn = target.state.pool.get().unwrap();
            bantin::transfer::import(&mut conn, &export[..]).unwrap();
        }
        let editor = target.token("editor").await;
        // The moved portal writes, reusing the change numbers the app saw.
        target.create_article(&editor, json!({"title": "Tin sau khi chuyển", "status": "published"})).await;
        target.get(&format!("/api/v1/changes?since={held}")).await.assert_problem(410, "sync_expired");
        let fresh = token_now(&target).await;
        assert_ne!(fresh, held);
        target.create_article(&editor, json!({"title": "Tin mới nữa", "status": "published"})).await;
        let page = target.get(&format!("/api/v1/changes?since={fresh}")).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.json()["data"].as_array().unwrap().len(), 1);
    }
}

#[actix_web::test]
async fn an_offline_copy_resyncs_after_a_restore() {
    crate::helpers::use_engine(crate::helpers::Engine::Sqlite);
    let mut app = TestApp::spawn().await;
    let editor = app.token("editor").await;
    app.create_article(&editor, json!({"title": "Trước sao lưu", "status": "published"}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("honglinh.db");
    let config = (*app.state.config).clone();
    bantin::backup::backup(&config, &file, &bantin::progress::Progress::hidden()).unwrap();
    // After the backup the app syncs two more publishes.
    for title in ["Sau sao lưu 1", "Sau sao lưu 2"] {
        app.create_article(&editor, json!({"title": title, "status": "published"}))
            .await;
    }
    let held = token_now(&app).await;
    app.stop().await;

    let target = tempfile::tempdir().unwrap();
    let mut restored_config = bantin::config::Config::for_data_dir(target.path());
    restored_config.database_url = target.path().join("bantin.db").to_string_lossy().into_owned();
    bantin::backup::restore(&restored_config, &file).unwrap();
    let url = restored_config.database_url.clone();
    let restored = TestApp::spawn_with(move |c| c.database_url = url).await;
    let editor = restored.token("editor").await;
    for title in ["Bài mới 1", "Bài mới 2", "Bài mới 3"] {
        restored
            .create_article(&editor, json!({"title": title, "status": "published"}))
            .await;
    }
    // The held token's numbers now name other changes: refused, not an empty page.
    restored
        .get(&format!("/api/v1/changes?since={held}"))
        .await
        .assert_problem(410, "sync_expired");
}

on_both_engines! {
    async fn a_listed_webhook_host_may_be_private_and_a_refusal_names_the_setting() {
        let listed = TestApp::spawn_with(|c| {
            c.webhooks.allowed_hosts = vec!["127.0.0.1".into()];
            c.webhooks.allow_private = false;
        }).await;
        let admin = listed.token("admin").await;
        let hook = |url: &str| json!({"name": "Cổng tỉnh", "url": url, "events": ["*"]});
        let res = listed.post("/api/v1/webhooks", Some(&admin), &hook("http://127.0.0.1:9/hook")).await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        let en = [("Accept-Language", "en")];
        let res = listed.request(Method::POST, "/api/v1/webhooks", Some(&admin), Some(&hook("http://10.0.0.7/hook")), &en).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["code"], "address_refused");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("BANTIN_WEBHOOK_ALLOWED_HOSTS"), "{problem}");

        let open = TestApp::spawn_with(|c| {
            c.webhooks.allowed_hosts = vec![];
            c.webhooks.allow_private = false;
        }).await;
        let admin = open.token("admin").await;
        let res = open.request(Method::POST, "/api/v1/webhooks", Some(&admin), Some(&hook("http://10.0.0.7/hook")), &en).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("BANTIN_WEBHOOK_ALLOW_PRIVATE"), "{problem}");
        assert_eq!(open.get_as("/api/v1/webhooks", &admin).await.json()["data"].as_array().unwrap().len(), 0);
    }
}

#[actix_web::test]
async fn a_backup_into_a_missing_directory_says_to_create_it() {
    crate::helpers::use_engine(crate::helpers::Engine::Sqlite);
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chua-co").join("honglinh.db");
    let config = (*app.state.config).clone();
    let error = bantin::backup::backup(&config, &file, &bantin::progress::Progress::hidden()).unwrap_err();
    assert!(error.to_string().contains("does not exist: create it first"), "{error}");
    assert!(!file.exists());
}
