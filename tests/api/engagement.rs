//! What anonymous visitors write: challenges, comments, ratings, visits.

use crate::helpers::{TestApp, CHALLENGE_ANSWER};
use actix_web::http::Method;
use serde_json::{json, Value};

async fn challenge(app: &TestApp) -> String {
    let res = app.post("/api/v1/challenges", None, &json!({})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let body = res.json();
    assert!(body["image"].as_str().unwrap().starts_with("data:image/png;base64,"));
    assert!(body["expires_at"].is_string());
    body["id"].as_str().unwrap().to_string()
}

fn comment(challenge_id: &str, body: &str) -> Value {
    json!({"author_name": "Nguyễn Văn An", "author_email": "an.nguyen@example.vn", "body": body,
        "challenge_id": challenge_id, "challenge_answer": CHALLENGE_ANSWER.to_lowercase()})
}

async fn published(app: &TestApp, editor: &str, title: &str) -> Value {
    app.create_article(editor, json!({"title": title, "status": "published"}))
        .await
}

async fn queue(app: &TestApp, moderator: &str, status: &str) -> Vec<Value> {
    app.get_as(&format!("/api/v1/comments?status={status}"), moderator)
        .await
        .json()["data"]
        .as_array()
        .unwrap()
        .clone()
}

on_both_engines! {
    async fn challenges_are_spent_on_first_use_and_expire() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let article = published(&app, &editor, "Bài").await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);

        // Right (in any case): accepted and pending.
        let id = challenge(&app).await;
        let ok = app.post(&path, None, &comment(&id, "Bình luận thứ nhất")).await;
        assert_eq!(ok.status, 202);
        assert_eq!(ok.json()["status"], "pending");
        // Reused: refused, even with the right answer.
        let reused = app
            .post(&path, None, &comment(&id, "Bình luận thứ hai"))
            .await
            .assert_problem(422, "captcha_invalid");
        assert_eq!(reused["detail"], "Mã xác thực không đúng.");
        // Wrong: refused, and the challenge is spent.
        let id = challenge(&app).await;
        let mut wrong = comment(&id, "Bình luận thứ ba");
        wrong["challenge_answer"] = json!("sai00");
        let en = app
            .request(Method::POST, &path, None, Some(&wrong), &[("Accept-Language", "en")])
            .await
            .assert_problem(422, "captcha_invalid");
        assert_eq!(en["detail"], "The verification code is not correct.");
        app.post(&path, None, &comment(&id, "Bình luận thứ ba"))
            .await
            .assert_problem(422, "captcha_invalid");
        // Expired after five minutes.
        let id = challenge(&app).await;
        app.clock
            .advance(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
        app.post(&path, None, &comment(&id, "Bình luận thứ tư"))
            .await
            .assert_problem(422, "captcha_invalid");
        // Unknown.
        app.post(&path, None, &comment("khong-co-ma-nay", "Bình luận thứ năm"))
            .await
            .assert_problem(422, "captcha_invalid");
        // Only the first was stored.
        let pending = queue(&app, &moderator, "pending").await;
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0]["body"], "Bình luận thứ nhất");
    }
}

on_both_engines! {
    async fn every_comment_validation_error_stores_nothing_and_keeps_the_challenge() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let article = published(&app, &editor, "Bài").await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);
        let id = challenge(&app).await;
        let bad = json!({"author_name": " ", "author_email": "khong-hop-le", "body": "x".repeat(2001), "challenge_id": "", "challenge_answer": ""});
        let body = app
            .post(&path, None, &bad)
            .await
            .assert_problem(422, "validation_failed");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for field in [
            "author_name",
            "author_email",
            "body",
            "challenge_id",
            "challenge_answer",
        ] {
            assert!(fields.contains(&field), "{field} in {body}");
        }
        let mut empty = comment(&id, "   ");
        empty["author_email"] = json!("");
        app.post(&path, None, &empty)
            .await
            .assert_problem(422, "validation_failed");
        app.post(&path, None, &json!({"author_name": "A"}))
            .await
            .assert_problem(422, "validation_failed");
        assert!(queue(&app, &moderator, "pending").await.is_empty());
        // The challenge was not spent by requests that never reached it.
        assert_eq!(app.post(&path, None, &comment(&id, "Hợp lệ")).await.status, 202);
    }
}

on_both_engines! {
    async fn moderation_decides_what_readers_see_and_emails_stay_private() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let article = published(&app, &editor, "Bài").await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);
        for text in ["Một", "Hai", "Ba"] {
            let id = challenge(&app).await;
            assert_eq!(app.post(&path, None, &comment(&id, text)).await.status, 202);
        }
        let public = app.get(&path).await;
        assert!(
            public.json()["data"].as_array().unwrap().is_empty(),
            "pending comments are not public"
        );
        let pending = queue(&app, &moderator, "pending").await;
        assert_eq!(pending.len(), 3);
        assert_eq!(
            pending[0]["author_email"], "an.nguyen@example.vn",
            "moderators see the e-mail"
        );
        let ids: Vec<i64> = pending.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        for id in &ids[1..] {
            let res = app
                .patch(
                    &format!("/api/v1/comments/{id}"),
                    &moderator,
                    &json!({"status": "approved"}),
                )
                .await;
            assert_eq!(res.status, 200);
        }
        app.patch(
            &format!("/api/v1/comments/{}", ids[0]),
            &moderator,
            &json!({"status": "rejected"}),
        )
        .await;
        let public = app.get(&path).await;
        let text = String::from_utf8(public.body.clone()).unwrap();
        assert!(!text.contains("example.vn"), "never the e-mail: {text}");
        let page = public.json();
        let bodies: Vec<&str> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["Một", "Hai"], "approved ones, oldest first");
        assert_eq!(
            app.get(&format!("/api/v1/articles/{}", article["id"])).await.json()["comment_count"],
            2
        );
        // Delete one: the count follows.
        assert_eq!(
            app.delete(&format!("/api/v1/comments/{}", ids[1]), &moderator)
                .await
                .status,
            204
        );
        assert_eq!(
            app.get(&format!("/api/v1/articles/{}", article["id"])).await.json()["comment_count"],
            1
        );
        // Roles.
        app.get_as("/api/v1/comments", &editor)
            .await
            .assert_problem(403, "forbidden");
        app.get("/api/v1/comments").await.assert_problem(401, "unauthorized");
        app.patch(
            &format!("/api/v1/comments/{}", ids[2]),
            &moderator,
            &json!({"status": "hidden"}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.get_as("/api/v1/comments?status=hidden", &moderator)
            .await
            .assert_problem(400, "invalid_parameter");
        let admin = app.token("admin").await;
        assert_eq!(
            app.get_as("/api/v1/comments?status=approved", &admin).await.json()["data"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

on_both_engines! {
    async fn replies_nest_two_levels_on_approved_comments_of_the_same_article() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let article = published(&app, &editor, "Bài").await;
        let other = published(&app, &editor, "Bài khác").await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);
        let post = |body: Value, target: String| {
            let app = &app;
            async move {
                let id = challenge(app).await;
                let mut body = body;
                body["challenge_id"] = json!(id);
                app.post(&target, None, &body).await
            }
        };
        let top = post(comment("", "Gốc"), path.clone()).await.json()["id"]
            .as_i64()
            .unwrap();
        let mut reply = comment("", "Trả lời");
        reply["parent_id"] = json!(top);
        post(reply.clone(), path.clone())
            .await
            .assert_problem(422, "validation_failed");
        app.patch(
            &format!("/api/v1/comments/{top}"),
            &moderator,
            &json!({"status": "approved"}),
        )
        .await;
        let child = post(reply.clone(), path.clone()).await;
        assert_eq!(child.status, 202);
        let child = child.json()["id"].as_i64().unwrap();
        app.patch(
            &format!("/api/v1/comments/{child}"),
            &moderator,
            &json!({"status": "approved"}),
        )
        .await;
        let mut deeper = comment("", "Trả lời của trả lời");
        deeper["parent_id"] = json!(child);
        post(deeper, path.clone())
            .await
            .assert_problem(422, "validation_failed");
        let mut elsewhere = comment("", "Sai bài");
        elsewhere["parent_id"] = json!(top);
        post(elsewhere, format!("/api/v1/articles/{}/comments", other["id"]))
            .await
            .assert_problem(422, "validation_failed");
        let threads = app.get(&path).await.json();
        assert_eq!(threads["data"].as_array().unwrap().len(), 1);
        assert_eq!(threads["data"][0]["replies"][0]["body"], "Trả lời");
        assert_eq!(threads["data"][0]["replies"][0]["parent_id"], top);
    }
}

on_both_engines! {
    async fn drafts_closed_articles_spam_and_duplicates() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let draft = app.create_article(&editor, json!({"title": "Nháp"})).await;
        let id = challenge(&app).await;
        app.post(
            &format!("/api/v1/articles/{}/comments", draft["id"]),
            None,
            &comment(&id, "Xin chào"),
        )
        .await
        .assert_problem(404, "not_found");
        let closed = app
            .create_article(
                &editor,
                json!({"title": "Đóng", "status": "published", "comments_enabled": false}),
            )
            .await;
        app.post(
            &format!("/api/v1/articles/{}/comments", closed["id"]),
            None,
            &comment(&id, "Xin chào"),
        )
        .await
        .assert_problem(403, "comments_closed");

        let article = published(&app, &editor, "Bài").await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);
        let mut honeypot = comment(&challenge(&app).await, "Mua hàng giá rẻ");
        honeypot["website"] = json!("http://spam.example");
        assert_eq!(
            app.post(&path, None, &honeypot).await.status,
            202,
            "robots are not told"
        );
        let links = comment(
            &challenge(&app).await,
            "xem http://a.example http://b.example www.c.example",
        );
        assert_eq!(app.post(&path, None, &links).await.status, 202);
        assert!(
            queue(&app, &moderator, "pending").await.is_empty(),
            "spam skips the moderation queue"
        );
        assert_eq!(queue(&app, &moderator, "spam").await.len(), 2);
        assert_eq!(
            app.post(&path, None, &comment(&challenge(&app).await, "Rất hay!"))
                .await
                .status,
            202
        );
        app.post(&path, None, &comment(&challenge(&app).await, "rất   HAY"))
            .await
            .assert_problem(409, "duplicate_comment");
        assert_eq!(queue(&app, &moderator, "pending").await.len(), 1);
    }
}

on_both_engines! {
    async fn comments_and_challenges_are_rate_limited_per_client() {
        let app = TestApp::spawn_with(|c| {
            c.comments_per_10_minutes = 2;
            c.challenges_per_minute = 3;
        })
        .await;
        let editor = app.token("editor").await;
        let article = published(&app, &editor, "Bài").await;
        let path = format!("/api/v1/articles/{}/comments", article["id"]);
        for text in ["Một", "Hai"] {
            assert_eq!(
                app.post(&path, None, &comment(&challenge(&app).await, text))
                    .await
                    .status,
                202
            );
        }
        let limited = app.post(&path, None, &comment(&challenge(&app).await, "Ba")).await;
        limited.assert_problem(429, "rate_limited");
        let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= 600);
        app.post("/api/v1/challenges", None, &json!({}))
            .await
            .assert_problem(429, "rate_limited");
    }
}

on_both_engines! {
    async fn trusted_proxies_decide_who_the_client_is() {
        // Behind a trusted proxy (this test client), each forwarded address is its own client.
        let app = TestApp::spawn_with(|c| {
            c.challenges_per_minute = 1;
            c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        })
        .await;
        for ip in ["203.0.113.1", "203.0.113.2"] {
            let res = app
                .request(
                    Method::POST,
                    "/api/v1/challenges",
                    None,
                    Some(&json!({})),
                    &[("X-Forwarded-For", ip)],
                )
                .await;
            assert_eq!(res.status, 201, "{ip}");
        }
        app.request(
            Method::POST,
            "/api/v1/challenges",
            None,
            Some(&json!({})),
            &[("X-Forwarded-For", "203.0.113.1")],
        )
        .await
        .assert_problem(429, "rate_limited");
        // Without trust, the header is ignored: the same client whatever it claims.
        let app = TestApp::spawn_with(|c| c.challenges_per_minute = 1).await;
        assert_eq!(
            app.request(
                Method::POST,
                "/api/v1/challenges",
                None,
                Some(&json!({})),
                &[("X-Forwarded-For", "203.0.113.1")]
            )
            .await
            .status,
            201
        );
        app.request(
            Method::POST,
            "/api/v1/challenges",
            None,
            Some(&json!({})),
            &[("X-Forwarded-For", "203.0.113.2")],
        )
        .await
        .assert_problem(429, "rate_limited");
    }
}

on_both_engines! {
    async fn ratings_replace_and_stay_exact_under_concurrent_raters() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let article = published(&app, &editor, "Bài").await;
        let path = format!("/api/v1/articles/{}/ratings", article["id"]);
        let raters: Vec<(String, i64)> = (0..40).map(|i| (app.visitor_id(), (i % 5) + 1)).collect();
        let requests = raters.iter().map(|(visitor, score)| {
            let app = &app;
            let path = path.clone();
            async move {
                app.request(
                    Method::POST,
                    &path,
                    None,
                    Some(&json!({"score": score})),
                    &[("X-Visitor-Id", visitor)],
                )
                .await
                .status
            }
        });
        let statuses = futures_util::future::join_all(requests).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        let summary = app.get(&path).await.json();
        assert_eq!(summary["count"], 40);
        assert_eq!(summary["average"], 3.0);
        assert_eq!(summary["distribution"], json!({"1": 8, "2": 8, "3": 8, "4": 8, "5": 8}));
        // Everyone rating again at once with 5 replaces, never adds.
        let again = raters.iter().map(|(visitor, _)| {
            let app = &app;
            let path = path.clone();
            async move {
                app.request(
                    Method::POST,
                    &path,
                    None,
                    Some(&json!({"score": 5})),
                    &[("X-Visitor-Id", visitor)],
                )
                .await
                .status
            }
        });
        futures_util::future::join_all(again).await;
        let summary = app.get(&path).await.json();
        assert_eq!(summary["count"], 40);
        assert_eq!(summary["average"], 5.0);
        assert_eq!(
            summary["distribution"],
            json!({"1": 0, "2": 0, "3": 0, "4": 0, "5": 40})
        );
        let embedded = app.get(&format!("/api/v1/articles/{}", article["id"])).await.json();
        assert_eq!(embedded["rating"]["count"], 40);
        // A rating needs an id the beacon issued: none, or an invented one, is refused.
        app.post(&path, None, &json!({"score": 1}))
            .await
            .assert_problem(400, "visitor_invalid");
        let invented = app
            .request(Method::POST, &path, None, Some(&json!({"score": 1})), &[("X-Visitor-Id", "VisitorAAAAAAAAAAAAAAA")])
            .await;
        invented.assert_problem(400, "visitor_invalid");
        assert_eq!(app.get(&path).await.json()["count"], 40, "nothing was counted");
        for bad in [
            json!({"score": 0}),
            json!({"score": 6}),
            json!({"score": "5"}),
            json!({}),
        ] {
            app.post(&path, None, &bad)
                .await
                .assert_problem(422, "validation_failed");
        }
        let draft = app.create_article(&editor, json!({"title": "Nháp"})).await;
        let visitor = app.visitor_id();
        app.request(
            Method::POST,
            &format!("/api/v1/articles/{}/ratings", draft["id"]),
            None,
            Some(&json!({"score": 5})),
            &[("X-Visitor-Id", &visitor)],
        )
        .await
        .assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn visits_are_counted_in_memory_and_online_means_the_last_five_minutes() {
        let mut app = TestApp::spawn().await;
        let first = app.post("/api/v1/stats/visits", None, &json!({})).await;
        assert_eq!(first.status, 200);
        let visitor = first.json()["visitor_id"].as_str().unwrap().to_string();
        for _ in 0..2 {
            let again = app
                .request(
                    Method::POST,
                    "/api/v1/stats/visits",
                    None,
                    None,
                    &[("X-Visitor-Id", &visitor)],
                )
                .await
                .json();
            assert_eq!(again["visitor_id"], visitor, "the id is kept");
        }
        app.clock.advance(chrono::Duration::minutes(3));
        let other = app.post("/api/v1/stats/visits", None, &json!({})).await.json();
        assert_ne!(other["visitor_id"], visitor);
        let stats = app.get("/api/v1/stats").await.json();
        assert_eq!(stats, json!({"total_visits": 4, "online_now": 2}));
        assert_eq!(app.state.visits.total(), 4, "no database write per beacon");
        app.clock
            .advance(chrono::Duration::minutes(2) + chrono::Duration::seconds(1));
        assert_eq!(
            app.get("/api/v1/stats").await.json()["online_now"],
            1,
            "the first visitor left the window"
        );
        app.clock.advance(chrono::Duration::minutes(3));
        assert_eq!(app.get("/api/v1/stats").await.json()["online_now"], 0);
        // Flushed counts add up; a graceful stop loses nothing.
        let state = app.state.clone();
        actix_web::web::block(move || bantin::jobs::flush_counts(&state))
            .await
            .unwrap();
        assert_eq!(app.get("/api/v1/stats").await.json()["total_visits"], 4);
        app.post("/api/v1/stats/visits", None, &json!({})).await;
        app.stop().await;
        let mut conn = app.state.pool.get().unwrap();
        assert_eq!(bantin::stats::store::stored_visits(&mut conn).unwrap(), 5);
    }
}

on_both_engines! {
    async fn beacons_are_rate_limited_with_retry_after() {
        let app = TestApp::spawn_with(|c| c.writes_per_minute = 3).await;
        for _ in 0..3 {
            assert_eq!(app.post("/api/v1/stats/visits", None, &json!({})).await.status, 200);
        }
        let limited = app.post("/api/v1/stats/visits", None, &json!({})).await;
        limited.assert_problem(429, "rate_limited");
        assert!(limited.header("retry-after").is_some());
    }
}
