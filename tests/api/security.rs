//! The defects a security review and a black-box probe found, each shown
//! fixed: sessions that end when they should, limits on every door, nothing
//! built from headers a cache keeps, ids a client cannot invent, output that
//! cannot be turned into markup or calendar lines, private exports.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};

async fn pair(app: &TestApp, username: &str) -> (String, String) {
    let res = app.login(username, PASSWORD).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let body = res.json();
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    )
}

async fn refresh(app: &TestApp, token: &str) -> crate::helpers::Resp {
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": token}))
        .await
}

on_both_engines! {
    async fn a_new_password_or_role_ends_every_session_of_the_user() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let id = app.create_user("bientap", "editor");
        let (access, refresh_token) = pair(&app, "bientap").await;
        let (other_access, other_refresh) = pair(&app, "bientap").await;
        assert_eq!(app.get_as("/api/v1/auth/me", &access).await.status, 200);

        let res = app
            .patch(&format!("/api/v1/users/{id}"), &admin, &json!({"password": "mat-khau-moi-rat-dai-2023"}))
            .await;
        assert_eq!(res.status, 200);
        for token in [&access, &other_access] {
            app.get_as("/api/v1/auth/me", token).await.assert_problem(401, "unauthorized");
        }
        for token in [&refresh_token, &other_refresh] {
            refresh(&app, token).await.assert_problem(401, "invalid_refresh_token");
        }

        // Signed in again with the new password, then demoted: ended again.
        let res = app.login("bientap", "mat-khau-moi-rat-dai-2023").await;
        let access = res.json()["access_token"].as_str().unwrap().to_string();
        assert_eq!(app.get_as("/api/v1/auth/me", &access).await.status, 200);
        app.patch(&format!("/api/v1/users/{id}"), &admin, &json!({"role": "moderator"})).await;
        app.get_as("/api/v1/auth/me", &access).await.assert_problem(401, "unauthorized");
        // A display name is no reason to sign anyone out.
        let res = app.login("bientap", "mat-khau-moi-rat-dai-2023").await;
        let access = res.json()["access_token"].as_str().unwrap().to_string();
        app.patch(&format!("/api/v1/users/{id}"), &admin, &json!({"display_name": "Biên tập"})).await;
        assert_eq!(app.get_as("/api/v1/auth/me", &access).await.status, 200);
    }
}

on_both_engines! {
    async fn logging_out_ends_the_session_and_its_access_tokens() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let (access, refresh_token) = pair(&app, "bientap").await;
        let (kept_access, _) = pair(&app, "bientap").await;
        let res = app.post("/api/v1/auth/logout", None, &json!({"refresh_token": refresh_token})).await;
        assert_eq!(res.status, 204);
        app.get_as("/api/v1/auth/me", &access).await.assert_problem(401, "unauthorized");
        refresh(&app, &refresh_token).await.assert_problem(401, "invalid_refresh_token");
        let kept = app.get_as("/api/v1/auth/me", &kept_access).await;
        assert_eq!(kept.status, 200, "other sessions stay: {}", String::from_utf8_lossy(&kept.body));

        // Rotation keeps the session: the new access token works, and ends with it.
        let (_, refresh_token) = pair(&app, "bientap").await;
        let rotated = refresh(&app, &refresh_token).await.json();
        let access = rotated["access_token"].as_str().unwrap().to_string();
        assert_eq!(app.get_as("/api/v1/auth/me", &access).await.status, 200);
        let next = rotated["refresh_token"].as_str().unwrap();
        app.post("/api/v1/auth/logout", None, &json!({"refresh_token": next})).await;
        app.get_as("/api/v1/auth/me", &access).await.assert_problem(401, "unauthorized");
    }
}

on_both_engines! {
    async fn signing_out_everywhere_ends_every_session() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let id = app.create_user("bientap", "editor");
        let (first, first_refresh) = pair(&app, "bientap").await;
        let (second, _) = pair(&app, "bientap").await;
        let res = app.request(Method::POST, "/api/v1/auth/sessions/revoke", Some(&first), None, &[]).await;
        assert_eq!(res.status, 204);
        for token in [&first, &second] {
            app.get_as("/api/v1/auth/me", token).await.assert_problem(401, "unauthorized");
        }
        refresh(&app, &first_refresh).await.assert_problem(401, "invalid_refresh_token");

        let (third, _) = pair(&app, "bientap").await;
        let path = format!("/api/v1/users/{id}/sessions/revoke");
        app.request(Method::POST, &path, Some(&third), None, &[]).await.assert_problem(403, "forbidden");
        assert_eq!(app.request(Method::POST, &path, Some(&admin), None, &[]).await.status, 204);
        app.get_as("/api/v1/auth/me", &third).await.assert_problem(401, "unauthorized");
        assert_eq!(app.get_as("/api/v1/auth/me", &admin).await.status, 200, "the admin's own session stays");
        app.request(Method::POST, "/api/v1/users/999999/sessions/revoke", Some(&admin), None, &[])
            .await
            .assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn expired_refresh_tokens_are_purged_by_housekeeping() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let (_, refresh_token) = pair(&app, "bientap").await;
        let count = |app: &TestApp| -> i64 {
            use diesel::prelude::*;
            let mut conn = app.state.pool.get().unwrap();
            bantin::db::schema::refresh_tokens::table.count().get_result(&mut conn).unwrap()
        };
        assert_eq!(count(&app), 1);
        app.clock.advance(chrono::Duration::days(32));
        let state = app.state.clone();
        actix_web::web::block(move || {
            let mut conn = state.pool.get().unwrap();
            bantin::jobs::housekeeping(&state, &mut conn)
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(count(&app), 0);
        refresh(&app, &refresh_token).await.assert_problem(401, "invalid_refresh_token");
    }
}

on_both_engines! {
    async fn refresh_and_logout_are_rate_limited() {
        let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 2).await;
        // Sessions get six times the login allowance: 12 a minute here.
        let mut statuses = Vec::new();
        for _ in 0..14 {
            statuses.push(refresh(&app, "not-a-token").await.status);
        }
        assert_eq!(&statuses[..12], &[401; 12]);
        assert_eq!(&statuses[12..], &[429, 429]);
        app.post("/api/v1/auth/logout", None, &json!({"refresh_token": "x"}))
            .await
            .assert_problem(429, "rate_limited");
    }
}

on_both_engines! {
    async fn failed_logins_back_off_per_account_without_locking_its_owner_out() {
        let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
        app.create_user("bientap", "editor");
        let login = |from: &'static str, password: &'static str| {
            let app = &app;
            async move {
                app.request(
                    Method::POST,
                    "/api/v1/auth/login",
                    None,
                    Some(&json!({"username": "bientap", "password": password})),
                    &[("X-Forwarded-For", from)],
                )
                .await
            }
        };
        for _ in 0..5 {
            login("203.0.113.66", "doan-mo-mat-khau").await.assert_problem(401, "invalid_credentials");
        }
        // The guesser is held back on this account, even with the right password…
        login("203.0.113.66", "doan-mo-mat-khau").await.assert_problem(429, "rate_limited");
        login("203.0.113.66", PASSWORD).await.assert_problem(429, "rate_limited");
        // …while the owner, elsewhere, signs in.
        assert_eq!(login("198.51.100.7", PASSWORD).await.status, 200);
        app.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(login("203.0.113.66", PASSWORD).await.status, 200, "the backoff ends");
    }
}

on_both_engines! {
    async fn the_next_page_link_never_comes_from_request_headers() {
        let app = TestApp::spawn_with(|c| c.public_url = Some("https://api.honglinh.example".into())).await;
        for name in ["Một", "Hai", "Ba"] {
            app.post("/api/v1/tags", Some(&app.token("editor").await), &json!({"name": name})).await;
        }
        let res = app
            .request(
                Method::GET,
                "/api/v1/tags?limit=1",
                None,
                None,
                &[("Host", "evil.example"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "http")],
            )
            .await;
        let link = res.header("link").expect("a next page");
        assert!(link.starts_with("<https://api.honglinh.example/api/v1/tags?"), "{link}");
        assert!(!link.contains("evil"), "{link}");
    }
}

on_both_engines! {
    async fn visitor_ids_are_issued_by_the_server_and_checked() {
        let app = TestApp::spawn_with(|c| c.writes_per_minute = 1000).await;
        let first = app.post("/api/v1/stats/visits", None, &json!({})).await;
        assert_eq!(first.status, 200);
        assert!(first.header("ratelimit-limit").is_some() && first.header("ratelimit-remaining").is_some());
        let issued = first.json()["visitor_id"].as_str().unwrap().to_string();
        let beacon = |id: &str| {
            let id = id.to_string();
            let app = &app;
            async move {
                app.request(Method::POST, "/api/v1/stats/visits", None, None, &[("X-Visitor-Id", &id)])
                    .await
            }
        };
        let again = beacon(&issued).await;
        assert_eq!(again.json()["visitor_id"], issued.as_str());
        // The issued id with its last character changed (never to itself).
        let last = if issued.ends_with('A') { "B" } else { "A" };
        let tampered = format!("{}{last}", &issued[..issued.len() - 1]);
        for invented in ["VisitorAAAAAAAAAAAAAAA", "x", &tampered] {
            beacon(invented).await.assert_problem(400, "visitor_invalid");
        }
    }
}

on_both_engines! {
    async fn new_visitor_ids_are_limited_per_client() {
        let app = TestApp::spawn_with(|c| c.writes_per_minute = 3).await;
        for _ in 0..3 {
            assert_eq!(app.post("/api/v1/stats/visits", None, &json!({})).await.status, 200);
        }
        app.post("/api/v1/stats/visits", None, &json!({}))
            .await
            .assert_problem(429, "rate_limited");
    }
}

on_both_engines! {
    async fn urls_that_could_break_out_of_markup_are_refused() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        for url in ["/\\evil.example/x.png", "/a\"onerror=\"x.png", "//evil.example/x.png", "https://a.vn/<x>", "javascript:alert(1)"] {
            let res = app
                .post("/api/v1/articles", Some(&editor), &json!({"title": "Ảnh", "images": [{"url": url}]}))
                .await;
            let body = res.assert_problem(422, "validation_failed");
            assert_eq!(body["errors"][0]["field"], "images[0].url", "{url}");
            let res = app
                .post("/api/v1/officials", Some(&editor), &json!({"full_name": "Ảnh", "photo_url": url}))
                .await;
            res.assert_problem(422, "validation_failed");
        }
        assert_eq!(app.get("/api/v1/articles").await.json()["data"], json!([]));
    }
}

on_both_engines! {
    async fn calendar_text_cannot_add_lines_of_its_own() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let org = app
            .post(
                "/api/v1/organizations",
                Some(&editor),
                &json!({"name": "Thị ủy\nATTENDEE:mailto:evil@example.com\n\"x\"", "kind": "party_committee",
                    "email": "thiuy@honglinh.hatinh.gov.vn"}),
            )
            .await
            .json();
        let now = app.now() + chrono::Duration::days(1);
        let res = app
            .post(
                "/api/v1/events",
                Some(&editor),
                &json!({"title": "Họp\r\nX-INJECTED:1", "starts_at": format!("{}Z", now.format("%Y-%m-%dT%H:%M:%S")),
                    "organization_id": org["id"], "location": "Hội trường;\nBEGIN:VALARM"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        let feed = String::from_utf8(app.get("/api/v1/events.ics").await.body).unwrap();
        let unfolded = feed.replace("\r\n ", "");
        for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
            for injected in ["ATTENDEE", "X-INJECTED", "BEGIN:VALARM"] {
                assert!(!line.starts_with(injected), "{line}");
            }
        }
        assert!(unfolded.contains("ORGANIZER;CN=\"Thị ủyATTENDEE:mailto:evil@example.com'x'\""), "{unfolded}");
    }
}

on_both_engines! {
    async fn html_pages_cannot_be_framed_and_load_only_their_own_code() {
        let app = TestApp::spawn().await;
        let page = app.get("/docs/").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "{csp}");
    }
}

/// Speaks HTTP/1.1 over a socket: what a slow or rude client does.
fn raw_request(port: u16, head: &str, body_after: Option<(Duration, &[u8])>) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    if let Some((pause, body)) = body_after {
        std::thread::sleep(pause);
        let _ = stream.write_all(body);
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

on_both_engines! {
    async fn a_body_that_trickles_in_is_cut_off() {
        let app = TestApp::spawn_with(|c| c.body_timeout = Duration::from_secs(1)).await;
        let token = app.token("editor").await;
        let port = app.base.rsplit(':').next().unwrap().parse().unwrap();
        let head = format!(
            "POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"ti"
        );
        let (answer, took) = actix_web::web::block(move || raw_request(port, &head, None)).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}

on_both_engines! {
    async fn a_body_sent_to_no_route_is_never_waited_for() {
        let app = TestApp::spawn().await;
        let port = app.base.rsplit(':').next().unwrap().parse().unwrap();
        // A megabyte announced and never sent: the answer comes at once.
        let head = "POST /api/v1/khong-co HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                    Content-Length: 1000000\r\n\r\n"
            .to_string();
        let (answer, took) = actix_web::web::block(move || raw_request(port, &head, None)).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
        assert!(took < Duration::from_secs(2), "{took:?}");
        // And a body over the limit is refused by the route that would read it.
        let head = "POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                    Content-Length: 5000000\r\n\r\n"
            .to_string();
        let (answer, _) = actix_web::web::block(move || raw_request(port, &head, None)).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 401") || answer.starts_with("HTTP/1.1 413"), "{answer}");
    }
}

on_both_engines! {
    async fn undeclared_methods_are_405_with_allow_and_head_works_where_get_does() {
        let app = TestApp::spawn().await;
        let res = app.request(Method::PUT, "/api/v1/articles", None, Some(&json!({})), &[]).await;
        res.assert_problem(405, "method_not_allowed");
        assert_eq!(res.header("allow").as_deref(), Some("GET, HEAD, POST"));
        let res = app.request(Method::PUT, "/api/v1/articles/x", None, None, &[]).await;
        assert_eq!(res.header("allow").as_deref(), Some("GET, HEAD, PATCH, DELETE"));
        let en = app
            .request(Method::DELETE, "/api/v1/stats", None, None, &[("Accept-Language", "en")])
            .await;
        assert_eq!(en.header("allow").as_deref(), Some("GET, HEAD"), "kept when the message is translated");
        let get = app.get("/api/v1/categories").await;
        let head = app.request(Method::HEAD, "/api/v1/categories", None, None, &[]).await;
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty());
        assert_eq!(head.header("etag"), get.header("etag"));
    }
}

on_both_engines! {
    async fn a_retried_create_with_an_idempotency_key_creates_once() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let body = json!({"title": "Chỉ một lần"});
        let send = |key: &'static str, body: serde_json::Value| {
            let (app, editor) = (&app, editor.clone());
            async move {
                app.request(Method::POST, "/api/v1/articles", Some(&editor), Some(&body), &[("Idempotency-Key", key)])
                    .await
            }
        };
        let first = send("tao-bai-1", body.clone()).await;
        assert_eq!(first.status, 201);
        let again = send("tao-bai-1", body.clone()).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.header("idempotency-replayed").as_deref(), Some("true"));
        assert_eq!(again.header("location"), first.header("location"));
        assert!(first.header("etag").is_some());
        assert_eq!(again.header("etag"), first.header("etag"), "a replay can be followed by If-Match too");
        assert_eq!(again.json()["id"], first.json()["id"]);
        let list = app.get_as("/api/v1/articles", &editor).await.json();
        assert_eq!(list["data"].as_array().unwrap().len(), 1, "one article");
        send("tao-bai-1", json!({"title": "Khác"})).await.assert_problem(422, "idempotency_key_reused");
        assert_eq!(send("tao-bai-2", body).await.status, 201, "another key is another create");
        // A refused request keeps nothing: the corrected retry goes through.
        send("tao-bai-3", json!({"title": ""})).await.assert_problem(422, "validation_failed");
        assert_eq!(send("tao-bai-3", json!({"title": "Đã sửa"})).await.status, 201);
        // The same key on another route is another key.
        let res = app.request(Method::POST, "/api/v1/tags", Some(&editor), Some(&json!({"name": "Thẻ"})), &[("Idempotency-Key", "tao-bai-1")]).await;
        assert_eq!(res.status, 201);
        assert_eq!(res.header("idempotency-replayed"), None);
        // Answers holding secrets are never written down: a new API key twice is two keys.
        let admin = app.token("admin").await;
        let new_key = || {
            let (app, admin) = (&app, admin.clone());
            async move {
                app.request(Method::POST, "/api/v1/keys", Some(&admin), Some(&json!({"name": "Ứng dụng", "kind": "content"})), &[("Idempotency-Key", "khoa-1")])
                    .await
                    .json()
            }
        };
        assert_ne!(new_key().await["id"], new_key().await["id"]);
        let mut conn = app.state.pool.get().unwrap();
        let stored: Vec<Option<String>> = {
            use diesel::prelude::*;
            bantin::db::schema::idempotency_keys::table
                .select(bantin::db::schema::idempotency_keys::body)
                .load(&mut conn)
                .unwrap()
        };
        assert!(stored.iter().flatten().all(|b| !b.contains("bantin_ck_") && !b.contains("access_token")), "{stored:?}");
    }
}

on_both_engines! {
    async fn one_persons_comments_can_be_erased_and_emails_expire() {
        let app = TestApp::spawn_with(|c| c.commenter_email_days = 30).await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let article = app.create_article(&editor, json!({"title": "Bài", "status": "published"})).await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);
        for (email, text) in [("an@example.vn", "Một"), ("an@example.vn", "Hai"), ("binh@example.vn", "Ba")] {
            let challenge = app.post("/api/v1/challenges", None, &json!({})).await.json();
            let res = app
                .post(&path, None, &json!({"author_name": "An", "author_email": email, "body": text,
                    "challenge_id": challenge["id"], "challenge_answer": crate::helpers::CHALLENGE_ANSWER}))
                .await;
            assert_eq!(res.status, 202);
        }
        app.post("/api/v1/comments/erase", Some(&editor), &json!({"email": "an@example.vn"}))
            .await
            .assert_problem(403, "forbidden");
        let erased = app.post("/api/v1/comments/erase", Some(&admin), &json!({"email": "an@example.vn"})).await;
        assert_eq!(erased.json()["erased"], 2);
        let queue = app.get_as("/api/v1/comments", &admin).await.json();
        let emails: Vec<&str> = queue["data"].as_array().unwrap().iter().map(|c| c["author_email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["binh@example.vn"]);
        // After the retention period, the address is forgotten.
        app.clock.advance(chrono::Duration::days(31));
        let state = app.state.clone();
        actix_web::web::block(move || bantin::jobs::housekeeping(&state, &mut state.pool.get().unwrap()))
            .await
            .unwrap()
            .unwrap();
        // (A month on, the admin's session has expired too.)
        let admin = app.token("admin").await;
        let queue = app.get_as("/api/v1/comments", &admin).await.json();
        assert_eq!(queue["data"][0]["author_email"], "");
    }
}
