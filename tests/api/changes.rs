//! The change log: every write records its change; delta sync ends where
//! the public is; tokens, If-Match, renamed slugs and `updated_since`.

use std::collections::BTreeMap;

use crate::helpers::{TestApp, CHALLENGE_ANSWER};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// Every change after `since` as `token` sees it (all pages), and the
/// token to continue from.
async fn changes(app: &TestApp, token: Option<&str>, since: &str, query: &str) -> (Vec<Value>, String) {
    let mut all = Vec::new();
    let mut since = since.to_string();
    loop {
        let path = format!("/api/v1/changes?since={since}&limit=7{query}");
        let res = match token {
            Some(token) => app.get_as(&path, token).await,
            None => app.get(&path).await,
        };
        assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
        let page = res.json();
        all.extend(page["data"].as_array().unwrap().iter().cloned());
        since = page["meta"]["next"].as_str().unwrap().to_string();
        if page["meta"]["has_more"] == false {
            return (all, since);
        }
    }
}

async fn position(app: &TestApp) -> String {
    app.get("/api/v1/changes/token").await.json()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// (type, id, op, public event, actor type) of each change, for comparing.
fn summary(changes: &[Value]) -> Vec<(String, i64, String, Value, String)> {
    changes
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_string(),
                c["id"].as_i64().unwrap(),
                c["op"].as_str().unwrap().to_string(),
                c["event"].clone(),
                c["actor"]["type"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn change(kind: &str, id: i64, op: &str, event: Option<&str>, actor: &str) -> (String, i64, String, Value, String) {
    (kind.into(), id, op.into(), json!(event), actor.into())
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post(path, Some(token), &body).await;
    assert_eq!(res.status, 201, "{path}: {}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn changed(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.patch(path, token, &body).await;
    assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn deleted(app: &TestApp, token: &str, path: &str) {
    let res = app.delete(path, token).await;
    assert_eq!(res.status, 204, "{path}: {}", String::from_utf8_lossy(&res.body));
}

async fn post_comment(app: &TestApp, article: i64, body: &str) -> i64 {
    let challenge = app.post("/api/v1/challenges", None, &json!({})).await.json();
    let res = app
        .post(
            &format!("/api/v1/articles/{article}/comments"),
            None,
            &json!({"author_name": "Trần Thị Bình", "author_email": "binh@example.vn", "body": body,
                "challenge_id": challenge["id"], "challenge_answer": CHALLENGE_ANSWER}),
        )
        .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    res.json()["id"].as_i64().unwrap()
}

on_both_engines! {
    async fn every_write_records_its_change() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let mut at = position(&app).await;
        // What the admin's audit trail shows after each step, then move on.
        macro_rules! expect {
            ($($expected:expr),* $(,)?) => {{
                let (seen, next) = changes(&app, Some(&admin), &at, "&include=actor").await;
                assert_eq!(summary(&seen), vec![$($expected),*], "{seen:#?}");
                at = next;
            }};
        }

        let category = created(&app, &editor, "/api/v1/categories", json!({"name": "Tin hoạt động"})).await;
        let c = category["id"].as_i64().unwrap();
        expect!(change("categories", c, "upsert", Some("created"), "user"));
        let draft = created(&app, &editor, "/api/v1/articles", json!({"title": "Dự thảo", "category_id": c, "tags": ["Hội nghị"]})).await;
        let a = draft["id"].as_i64().unwrap();
        let tag = app.get("/api/v1/tags").await.json()["data"][0]["id"].as_i64().unwrap();
        expect!(
            change("articles", a, "upsert", None, "user"),
            change("tags", tag, "upsert", Some("created"), "user"),
        );
        changed(&app, &editor, &format!("/api/v1/articles/{a}"), json!({"status": "published"})).await;
        expect!(change("articles", a, "upsert", Some("published"), "user"));
        changed(&app, &editor, &format!("/api/v1/articles/{a}"), json!({"title": "Bản chính thức"})).await;
        expect!(change("articles", a, "upsert", Some("updated"), "user"));
        // Renaming what an article shows is a change to the article too.
        changed(&app, &editor, &format!("/api/v1/categories/{c}"), json!({"name": "Tin hoạt động của thị xã"})).await;
        expect!(
            change("categories", c, "upsert", Some("updated"), "user"),
            change("articles", a, "upsert", Some("updated"), "user"),
        );
        changed(&app, &editor, &format!("/api/v1/tags/{tag}"), json!({"name": "Hội nghị, hội thảo"})).await;
        expect!(
            change("tags", tag, "upsert", Some("updated"), "user"),
            change("articles", a, "upsert", Some("updated"), "user"),
        );
        changed(&app, &editor, &format!("/api/v1/articles/{a}"), json!({"status": "archived"})).await;
        expect!(change("articles", a, "upsert", Some("unpublished"), "user"));
        changed(&app, &editor, &format!("/api/v1/articles/{a}"), json!({"status": "published"})).await;
        expect!(change("articles", a, "upsert", Some("published"), "user"));

        // Timed publishing: the scheduler records the moment it notices.
        let later = (app.now() + chrono::Duration::hours(1)).and_utc().to_rfc3339();
        let timed = created(&app, &editor, "/api/v1/articles", json!({"title": "Hẹn giờ", "status": "published", "published_at": later})).await;
        let t = timed["id"].as_i64().unwrap();
        expect!(change("articles", t, "upsert", None, "user"));
        app.clock.advance(chrono::Duration::hours(2));
        let now = app.now();
        let mut conn = app.state.pool.get().unwrap();
        assert_eq!(bantin::articles::store::publish_due(&mut conn, now).unwrap(), 1);
        drop(conn);
        expect!(change("articles", t, "upsert", Some("published"), "scheduler"));

        // The directory and the calendar.
        let org = created(&app, &editor, "/api/v1/organizations", json!({"name": "UBND thị xã", "kind": "peoples_committee"})).await;
        let o = org["id"].as_i64().unwrap();
        expect!(change("organizations", o, "upsert", Some("created"), "user"));
        let official = created(&app, &editor, "/api/v1/officials", json!({"full_name": "Đặng Thanh Hải",
            "positions": [{"organization_id": o, "title": "Chủ tịch", "started_on": "2021-01-01"}]})).await;
        let f = official["id"].as_i64().unwrap();
        expect!(change("officials", f, "upsert", Some("created"), "user"));
        let event = created(&app, &editor, "/api/v1/events", json!({"title": "Giao ban", "starts_at": "2022-07-19T08:00:00+07:00",
            "organization_id": o, "chairs": [f]})).await;
        let e = event["id"].as_i64().unwrap();
        expect!(change("events", e, "upsert", Some("published"), "user"));
        // An official's new title shows in the events they chair; an
        // organization's new name in its officials and events.
        changed(&app, &editor, &format!("/api/v1/officials/{f}"), json!({"bio": "Quê Hà Tĩnh"})).await;
        expect!(
            change("officials", f, "upsert", Some("updated"), "user"),
            change("events", e, "upsert", Some("updated"), "user"),
        );
        changed(&app, &editor, &format!("/api/v1/organizations/{o}"), json!({"name": "UBND thị xã Hồng Lĩnh"})).await;
        expect!(
            change("organizations", o, "upsert", Some("updated"), "user"),
            change("officials", f, "upsert", Some("updated"), "user"),
            change("events", e, "upsert", Some("updated"), "user"),
        );
        deleted(&app, &editor, &format!("/api/v1/events/{e}")).await;
        expect!(change("events", e, "delete", Some("deleted"), "user"));
        deleted(&app, &editor, &format!("/api/v1/officials/{f}")).await;
        expect!(change("officials", f, "delete", Some("deleted"), "user"));
        changed(&app, &editor, &format!("/api/v1/organizations/{o}"), json!({"phone": "0239 3831 234"})).await;
        expect!(change("organizations", o, "upsert", Some("updated"), "user"));
        deleted(&app, &editor, &format!("/api/v1/organizations/{o}")).await;
        expect!(change("organizations", o, "delete", Some("deleted"), "user"));

        // Comments: posted by a reader (hidden), approved, removed, deleted.
        let first = post_comment(&app, a, "Rất thiết thực.").await;
        expect!(change("comments", first, "upsert", None, "public"));
        changed(&app, &moderator, &format!("/api/v1/comments/{first}"), json!({"status": "approved"})).await;
        expect!(change("comments", first, "upsert", Some("approved"), "user"));
        changed(&app, &moderator, &format!("/api/v1/comments/{first}"), json!({"status": "rejected"})).await;
        expect!(change("comments", first, "upsert", Some("removed"), "user"));
        deleted(&app, &moderator, &format!("/api/v1/comments/{first}")).await;
        expect!(change("comments", first, "delete", None, "user"));
        let second = post_comment(&app, a, "Đề nghị đăng thêm ảnh.").await;
        changed(&app, &moderator, &format!("/api/v1/comments/{second}"), json!({"status": "approved"})).await;
        let res = app.post("/api/v1/comments/erase", Some(&admin), &json!({"email": "binh@example.vn"})).await;
        assert_eq!(res.status, 200);
        expect!(
            change("comments", second, "upsert", None, "public"),
            change("comments", second, "upsert", Some("approved"), "user"),
            change("comments", second, "delete", Some("deleted"), "user"),
        );

        // Deleting a tag changes the articles that carried it; deleting an
        // article takes its comments along.
        let third = post_comment(&app, a, "Cảm ơn ban biên tập.").await;
        changed(&app, &moderator, &format!("/api/v1/comments/{third}"), json!({"status": "approved"})).await;
        expect!(
            change("comments", third, "upsert", None, "public"),
            change("comments", third, "upsert", Some("approved"), "user"),
        );
        deleted(&app, &editor, &format!("/api/v1/tags/{tag}")).await;
        expect!(
            change("tags", tag, "delete", Some("deleted"), "user"),
            change("articles", a, "upsert", Some("updated"), "user"),
        );
        deleted(&app, &editor, &format!("/api/v1/articles/{a}")).await;
        expect!(
            change("comments", third, "delete", Some("deleted"), "user"),
            change("articles", a, "delete", Some("deleted"), "user"),
        );
        deleted(&app, &editor, &format!("/api/v1/categories/{c}")).await;
        expect!(change("categories", c, "delete", Some("deleted"), "user"));

        // A refused write records nothing.
        let res = app.post("/api/v1/articles", Some(&editor), &json!({"title": ""})).await;
        assert_eq!(res.status, 422);
        let res = app.patch(&format!("/api/v1/articles/{t}"), &editor, &json!({"category_id": 999_999})).await;
        assert_eq!(res.status, 422);
        let (seen, _) = changes(&app, Some(&admin), &at, "&include=actor").await;
        assert!(seen.is_empty(), "{seen:#?}");
    }
}

/// What a sync client holds: the last data of every item it was told of.
#[derive(Default)]
struct Copy {
    items: BTreeMap<(String, i64), Value>,
}

impl Copy {
    fn apply(&mut self, changes: &[Value]) {
        for c in changes {
            let key = (c["type"].as_str().unwrap().to_string(), c["id"].as_i64().unwrap());
            match c["op"].as_str().unwrap() {
                "upsert" => {
                    assert!(c["data"].is_object(), "an upsert carries the item: {c}");
                    self.items.insert(key, c["data"].clone());
                }
                "delete" => {
                    assert!(c.get("data").is_none(), "a tombstone carries no data: {c}");
                    self.items.remove(&key);
                }
                other => panic!("op {other}"),
            }
        }
    }

    fn ids(&self, kind: &str) -> Vec<i64> {
        self.items
            .keys()
            .filter(|(k, _)| k == kind)
            .map(|(_, id)| *id)
            .collect()
    }
}

/// Counters move without a change (views, ratings, comment counts).
fn without_counters(mut item: Value) -> Value {
    if let Some(map) = item.as_object_mut() {
        for counter in ["view_count", "comment_count", "rating"] {
            map.remove(counter);
        }
    }
    item
}

async fn all_ids(app: &TestApp, path: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=100&cursor={c}"),
            None => format!("{path}{sep}limit=100"),
        };
        let page = app.get(&url).await.json();
        ids.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
        match page["meta"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    ids.sort_unstable();
    ids
}

on_both_engines! {
    async fn a_sync_client_ends_with_exactly_the_public_state() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let mut rng = StdRng::seed_from_u64(20_220_719);
        let mut copy = Copy::default();
        // The client takes the position first, with an empty site: it has everything.
        let mut token = position(&app).await;
        let org = created(&app, &editor, "/api/v1/organizations", json!({"name": "Thị ủy", "kind": "party_committee"})).await["id"].as_i64().unwrap();
        let mut articles: Vec<i64> = Vec::new();
        let mut events: Vec<i64> = Vec::new();
        let mut officials: Vec<i64> = Vec::new();
        let mut comments: Vec<i64> = Vec::new();
        let words = ["Hội nghị", "Giao ban", "Chuyển đổi số", "Nông thôn mới", "Văn hóa", "Thể thao"];
        for step in 0..120 {
            match rng.random_range(0..12) {
                0 | 1 => {
                    let status = ["draft", "published", "published"][rng.random_range(0..3)];
                    let tags: Vec<&str> = (0..rng.random_range(0..3)).map(|_| words[rng.random_range(0..words.len())]).collect();
                    let a = created(&app, &editor, "/api/v1/articles", json!({"title": format!("Bài {step}"), "status": status, "tags": tags})).await;
                    articles.push(a["id"].as_i64().unwrap());
                }
                2 if !articles.is_empty() => {
                    let a = articles[rng.random_range(0..articles.len())];
                    let body = match rng.random_range(0..4) {
                        0 => json!({"status": "draft"}),
                        1 => json!({"status": "archived"}),
                        2 => json!({"status": "published"}),
                        _ => json!({"title": format!("Bài sửa {step}"), "tags": [words[rng.random_range(0..words.len())]]}),
                    };
                    changed(&app, &editor, &format!("/api/v1/articles/{a}"), body).await;
                }
                3 if !articles.is_empty() => {
                    let a = articles.swap_remove(rng.random_range(0..articles.len()));
                    deleted(&app, &editor, &format!("/api/v1/articles/{a}")).await;
                }
                4 => {
                    let o = created(&app, &editor, "/api/v1/officials", json!({"full_name": format!("Cán bộ {step}"),
                        "positions": [{"organization_id": org, "title": "Ủy viên", "started_on": "2021-01-01"}]})).await;
                    officials.push(o["id"].as_i64().unwrap());
                }
                5 if !officials.is_empty() => {
                    let chairs = vec![officials[rng.random_range(0..officials.len())]];
                    let e = created(&app, &editor, "/api/v1/events", json!({"title": format!("Sự kiện {step}"),
                        "starts_at": "2022-07-19T08:00:00+07:00", "organization_id": org, "chairs": chairs})).await;
                    events.push(e["id"].as_i64().unwrap());
                }
                6 if !events.is_empty() => {
                    let e = events.swap_remove(rng.random_range(0..events.len()));
                    deleted(&app, &editor, &format!("/api/v1/events/{e}")).await;
                }
                7 if !officials.is_empty() => {
                    let o = officials[rng.random_range(0..officials.len())];
                    changed(&app, &editor, &format!("/api/v1/officials/{o}"), json!({"positions": [{"organization_id": org, "title": format!("Phó Chủ tịch {step}"), "started_on": "2021-01-01"}]})).await;
                }
                8 => {
                    changed(&app, &editor, &format!("/api/v1/organizations/{org}"), json!({"name": format!("Thị ủy ({step})")})).await;
                }
                9 => {
                    let tags = app.get("/api/v1/tags?limit=100").await.json();
                    if let Some(tag) = tags["data"].as_array().unwrap().first() {
                        if rng.random_bool(0.5) {
                            deleted(&app, &editor, &format!("/api/v1/tags/{}", tag["id"])).await;
                        } else {
                            changed(&app, &editor, &format!("/api/v1/tags/{}", tag["id"]), json!({"name": format!("Thẻ {step}")})).await;
                        }
                    }
                }
                10 => {
                    let public = all_ids(&app, "/api/v1/articles").await;
                    if let Some(a) = public.first() {
                        comments.push(post_comment(&app, *a, &format!("Ý kiến số {step}")).await);
                    }
                }
                11 if !comments.is_empty() => {
                    let c = comments[rng.random_range(0..comments.len())];
                    let status = ["approved", "approved", "rejected", "spam"][rng.random_range(0..4)];
                    let res = app.patch(&format!("/api/v1/comments/{c}"), &moderator, &json!({"status": status})).await;
                    assert!(res.status == 200 || res.status == 404, "{}", res.status);
                }
                _ => {}
            }
            // The client syncs now and then, mid-stream.
            if rng.random_range(0..5) == 0 {
                let (seen, next) = changes(&app, None, &token, "").await;
                copy.apply(&seen);
                token = next;
            }
        }
        // Last, rename what items embed, so that nothing later hides a stale name.
        for tag in app.get("/api/v1/tags?limit=100").await.json()["data"].as_array().unwrap() {
            changed(&app, &editor, &format!("/api/v1/tags/{}", tag["id"]), json!({"name": format!("{} (sửa)", tag["name"].as_str().unwrap())})).await;
        }
        changed(&app, &editor, &format!("/api/v1/organizations/{org}"), json!({"name": "Thị ủy Hồng Lĩnh"})).await;
        if let Some(o) = officials.first() {
            changed(&app, &editor, &format!("/api/v1/officials/{o}"), json!({"positions": [{"organization_id": org, "title": "Bí thư", "started_on": "2021-01-01"}]})).await;
        }
        let (seen, _) = changes(&app, None, &token, "").await;
        copy.apply(&seen);

        // Exactly what the public sees: the same items, and each as GET shows it.
        for (kind, path) in [
            ("articles", "/api/v1/articles"),
            ("events", "/api/v1/events"),
            ("officials", "/api/v1/officials?include_former=true"),
            ("organizations", "/api/v1/organizations"),
            ("categories", "/api/v1/categories"),
            ("tags", "/api/v1/tags"),
        ] {
            assert_eq!(copy.ids(kind), all_ids(&app, path).await, "{kind}");
            for id in copy.ids(kind) {
                let current = app.get(&format!("/api/v1/{kind}/{id}")).await.json();
                let kept = copy.items[&(kind.to_string(), id)].clone();
                assert_eq!(without_counters(kept), without_counters(current), "{kind} {id}");
            }
        }
        let mut public_comments = Vec::new();
        for a in all_ids(&app, "/api/v1/articles").await {
            let threads = app.get(&format!("/api/v1/articles/{a}/comments?limit=100")).await.json();
            for c in threads["data"].as_array().unwrap() {
                public_comments.push(c["id"].as_i64().unwrap());
            }
        }
        public_comments.sort_unstable();
        assert_eq!(copy.ids("comments"), public_comments);
        assert!(!copy.ids("articles").is_empty() && !copy.ids("events").is_empty(), "the mix did something");
    }
}

on_both_engines! {
    async fn the_public_never_sees_drafts_in_the_log_and_editors_do() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let start = position(&app).await;
        let draft = app.create_article(&editor, json!({"title": "Bản nháp"})).await;
        let id = draft["id"].as_i64().unwrap();
        let (public, _) = changes(&app, None, &start, "").await;
        assert!(public.is_empty(), "{public:?}");
        let (editors, _) = changes(&app, Some(&editor), &start, "").await;
        assert_eq!(editors.len(), 1);
        assert_eq!(editors[0]["data"]["status"], "draft");

        changed(&app, &editor, &format!("/api/v1/articles/{id}"), json!({"status": "published"})).await;
        changed(&app, &editor, &format!("/api/v1/articles/{id}"), json!({"status": "draft"})).await;
        // Only the last change of an item comes back: to the public it is gone.
        let (public, _) = changes(&app, None, &start, "").await;
        assert_eq!(summary(&public), vec![change("articles", id, "delete", None, "")]);
        let (editors, _) = changes(&app, Some(&editor), &start, "").await;
        assert_eq!(editors.len(), 1);
        assert_eq!(editors[0]["op"], "upsert");
        // expand=false: ids and slugs only.
        let (bare, _) = changes(&app, Some(&editor), &start, "&expand=false").await;
        assert!(bare[0].get("data").is_none());
        assert_eq!(bare[0]["slug"], draft["slug"]);
        // Only some types.
        let (events, _) = changes(&app, Some(&editor), &start, "&types=events,tags").await;
        assert!(events.is_empty());
    }
}

on_both_engines! {
    async fn tokens_expire_with_the_log_and_bad_ones_are_refused() {
        let app = TestApp::spawn_with(|c| c.changes_retention_days = 1).await;
        let editor = app.token("editor").await;
        let old = position(&app).await;
        for i in 0..3 {
            app.create_article(&editor, json!({"title": format!("Tin {i}"), "status": "published"})).await;
        }
        // Without `since`: from the oldest change kept.
        assert_eq!(app.get("/api/v1/changes").await.json()["data"].as_array().unwrap().len(), 3);
        app.clock.advance(chrono::Duration::days(2));
        let recent = app.create_article(&editor, json!({"title": "Tin mới", "status": "published"})).await;
        let state = app.state.clone();
        actix_web::web::block(move || bantin::jobs::housekeeping(&state, &mut state.pool.get().unwrap()))
            .await
            .unwrap()
            .unwrap();
        app.get(&format!("/api/v1/changes?since={old}")).await.assert_problem(410, "sync_expired");
        let all = app.get("/api/v1/changes").await.json();
        assert_eq!(all["data"].as_array().unwrap().len(), 1);
        assert_eq!(all["data"][0]["id"], recent["id"]);
        // A token from after the purge works; the position never moves back.
        let now = position(&app).await;
        let page = app.get(&format!("/api/v1/changes?since={now}")).await.json();
        assert!(page["data"].as_array().unwrap().is_empty());
        assert_eq!(page["meta"]["next"], now);
        assert_eq!(page["meta"]["has_more"], false);
        for bad in ["nonsense", "YzE6LTE", "", "c1:5"] {
            app.get(&format!("/api/v1/changes?since={bad}")).await.assert_problem(400, "invalid_parameter");
        }
        app.get("/api/v1/changes?types=users").await.assert_problem(400, "invalid_parameter");
        app.get("/api/v1/changes?limit=501").await.assert_problem(400, "invalid_parameter");
        app.get("/api/v1/changes?include=actor").await.assert_problem(401, "unauthorized");
        app.get_as("/api/v1/changes?include=actor", &editor).await.assert_problem(403, "forbidden");
    }
}

on_both_engines! {
    async fn if_match_refuses_a_write_based_on_a_stale_read() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let article = app.create_article(&editor, json!({"title": "Thông báo", "status": "published"})).await;
        let path = format!("/api/v1/articles/{}", article["id"]);
        let read = app.get_as(&path, &editor).await;
        let etag = read.header("etag").unwrap();
        // Another editor saves first.
        let res = app.request(actix_web::http::Method::PATCH, &path, Some(&editor), Some(&json!({"title": "Thông báo mới"})), &[("If-Match", &etag)]).await;
        assert_eq!(res.status, 200);
        let newer = res.header("etag").unwrap();
        assert_ne!(newer, etag);
        // The first editor's save, based on the old read, is refused: nothing changes.
        let res = app.request(actix_web::http::Method::PATCH, &path, Some(&editor), Some(&json!({"title": "Ghi đè"})), &[("If-Match", &etag)]).await;
        res.assert_problem(412, "precondition_failed");
        assert_eq!(app.get(&path).await.json()["title"], "Thông báo mới");
        let res = app.request(actix_web::http::Method::DELETE, &path, Some(&editor), None, &[("If-Match", &etag)]).await;
        res.assert_problem(412, "precondition_failed");
        // Any representation of the current version matches (fields, language, weak).
        let fields = app.get(&format!("{path}?fields=id,title")).await.header("etag").unwrap();
        assert_ne!(fields, newer);
        let weak = format!("W/{fields}");
        let res = app.request(actix_web::http::Method::PATCH, &path, Some(&editor), Some(&json!({"summary": "Tóm tắt"})), &[("If-Match", &weak)]).await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        // A list's ETag names no version: never a match. `*` matches what exists.
        let list = app.get("/api/v1/articles").await.header("etag").unwrap();
        let res = app.request(actix_web::http::Method::PATCH, &path, Some(&editor), Some(&json!({"summary": "x"})), &[("If-Match", &list)]).await;
        res.assert_problem(412, "precondition_failed");
        let res = app.request(actix_web::http::Method::DELETE, &path, Some(&editor), None, &[("If-Match", "*")]).await;
        assert_eq!(res.status, 204);
        let res = app.request(actix_web::http::Method::DELETE, &path, Some(&editor), None, &[("If-Match", "*")]).await;
        res.assert_problem(404, "not_found");
        // Every resource editors write takes it.
        let tag = created(&app, &editor, "/api/v1/tags", json!({"name": "Thời sự"})).await;
        let stale = app.get(&format!("/api/v1/tags/{}", tag["id"])).await.header("etag").unwrap();
        changed(&app, &editor, &format!("/api/v1/tags/{}", tag["id"]), json!({"name": "Thời sự 24h"})).await;
        let res = app.request(actix_web::http::Method::DELETE, &format!("/api/v1/tags/{}", tag["id"]), Some(&editor), None, &[("If-Match", &stale)]).await;
        res.assert_problem(412, "precondition_failed");
    }
}

on_both_engines! {
    async fn renamed_slugs_lead_to_the_item() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let article = app.create_article(&editor, json!({"title": "Khai mạc lễ hội", "status": "published"})).await;
        let old = article["slug"].as_str().unwrap().to_string();
        changed(&app, &editor, &format!("/api/v1/articles/{old}"), json!({"slug": "le-hoi-2022"})).await;
        changed(&app, &editor, "/api/v1/articles/le-hoi-2022", json!({"slug": "le-hoi-hong-linh-2022"})).await;
        for gone in [old.as_str(), "le-hoi-2022"] {
            let res = app.get(&format!("/api/v1/articles/{gone}?fields=id,title")).await;
            assert_eq!(res.status, 301, "{gone}");
            let location = res.header("location").unwrap();
            assert!(location.starts_with("http://127.0.0.1:"), "{location}");
            assert!(location.ends_with("/api/v1/articles/le-hoi-hong-linh-2022?fields=id,title"), "{location}");
        }
        // A new item may take an old slug: then it answers, not the redirect.
        let taken = app.create_article(&editor, json!({"title": "Khác", "slug": "le-hoi-2022", "status": "published"})).await;
        assert_eq!(app.get("/api/v1/articles/le-hoi-2022").await.json()["id"], taken["id"]);
        // Writes never follow an old slug.
        app.patch(&format!("/api/v1/articles/{old}"), &editor, &json!({"title": "x"})).await.assert_problem(404, "not_found");
        // The same for events, officials, organizations, categories and tags.
        for (path, body) in [
            ("/api/v1/events", json!({"title": "Hội nghị", "starts_at": "2022-07-19T08:00:00+07:00"})),
            ("/api/v1/officials", json!({"full_name": "Đặng Thanh Hải"})),
            ("/api/v1/organizations", json!({"name": "Thị ủy", "kind": "party_committee"})),
            ("/api/v1/categories", json!({"name": "Tin tức"})),
            ("/api/v1/tags", json!({"name": "Lễ hội"})),
        ] {
            let item = created(&app, &editor, path, body).await;
            let slug = item["slug"].as_str().unwrap();
            changed(&app, &editor, &format!("{path}/{slug}"), json!({"slug": "ten-moi"})).await;
            let res = app.get(&format!("{path}/{slug}")).await;
            assert_eq!(res.status, 301, "{path}");
            assert!(res.header("location").unwrap().ends_with(&format!("{path}/ten-moi")));
        }
        // Deleting an item forgets its old slugs.
        deleted(&app, &editor, "/api/v1/tags/ten-moi").await;
        app.get("/api/v1/tags/le-hoi").await.assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn updated_since_works_on_every_list() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let org = created(&app, &editor, "/api/v1/organizations", json!({"name": "Thị ủy", "kind": "party_committee"})).await;
        let other_org = created(&app, &editor, "/api/v1/organizations", json!({"name": "HĐND", "kind": "peoples_council"})).await;
        let official = created(&app, &editor, "/api/v1/officials", json!({"full_name": "Đặng Thanh Hải", "positions": [{"organization_id": org["id"], "title": "Bí thư", "started_on": "2020-01-01"}]})).await;
        created(&app, &editor, "/api/v1/officials", json!({"full_name": "Nguyễn Thăng Long", "positions": [{"organization_id": org["id"], "title": "Phó Bí thư", "started_on": "2020-01-01"}]})).await;
        let event = created(&app, &editor, "/api/v1/events", json!({"title": "Giao ban", "starts_at": "2022-07-19T08:00:00+07:00"})).await;
        created(&app, &editor, "/api/v1/events", json!({"title": "Tiếp dân", "starts_at": "2022-07-20T08:00:00+07:00"})).await;
        let article = app.create_article(&editor, json!({"title": "Tin một", "status": "published", "tags": ["A", "B"]})).await;
        app.create_article(&editor, json!({"title": "Tin hai", "status": "published"})).await;
        let category = created(&app, &editor, "/api/v1/categories", json!({"name": "Tin tức"})).await;
        created(&app, &editor, "/api/v1/categories", json!({"name": "Thông báo"})).await;
        let a = article["id"].as_i64().unwrap();
        let first = post_comment(&app, a, "Ý kiến một").await;
        let second = post_comment(&app, a, "Ý kiến hai").await;
        changed(&app, &moderator, &format!("/api/v1/comments/{first}"), json!({"status": "approved"})).await;
        changed(&app, &moderator, &format!("/api/v1/comments/{second}"), json!({"status": "approved"})).await;

        app.clock.advance(chrono::Duration::days(1));
        let since = app.now().and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true).replace('+', "%2B");
        changed(&app, &editor, &format!("/api/v1/organizations/{}", other_org["id"]), json!({"phone": "0239 3836 111"})).await;
        changed(&app, &editor, &format!("/api/v1/officials/{}", official["id"]), json!({"bio": "Quê Hà Tĩnh"})).await;
        changed(&app, &editor, &format!("/api/v1/events/{}", event["id"]), json!({"location": "Hội trường"})).await;
        changed(&app, &editor, &format!("/api/v1/articles/{a}"), json!({"summary": "Đã sửa"})).await;
        changed(&app, &editor, &format!("/api/v1/categories/{}", category["id"]), json!({"description": "Mới"})).await;
        let tag = app.get("/api/v1/tags").await.json()["data"][0].clone();
        changed(&app, &editor, &format!("/api/v1/tags/{}", tag["id"]), json!({"name": "A mới"})).await;
        changed(&app, &moderator, &format!("/api/v1/comments/{second}"), json!({"status": "approved"})).await;

        for (path, expected) in [
            ("/api/v1/organizations", other_org["id"].clone()),
            ("/api/v1/officials", official["id"].clone()),
            ("/api/v1/events", event["id"].clone()),
            ("/api/v1/articles", json!(a)),
            ("/api/v1/categories", category["id"].clone()),
            ("/api/v1/tags", tag["id"].clone()),
            (&format!("/api/v1/articles/{a}/comments") as &str, json!(second)),
        ] {
            let page = app.get(&format!("{path}?updated_since={since}")).await;
            assert_eq!(page.status, 200, "{path}: {}", String::from_utf8_lossy(&page.body));
            let ids: Vec<Value> = page.json()["data"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
            assert_eq!(ids, vec![expected], "{path}");
        }
        let queue = app.get_as(&format!("/api/v1/comments?status=approved&updated_since={since}"), &moderator).await.json();
        assert_eq!(queue["data"].as_array().unwrap().len(), 1);
        app.get("/api/v1/events?updated_since=yesterday").await.assert_problem(400, "invalid_parameter");
    }
}
