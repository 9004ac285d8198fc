use std::time::Duration;

use crate::helpers::{TestApp, CHALLENGE_ANSWER};
use bantin::db::DbPool;
use bantin::transfer::{export, import, ExportSummary};
use bantin::users::model::NewUser;
use serde_json::{json, Value};

/// A migrated database of the current engine, and what keeps it alive.
fn fresh_pool() -> (DbPool, tempfile::TempDir, Option<crate::helpers::Schema>) {
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database(dir.path());
    let pool = bantin::db::connect(&url, 2, Duration::from_secs(10)).unwrap();
    (pool, dir, schema)
}

fn export_of(pool: &DbPool, now: chrono::NaiveDateTime) -> (String, ExportSummary) {
    let mut conn = pool.get().unwrap();
    let mut out = Vec::new();
    let summary = export(&mut conn, &mut out, now, &bantin::progress::Progress::hidden()).unwrap();
    (String::from_utf8(out).unwrap(), summary)
}

async fn comment(app: &TestApp, article: i64, body: &str, parent: Option<i64>) -> i64 {
    let challenge = app.post("/api/v1/challenges", None, &json!({})).await;
    assert_eq!(challenge.status, 201, "{}", String::from_utf8_lossy(&challenge.body));
    let mut input = json!({"author_name": "Nguyễn Văn An", "author_email": "an.nguyen@example.vn", "body": body,
        "challenge_id": challenge.json()["id"], "challenge_answer": CHALLENGE_ANSWER.to_lowercase()});
    if let Some(parent) = parent {
        input["parent_id"] = json!(parent);
    }
    let res = app
        .post(&format!("/api/v1/articles/{article}/comments"), None, &input)
        .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    res.json()["id"].as_i64().unwrap()
}

async fn organization(app: &TestApp, token: &str, body: Value) -> i64 {
    let res = app.post("/api/v1/organizations", Some(token), &body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()["id"].as_i64().unwrap()
}

async fn body_of(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
    res.json()
}

/// A site built on SQLite moves to PostgreSQL (or, without a server, to
/// another SQLite file) and serves exactly the same content there.
#[actix_web::test]
async fn a_site_moves_between_engines_unchanged() {
    crate::helpers::use_engine(crate::helpers::Engine::Sqlite);
    let source = TestApp::spawn().await;
    {
        let mut conn = source.state.pool.get().unwrap();
        bantin::demo::load(&mut conn, source.now()).unwrap();
        bantin::stats::store::add_visits(&mut conn, 42).unwrap();
    }
    let editor = source.token("editor").await;
    let moderator = source.token("moderator").await;

    // An organization whose parent was created after it (a larger id).
    let child = organization(
        &source,
        &editor,
        json!({"name": "Phòng Văn hóa - Thông tin", "kind": "department"}),
    )
    .await;
    let parent = organization(
        &source,
        &editor,
        json!({"name": "UBND phường Bắc Hồng", "kind": "peoples_committee"}),
    )
    .await;
    assert!(parent > child);
    let res = source
        .patch(
            &format!("/api/v1/organizations/{child}"),
            &editor,
            &json!({"parent_id": parent}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));

    // An article with an author, a category, tags and links to an official and an event.
    let category = body_of(&source, "/api/v1/categories").await["data"][0]["id"].clone();
    let official = body_of(&source, "/api/v1/officials").await["data"][0]["id"].clone();
    let event = body_of(&source, "/api/v1/events").await["data"][0]["id"].clone();
    let article = source
        .create_article(
            &editor,
            json!({"title": "Hồng Lĩnh chuyển cổng thông tin sang máy chủ mới",
                "summary": "Toàn bộ tin bài, lịch công tác và ý kiến bạn đọc được giữ nguyên.",
                "body": "<p>Cổng thông tin thị xã Hồng Lĩnh chuyển sang máy chủ mới.</p>",
                "status": "published", "category_id": category, "tags": ["Chuyển đổi số", "Hội nghị giao ban"],
                "official_ids": [official], "event_ids": [event]}),
        )
        .await;
    let article_id = article["id"].as_i64().unwrap();

    // Comments (approved, a pending reply) and ratings.
    let first = comment(&source, article_id, "Mong cổng thông tin chạy nhanh hơn.", None).await;
    let res = source
        .patch(
            &format!("/api/v1/comments/{first}"),
            &moderator,
            &json!({"status": "approved"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    comment(&source, article_id, "Đồng ý, trang cũ tải rất chậm.", Some(first)).await;
    for (visitor, score) in [(source.visitor_id(), 5), (source.visitor_id(), 3)] {
        let res = source
            .request(
                actix_web::http::Method::POST,
                &format!("/api/v1/articles/{article_id}/ratings"),
                None,
                Some(&json!({"score": score})),
                &[("X-Visitor-Id", &visitor)],
            )
            .await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    }

    // A renamed slug, an API key that was used, a webhook (switched off: it
    // must send nothing from here).
    let old_slug = article["slug"].as_str().unwrap().to_string();
    let res = source
        .patch(
            &format!("/api/v1/articles/{article_id}"),
            &editor,
            &json!({"slug": "cong-thong-tin-may-chu-moi"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let article = res.json();
    let admin = source.token("admin").await;
    let res = source
        .post(
            "/api/v1/keys",
            Some(&admin),
            &json!({"name": "Ứng dụng", "kind": "content"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let key = res.json()["secret"].as_str().unwrap().to_string();
    assert_eq!(source.get(&format!("/api/v1/tags?key={key}")).await.status, 200);
    bantin::jobs::flush_counts(&source.state);
    let res = source
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            &json!({"name": "Cổng tỉnh", "url": "http://127.0.0.1:9/hook", "events": ["*"], "active": false}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));

    let (exported, summary) = export_of(&source.state.pool, source.now());
    for table in [
        "users",
        "categories",
        "tags",
        "organizations",
        "officials",
        "positions",
        "articles",
        "article_tags",
        "events",
        "event_officials",
        "article_officials",
        "article_events",
        "comments",
        "ratings",
        "article_stats",
        "site_counters",
        "changes",
        "slug_history",
        "api_keys",
        "api_key_usage",
        "webhooks",
    ] {
        assert!(summary.count(table) > 0, "{table} has rows: {summary}");
    }
    assert_eq!(summary.total(), exported.lines().count() as u64 - 2, "{summary}");
    assert!(!exported.contains("search_index"), "the index marker stays behind");
    let header: Value = serde_json::from_str(exported.lines().next().unwrap()).unwrap();
    assert_eq!(header["format"], "bantin-export");
    assert_eq!(header["version"], 4);
    assert_eq!(header["source_engine"], "sqlite");
    let end: Value = serde_json::from_str(exported.lines().last().unwrap()).unwrap();
    assert_eq!(end["end"], Value::Bool(true));
    assert_eq!(end["rows"]["organizations"], summary.count("organizations"));

    // Into PostgreSQL when there is a server, else into another SQLite file.
    let dir = tempfile::tempdir().unwrap();
    let schema = crate::helpers::postgres_server().map(|_| crate::helpers::Schema::create());
    let url = match &schema {
        Some(schema) => schema.url.clone(),
        None => dir.path().join("moved.db").to_string_lossy().into_owned(),
    };
    let target = bantin::db::connect(&url, 2, Duration::from_secs(10)).unwrap();
    let imported = {
        let mut conn = target.get().unwrap();
        import(&mut conn, exported.as_bytes()).unwrap()
    };
    assert_eq!(imported.rows, summary.rows);
    assert_eq!(imported.source_engine, "sqlite");
    assert!(imported.indexed > 0, "{imported}");

    // The same file comes back out, but for the header.
    let (again, _) = export_of(&target, source.now());
    let before: Vec<&str> = exported.lines().collect();
    let after: Vec<&str> = again.lines().collect();
    assert_eq!(before.len(), after.len());
    for (number, (b, a)) in before.iter().zip(&after).enumerate().skip(1) {
        assert_eq!(b, a, "line {}", number + 1);
    }
    let header: Value = serde_json::from_str(after[0]).unwrap();
    assert_eq!(
        header["source_engine"],
        if schema.is_some() { "postgres" } else { "sqlite" }
    );

    // And the moved site answers as the old one did.
    let moved = TestApp::spawn_with(|c| c.database_url = url.clone()).await;
    let comments = format!("/api/v1/articles/{article_id}/comments");
    let ratings = format!("/api/v1/articles/{article_id}/ratings");
    for path in [
        "/api/v1/articles?limit=100",
        "/api/v1/articles?limit=100&include=officials,events",
        "/api/v1/officials",
        "/api/v1/officials?include_former=true",
        "/api/v1/events",
        "/api/v1/events?include=articles",
        "/api/v1/organizations",
        "/api/v1/organizations?tree=true",
        "/api/v1/categories",
        "/api/v1/tags",
        "/api/v1/search?q=hong%20linh",
        "/api/v1/changes?limit=500",
        comments.as_str(),
        ratings.as_str(),
    ] {
        let (mut before, mut after) = (body_of(&source, path).await, body_of(&moved, path).await);
        if path.starts_with("/api/v1/changes") {
            // The same changes; a token of the new site's own epoch (one from
            // the old site would be 410 there).
            assert_ne!(before["meta"]["next"], after["meta"]["next"]);
            before["meta"]["next"] = Value::Null;
            after["meta"]["next"] = Value::Null;
        }
        assert_eq!(before, after, "{path}");
    }
    // Last: reading an article counts a view (in memory, written later).
    let slug = article["slug"].as_str().unwrap();
    let mut old = body_of(&source, &format!("/api/v1/articles/{slug}")).await;
    let mut new = body_of(&moved, &format!("/api/v1/articles/{slug}")).await;
    old.as_object_mut().unwrap().remove("view_count");
    new.as_object_mut().unwrap().remove("view_count");
    assert_eq!(old, new);
    assert_eq!(new["comment_count"], 1);
    assert_eq!(new["tags"].as_array().unwrap().len(), 2);
    // Old links, keys and hooks came along.
    let res = moved.get(&format!("/api/v1/articles/{old_slug}")).await;
    assert_eq!(res.status, 301);
    assert!(res
        .header("location")
        .unwrap()
        .ends_with("/api/v1/articles/cong-thong-tin-may-chu-moi"));
    assert_eq!(moved.get(&format!("/api/v1/tags?key={key}")).await.status, 200);
    let moved_admin = moved.login("admin", crate::helpers::PASSWORD).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let hooks = moved.get_as("/api/v1/webhooks", &moved_admin).await.json();
    assert_eq!(hooks["data"][0]["name"], "Cổng tỉnh");
    assert_eq!(hooks["data"][0]["active"], false);

    // Users sign in again with their passwords; new rows get new ids.
    let res = moved.login("editor", crate::helpers::PASSWORD).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let token = res.json()["access_token"].as_str().unwrap().to_string();
    let fresh = moved
        .create_article(
            &token,
            json!({"title": "Bài đầu tiên trên máy chủ mới", "tags": ["Máy chủ mới"]}),
        )
        .await;
    assert!(fresh["id"].as_i64().unwrap() > article_id);
    let res = moved
        .post(
            "/api/v1/organizations",
            Some(&token),
            &json!({"name": "Phòng Tài chính - Kế hoạch", "kind": "department", "parent_id": parent}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert!(res.json()["id"].as_i64().unwrap() > parent);
}

on_both_engines! {
    async fn import_refuses_a_non_empty_database_and_a_truncated_file() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .unwrap()
            .and_hms_opt(5, 7, 28)
            .unwrap();
        let (source, _source_dir, _source_schema) = fresh_pool();
        bantin::demo::load(&mut source.get().unwrap(), now).unwrap();
        let (exported, summary) = export_of(&source, now);
        assert_eq!(summary.count("articles"), 5);
        assert!(exported.starts_with(
            r#"{"format":"bantin-export","version":4,"exported_at":"2026-11-27T05:07:28","source_engine":"#
        ));
        // The header names the personal data the file holds.
        let header: serde_json::Value = serde_json::from_str(exported.lines().next().unwrap()).unwrap();
        let personal: Vec<&str> = header["personal_data"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert!(personal.contains(&"comments.author_email") && personal.contains(&"users.password_hash"));

        // A database that already has a user: refused, and nothing changes.
        let (taken, _taken_dir, _taken_schema) = fresh_pool();
        {
            let mut conn = taken.get().unwrap();
            bantin::users::store::create(
                &mut conn,
                &NewUser {
                    username: "admin",
                    display_name: "Quản trị",
                    password_hash: "x",
                    role: "admin",
                    created_at: now,
                    updated_at: now,
                },
            )
            .unwrap();
            let error = format!("{:#}", import(&mut conn, exported.as_bytes()).unwrap_err());
            assert!(error.contains("not empty") && error.contains("users: 1"), "{error}");
        }
        let (_, after) = export_of(&taken, now);
        assert_eq!(after.count("users"), 1);
        assert_eq!(after.total(), 1, "{after}");

        let (target, _target_dir, _target_schema) = fresh_pool();
        let mut conn = target.get().unwrap();
        // Cut short: without its end line the file is refused, and nothing stays.
        let lines: Vec<&str> = exported.lines().collect();
        let truncated = lines[..lines.len() - 1].join("\n");
        let error = format!("{:#}", import(&mut conn, truncated.as_bytes()).unwrap_err());
        assert!(error.contains("end line"), "{error}");
        assert_eq!(export_of(&target, now).1.total(), 0);
        // Counts that differ from the end line's (a row nothing refers to is missing).
        let mut without_a_row = lines.clone();
        let rating = without_a_row
            .iter()
            .position(|l| l.starts_with(r#"{"table":"ratings""#))
            .unwrap();
        without_a_row.remove(rating);
        let error = format!("{:#}", import(&mut conn, without_a_row.join("\n").as_bytes()).unwrap_err());
        assert!(error.contains("end line") && error.contains("ratings"), "{error}");
        assert_eq!(export_of(&target, now).1.total(), 0);
        // A version this bantin does not know.
        let newer = exported.replacen(r#""version":4"#, r#""version":99"#, 1);
        let error = format!("{:#}", import(&mut conn, newer.as_bytes()).unwrap_err());
        assert!(error.contains("version 99") && error.contains("version 4"), "{error}");
        // An unknown table, named with its line.
        let mut unknown = lines.clone();
        unknown.insert(1, r#"{"table":"secrets","row":{"name":"jwt","value":"x"}}"#);
        let error = format!("{:#}", import(&mut conn, unknown.join("\n").as_bytes()).unwrap_err());
        assert!(error.contains("line 2") && error.contains("secrets"), "{error}");
        // A row with a column this version does not have (line 2: users has no rows).
        let bad = exported.replacen(
            r#"{"table":"categories","row":{"#,
            r#"{"table":"categories","row":{"nickname":"x","#,
            1,
        );
        assert_ne!(bad, exported);
        let error = format!("{:#}", import(&mut conn, bad.as_bytes()).unwrap_err());
        assert!(
            error.contains("line 2") && error.contains("categories") && error.contains("nickname"),
            "{error}"
        );
        assert_eq!(export_of(&target, now).1.total(), 0);

        // After all that, the whole file goes in.
        let imported = import(&mut conn, exported.as_bytes()).unwrap();
        assert_eq!(imported.rows, summary.rows);
        assert!(imported.to_string().starts_with("imported "), "{imported}");
        drop(conn);
        let (again, _) = export_of(&target, now);
        assert_eq!(again.lines().skip(1).collect::<Vec<_>>(), &lines[1..]);
    }
}
