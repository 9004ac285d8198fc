use crate::helpers::TestApp;
use serde_json::json;

on_both_engines! {
    async fn categories_crud_with_slugs_and_roles() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        let created = app
            .post(
                "/api/v1/categories",
                Some(&editor),
                &json!({"name": "Xây dựng Đảng", "description": "Công tác Đảng"}),
            )
            .await;
        assert_eq!(created.status, 201);
        let cat = created.json();
        assert_eq!(cat["slug"], "xay-dung-dang");
        assert_eq!(
            created.header("location"),
            Some(format!("{}/api/v1/categories/{}", app.base, cat["id"])),
            "absolute, from BANTIN_PUBLIC_URL"
        );
        let second = app
            .post("/api/v1/categories", Some(&editor), &json!({"name": "Xây dựng  Đảng"}))
            .await
            .json();
        assert_eq!(second["slug"], "xay-dung-dang-2");
        app.post(
            "/api/v1/categories",
            Some(&editor),
            &json!({"name": "X", "slug": "xay-dung-dang"}),
        )
        .await
        .assert_problem(409, "slug_taken");
        app.post("/api/v1/categories", Some(&editor), &json!({"name": ""}))
            .await
            .assert_problem(422, "validation_failed");
        app.post(
            "/api/v1/categories",
            Some(&editor),
            &json!({"name": "X", "slug": "Có Dấu"}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.post("/api/v1/categories", Some(&moderator), &json!({"name": "X"}))
            .await
            .assert_problem(403, "forbidden");
        app.post("/api/v1/categories", None, &json!({"name": "X"}))
            .await
            .assert_problem(401, "unauthorized");

        assert_eq!(
            app.get("/api/v1/categories/xay-dung-dang").await.json()["id"],
            cat["id"]
        );
        let list = app.get("/api/v1/categories").await.json();
        assert_eq!(list["meta"]["total"], 2);

        let changed = app
            .patch(
                "/api/v1/categories/xay-dung-dang",
                &editor,
                &json!({"description": null, "name": "Xây dựng Đảng bộ"}),
            )
            .await;
        assert_eq!(changed.status, 200);
        let changed = changed.json();
        assert!(changed["description"].is_null());
        assert_eq!(changed["slug"], "xay-dung-dang", "renaming keeps the slug");
        app.patch(
            "/api/v1/categories/xay-dung-dang",
            &editor,
            &json!({"slug": "xay-dung-dang-2"}),
        )
        .await
        .assert_problem(409, "slug_taken");

        // A category in use cannot be deleted; once unused it can.
        let article = app
            .create_article(&editor, json!({"title": "Bài", "category_id": cat["id"]}))
            .await;
        assert_eq!(article["category"]["slug"], "xay-dung-dang");
        app.delete("/api/v1/categories/xay-dung-dang", &editor)
            .await
            .assert_problem(409, "in_use");
        app.patch(
            &format!("/api/v1/articles/{}", article["id"]),
            &editor,
            &json!({"category_id": null}),
        )
        .await;
        assert_eq!(
            app.delete("/api/v1/categories/xay-dung-dang", &editor).await.status,
            204
        );
        app.get("/api/v1/categories/xay-dung-dang")
            .await
            .assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn tags_are_created_from_articles_and_removed_cleanly() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let article = app.create_article(&editor, json!({"title": "Bài", "status": "published", "tags": ["Mặt trận Tổ quốc", "mặt trận tổ quốc", "Đoàn thể"]})).await;
        let slugs: Vec<&str> = article["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["slug"].as_str().unwrap())
            .collect();
        assert_eq!(
            slugs,
            ["mat-tran-to-quoc", "doan-the"],
            "the same tag twice is kept once"
        );
        let tags = app.get("/api/v1/tags").await.json();
        assert_eq!(tags["meta"]["total"], 2);
        // Reusing an existing tag does not create a new one.
        app.create_article(&editor, json!({"title": "Bài 2", "tags": ["Đoàn thể"]}))
            .await;
        assert_eq!(app.get("/api/v1/tags").await.json()["meta"]["total"], 2);
        // Deleting a tag removes it from articles.
        assert_eq!(app.delete("/api/v1/tags/doan-the", &editor).await.status, 204);
        let again = app.get(&format!("/api/v1/articles/{}", article["id"])).await.json();
        assert_eq!(again["tags"].as_array().unwrap().len(), 1);
        // Replacing tags with an empty list clears them.
        let cleared = app
            .patch(
                &format!("/api/v1/articles/{}", article["id"]),
                &editor,
                &json!({"tags": []}),
            )
            .await
            .json();
        assert!(cleared["tags"].as_array().unwrap().is_empty());
    }
}
